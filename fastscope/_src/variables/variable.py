"""``tf.Variable`` with TF1 (RefVariable) semantics.

A variable is four ops, named as TensorFlow names them: ``V/initial_value``
(or ``V/Initializer/...``), ``V`` (the variable), ``V/Assign`` (its
initializer) and ``V/read`` (its value). Values live in a Session.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     v = tf.Variable([1, 2], dtype=tf.float32, name="V")
...     print(v.name, v.value().name)
V:0 V/read:0
"""
import numpy as np

from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework.graph import GraphKeys, get_default_graph
from fastscope._src.framework.op_builder import convert_to_tensor, register_conversion
from fastscope._src.framework.session_stack import session_for
from fastscope._src.framework.tensor import user_frames
from fastscope._src.framework.tensor_shape import as_shape, unknown_shape
from fastscope._src.ops import array_ops, state_ops
from fastscope._src.ops.operators import install_operators
from fastscope._src.variables.request import (VariableAggregation, VariableSynchronization,
                                              resolve_sync)


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
        synchronization, aggregation, trainable = resolve_sync(
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
        # A variable made inside a tf.cond branch or tf.while_loop body lives outside it
        # (its initialiser runs once, from global_variables_initializer), as in TensorFlow.
        with g.transaction(), g.control_flow_context(None):
            self._build(g, initial_value, name, dtype, validate_shape, shape)
            g.add_to_collections(collections, self)
        self._graph = g

    def _build(self, g, initial_value, name, dtype, validate_shape, shape):
        with g.name_scope(name if name else "Variable") as scope:
            full = scope[:-1]
            if callable(initial_value):
                with g.name_scope("Initializer"):
                    init = convert_to_tensor(initial_value(), name="initial_value", dtype=dtype)
            else:
                init = convert_to_tensor(initial_value, name="initial_value", dtype=dtype)
            var_shape = _variable_shape(init, shape, validate_shape)
            base = init._dtype.base_dtype
            op = state_ops.variable_op(full, base, var_shape)
            op._traceback = user_frames()
            self._variable = op._outputs[0]
            self._dtype = base._as_ref
            self._shape = var_shape
            dims = var_shape._dims
            self._shape_key = (False if dims is None or any(d._value is None for d in dims)
                               else tuple(d._value for d in dims))
            self._initial_value = init
            self._init_op = state_ops.state_update("Assign", self._variable, init, "Assign",
                                                   {"validate_shape": validate_shape})
            self._snapshot = array_ops.identity(self._variable, name="read")
            self._name = self._variable._name

    # -- properties -----------------------------------------------------------------------
    name = property(lambda self: self._name)
    op = property(lambda self: self._variable._op)
    dtype = property(lambda self: self._dtype)
    shape = property(lambda self: self._shape)
    graph = property(lambda self: self._graph)
    device = property(lambda self: self._variable._op._device)
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
        return array_ops.identity(self._variable, name="read")

    def initialized_value(self):
        with self._graph.control_dependencies([self._init_op]):
            return array_ops.identity(self._initial_value)

    def _as_graph_element(self):
        return self._variable

    def _ref(self):
        return self._variable

    def eval(self, session=None):
        """The variable's value in ``session`` (default: the default session)."""
        return session_for(session, self._graph).run(self._variable)

    def _update(self, op_type, value, name, use_locking, read_value):
        g = self._graph
        with g.as_default():
            value = convert_to_tensor(value, dtype=self._dtype.base_dtype)
            op = state_ops.state_update(op_type, self._variable, value, name,
                                        {"use_locking": bool(use_locking)})
        return op._outputs[0] if read_value else op

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """An op setting the variable to ``value``; returns the new value's tensor."""
        return self._update("Assign", value, name, use_locking, read_value)

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        return self._update("AssignAdd", delta, name, use_locking, read_value)

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        return self._update("AssignSub", delta, name, use_locking, read_value)

    def load(self, value, session=None):
        """Writes ``value`` into the variable in ``session`` without adding ops.

        Raises:
          ValueError: a value of another shape than the variable's.
        """
        sess = session_for(session, self._graph)
        arr = np.array(value, dtype=self._dtype.base_dtype._np)
        if self._shape.is_fully_defined() and arr.shape != tuple(self._shape.as_list()):
            raise ValueError("Cannot load value of shape %s into variable %s of shape %s"
                             % (arr.shape, self._name, self._shape))
        sess._load_variable(self._variable._op, arr)

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


def _variable_shape(init, shape, validate_shape):
    """The variable's static shape: ``shape`` when given (its initial value is then checked
    against it by the Assign, in TensorFlow's words), else the initial value's."""
    if validate_shape and not init._shape.is_fully_defined():
        raise ValueError("initial_value must have a shape specified: %s" % init)
    if shape is not None:
        var_shape = as_shape(shape)
        return init._shape if var_shape == init._shape else var_shape
    return init._shape if validate_shape else unknown_shape()


VariableV1 = Variable
RefVariable = Variable
register_conversion(Variable, lambda v, dtype, name: v._as_tensor(dtype, name))
install_operators(Variable)
