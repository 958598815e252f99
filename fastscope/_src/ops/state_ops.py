"""State ops: a variable (``VariableV2``), its updates and initialisation checks.

A variable's value lives in the session that runs it (``ctx.values[op]``), never
in the graph. ``Assign`` copies its value in (unless the value is a fresh
buffer nothing else holds); ``AssignAdd``/``AssignSub`` update in place when
no one else can see the old buffer, under a per-variable lock when
``use_locking`` is set.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     v = tf.Variable(1.0, name="v")
...     print(v.op.type, v.initializer.type, v.assign_add(2.0).op.type)
VariableV2 Assign AssignAdd
"""
import numpy as np

from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import errors as _errors
from fastscope._src.framework.op_builder import build_op
from fastscope._src.framework.registry import READS_STATE, STATEFUL, register_op
from fastscope._src.framework.tensor_shape import TensorShape, incompatibility, shape_str
from fastscope._src.ops.math_ops import broadcast_shape


def _variable_kernel(ctx, op):
    try:
        return ctx.values[op]
    except KeyError:
        raise _errors.FailedPreconditionError(
            None, op, "Attempting to use uninitialized value %s" % op._name) from None


def _variable_shape(node):
    return [(node.attrs["dtype"]._as_ref, node.attrs["shape"])]


# READS_STATE: a control-flow branch or loop body that reads the variable re-runs this op (it
# reads the variable's value at that moment) rather than capturing its value beforehand.
register_op("VariableV2", shape=_variable_shape, kernel=_variable_kernel,
            traits=(STATEFUL, READS_STATE),
            tf_attrs=("dtype", "shape", "container", "shared_name"))


def variable_op(name, dtype, shape):
    """The ``VariableV2`` op named ``name`` (taken as the full name)."""
    return build_op("VariableV2", (), {"dtype": dtype, "shape": shape}, name + "/")


def _check_assign(op, var_op, value):
    if op._attrs.get("validate_shape", True):
        want = var_op._outputs[0]._shape
        if want.ndims is not None and want.is_fully_defined() and \
                tuple(want.as_list()) != np.shape(value):
            raise _errors.InvalidArgumentError(
                None, op, "Assign requires shapes of both tensors to match. lhs shape= %s rhs "
                "shape= %s" % (shape_str(want), list(np.shape(value))))


def _assign_kernel(ctx, op, ref, value):
    var_op = op._inputs[0]._op
    if op._attrs.get("use_locking"):
        with ctx.lock_for(var_op):
            return _assign(ctx, op, var_op, value)
    return _assign(ctx, op, var_op, value)


def _assign(ctx, op, var_op, value):
    _check_assign(op, var_op, value)
    dtype = var_op._outputs[0]._dtype.base_dtype._np
    # A fresh output (a random fill) becomes the value without a copy, so initialising a
    # 1 GiB variable needs 1 GiB, not 2.
    fresh = op._inputs[1]._op._def.fresh_output and isinstance(value, np.ndarray)
    value = np.asarray(value, dtype=dtype) if fresh else np.array(value, dtype=dtype, copy=True)
    ctx.values[var_op] = value
    return value


def _update_kernel(fn):
    def update(ctx, op, var_op, delta):
        old = _variable_kernel(ctx, var_op)
        new = fn(old, delta).astype(old.dtype, copy=False)
        _check_assign(op, var_op, new)
        ctx.values[var_op] = new
        return new

    def kernel(ctx, op, ref, delta):
        var_op = op._inputs[0]._op
        if op._attrs.get("use_locking"):
            # read, update and store as one step against other locked updates
            with ctx.lock_for(var_op):
                return update(ctx, op, var_op, delta)
        return update(ctx, op, var_op, delta)
    return kernel


def _assign_shape(node):
    ref, value = node.inputs
    if ref._shape is not value._shape and node.attrs.get("validate_shape", True):
        why = incompatibility(ref._shape, value._shape)
        if why is not None:
            raise ValueError("%s for '{{node %s}} = %s' with input shapes: %s."
                             % (why, node.name, node.type, node.input_shapes()))
    return [(ref._dtype, ref._shape)]


def _update_shape(node):
    ref, value = node.inputs
    broadcast_shape(ref._shape, value._shape, lambda: "'%s'" % node.type)
    return [(ref._dtype, ref._shape)]


register_op("Assign", ("ref: ref", "value: T"), _assign_shape, _assign_kernel,
            traits=(STATEFUL,), tf_attrs=("T", "validate_shape", "use_locking"))
register_op("AssignAdd", ("ref: ref", "value: T"), _update_shape, _update_kernel(np.add),
            traits=(STATEFUL,), tf_attrs=("T", "use_locking"))
register_op("AssignSub", ("ref: ref", "value: T"), _update_shape, _update_kernel(np.subtract),
            traits=(STATEFUL,), tf_attrs=("T", "use_locking"))


def state_update(op_type, ref, value, name, attrs=None):
    """An op updating the variable whose ref tensor is ``ref`` (``Assign``, ``AssignAdd``...)."""
    return build_op(op_type, (ref, value), attrs or {}, name)


def _is_initialized_kernel(ctx, op, ref):
    return np.asarray(op._inputs[0]._op in ctx.values)


register_op("IsVariableInitialized", ("ref: ref",),
            lambda node: [(_dt.bool, TensorShape([]))], _is_initialized_kernel,
            traits=(STATEFUL,), tf_attrs=("dtype",))


def _report_kernel(ctx, op, *refs):
    return np.array([t._op._name.encode() for t in op._inputs if t._op not in ctx.values],
                    dtype=object)


register_op("ReportUninitialized", ("var_list: ref*",),
            lambda node: [(_dt.string, TensorShape([None]))], _report_kernel,
            traits=(STATEFUL,), tf_type="ReportUninitializedVariables")
