"""The Graph, its Operations and Tensors, name scopes and collections.

Names follow TensorFlow exactly (``Graph.unique_name``: case-insensitive
counts, ``_N`` suffixes); the counting itself is compiled (``fastscope._names``).
Name scopes and control dependencies are per thread, as in TensorFlow; names,
operations and collections are shared by all threads of a graph.

>>> import fastscope as tf
>>> g = tf.Graph()
>>> with g.as_default(), tf.name_scope("my_scope"):
...     print(tf.constant(1.0).name)
my_scope/Const:0
"""
import contextlib
import itertools
import re
import sys
import threading

from fastscope import _names
from fastscope._src import dtypes as _dtypes
from fastscope._src.tensor_shape import TensorShape, as_shape

_PKG_DIR = __file__.rsplit("/", 3)[0] + "/fastscope/"


class GraphKeys:
    """Standard collection names (``tf.GraphKeys``)."""
    GLOBAL_VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    METRIC_VARIABLES = "metric_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    SUMMARIES = "summaries"
    QUEUE_RUNNERS = "queue_runners"
    TABLE_INITIALIZERS = "table_initializer"
    ASSET_FILEPATHS = "asset_filepaths"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    REGULARIZATION_LOSSES = "regularization_losses"
    CONCATENATED_VARIABLES = "concatenated_variables"
    SAVERS = "savers"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    SAVEABLE_OBJECTS = "saveable_objects"
    RESOURCES = "resources"
    LOCAL_RESOURCES = "local_resources"
    TRAINABLE_RESOURCE_VARIABLES = "trainable_resource_variables"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    SUMMARY_OP = "summary_op"
    GLOBAL_STEP = "global_step"
    EVAL_STEP = "eval_step"
    TRAIN_OP = "train_op"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"
    VARIABLES = GLOBAL_VARIABLES


def user_frames(limit=5):
    """The caller's frames outside fastscope, innermost first: (file, line, function, text)."""
    out = []
    f = sys._getframe(1)
    while f is not None and len(out) < limit:
        fname = f.f_code.co_filename
        if not fname.startswith(_PKG_DIR):
            out.append((fname, f.f_lineno, f.f_code.co_name))
        f = f.f_back
    return out


class Tensor:
    """One output of an Operation: ``name`` is ``op_name:index``."""

    __slots__ = ("_op", "_value_index", "_dtype", "_shape", "_name", "__weakref__")
    # numpy must defer to our operators (ndarray + Tensor -> Tensor.__radd__).
    __array_priority__ = 100

    def __init__(self, op, value_index, dtype, shape):
        self._op = op
        self._value_index = value_index
        self._dtype = dtype
        self._shape = shape
        self._name = "%s:%d" % (op.name, value_index)

    op = property(lambda self: self._op)
    value_index = property(lambda self: self._value_index)
    dtype = property(lambda self: self._dtype)
    name = property(lambda self: self._name)
    graph = property(lambda self: self._op._graph)
    shape = property(lambda self: self._shape)
    device = property(lambda self: "")

    def get_shape(self):
        return self._shape

    def set_shape(self, shape):
        self._shape = self._shape.merge_with(as_shape(shape))

    def consumers(self):
        return [op for op in self._op._graph._op_list if any(t is self for t in op._inputs)]

    def eval(self, feed_dict=None, session=None):
        """The tensor's value in ``session`` (default: the default session)."""
        from fastscope._src.session import _session_for
        return _session_for(session, self.graph).run(self, feed_dict)

    def _as_graph_element(self):
        return self

    def __repr__(self):
        return 'Tensor("%s", shape=%s, dtype=%s)' % (self._name, self._shape, self._dtype.name)

    __hash__ = object.__hash__  # identity, at C speed (Session.run keys plans by fetches)

    def __eq__(self, other):  # TF1 graph mode: identity, so tensors can key dicts
        return self is other

    def __ne__(self, other):
        return self is not other

    def __bool__(self):
        raise TypeError("Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is not "
                        "None:` instead of `if t:` to test if a tensor is defined, and use "
                        "TensorFlow ops such as tf.cond to execute subgraphs conditioned on the "
                        "value of a tensor.")

    def __iter__(self):
        if self._shape.ndims is None or not self._shape.ndims:
            raise TypeError("Tensor objects are only iterable when eager execution is enabled. "
                            "To iterate over this tensor use tf.map_fn.")
        raise TypeError("Tensor objects are only iterable when eager execution is enabled.")

    def __len__(self):
        raise TypeError("len is not well defined for symbolic Tensors. (%s) Please call "
                        "`x.shape` rather than `len(x)` for shape information." % self._name)


class Operation:
    """A node of the graph: a type, inputs, outputs and the kernel that computes it.

    ``kernel(ctx, op, *input_values)`` returns the output value (or a tuple
    for several outputs); None means the op cannot run unfed (placeholders).
    """

    __slots__ = ("_graph", "_name", "_type", "_inputs", "_outputs", "_control_inputs",
                 "_attrs", "kernel", "_id", "_ref_inputs", "_traceback", "stateful",
                 "__weakref__")

    def __init__(self, graph, name, op_type, inputs, control_inputs, attrs, kernel):
        self._graph = graph
        self._name = name
        self._type = op_type
        self._inputs = inputs
        self._outputs = ()
        self._control_inputs = control_inputs
        self._attrs = attrs
        self.kernel = kernel
        self._ref_inputs = ()
        self._traceback = None
        self.stateful = False

    name = property(lambda self: self._name)
    type = property(lambda self: self._type)
    graph = property(lambda self: self._graph)
    inputs = property(lambda self: tuple(self._inputs))
    outputs = property(lambda self: list(self._outputs))
    control_inputs = property(lambda self: list(self._control_inputs))
    device = property(lambda self: "")
    traceback = property(lambda self: list(reversed(self._traceback or [])))

    def values(self):
        return tuple(self._outputs)

    def get_attr(self, name):
        try:
            return self._attrs[name]
        except KeyError:
            raise ValueError("Operation '%s' has no attr named '%s'." % (self._name, name)) from None

    def run(self, feed_dict=None, session=None):
        from fastscope._src.session import _session_for
        _session_for(session, self._graph).run(self, feed_dict)

    def _as_graph_element(self):
        return self

    def __repr__(self):
        return "<tf.Operation '%s' type=%s>" % (self._name, self._type)


class _ThreadState(threading.local):
    def __init__(self):
        self.name_stack = ""
        self.control_deps = []   # list of lists of ops
        self.journal = None      # [("op", op) | ("coll", name, value)] while a creation may fail


class Graph:
    """A TensorFlow graph: operations, the name table and collections.

    >>> import fastscope as tf
    >>> g = tf.Graph()
    >>> with g.as_default():
    ...     a = tf.constant(1.0, name="a")
    >>> g.get_tensor_by_name("a:0") is a
    True
    """

    def __init__(self):
        self._lock = threading.RLock()
        self._names = _names.NameTable()
        self._ops = {}
        self._op_list = []
        self._collections = {}
        self._local = _ThreadState()
        self._finalized = False
        self._seed = None
        self._last_id = 0
        self._ids = itertools.count(1)
        self._graph_key = "grap-key-%d/" % id(self)
        # Caches of the objects TF keeps in collections (('__varscope',), ('__variable_store',)).
        self._scope_store = None
        self._var_store = None

    # -- naming -----------------------------------------------------------------
    @property
    def _name_stack(self):
        return self._local.name_stack

    def get_name_scope(self):
        return self._local.name_stack

    def unique_name(self, name, mark_as_used=True):
        """TensorFlow's unique_name: ``name`` under the current name scope, made unique."""
        return self._names.unique(self._local.name_stack, name, mark_as_used)

    def name_scope(self, name):
        """Enters a name scope: uniquified on re-entry, ``a/`` re-enters, None resets.

        Raises:
          ValueError: a name that is not a valid scope name.
        """
        return _names.NameScope(self._names, self._local, name)

    # -- default graph ------------------------------------------------------------
    @contextlib.contextmanager
    def as_default(self):
        stack = _default_state.stack
        stack.append(self)
        try:
            yield self
        finally:
            # Entries may be popped out of order when contexts interleave; remove ours.
            if stack and stack[-1] is self:
                stack.pop()
            else:
                for i in range(len(stack) - 1, -1, -1):
                    if stack[i] is self:
                        del stack[i]
                        break

    # -- ops ------------------------------------------------------------------------
    @property
    def seed(self):
        return self._seed

    @seed.setter
    def seed(self, value):
        self._seed = value

    @property
    def finalized(self):
        return self._finalized

    def finalize(self):
        self._finalized = True

    def _add_op(self, op_type, name, inputs, out_specs, attrs=None, kernel=None,
                control_inputs=None, ref_inputs=()):
        """Creates and registers an op with full ``name`` (already unique).

        ``out_specs`` is a list of (dtype, TensorShape). Registration uses only
        operations that are atomic under the GIL (a counter, a dict store, a
        list append), so threads may add ops concurrently without a lock.
        """
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        local = self._local
        deps = local.control_deps
        if deps:
            extra = [o for group in deps for o in group]
            control_inputs = list(control_inputs or ()) + extra
        op = Operation(self, name, op_type, inputs, control_inputs or (), attrs or {}, kernel)
        if len(out_specs) == 1:
            dt, sh = out_specs[0]
            op._outputs = (Tensor(op, 0, dt, sh),)
        elif out_specs:
            op._outputs = tuple(Tensor(op, i, dt, sh) for i, (dt, sh) in enumerate(out_specs))
        op._ref_inputs = ref_inputs
        op._id = next(self._ids)
        self._last_id = op._id
        self._ops[name] = op
        self._op_list.append(op)
        journal = local.journal
        if journal is not None:
            journal.append(("op", op))
        return op

    def get_operations(self):
        with self._lock:
            return list(self._op_list)

    def get_operation_by_name(self, name):
        if not isinstance(name, str):
            raise TypeError("Operation names are strings (or similar), not %s." % type(name).__name__)
        return self.as_graph_element(name, allow_tensor=False, allow_operation=True)

    def get_tensor_by_name(self, name):
        if not isinstance(name, str):
            raise TypeError("Tensor names are strings (or similar), not %s." % type(name).__name__)
        return self.as_graph_element(name, allow_tensor=True, allow_operation=False)

    def as_graph_element(self, obj, allow_tensor=True, allow_operation=True):
        """Resolves a Tensor, Operation, Variable or name to this graph's element."""
        if allow_tensor and allow_operation:
            types_str = "Tensor or Operation"
        elif allow_tensor:
            types_str = "Tensor"
        else:
            types_str = "Operation"
        conv = getattr(obj, "_as_graph_element", None)
        if conv is not None and not isinstance(obj, str):
            elem = conv()
            if elem.graph is not self:
                raise ValueError("%s %s is not an element of this graph." % (types_str, obj))
            if isinstance(elem, Tensor) and not allow_tensor:
                raise TypeError("Can not convert a %s into a %s." % (type(obj).__name__, types_str))
            if isinstance(elem, Operation) and not allow_operation:
                raise TypeError("Can not convert a %s into a %s." % (type(obj).__name__, types_str))
            return elem
        if not isinstance(obj, str):
            raise TypeError("Can not convert a %s into a %s." % (type(obj).__name__, types_str))
        name = obj
        if ":" in name and allow_tensor:
            op_name, _, idx = name.rpartition(":")
            try:
                out_n = int(idx)
            except ValueError:
                raise ValueError("The name %r looks a like a Tensor name, but is not a valid "
                                 "one. Tensor names must be of the form \"<op_name>:"
                                 "<output_index>\"." % name) from None
            op = self._ops.get(op_name)
            if op is None:
                raise KeyError("The name %r refers to a Tensor which does not exist. The "
                               "operation, %r, does not exist in this graph." % (name, op_name))
            if out_n >= len(op._outputs):
                raise KeyError("The name %r refers to a Tensor which does not exist. The "
                               "operation, %r, exists but only has %d outputs."
                               % (name, op_name, len(op._outputs)))
            return op._outputs[out_n]
        if ":" in name and not allow_tensor:
            raise ValueError("Name %r appears to refer to a Tensor, not a %s." % (name, types_str))
        op = self._ops.get(name)
        if op is None:
            raise KeyError("The name %r refers to an Operation not in the graph." % name)
        if not allow_operation:
            raise ValueError("The name %r refers to an Operation, not a %s. Tensor names must be "
                             "of the form \"<op_name>:<output_index>\"." % (name, types_str))
        return op

    # -- control dependencies -------------------------------------------------------
    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        local = self._local
        if control_inputs is None:
            saved, local.control_deps = local.control_deps, []
            try:
                yield
            finally:
                local.control_deps = saved
            return
        ops = []
        for c in control_inputs:
            c = getattr(c, "_as_graph_element", lambda c=c: c)()
            if isinstance(c, Tensor):
                c = c.op
            if not isinstance(c, Operation):
                raise TypeError("Control input must be Operation or Tensor: %s" % (c,))
            ops.append(c)
        local.control_deps.append(ops)
        try:
            yield
        finally:
            local.control_deps.pop()

    # -- collections ------------------------------------------------------------------
    @property
    def collections(self):
        return list(self._collections)

    def get_all_collection_keys(self):
        return [k for k, v in self._collections.items() if v]

    def add_to_collection(self, name, value):
        with self._lock:
            self._collections.setdefault(name, []).append(value)
        journal = self._local.journal
        if journal is not None:
            journal.append(("coll", name, value))

    def add_to_collections(self, names, value):
        names = (names,) if isinstance(names, str) else set(names)
        for name in names:
            self.add_to_collection(name, value)

    def get_collection_ref(self, name):
        with self._lock:
            coll = self._collections.get(name)
            if coll is None:
                coll = self._collections[name] = []
            return coll

    def get_collection(self, name, scope=None):
        """A copy of collection ``name``, filtered to items whose name matches ``scope``."""
        coll = self._collections.get(name)
        if coll is None:
            return []
        if scope is None:
            return list(coll)
        regex = re.compile(scope)
        out = []
        for item in coll:
            try:
                if regex.match(item.name):
                    out.append(item)
            except AttributeError:
                pass
        return out

    def clear_collection(self, name):
        with self._lock:
            self._collections.pop(name, None)

    # -- checkpoints for failed creations -----------------------------------------------
    def _checkpoint(self):
        """Starts recording this thread's additions (names, ops, collection entries).

        Pair with ``_commit`` on success or ``_rollback`` on failure; nesting is
        allowed (a depth count decides when journaling ends). Only this thread's
        additions are undone, so a failed creation never disturbs another thread.
        """
        local = self._local
        if local.journal is None:
            local.journal = []
            local.depth = 0
        local.depth += 1
        return self._names.begin(), len(local.journal)

    def _end(self):
        local = self._local
        local.depth -= 1
        if local.depth == 0:
            self._names.commit(0)
            local.journal = None

    def _commit(self, cp):
        self._end()

    def _rollback(self, cp):
        names_marker, marker = cp
        local = self._local
        self._names.rollback(names_marker)
        if local.depth > 1:
            self._names.begin()   # keep journaling for the enclosing checkpoint
        journal = local.journal or []
        undo = journal[marker:]
        del journal[marker:]
        self._end()
        with self._lock:
            dead_ops = {id(e[1]) for e in undo if e[0] == "op"}
            if dead_ops:
                for e in undo:
                    if e[0] == "op":
                        self._ops.pop(e[1]._name, None)
                self._op_list[:] = [o for o in self._op_list if id(o) not in dead_ops]
            for e in reversed(undo):
                if e[0] == "coll":
                    coll = self._collections.get(e[1], [])
                    for k in range(len(coll) - 1, -1, -1):
                        if coll[k] is e[2]:
                            del coll[k]
                            break


class _DefaultState(threading.local):
    def __init__(self):
        self.stack = []


_default_state = _DefaultState()
_global_default_graph = [None]


def get_default_graph():
    """The innermost ``as_default`` graph of this thread, else the global default graph."""
    stack = _default_state.stack
    if stack:
        return stack[-1]
    g = _global_default_graph[0]
    if g is None:
        g = _global_default_graph[0] = Graph()
    return g


def reset_default_graph():
    """Replaces the global default graph with a new, empty one.

    Raises:
      AssertionError: when called inside a ``with graph.as_default()`` block.
    """
    if _default_state.stack:
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs. If you "
                             "need a cleared graph, exit the nesting and create a new graph.")
    _global_default_graph[0] = Graph()
    from fastscope._src import session as _session
    _session._clear_default_session()


def name_scope(name, default_name=None, values=None):
    """``tf.name_scope`` (TF1 signature): a name scope in the default graph.

    >>> import fastscope as tf
    >>> with tf.name_scope("nsc1") as scope:
    ...     print(scope)
    nsc1/
    """
    if name is None and values is not None and default_name is None:
        raise ValueError("At least one of name (%s) and default_name (%s) must be provided."
                         % (name, default_name))
    n = default_name if name is None else name
    g = graph_of(values) if values else get_default_graph()
    if g is not get_default_graph():
        return _enter_both(g, n)
    return g.name_scope(n)


@contextlib.contextmanager
def _enter_both(g, n):
    with g.as_default(), g.name_scope(n) as scope:
        yield scope


def get_name_scope():
    return get_default_graph().get_name_scope()


def graph_of(values):
    """The graph of the graph elements among ``values`` (default graph if none).

    Raises:
      ValueError: if they come from different graphs.
    """
    found = None
    for v in values:
        g = getattr(v, "graph", None)
        if g is None or not isinstance(g, Graph):
            continue
        if found is None:
            found = g
        elif g is not found:
            raise ValueError("%s must be from the same graph as %s." % (v, values[0]))
    return found or get_default_graph()


def control_dependencies(control_inputs):
    return get_default_graph().control_dependencies(control_inputs)


def add_to_collection(name, value):
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value):
    get_default_graph().add_to_collections(names, value)


def get_collection(key, scope=None):
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key):
    return get_default_graph().get_collection_ref(key)


valid_op_name = _names.valid_op_name
