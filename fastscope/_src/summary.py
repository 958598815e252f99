"""``tf.summary`` (TF1): scalar summaries, merging, and ``FileWriter`` for TensorBoard.

>>> import os, tempfile
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
import os
import re
import socket
import threading
import time

import numpy as np

from fastscope._src import dtypes as _dt
from fastscope._src import event_file as _ef
from fastscope._src import ops as _ops
from fastscope._src.graph import Graph, GraphKeys, get_collection
from fastscope._src.tensor_shape import TensorShape

_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w\.]")


def _clean_tag(name):
    """TF's tag clean-up: illegal characters become '_', a leading '/' goes."""
    if name is None:
        return None
    new = _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")
    return new


_SCALAR_TYPES = ("float32", "float64", "int32", "uint8", "int16", "int8", "int64", "uint16",
                 "float16", "uint32", "uint64")


# -- summary ops ------------------------------------------------------------------------------
def _scalar_kernel(ctx, op, value):
    v = np.asarray(value)
    if v.ndim != 0:
        raise ctx.errors.InvalidArgumentError(
            None, op, "tags and values are not the same shape: [] != %s (tag '%s')"
            % (list(v.shape), op._attrs["tag"]))
    return _ef.scalar_summary(op._attrs["tag"], v)


def scalar(name, tensor, collections=None, family=None):
    """A scalar summary (op ``ScalarSummary``): a serialized ``Summary`` string.

    The tag is the op's name scope path (TF's rule), prefixed by ``family`` when given.

    Raises:
      TypeError: a tensor that is not real-valued.
      InvalidArgumentError (at run time): a value that is not a scalar.
    """
    name = _clean_tag(name)
    family = _clean_tag(family)
    tensor = _ops.convert_to_tensor(tensor)
    dt = tensor.dtype.base_dtype
    if dt.name not in _SCALAR_TYPES:
        raise TypeError("Value passed to parameter 'values' has DataType %s not in list of "
                        "allowed values: %s" % (dt.name, ", ".join(_SCALAR_TYPES)))
    base = name if family is None else "%s/%s" % (family, name)
    g = _ops.graph_for((tensor,))
    with g.name_scope(base) as scope:
        tag = scope.rstrip("/") if family is None else "%s/%s" % (family, scope.rstrip("/"))
        op = g._add_op("ScalarSummary", scope.rstrip("/"), (tensor,),
                       [(_dt.string, TensorShape([]))], {"T": dt, "tag": tag}, _scalar_kernel)
    out = op._outputs[0]
    for key in (collections if collections is not None else [GraphKeys.SUMMARIES]):
        g.add_to_collection(key, out)
    return out


def _merge_kernel(ctx, op, *summaries):
    seen = set()
    for s in summaries:
        for tag in _ef.summary_tags(s):
            if tag in seen:
                raise ctx.errors.InvalidArgumentError(
                    None, op, "Duplicate tag %s found in summary inputs" % tag)
            seen.add(tag)
    # concatenated serialized messages are the merged message (repeated field 1)
    return b"".join(summaries)


def merge(inputs, collections=None, name=None):
    """Merges summaries (op ``MergeSummary``); duplicate tags fail at run time.

    Raises:
      TypeError: an input that is not a string tensor.
    """
    inputs = [_ops.convert_to_tensor(t) for t in inputs]
    for t in inputs:
        if t.dtype.base_dtype is not _dt.string:
            raise TypeError("Input 'inputs' of 'MergeSummary' Op has type %s that does not "
                            "match expected type of string." % t.dtype.name)
    g = _ops.graph_for(inputs)
    with g.name_scope(name or "Merge"):
        op = g._add_op("MergeSummary", _ops.op_name(g, name, "MergeSummary"), tuple(inputs),
                       [(_dt.string, TensorShape([]))], {"N": len(inputs)}, _merge_kernel)
    out = op._outputs[0]
    for key in collections or ():
        g.add_to_collection(key, out)
    return out


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """Merges every summary in collection ``key``; None when there are none."""
    summaries = get_collection(key, scope=scope)
    return merge(summaries, name=name) if summaries else None


def _not_built(what):
    def fn(*args, **kwargs):
        raise NotImplementedError("fastscope: tf.summary.%s is not built yet; tf.summary.scalar, "
                                  "merge, merge_all and FileWriter are" % what)
    fn.__name__ = what
    fn.__doc__ = "Not built yet: raises NotImplementedError."
    return fn


histogram = _not_built("histogram")
image = _not_built("image")
audio = _not_built("audio")
text = _not_built("text")


# -- FileWriter -------------------------------------------------------------------------------
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
        os.makedirs(self._logdir, exist_ok=True)
        now = time.time()
        path = os.path.join(self._logdir, "events.out.tfevents.%010d.%s%s"
                            % (int(now), socket.gethostname(), self._suffix))
        self._file = open(path, "ab")
        self._path = path
        self._write(_ef.event(now, file_version="brain.Event:2"))

    def _write(self, event):
        with self._lock:
            if self._file is None:
                raise RuntimeError("FileWriter for %s is closed; call reopen()" % self._logdir)
            self._file.write(_ef.record(event))

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
        with self._lock:
            if self._file is not None:
                self._file.flush()

    def close(self):
        with self._lock:
            if self._file is not None:
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
