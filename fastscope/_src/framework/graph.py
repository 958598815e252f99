"""The Graph: operations, names, name scopes, collections and creation transactions.

Names follow TensorFlow exactly (``Graph.unique_name``: case-insensitive
counts, ``_N`` suffixes); the counting itself is compiled (``fastscope._names``).
Name scopes and control dependencies are per thread, as in TensorFlow; names,
operations and collections are shared by all threads of a graph. Each thread
has its own stack of default graphs and its own global default graph, as in
TensorFlow (a ``reset_default_graph`` in one thread leaves the others' alone).

A creation that may fail half-way (a variable: several ops, names, collection
and store entries) runs inside ``with graph.transaction():``; on an exception
everything the thread added inside it is undone, and nothing another thread
did is touched.

>>> import fastscope as tf
>>> g = tf.Graph()
>>> with g.as_default(), tf.name_scope("my_scope"):
...     print(tf.constant(1.0).name)
my_scope/Const:0
"""
import contextlib
import functools
import itertools
import re
import threading

from fastscope import _names
from fastscope._src.framework import session_stack
from fastscope._src.framework.tensor import Operation, Tensor

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


_new = object.__new__


def _check_contexts(op, cf):
    """Inputs from outside ``cf`` are its captures; inputs from an unrelated context fail."""
    for t in list(op._inputs) + [c._outputs[0] if c._outputs else c for c in op._control_inputs]:
        src_op = getattr(t, "_op", t)
        src = src_op._ctx
        if src is cf or (src is None and src_op._def.reads_state):
            continue    # (a variable is read where it is used, not captured)
        inner = cf
        while inner is not None and inner is not src:
            inner = inner.outer
        if inner is None and src is not None:
            raise ValueError("Tensor %s is defined inside a tf.cond branch or tf.while_loop "
                             "body (%s) and cannot be used by %s outside it"
                             % (getattr(t, "name", t), src.name, op._name))
        if cf is not None:
            cf.capture(t, op)


class _ThreadState(threading.local):
    def __init__(self):
        self.name_stack = ""
        self.control_deps = []   # list of lists of ops
        self.device = ""         # the device of ops created now (tf.device scopes)
        self.cf_context = None   # the tf.cond branch / tf.while_loop body being built
        # While a transaction is open: [("op", op) | ("coll", name, value) |
        # ("key", mapping, key)], the undo log of this thread's additions.
        self.journal = None


class Transaction:
    """``with graph.transaction():`` — undo this thread's additions on an exception.

    Covers ops, names (the compiled name table), collection entries and any
    mapping entry recorded with ``Graph.journal_put`` (the variable store).
    Transactions nest: a failure inside an inner one undoes only what the inner
    one added, and the outer one goes on.
    """

    __slots__ = ("_graph", "_mark", "_names_mark", "_outer")

    def __init__(self, graph):
        self._graph = graph

    def __enter__(self):
        g = self._graph
        local = g._local
        journal = local.journal
        self._outer = journal is not None
        if journal is None:
            journal = local.journal = []
        self._mark = len(journal)
        self._names_mark = g._names.journal_begin()
        return self

    def __exit__(self, exc_type, exc, tb):
        g = self._graph
        local = g._local
        if exc_type is not None:
            g._names.journal_rollback(self._names_mark)
            undo = local.journal[self._mark:]
            del local.journal[self._mark:]
            g._undo(undo)
        if not self._outer:
            local.journal = None
            g._names.journal_end()
        return False


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
        self._contexts = 0      # control-flow contexts made in this graph (0: skip their checks)
        # Caches of the objects TF keeps in collections (('__varscope',), ('__variable_store',)).
        self._scope_store = None
        self._var_store = None
        # Graph.name_scope without a Python frame (name scopes are the hottest path).
        self.name_scope_of = functools.partial(_names.NameScope, self._names, self._local)
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
    def as_default(self):
        """Makes this graph the default graph of this thread inside the ``with`` block."""
        return _AsDefault(self)

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

    def transaction(self):
        """A Transaction: this thread's additions inside it are undone if it fails."""
        return Transaction(self)

    def control_flow_context(self, ctx):
        """Ops created inside belong to ``ctx`` (a tf.cond branch or tf.while_loop body).

        ``ctx`` None builds outside any control flow (variables' ops are lifted out of the
        branch or loop that creates them, as TensorFlow lifts their initialisers).
        """
        if ctx is not None:
            self._contexts += 1
        return _ControlFlowScope(self._local, ctx)

    def journal_put(self, mapping, key, value):
        """``mapping[key] = value``, undone (the key removed) if the transaction fails."""
        mapping[key] = value
        journal = self._local.journal
        if journal is not None:
            journal.append(("key", mapping, key))

    def _add_op(self, op_def, name, inputs, out_specs, attrs, control_inputs=()):
        """Creates and registers an op with full ``name`` (see ``op_builder.build_op``).

        ``out_specs`` is a list of (dtype, TensorShape). Registration uses only
        operations that are atomic under the GIL (a counter, a dict store, a
        list append), so threads may add ops concurrently without a lock.

        Raises:
          ValueError: an op of that name exists ("Duplicate node name in graph").
          RuntimeError: the graph is finalized.
        """
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        ops = self._ops
        if name in ops:
            raise ValueError("Duplicate node name in graph: '%s'" % name)
        local = self._local
        if local.control_deps:
            control_inputs = list(control_inputs) + [o for grp in local.control_deps for o in grp]
        # The records are filled here rather than by __init__: this runs for every op.
        op = _new(Operation)
        op._graph = self
        op._name = name
        op._def = op_def
        op._inputs = inputs
        op._control_inputs = control_inputs
        op._attrs = attrs
        op._ref_inputs = op_def._refs if not op_def._ref_all else tuple(range(len(inputs)))
        op._device = local.device
        op._ctx = cf = local.cf_context
        if cf is not None or self._contexts:
            _check_contexts(op, cf)
        if len(out_specs) == 1:
            dt, sh = out_specs[0]
            t = _new(Tensor)
            t._op = op
            t._value_index = 0
            t._dtype = dt
            t._shape = sh
            t._name = name + ":0"
            op._outputs = (t,)
        else:
            op._outputs = tuple(Tensor(op, i, dt, sh) for i, (dt, sh) in enumerate(out_specs))
        op._id = self._last_id = next(self._ids)
        ops[name] = op
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
        journal = self._local.journal
        with self._lock:
            collections = self._collections
            for name in names:
                collections.setdefault(name, []).append(value)
                if journal is not None:
                    journal.append(("coll", name, value))

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

    def _undo(self, undo):
        """Removes what a failed transaction added (its journal entries)."""
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
                elif e[0] == "key":
                    e[1].pop(e[2], None)


class _ControlFlowScope:
    __slots__ = ("_local", "_ctx", "_saved")

    def __init__(self, local, ctx):
        self._local = local
        self._ctx = ctx

    def __enter__(self):
        self._saved = self._local.cf_context
        self._local.cf_context = self._ctx
        return self._ctx

    def __exit__(self, *exc):
        self._local.cf_context = self._saved
        return False


class _DefaultState(threading.local):
    """Per thread: the stack of ``as_default`` graphs and the thread's global default graph."""

    def __init__(self):
        self.stack = []
        self.global_graph = None


_default_state = _DefaultState()


class _AsDefault:
    __slots__ = ("_graph",)

    def __init__(self, graph):
        self._graph = graph

    def __enter__(self):
        _default_state.stack.append(self._graph)
        return self._graph

    def __exit__(self, *exc):
        stack = _default_state.stack
        g = self._graph
        # Entries may be popped out of order when contexts interleave; remove ours.
        if stack and stack[-1] is g:
            stack.pop()
        else:
            for i in range(len(stack) - 1, -1, -1):
                if stack[i] is g:
                    del stack[i]
                    break
        return False


def get_default_graph():
    """The innermost ``as_default`` graph of this thread, else this thread's global default."""
    stack = _default_state.stack
    if stack:
        return stack[-1]
    g = _default_state.global_graph
    if g is None:
        g = _default_state.global_graph = Graph()
    return g


def reset_default_graph():
    """Replaces this thread's global default graph with a new, empty one.

    Raises:
      AssertionError: when called inside a ``with graph.as_default()`` block.
    """
    if _default_state.stack:
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs. If you "
                             "need a cleared graph, exit the nesting and create a new graph.")
    _default_state.global_graph = Graph()
    session_stack.drop_interactive()


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
    if values:
        g = graph_of(values)
        if g is not get_default_graph():
            return _enter_both(g, n)
        return g.name_scope_of(n)
    stack = _default_state.stack
    return (stack[-1] if stack else get_default_graph()).name_scope_of(n)


@contextlib.contextmanager
def _enter_both(g, n):
    with g.as_default(), g.name_scope(n) as scope:
        yield scope


def get_name_scope():
    return get_default_graph().get_name_scope()


def graph_of(values):
    """The graph of the graph elements among ``values`` (the default graph if none).

    Raises:
      ValueError: elements of two different graphs.
    """
    found = first = None
    for v in values:
        g = getattr(v, "graph", None)
        if g is None or not isinstance(g, Graph):
            continue
        if found is None:
            found, first = g, v
        elif g is not found:
            raise ValueError("%s must be from the same graph as %s (graphs are %r and %r)."
                             % (v, first, g, found))
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
