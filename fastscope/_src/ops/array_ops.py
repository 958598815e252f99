"""Array ops: placeholders, fills, identity, reshape, concat, shape, slicing.

Every op gets TensorFlow's default name, made unique in the current name
scope, and a static shape inferred at build time by its registered shape
function; shape errors are ValueErrors raised before anything is added to
the graph. Kernels are ``kernel(ctx, op, *inputs)`` and run inside ``Session.run``.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     x = tf.placeholder(tf.float32, [None, 3])
...     print(tf.reshape(x, [-1]).shape, tf.concat([x, x], 1).shape)
(?,) (?, 6)
"""
import math
import numbers

import numpy as np

from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import errors as _errors
from fastscope._src.framework.op_builder import build_op, convert_to_tensor
from fastscope._src.framework.registry import FILL, NEEDS_FEED, register_op
from fastscope._src.framework.tensor import Tensor
from fastscope._src.framework.tensor_shape import (TensorShape, as_shape, shape_str,
                                                   unknown_shape)


def _same_as_input(node):
    x = node.inputs[0]
    return [(x._dtype.base_dtype, x._shape)]


def _first_input(ctx, op, x, *unused):
    return x


# -- placeholders ---------------------------------------------------------------------------
def _placeholder_kernel(ctx, op):
    sh = op._outputs[0]._shape
    raise _errors.InvalidArgumentError(
        None, op, "You must feed a value for placeholder tensor '%s' with dtype %s%s"
        % (op.name, op._attrs["dtype"].enum_name[3:].lower(),
           "" if sh.ndims is None else " and shape %s" % shape_str(sh)))


def _attr_spec(node):
    return [(node.attrs["dtype"], node.attrs["shape"])]


register_op("Placeholder", shape=_attr_spec, kernel=_placeholder_kernel, traits=(NEEDS_FEED,),
            tf_attrs=("dtype", "shape"))


def placeholder(dtype, shape=None, name=None):
    """A value to be fed in ``Session.run(..., feed_dict={...})``.

    Raises (at run time, unfed): InvalidArgumentError.
    """
    dt = _dt.as_dtype(dtype).base_dtype
    sh = unknown_shape() if shape is None else as_shape(shape)
    return build_op("Placeholder", (), {"dtype": dt, "shape": sh}, name)._outputs[0]


def _with_default_shape(node):
    x = node.inputs[0]
    sh = node.attrs["shape"]
    if not sh.is_compatible_with(x._shape):
        raise ValueError("Shapes %s and %s are incompatible" % (sh, x._shape))
    return [(x._dtype.base_dtype, sh)]


register_op("PlaceholderWithDefault", ("input: dtype",), _with_default_shape, _first_input,
            tf_attrs=("dtype", "shape"))


def placeholder_with_default(input, shape, name=None):  # noqa: A002 - TF's argument name
    """A placeholder that takes ``input``'s value when not fed."""
    x = convert_to_tensor(input)
    return build_op("PlaceholderWithDefault", (x,), {"shape": as_shape(shape)},
                    name)._outputs[0]


# -- fills ------------------------------------------------------------------------------------
def _fill_kernel(ctx, op):
    a = op._attrs
    if a["dtype"] is _dt.string:   # TensorFlow's zeros of strings are empty strings
        return np.full(a["shape"], b"" if a["fill"] == 0 else a["fill"], dtype=object)
    return np.full(a["shape"], a["fill"], dtype=a["dtype"]._np)


def _fill_shape(node):
    return [(node.attrs["dtype"], TensorShape(node.attrs["shape"]))]


register_op("Fill", shape=_fill_shape, kernel=_fill_kernel, traits=(FILL,), tf_attrs=("T",))


def _filled(shape, dtype, name, default, value):
    dt = _dt.as_dtype(dtype).base_dtype
    if isinstance(shape, Tensor):
        raise NotImplementedError("fastscope: zeros/ones with a dynamic (Tensor) shape are not "
                                  "supported yet; pass a list of ints")
    sh = as_shape(shape)
    if not sh.is_fully_defined():
        raise ValueError("Cannot create a tensor of partially known shape %s" % sh)
    attrs = {"shape": tuple(sh.as_list()), "fill": value, "dtype": dt}
    return build_op("Fill", (), attrs, name, default)._outputs[0]


def _eye_kernel(ctx, op):
    a = op._attrs
    (r0, c0), (r, c) = a["offset"], a["shape"]
    out = np.zeros((r, c), dtype=a["dtype"]._np)
    d = np.arange(max(r0, c0), min(r0 + r, c0 + c, min(a["full_shape"])))
    out[d - r0, d - c0] = a["gain"]
    return out


register_op("Eye", shape=_fill_shape, kernel=_eye_kernel, traits=(FILL,), tf_type="MatrixDiag")


def eye_block(full_shape, offset, shape, gain, dtype, name="eye"):
    """``gain`` times the identity matrix of ``full_shape``, the block at ``offset`` of ``shape``.

    Computed when it runs (nothing of its size is held by the graph).
    """
    attrs = {"full_shape": tuple(int(d) for d in full_shape),
             "offset": tuple(int(o) for o in offset), "shape": tuple(int(d) for d in shape),
             "gain": gain, "dtype": _dt.as_dtype(dtype).base_dtype}
    return build_op("Eye", (), attrs, name)._outputs[0]


def zeros(shape, dtype=_dt.float32, name=None):
    """A tensor of zeros of ``shape``."""
    return _filled(shape, dtype, name, "zeros", 0)


def ones(shape, dtype=_dt.float32, name=None):
    """A tensor of ones of ``shape``."""
    return _filled(shape, dtype, name, "ones", 1)


def zeros_like(tensor, dtype=None, name=None):
    t = convert_to_tensor(tensor)
    return zeros(t._shape, dtype or t._dtype, name or "zeros_like")


def ones_like(tensor, dtype=None, name=None):
    t = convert_to_tensor(tensor)
    return ones(t._shape, dtype or t._dtype, name or "ones_like")


# -- identity, reshape, concat, shape -----------------------------------------------------------
register_op("Identity", ("input: T",), _same_as_input, _first_input, tf_attrs=("T",))


def identity(input, name=None):  # noqa: A002
    """Returns a tensor with the same value (op ``Identity``)."""
    return build_op("Identity", (input,), None, name)._outputs[0]


def _reshape_target(shape):
    if isinstance(shape, TensorShape):
        return [int(d) if d is not None else -1 for d in shape.as_list()]
    return [int(d) for d in np.asarray(shape).reshape(-1)]


def _reshape_shape(node):
    x = node.inputs[0]
    target = list(node.attrs["shape"])
    if target.count(-1) > 1:
        raise ValueError("Cannot infer multiple unknown dimensions in shape %s" % target)
    n = x._shape.num_elements()
    out = list(target)
    if -1 in target:
        known = math.prod(d for d in target if d != -1)
        if n is not None:
            if known == 0 or n % known:
                raise ValueError("Cannot reshape a tensor with %d elements to shape %s for "
                                 "'{{node %s}} = Reshape'" % (n, target, node.name))
            out[target.index(-1)] = n // known
        else:
            out[target.index(-1)] = None
    elif n is not None and math.prod(target) != n:
        raise ValueError("Cannot reshape a tensor with %d elements to shape %s (%d elements) for "
                         "'{{node %s}} = Reshape' with input shapes: %s, [%d]."
                         % (n, target, math.prod(target), node.name, shape_str(x._shape),
                            len(target)))
    return [(x._dtype.base_dtype, TensorShape(out))]


def _reshape_kernel(ctx, op, v):
    tgt = op._attrs["shape"]
    try:
        return np.reshape(v, tgt)
    except ValueError:
        raise _errors.InvalidArgumentError(
            None, op, "Input to reshape is a tensor with %d values, but the requested shape has "
            "%d" % (np.size(v), math.prod(tgt))) from None


register_op("Reshape", ("tensor: T",), _reshape_shape, _reshape_kernel, tf_attrs=("T",))


def reshape(tensor, shape, name=None):
    """Reshapes to ``shape`` (one entry may be -1); op ``Reshape``."""
    if isinstance(shape, Tensor):
        raise NotImplementedError("fastscope: reshape to a Tensor shape is not supported yet")
    return build_op("Reshape", (tensor,), {"shape": tuple(_reshape_target(shape))},
                    name)._outputs[0]


def _concat_dims(ts, axis, nd):
    dims = [None] * nd
    total = 0
    for t in ts:
        if t._shape.ndims is None:
            total = None
            continue
        if t._shape.ndims != nd:
            raise ValueError("Shape must be rank %d but is rank %d for 'ConcatV2'"
                             % (nd, t._shape.ndims))
        for i, d in enumerate(t._shape.as_list()):
            if i == axis:
                total = None if (total is None or d is None) else total + d
            elif d is not None:
                if dims[i] is not None and dims[i] != d:
                    raise ValueError("Dimension %d in both shapes must be equal, but are %d "
                                     "and %d for 'ConcatV2'" % (i, dims[i], d))
                dims[i] = d
    dims[axis] = total
    return TensorShape(dims)


def _concat_shape(node):
    ts = node.inputs
    axis = node.attrs["axis"]
    nd = next((t._shape.ndims for t in ts if t._shape.ndims is not None), None)
    if nd is None:
        return [(ts[0]._dtype.base_dtype, unknown_shape())]
    if not -nd <= axis < nd:
        raise ValueError("Shape must be at least rank %d but is rank %d" % (axis + 1, nd))
    node.attrs["axis"] = axis % nd
    return [(ts[0]._dtype.base_dtype, _concat_dims(ts, axis % nd, nd))]


def _concat_kernel(ctx, op, *vals):
    return np.concatenate(vals, axis=op._attrs["axis"])


register_op("ConcatV2", ("values: N*T",), _concat_shape, _concat_kernel, tf_attrs=("T", "N"))


def concat(values, axis, name="concat"):
    """Concatenates tensors along ``axis``; op ``concat`` (a single value passes through Identity)."""
    values = list(values)
    if not values:
        raise ValueError("List argument 'values' to 'ConcatV2' Op with length 0 shorter than "
                         "minimum length 2.")
    if len(values) == 1:
        return identity(values[0], name=name)
    return build_op("ConcatV2", (values,), {"axis": int(axis)}, name, "concat")._outputs[0]


def _shape_shape(node):
    return [(node.attrs["out_type"], TensorShape([node.inputs[0]._shape.ndims]))]


def _shape_kernel(ctx, op, v):
    return np.asarray(np.shape(v), dtype=op._attrs["out_type"]._np)


register_op("Shape", ("input: T",), _shape_shape, _shape_kernel, tf_attrs=("T", "out_type"))


def shape_of(input, name=None, out_type=_dt.int32):  # noqa: A002
    """``tf.shape``: the dynamic shape as a 1-D int32 tensor."""
    return build_op("Shape", (input,), {"out_type": _dt.as_dtype(out_type)}, name)._outputs[0]


# -- slicing ----------------------------------------------------------------------------------
def _check_key(key):
    for k in key:
        if isinstance(k, Tensor) or not (k is None or k is Ellipsis
                                         or isinstance(k, (numbers.Integral, slice))):
            raise TypeError("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) "
                            "and scalar tf.int32/tf.int64 tensors are valid indices, got %r" % (k,))


def _strided_slice_shape(node):
    x = node.inputs[0]
    key = node.attrs["key"]
    if not x._shape.is_fully_defined():
        return [(x._dtype.base_dtype, unknown_shape())]
    probe = np.broadcast_to(np.empty((), bool), x._shape.as_list())
    try:
        return [(x._dtype.base_dtype, TensorShape(probe[key].shape))]
    except IndexError as e:
        raise ValueError("slice index out of bounds for %s: %s" % (x.name, e)) from None


def _strided_slice_kernel(ctx, op, v):
    return np.array(v[op._attrs["key"]])


register_op("StridedSlice", ("input: T",), _strided_slice_shape, _strided_slice_kernel,
            tf_attrs=("T",))


def strided_slice(x, key, name="strided_slice"):
    """``x[key]`` for ints, slices, Ellipsis and None (numpy basic indexing)."""
    if not isinstance(key, tuple):
        key = (key,)
    _check_key(key)
    return build_op("StridedSlice", (x,), {"key": key}, name, "strided_slice")._outputs[0]


def _slice_shape(node):
    return [(node.inputs[0]._dtype.base_dtype, TensorShape(node.attrs["size"]))]


def _slice_kernel(ctx, op, x):
    return x[op._attrs["index"]]


register_op("Slice", ("input: T",), _slice_shape, _slice_kernel, tf_attrs=("T", "Index"))


def slice_tensor(x, begin, size, name="Slice"):
    """``x[begin : begin + size]`` per dimension (op ``Slice``, sizes known)."""
    index = tuple(slice(int(b), int(b) + int(n)) for b, n in zip(begin, size))
    attrs = {"begin": [int(b) for b in begin], "size": [int(n) for n in size], "index": index}
    return build_op("Slice", (x,), attrs, name, "Slice")._outputs[0]
