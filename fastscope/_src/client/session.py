"""``Session``: runs fetches of the graph, holding the variables' values.

``run`` compiles each distinct (fetches, feed keys) request once into a plan:
the ops it needs in dependency order, each with the slots of its inputs;
constants are baked into the plan. Later calls only execute the plan, which
keeps the per-call overhead to a few microseconds.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     x = tf.placeholder(tf.float32, [2])
...     with tf.Session() as sess:
...         print(sess.run(x * 2, feed_dict={x: [1, 2]}))
[2. 4.]
"""
import math
import threading

import numpy as np

from fastscope._src import kernels
from fastscope._src.client import executor
from fastscope._src.client.plan import compile_plan, flatten_fetches, resolve_fetch
from fastscope._src.framework import composites, session_stack
from fastscope._src.framework import errors as _errors
from fastscope._src.framework.graph import get_default_graph
from fastscope._src.framework.tensor import Operation, Tensor


class GPUOptions:
    """Accepted for compatibility (fastscope runs on the CPU)."""

    def __init__(self, allow_growth=False, per_process_gpu_memory_fraction=0.0, **kwargs):
        self.allow_growth = allow_growth
        self.per_process_gpu_memory_fraction = per_process_gpu_memory_fraction
        self.__dict__.update(kwargs)


class ConfigProto:
    """Session configuration: ``intra_op_parallelism_threads`` (threads inside a kernel) and
    ``inter_op_parallelism_threads`` (independent ops at once); 0 means decide automatically.
    Device and GPU fields are accepted and ignored."""

    def __init__(self, intra_op_parallelism_threads=0, inter_op_parallelism_threads=0,
                 allow_soft_placement=False, log_device_placement=False, gpu_options=None,
                 device_count=None, **kwargs):
        self.intra_op_parallelism_threads = int(intra_op_parallelism_threads)
        self.inter_op_parallelism_threads = int(inter_op_parallelism_threads)
        self.allow_soft_placement = allow_soft_placement
        self.log_device_placement = log_device_placement
        self.gpu_options = gpu_options if gpu_options is not None else GPUOptions()
        self.device_count = dict(device_count or {})
        self.__dict__.update(kwargs)


class RunOptions:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


class RunMetadata:
    def __init__(self):
        self.step_stats = None


class VariableValues(dict):
    """A session's variable values (variable op -> array), knowing which buffers they are.

    ``Session.run`` must never hand out a view of a variable's buffer (a later
    assign would show through it, and writing into it would change the
    variable), so every buffer stored here is remembered by the identity of its
    base array, and a fetched array rooted in one of them is copied.
    """

    __slots__ = ("_roots",)

    def __init__(self):
        super().__init__()
        self._roots = {}    # id(base array) -> number of variables holding it

    def __setitem__(self, op, value):
        old = self.get(op)
        if old is not None:
            self._forget(old)
        super().__setitem__(op, value)
        key = id(_root(value))
        self._roots[key] = self._roots.get(key, 0) + 1

    def _forget(self, value):
        key = id(_root(value))
        n = self._roots.get(key, 0) - 1
        if n > 0:
            self._roots[key] = n
        else:
            self._roots.pop(key, None)

    def pop(self, op, *default):
        if op in self:
            self._forget(self[op])
        return super().pop(op, *default)

    def clear(self):
        super().clear()
        self._roots.clear()

    def holds(self, array):
        """Whether ``array`` is (or views) one of these variables' buffers."""
        return id(_root(array)) in self._roots


def _root(a):
    while isinstance(a, np.ndarray) and isinstance(a.base, np.ndarray):
        a = a.base
    return a


class Session:
    """Runs ops of a graph (``tf.Session``); variables' values live here.

    Args:
      target: accepted for compatibility; must be '' (in-process).
      graph: the graph to run (default: the default graph now).
      config: a ConfigProto (thread counts).
    """

    def __init__(self, target="", graph=None, config=None):
        if target not in ("", None):
            raise NotImplementedError("fastscope: only in-process sessions (target='') exist")
        self._graph = graph if graph is not None else get_default_graph()
        self._config = config if config is not None else ConfigProto()
        self._values = VariableValues()
        self._locks = {}
        self._plans = {}
        self._subplans = {}
        self._random_runs = {}
        self._rng = np.random.default_rng()
        self._closed = False
        self._lock = threading.Lock()
        intra = self._config.intra_op_parallelism_threads
        self.intra_threads = intra if intra > 0 else None
        inter = self._config.inter_op_parallelism_threads
        self.inter_threads = inter if inter > 0 else None
        self._default_cm = None

    graph = property(lambda self: self._graph)
    # The kernel context protocol (what ``kernel(ctx, op, ...)`` may use): ``values`` (variable
    # op -> array), ``intra_threads``, ``random_stream(op, key)``, ``lock_for(op)`` and
    # ``run_subgraph(sub, values)``.
    values = property(lambda self: self._values)
    graph_def = property(lambda self: None)
    sess_str = property(lambda self: "")

    def lock_for(self, op):
        """The lock of variable op ``op`` in this session (for ``use_locking=True`` updates)."""
        lock = self._locks.get(op)
        if lock is None:
            with self._lock:
                lock = self._locks.setdefault(op, threading.Lock())
        return lock

    def run_subgraph(self, sub, values):
        """Runs a control-flow sub-graph (the ops of a branch or loop body; If/While).

        Args:
          sub: a ``SubGraph`` (its context, target tensors and ops, fed tensors), made once
            when the If/While op is built; its plan is compiled once per session.
          values: the fed tensors' values, in order.

        Returns:
          The targets' values (None for ops), in order.
        """
        plan = self._subplans.get(sub)
        if plan is None:
            plan = self._subplans[sub] = compile_plan(
                list(sub.targets), {t: None for t in sub.feeds}, None, False, inside=sub.context)
        vals = list(plan.template)
        for s, v in zip(plan.feed_slots, values):
            vals[s] = v
        executor.run_steps(self, plan.steps, vals)
        return [None if s < 0 else vals[s] for s in plan.fetch_slots]

    def _load_variable(self, op, value):
        """Sets variable op ``op``'s value in this session (``Variable.load``)."""
        self._values[op] = value

    def random_stream(self, op, key):
        """(key, stream) for the next run of random op ``op`` in this session."""
        with self._lock:
            if key is None:
                return int(self._rng.integers(0, 2 ** 63)), 0
            n = self._random_runs.get(op, 0)
            self._random_runs[op] = n + 1
        return key, n

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Evaluates ``fetches`` (a tensor, op, variable, name, or nested list/tuple/dict of them).

        Raises:
          InvalidArgumentError: an unfed placeholder, a bad feed, a kernel failure.
          FailedPreconditionError: an uninitialised variable is read.
          RuntimeError: the session is closed.
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        single = isinstance(fetches, (Tensor, Operation))
        if feed_dict:
            feed_keys, feed_vals = self._feeds(feed_dict)
            fkey = tuple(feed_keys)
        else:
            fkey = ()
            feed_vals = ()
        try:
            plan = self._plans.get((fetches, fkey)) if single else None
        except TypeError:
            plan = None
        if plan is None:
            plan = self._plan(fetches, fkey, single)
        vals = list(plan.template)
        for s, v in zip(plan.feed_slots, feed_vals):
            vals[s] = v
        if plan.quiet:
            with np.errstate(all="ignore"):
                self._execute(plan, vals)
        else:
            self._execute(plan, vals)
        results = []
        state = self._values
        for s in plan.fetch_slots:
            if s < 0:
                results.append(None)
                continue
            v = vals[s]
            if isinstance(v, np.ndarray):
                # The caller owns what it gets: never a variable's buffer (a later assign
                # would show through it), never the graph's read-only constant.
                if not v.flags.writeable or state.holds(v):
                    v = v.copy()
                if v.ndim == 0:
                    v = v[()]
            results.append(v)
        if plan.single:
            return results[0]
        return plan.build(results)

    def _execute(self, plan, vals):
        if plan.parallel is None:
            executor.run_steps(self, plan.steps, vals)
        else:
            executor.execute(self, plan, vals)

    def _feeds(self, feed_dict):
        keys, values = [], []
        for k, v in feed_dict.items():
            parts = composites.feed_parts(k, v)
            for key, value in parts if parts is not None else ((k, v),):
                t = self._feed_tensor(key)
                keys.append(t)
                values.append(self._feed_value(t, value))
        return keys, values

    def _plan(self, fetches, fkey, single):
        leaves = []
        build = flatten_fetches(fetches, leaves)
        targets = [resolve_fetch(self._graph, f) for f in leaves]
        key = None
        try:
            key = (tuple(targets), type(fetches), fkey) if not single else (fetches, fkey)
            hash(key)
        except TypeError:
            key = None
        plan = self._plans.get(key) if key is not None and not single else None
        if plan is not None and plan.build is not None:
            return plan.with_build(build)
        plan = compile_plan(targets, {t: None for t in fkey}, build, single)
        if key is not None and len(self._plans) < 4096:
            self._plans[key] = plan
        return plan

    def _feed_tensor(self, key):
        if isinstance(key, Tensor):
            t = key
        else:
            try:
                t = self._graph.as_graph_element(key, allow_tensor=True, allow_operation=False)
            except (TypeError, ValueError, KeyError) as e:
                raise TypeError("Cannot interpret feed_dict key as Tensor: %s" % (e,)) from None
        if t._op._graph is not self._graph:
            raise ValueError("Tensor %s is not an element of this graph." % t)
        return t

    @staticmethod
    def _feed_value(t, value):
        if isinstance(value, Tensor):
            raise TypeError("The value of a feed cannot be a tf.Tensor object. Acceptable feed "
                            "values include Python scalars, strings, lists, numpy ndarrays, or "
                            "TensorHandles. For reference, the tensor object was %s which was "
                            "passed to the argument `feed_dict` with key %s." % (value, t))
        dt = t._dtype.base_dtype
        npd = dt._np if dt._np is not None else object
        if isinstance(value, int) and not isinstance(value, bool) and npd.kind in "iu":
            if np.array(value).astype(npd) != value:
                raise TypeError("Type of feed value %s with type %s is not compatible with Tensor "
                                "type %s. Try explicitly setting the type of the feed tensor to "
                                "a larger type (e.g. int64)." % (value, type(value), dt))
        try:
            arr = np.asarray(value, dtype=npd)
        except (TypeError, ValueError) as e:
            raise ValueError("Cannot feed value %r to Tensor %s of dtype %s: %s"
                             % (value, t.name, dt.name, e)) from None
        if not t._shape.is_compatible_with(arr.shape):
            raise ValueError("Cannot feed value of shape %r for Tensor %s, which has shape %s"
                             % (arr.shape, t.name, t._shape))
        if not (arr.flags.c_contiguous and arr.flags.aligned):
            # Kernels get contiguous, aligned, native values (TensorFlow copies feeds into its
            # own buffers too); a view whose logical size exceeds memory (a zero-stride
            # as_strided array) is refused rather than copied or iterated.
            nbytes = math.prod(arr.shape) * arr.itemsize
            if nbytes > kernels.memory_bytes():
                raise _errors.InvalidArgumentError(
                    None, None, "Cannot feed a value of shape %s (%d bytes) for Tensor %s: more "
                    "than this machine's memory" % (list(arr.shape), nbytes, t.name))
            arr = np.require(arr, requirements=("C", "A"))
        return arr

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self):
        self._closed = True
        self._values.clear()
        self._plans.clear()
        self._subplans.clear()

    def as_default(self):
        return _as_default(self)

    def list_devices(self):
        return []

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """A callable running ``fetches`` with positional feeds for ``feed_list``."""
        feed_list = list(feed_list or ())

        def call(*args, **kwargs):
            return self.run(fetches, dict(zip(feed_list, args)))
        return call

    def __enter__(self):
        self._default_cm = _as_default(self)
        self._default_cm.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        cm, self._default_cm = self._default_cm, None
        if cm is not None:
            cm.__exit__(exc_type, exc, tb)
        self.close()
        return False



class _AsDefault:
    """``with session.as_default():`` the default session, and its graph the default graph."""

    __slots__ = ("_session", "_graph_cm")

    def __init__(self, session):
        self._session = session
        self._graph_cm = None

    def __enter__(self):
        session_stack.push(self._session)
        self._graph_cm = self._session._graph.as_default()
        self._graph_cm.__enter__()
        return self._session

    def __exit__(self, *exc):
        self._graph_cm.__exit__(*exc)
        session_stack.remove(self._session)
        return False


_as_default = _AsDefault
get_default_session = session_stack.get_default_session


class InteractiveSession(Session):
    """A Session that installs itself as the default session on creation."""

    _interactive = True

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        session_stack.push(self)

    def close(self):
        super().close()
        session_stack.remove(self)
