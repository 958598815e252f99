"""``tf.Variable`` with TF1 (RefVariable) semantics, and the initializer helpers.

A variable is four ops, named as TensorFlow names them: ``V/initial_value``
(or ``V/Initializer/...``), ``V`` (the variable), ``V/Assign`` (its
initializer) and ``V/read`` (its value). Values live in a Session.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     v = tf.Variable([1, 2], dtype=tf.float32, name="V")
...     print(v.name, v.value().name)
V:0 V/read:0
"""
import enum

import numpy as np

from fastscope._src import dtypes as _dt
from fastscope._src import errors as _errors
from fastscope._src import ops as _ops
from fastscope._src.graph import (GraphKeys, Tensor, get_default_graph, user_frames)
from fastscope._src.tensor_shape import TensorShape, as_shape, unknown_shape


class VariableSynchronization(enum.Enum):
    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3
    ONLY_FIRST_TOWER = 3


def validate_sync_agg_trainable(synchronization, aggregation, trainable, name):
    """TensorFlow's defaults: trainable unless ON_READ; ON_READ + trainable is an error."""
    if aggregation is None:
        aggregation = VariableAggregation.NONE
    if synchronization is None:
        synchronization = VariableSynchronization.AUTO
    else:
        synchronization = VariableSynchronization(synchronization)
    if trainable is None:
        trainable = synchronization != VariableSynchronization.ON_READ
    elif trainable and synchronization == VariableSynchronization.ON_READ:
        raise ValueError("Synchronization value can be set to VariableSynchronization.ON_READ "
                         "only for non-trainable variables. You have specified trainable=True "
                         "and synchronization=VariableSynchronization.ON_READ for variable %s."
                         % name)
    return synchronization, aggregation, trainable


def shape_key(shape):
    """A hashable exact form of a shape request (a tuple of ints), or None if not that simple."""
    if type(shape) is list or type(shape) is tuple:
        for d in shape:
            if type(d) is not int:
                return None
        return tuple(shape)
    return None


# -- kernels: variable state lives in the run context's session -------------------------------------
def _variable_kernel(ctx, op):
    try:
        return ctx.values[op]
    except KeyError:
        raise _errors.FailedPreconditionError(
            None, op, "Attempting to use uninitialized value %s" % op._name) from None


def _check_assign(ctx, op, var_op, value):
    if op._attrs.get("validate_shape", True):
        want = var_op._outputs[0]._shape
        if want.ndims is not None and want.is_fully_defined() and \
                tuple(want.as_list()) != np.shape(value):
            raise _errors.InvalidArgumentError(
                None, op, "Assign requires shapes of both tensors to match. lhs shape= %s rhs "
                "shape= %s" % (_ops._shape_str(want), list(np.shape(value))))


# Ops whose outputs are fresh arrays nothing else holds: Assign may keep them
# without a copy, so initialising a 1 GiB variable needs 1 GiB, not 2.
FRESH_OUTPUT_OPS = frozenset(("RandomStandardNormal", "TruncatedNormal", "RandomUniform",
                              "RandomUniformInt", "Fill", "Qr"))


def _assign_kernel(ctx, op, ref, value):
    var_op = op._inputs[0]._op
    _check_assign(ctx, op, var_op, value)
    dtype = var_op._outputs[0]._dtype.base_dtype._np
    fresh = op._inputs[1]._op._type in FRESH_OUTPUT_OPS and isinstance(value, np.ndarray)
    value = np.asarray(value, dtype=dtype) if fresh else np.array(value, dtype=dtype, copy=True)
    ctx.values[var_op] = value
    return value


def _make_update_kernel(fn):
    def kernel(ctx, op, ref, delta):
        var_op = op._inputs[0]._op
        old = _variable_kernel(ctx, var_op)
        new = fn(old, delta).astype(old.dtype, copy=False)
        _check_assign(ctx, op, var_op, new)
        ctx.values[var_op] = new
        return new
    return kernel


_assign_add_kernel = _make_update_kernel(np.add)
_assign_sub_kernel = _make_update_kernel(np.subtract)


def _read_kernel(ctx, op, value):
    return value


def _state_op(g, op_type, name, var, value, kernel, attrs=None):
    """An op updating ``var`` in place (Assign, AssignAdd...). Input 0 is the ref: not evaluated."""
    op = g._add_op(op_type, name, (var._variable, value), [(var._variable._dtype, var._shape)],
                   attrs, kernel, ref_inputs=(0,))
    op.stateful = True
    return op


class Variable:
    """A TF1 variable (``tf.Variable``): named by the name scope and made unique.

    Args:
      initial_value: a Tensor, a value convertible to one, or a callable returning one.
      trainable: add to TRAINABLE_VARIABLES (default True unless synchronization is ON_READ).
      collections: graph collections to add to (default [GLOBAL_VARIABLES]).
      validate_shape: if False, the initial value's shape need not be known.
      caching_device: accepted for compatibility; fastscope runs on one device.
      name: the name (default ``Variable``), uniquified in the current name scope.
      dtype: converts the initial value to this type.
      expected_shape: accepted and ignored, as in TensorFlow 1.x.
      constraint: a callable applied by optimizers after updates.

    Raises:
      ValueError: no initial value, an initial value of unknown shape, or bad collections.
    """

    def __init__(self, initial_value=None, trainable=None, collections=None, validate_shape=True,
                 caching_device=None, name=None, variable_def=None, dtype=None,
                 expected_shape=None, import_scope=None, constraint=None, use_resource=None,
                 synchronization=VariableSynchronization.AUTO,
                 aggregation=VariableAggregation.NONE, shape=None):
        if variable_def is not None:
            raise NotImplementedError("fastscope: Variable(variable_def=...) (restoring from a "
                                      "VariableDef proto) is not supported")
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        synchronization, aggregation, trainable = validate_sync_agg_trainable(
            synchronization, aggregation, trainable, name)
        if collections is None:
            collections = [GraphKeys.GLOBAL_VARIABLES]
        if not isinstance(collections, (list, tuple, set)):
            raise ValueError("collections argument to Variable constructor must be a list, "
                             "tuple, or set. Got %s of type %s" % (collections, type(collections)))
        if constraint is not None and not callable(constraint):
            raise ValueError("The `constraint` argument must be a callable.")
        if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections = list(collections) + [GraphKeys.TRAINABLE_VARIABLES]
        self._trainable = trainable
        self._constraint = constraint
        self._caching_device = caching_device
        self._synchronization = synchronization
        self._aggregation = aggregation
        self._save_slice_info = None
        self._partition_info = None
        g = get_default_graph()
        cp = g._checkpoint()
        try:
            self._build(g, initial_value, name, dtype, validate_shape, shape)
            g.add_to_collections(collections, self)
        except BaseException:
            g._rollback(cp)
            raise
        g._commit(cp)
        self._graph = g

    def _build(self, g, initial_value, name, dtype, validate_shape, shape):
        from_fn = callable(initial_value)
        with g.name_scope(name if name else "Variable") as scope:
            full = scope[:-1]
            if from_fn:
                with g.name_scope("Initializer"):
                    init = _ops.convert_to_tensor(initial_value(), name="initial_value",
                                                  dtype=dtype)
            else:
                init = _ops.convert_to_tensor(initial_value, name="initial_value", dtype=dtype)
            if shape is not None:
                var_shape = as_shape(shape)
                if validate_shape and not var_shape.is_compatible_with(init._shape):
                    raise ValueError("The initial value's shape (%s) is not compatible with the "
                                     "explicitly supplied `shape` argument (%s)."
                                     % (init._shape, var_shape))
            else:
                var_shape = init._shape if validate_shape else unknown_shape()
            if validate_shape and not init._shape.is_fully_defined():
                raise ValueError("initial_value must have a shape specified: %s" % init)
            base = init._dtype.base_dtype
            op = g._add_op("VariableV2", full, (), [(base._as_ref, var_shape)],
                           {"dtype": base, "shape": var_shape}, _variable_kernel)
            op.stateful = True
            op._traceback = user_frames()
            self._variable = op._outputs[0]
            self._dtype = base._as_ref
            self._shape = var_shape
            self._shape_key = (tuple(var_shape.as_list()) if var_shape.is_fully_defined()
                               else False)
            self._initial_value = init
            self._init_op = _state_op(g, "Assign", g._names.unique(full, "Assign", True), self,
                                      init, _assign_kernel, {"validate_shape": validate_shape})
            read = g._add_op("Identity", g._names.unique(full, "read", True), (self._variable,),
                             [(base, var_shape)], None, _read_kernel)
            self._snapshot = read._outputs[0]
            self._name = self._variable._name

    # -- properties -----------------------------------------------------------------------
    name = property(lambda self: self._name)
    op = property(lambda self: self._variable._op)
    dtype = property(lambda self: self._dtype)
    shape = property(lambda self: self._shape)
    graph = property(lambda self: self._graph)
    device = property(lambda self: "")
    trainable = property(lambda self: self._trainable)
    constraint = property(lambda self: self._constraint)
    synchronization = property(lambda self: self._synchronization)
    aggregation = property(lambda self: self._aggregation)
    initializer = property(lambda self: self._init_op)
    initial_value = property(lambda self: self._initial_value)

    def get_shape(self):
        return self._shape

    def set_shape(self, shape):
        self._shape = self._shape.merge_with(shape)
        self._shape_key = (tuple(self._shape.as_list()) if self._shape.is_fully_defined()
                           else False)

    def value(self):
        """The ``V/read`` snapshot tensor."""
        return self._snapshot

    def read_value(self):
        """A new read of the variable (``read_N`` in the current name scope)."""
        g = self._graph
        op = g._add_op("Identity", _ops.op_name(g, "read", "read"), (self._variable,),
                       [(self._dtype.base_dtype, self._shape)], None, _read_kernel)
        return op._outputs[0]

    def initialized_value(self):
        with self._graph.control_dependencies([self._init_op]):
            return _ops.identity(self._initial_value)

    def _as_graph_element(self):
        return self._variable

    def _ref(self):
        return self._variable

    def eval(self, session=None):
        """The variable's value in ``session`` (default: the default session)."""
        from fastscope._src.session import _session_for
        return _session_for(session, self._graph).run(self._variable)

    def _update(self, op_type, kernel, value, name):
        g = self._graph
        value = _ops.convert_to_tensor(value, dtype=self._dtype.base_dtype)
        if op_type == "Assign":
            if not self._shape.is_compatible_with(value._shape):
                raise ValueError("Dimension 0 in both shapes must be equal, but are %s and %s. "
                                 "Shapes are %s and %s." % (
                                     self._shape[0] if self._shape.ndims else "?",
                                     value._shape[0] if value._shape.ndims else "?",
                                     self._shape, value._shape))
        else:
            _ops.broadcast_shape(self._shape, value._shape, lambda: "'%s'" % op_type)
        op = _state_op(g, op_type, _ops.op_name(g, name, op_type), self, value, kernel)
        return op._outputs[0]

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """An op setting the variable to ``value``; returns the new value's tensor."""
        t = self._update("Assign", _assign_kernel, value, name)
        return t if read_value else t.op

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        t = self._update("AssignAdd", _assign_add_kernel, delta, name)
        return t if read_value else t.op

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        t = self._update("AssignSub", _assign_sub_kernel, delta, name)
        return t if read_value else t.op

    def load(self, value, session=None):
        """Writes ``value`` into the variable in ``session`` without adding ops."""
        from fastscope._src.session import _session_for
        sess = _session_for(session, self._graph)
        arr = np.array(value, dtype=self._dtype.base_dtype._np)
        if self._shape.is_fully_defined() and arr.shape != tuple(self._shape.as_list()):
            raise ValueError("Cannot load value of shape %s into variable %s of shape %s"
                             % (arr.shape, self._name, self._shape))
        sess._values[self._variable._op] = arr

    def _as_tensor(self, dtype=None, name=None):
        if dtype is not None and not _dt.as_dtype(dtype).is_compatible_with(self._dtype):
            raise ValueError("Incompatible type conversion requested to type '%s' for variable "
                             "of type '%s'" % (_dt.as_dtype(dtype).name, self._dtype.name))
        return self._snapshot

    def _get_save_slice_info(self):
        return self._save_slice_info

    def _set_save_slice_info(self, info):
        self._save_slice_info = info

    def __repr__(self):
        return "<tf.Variable '%s' shape=%s dtype=%s>" % (self._name, self._shape, self._dtype.name)

    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def __bool__(self):
        return True

    def __iter__(self):
        raise TypeError("'Variable' object is not iterable.")


VariableV1 = Variable
RefVariable = Variable
_ops.register_conversion(Variable, lambda v, dtype, name: v._as_tensor(dtype, name))
_ops.install_operators(Variable)


# -- collections helpers -----------------------------------------------------------------------
def global_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def trainable_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def all_variables():
    return global_variables()


def variables_initializer(var_list, name="init"):
    """One op that runs the initializers of ``var_list`` (a NoOp when empty)."""
    if var_list:
        return _ops.group(*[v.initializer for v in var_list], name=name)
    return _ops.no_op(name=name)


def global_variables_initializer():
    """Initializes every variable in GLOBAL_VARIABLES (op ``init``)."""
    return variables_initializer(global_variables())


def local_variables_initializer():
    return variables_initializer(local_variables())


initialize_all_variables = global_variables_initializer
initialize_variables = variables_initializer
initialize_local_variables = local_variables_initializer


def is_variable_initialized(variable):
    """A bool tensor: whether ``variable`` has a value in the running session."""
    g = get_default_graph()

    def kernel(ctx, op, ref):
        return np.asarray(op._inputs[0]._op in ctx.values)
    op = g._add_op("IsVariableInitialized", _ops.op_name(g, None, "IsVariableInitialized"),
                   (variable._variable,), [(_dt.bool, TensorShape([]))], None, kernel,
                   ref_inputs=(0,))
    return op._outputs[0]


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """A string tensor of the names of uninitialised variables among ``var_list``."""
    var_list = global_variables() + local_variables() if var_list is None else list(var_list)
    g = get_default_graph()
    refs = tuple(v._variable for v in var_list)

    def kernel(ctx, op, *refs_):
        return np.array([t._op._name.encode() for t in op._inputs if t._op not in ctx.values],
                        dtype=object)
    op = g._add_op("ReportUninitialized", _ops.op_name(g, name, name), refs,
                   [(_dt.string, TensorShape([None]))], None, kernel,
                   ref_inputs=tuple(range(len(refs))))
    return op._outputs[0]
