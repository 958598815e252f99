"""``tf.summary.FileWriter``: TensorBoard event files of graphs and summaries.

>>> import tempfile
>>> import fastscope as tf
>>> with tf.Graph().as_default() as g:
...     loss = tf.summary.scalar("loss", tf.constant(0.5))
...     with tf.Session() as sess:
...         writer = tf.summary.FileWriter(tempfile.mkdtemp(), sess.graph)
...         writer.add_summary(sess.run(tf.summary.merge_all()), global_step=1)
...         writer.close()
>>> loss.name
'loss:0'
"""
import itertools
import os
import socket
import threading
import time

from fastscope._src.framework import errors as _errors
from fastscope._src.framework.graph import Graph
from fastscope._src.summary import event_file as _ef

_WRITER_IDS = itertools.count()


class FileWriter:
    """Writes an event file (``events.out.tfevents.<time>.<host>``) for TensorBoard.

    Args:
      logdir: directory, created if missing.
      graph: a Graph (e.g. ``sess.graph``) written as the run's graph.
      max_queue, flush_secs: accepted; events are written at once and flushed on
        ``flush()``/``close()``.
      graph_def: accepted for compatibility; use ``graph``.
      filename_suffix: appended to the event file's name.
      session: not supported (TF2's shared writer resource).
    """

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix=None, session=None):
        if session is not None:
            raise NotImplementedError("fastscope: FileWriter(session=...) is not supported")
        self._logdir = str(logdir)
        self._suffix = filename_suffix or ""
        self._lock = threading.Lock()
        self._file = None
        self._open()
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    def _open(self):
        logdir = self._logdir
        if os.path.exists(logdir) and not os.path.isdir(logdir):
            raise _errors.FailedPreconditionError(
                None, None, "%s is not a directory (FileWriter's logdir)" % logdir)
        try:
            os.makedirs(logdir, exist_ok=True)
        except OSError as e:
            raise _errors.from_os_error(e, logdir, "creating") from None
        now = time.time()
        # One file per writer: two writers started in the same second on one logdir must
        # not share a file, so the name carries the process and a per-process count.
        path = os.path.join(logdir, "events.out.tfevents.%010d.%s.%d.%d%s" % (
            int(now), socket.gethostname(), os.getpid(), next(_WRITER_IDS), self._suffix))
        try:
            self._file = open(path, "xb")
        except OSError as e:
            raise _errors.from_os_error(e, path) from None
        self._path = path
        self._write(_ef.event(now, file_version="brain.Event:2"))

    def _write(self, event):
        with self._lock:
            if self._file is None:
                raise RuntimeError("FileWriter for %s is closed; call reopen()" % self._logdir)
            try:
                self._file.write(_ef.record(event))
            except OSError as e:
                raise _errors.from_os_error(e, self._path, "writing") from None

    def get_logdir(self):
        return self._logdir

    def add_graph(self, graph, global_step=None, graph_def=None):
        """Writes ``graph`` (a Graph) as the run's graph.

        Raises:
          TypeError: ``graph`` is not a Graph.
        """
        if graph is None and graph_def is not None:
            raise NotImplementedError("fastscope: FileWriter takes a Graph, not a GraphDef")
        if not isinstance(graph, Graph):
            raise TypeError("graph must be a tf.Graph, got %r" % (graph,))
        self._write(_ef.event(time.time(), global_step or 0, graph_def=_ef.graph_def(graph)))

    def add_summary(self, summary, global_step=None):
        """Writes a summary: the bytes a summary op returns, or an object with
        ``SerializeToString()``.

        Raises:
          TypeError: anything else.
        """
        if hasattr(summary, "SerializeToString"):
            summary = summary.SerializeToString()
        if not isinstance(summary, bytes):
            raise TypeError("add_summary expects a serialized Summary (bytes), got %r"
                            % type(summary).__name__)
        self._write(_ef.event(time.time(), int(global_step or 0), summary=summary))

    def flush(self):
        """Writes what is buffered and syncs it to disk (a crash then loses nothing before)."""
        with self._lock:
            if self._file is not None:
                self._sync()

    def _sync(self):
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
        except OSError as e:
            raise _errors.from_os_error(e, self._path, "writing") from None

    def close(self):
        with self._lock:
            if self._file is not None:
                try:
                    self._sync()
                finally:
                    self._file.close()
                    self._file = None

    def reopen(self):
        """Opens a new event file after ``close()`` (no-op while open)."""
        if self._file is None:
            self._open()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
