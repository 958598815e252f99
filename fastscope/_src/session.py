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
import collections
import contextlib
import os
import threading

import numpy as np

from fastscope._src import errors as _errors
from fastscope._src import executor as _executor
from fastscope._src.graph import Operation, Tensor, get_default_graph
from fastscope._src.sparse_tensor import SparseTensor, SparseTensorValue

_STATE_READERS = frozenset(("VariableV2", "Assign", "AssignAdd", "AssignSub"))


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


# -- fetch structures ------------------------------------------------------------------------------
def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def _flatten_fetches(fetches, out):
    """Appends the leaves of ``fetches`` to ``out``; returns a function that rebuilds it."""
    if isinstance(fetches, SparseTensor):
        builder = _flatten_fetches(fetches._parts(), out)
        return lambda vals: SparseTensorValue(*builder(vals))
    if isinstance(fetches, (list, tuple)) and not _is_namedtuple(fetches):
        builders = [_flatten_fetches(f, out) for f in fetches]
        kind = type(fetches)
        if kind is list:
            return lambda vals: [b(vals) for b in builders]
        if kind is tuple:
            return lambda vals: tuple(b(vals) for b in builders)
        return lambda vals: kind(b(vals) for b in builders)
    if _is_namedtuple(fetches):
        builders = [_flatten_fetches(f, out) for f in fetches]
        kind = type(fetches)
        return lambda vals: kind(*[b(vals) for b in builders])
    if isinstance(fetches, collections.abc.Mapping):
        keys = list(fetches.keys())
        builders = [_flatten_fetches(fetches[k], out) for k in keys]
        kind = type(fetches)
        if kind is dict:
            return lambda vals: {k: b(vals) for k, b in zip(keys, builders)}
        return lambda vals: kind((k, b(vals)) for k, b in zip(keys, builders))
    index = len(out)
    out.append(fetches)
    return lambda vals: vals[index]


def _resolve_fetch(graph, f):
    if f is None:
        raise TypeError("Fetch argument None has invalid type %s" % type(None))
    hook = getattr(f, "_fetch_tensor", None)
    if hook is not None:
        f = hook()
    try:
        return graph.as_graph_element(f, allow_tensor=True, allow_operation=True)
    except TypeError as e:
        raise TypeError("Fetch argument %r has invalid type %s, must be a string or Tensor. (%s)"
                        % (f, type(f), e)) from None
    except ValueError as e:
        raise ValueError("Fetch argument %r cannot be interpreted as a Tensor. (%s)"
                         % (f, e)) from None
    except KeyError as e:
        raise ValueError("Fetch argument %r cannot be interpreted as a Tensor. (%s)"
                         % (f, e.args[0])) from None


def _sparse_feed(key, value):
    """The (indices, values, dense_shape) fed for SparseTensor ``key``."""
    if isinstance(value, SparseTensorValue) or (isinstance(value, tuple) and len(value) == 3):
        return tuple(value)
    raise TypeError("The feed for SparseTensor %s must be a SparseTensorValue or an (indices, "
                    "values, dense_shape) tuple, got %s" % (key, type(value).__name__))


# -- plans -----------------------------------------------------------------------------------------
class _Plan:
    __slots__ = ("template", "feed_slots", "steps", "fetch_slots", "copy_fetch", "build",
                 "single", "parallel")


def _needs_copy(t):
    """Whether a fetched value may alias session state (so the caller must get a copy)."""
    op = t._op
    for _ in range(3):
        if op._type in _STATE_READERS:
            return True
        if op._type != "Identity" or not op._inputs:
            return False
        op = op._inputs[0]._op
    return False


def _compile(targets, fed, build, single):
    """Orders the ops ``targets`` need (skipping those computing fed tensors) into steps."""
    slots = {}
    template = []
    steps = []
    visited = set()

    def slot_of(t):
        s = slots.get(t)
        if s is None:
            s = slots[t] = len(template)
            template.append(None)
        return s

    for t in fed:
        slot_of(t)
    for target in targets:
        root = target._op if isinstance(target, Tensor) else target
        if isinstance(target, Tensor) and target in fed:
            continue
        stack = [(root, False)]
        while stack:
            op, expanded = stack.pop()
            if op in visited and not expanded:
                continue
            if expanded:
                if op in visited:
                    continue
                visited.add(op)
                if op._type == "Const":
                    template[slot_of(op._outputs[0])] = op._attrs["value"]
                    continue
                ins = tuple(-1 if i in op._ref_inputs else slot_of(t)
                            for i, t in enumerate(op._inputs))
                outs = tuple(slot_of(t) for t in op._outputs)
                steps.append((op.kernel, op, ins, outs))
                continue
            stack.append((op, True))
            deps = [c for c in reversed(op._control_inputs)]
            for i in range(len(op._inputs) - 1, -1, -1):
                if i in op._ref_inputs:
                    continue
                t = op._inputs[i]
                if t in fed:
                    continue
                deps.append(t._op)
            for d in deps:
                if d not in visited:
                    stack.append((d, False))
    plan = _Plan()
    plan.template = template
    plan.feed_slots = [slots[t] for t in fed]
    plan.steps = steps
    plan.fetch_slots = [slot_of(t) if isinstance(t, Tensor) else -1 for t in targets]
    plan.copy_fetch = [isinstance(t, Tensor) and _needs_copy(t) for t in targets]
    plan.build = build
    plan.single = single
    plan.parallel = _executor.analyse(steps, plan.fetch_slots)
    return plan


def _execute(session, plan, vals):
    run_step = _executor.run_step
    for step in plan.steps:
        run_step(session, step, vals)


# -- sessions ----------------------------------------------------------------------------------------
class _DefaultSessions(threading.local):
    def __init__(self):
        self.stack = []


_default_sessions = _DefaultSessions()


def get_default_session():
    """The innermost session entered with ``as_default()`` (or ``with``) in this thread."""
    stack = _default_sessions.stack
    return stack[-1] if stack else None


def _clear_default_session():
    _default_sessions.stack[:] = [s for s in _default_sessions.stack
                                  if not isinstance(s, InteractiveSession)]


def _session_for(session, graph):
    if session is not None:
        return session
    session = get_default_session()
    if session is None:
        raise ValueError("Cannot evaluate tensor using `eval()`: No default session is "
                         "registered. Use `with sess.as_default()` or pass an explicit session "
                         "to `eval(session=sess)`")
    if session.graph is not graph:
        raise ValueError("Cannot use the given session to evaluate tensor: the tensor's graph is "
                         "different from the session's graph.")
    return session


class Session:
    """Runs ops of a graph (``tf.Session``); variables' values live here.

    Args:
      target: accepted for compatibility; must be '' (in-process).
      graph: the graph to run (default: the default graph now).
      config: a ConfigProto (thread counts).
    """

    errors = _errors

    def __init__(self, target="", graph=None, config=None):
        if target not in ("", None):
            raise NotImplementedError("fastscope: only in-process sessions (target='') exist")
        self._graph = graph if graph is not None else get_default_graph()
        self._config = config if config is not None else ConfigProto()
        self._values = {}
        self.values = self._values
        self._plans = {}
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
    graph_def = property(lambda self: None)
    sess_str = property(lambda self: "")

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
            feed_keys = []
            feed_vals = []
            for k, v in feed_dict.items():
                if isinstance(k, SparseTensor):
                    for t, part in zip(k._parts(), _sparse_feed(k, v)):
                        feed_keys.append(self._feed_tensor(t))
                        feed_vals.append(self._feed_value(t, part))
                    continue
                t = self._feed_tensor(k)
                feed_keys.append(t)
                feed_vals.append(self._feed_value(t, v))
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
        if plan.parallel is None:
            _execute(self, plan, vals)
        else:
            _executor.execute(self, plan, vals)
        results = []
        for s, copy in zip(plan.fetch_slots, plan.copy_fetch):
            if s < 0:
                results.append(None)
                continue
            v = vals[s]
            if isinstance(v, np.ndarray):
                if copy:
                    v = v.copy()
                if v.ndim == 0:
                    v = v[()]
            results.append(v)
        if plan.single:
            return results[0]
        return plan.build(results)

    def _plan(self, fetches, fkey, single):
        leaves = []
        build = _flatten_fetches(fetches, leaves)
        targets = [_resolve_fetch(self._graph, f) for f in leaves]
        key = None
        try:
            key = (tuple(targets), type(fetches), fkey) if not single else (fetches, fkey)
            hash(key)
        except TypeError:
            key = None
        plan = self._plans.get(key) if key is not None and not single else None
        if plan is not None and plan.build is not None:
            plan = _copy_plan(plan, build)
            return plan
        fed = {t: None for t in fkey}
        plan = _compile(targets, fed, build, single)
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
        return arr

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self):
        self._closed = True
        self._values.clear()
        self._plans.clear()

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

    def __del__(self):
        pass


def _copy_plan(plan, build):
    p = _Plan()
    for name in _Plan.__slots__:
        setattr(p, name, getattr(plan, name))
    p.build = build
    return p


@contextlib.contextmanager
def _as_default(session):
    stack = _default_sessions.stack
    stack.append(session)
    try:
        with session._graph.as_default():
            yield session
    finally:
        if stack and stack[-1] is session:
            stack.pop()
        elif session in stack:
            stack.remove(session)


class InteractiveSession(Session):
    """A Session that installs itself as the default session on creation."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        _default_sessions.stack.append(self)

    def close(self):
        super().close()
        if self in _default_sessions.stack:
            _default_sessions.stack.remove(self)
