"""Stacking and splitting: ``stack``/``unstack`` (Pack/Unpack) and ``split`` (Split/SplitV).

A list of tensors given where one tensor is expected becomes one ``Pack`` op (see
``op_builder.autopack``), so ``tf.reshape(x, [tf.shape(x)[0], -1])`` works as in
TensorFlow. The pieces of ``unstack`` and ``split`` are numpy views of their input.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     x = tf.placeholder(tf.float32, [None, 6])
...     a, b = tf.split(x, [2, -1], axis=1)
...     print(tf.stack([x, x], axis=1).shape, a.shape, b.shape, len(tf.unstack(x, axis=1)))
(?, 2, 6) (?, 2) (?, 4) 6
"""
import numpy as np

from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework.op_builder import build_op, convert_to_tensor
from fastscope._src.framework.registry import register_op
from fastscope._src.framework.shape_inference import constant_value, node_error, with_rank
from fastscope._src.framework.tensor import Tensor
from fastscope._src.framework.tensor_shape import (Dimension, TensorShape, incompatibility,
                                                   unknown_shape)
from fastscope._src.ops.array_util import index_scalar, index_vector, invalid


def _axis_error(axis, low, high):
    return ValueError("axis = %d not in [%d, %d)" % (axis, low, high))


def _outputs(values):
    # a kernel returns a one-output op's value itself, several outputs as a tuple
    return values[0] if len(values) == 1 else values


# -- stack (Pack) ----------------------------------------------------------------------------------
def _pack_shape(node):
    ts = node.inputs
    merged = unknown_shape()
    for t in ts:
        why = incompatibility(merged, t._shape)
        if why is not None:
            raise node_error(node, why + "\n\tFrom merging shape 0 with other shapes.")
        merged = merged.merge_with(t._shape)
    axis = node.attrs["axis"]
    dt = ts[0]._dtype.base_dtype
    if merged.ndims is None:
        return [(dt, unknown_shape())]
    nd = merged.ndims + 1
    if not -nd <= axis < nd:
        raise node_error(node, "Invalid axis: %d; must be in [%d,%d)" % (axis, -nd, nd))
    node.attrs["axis"] = axis % nd
    dims = merged.as_list()
    dims.insert(axis % nd, len(ts))
    return [(dt, TensorShape(dims))]


def _pack_kernel(ctx, op, *vals):
    first = np.shape(vals[0])
    for i, v in enumerate(vals[1:], 1):
        if np.shape(v) != first:
            raise invalid(op, "Shapes of all inputs must match: values[0].shape = [%s] != "
                          "values[%d].shape = [%s]" % (",".join(map(str, first)), i,
                                                       ",".join(map(str, np.shape(v)))))
    return np.stack(vals, axis=op._attrs["axis"])


register_op("Pack", ("values: N*T",), _pack_shape, _pack_kernel, tf_attrs=("T", "N", "axis"))


def stack(values, axis=0, name="stack"):
    """Stacks tensors of one shape along a new dimension ``axis`` (op ``Pack``).

    Python values alone (``tf.stack([1, 2])``) give a constant, as in TensorFlow.

    Raises:
      ValueError: shapes that differ, or an axis outside [-(rank+1), rank+1).
      TypeError: tensors of different dtypes.

    >>> import fastscope as tf
    >>> tf.Session().run(tf.stack([tf.constant([1, 2]), tf.constant([3, 4])], axis=1))
    array([[1, 3],
           [2, 4]], dtype=int32)
    """
    axis = int(axis)
    if axis == 0:
        try:
            return convert_to_tensor(values, name=name)
        except (TypeError, ValueError):
            pass   # the Pack below says what is wrong, in TensorFlow's words
    values = list(values)
    if values:
        first = convert_to_tensor(values[0], name=name)
        if first._shape.ndims is not None:
            nd = first._shape.ndims + 1
            if not -nd <= axis < nd:
                raise _axis_error(axis, -nd, nd)
    return build_op("Pack", (values,), {"axis": axis}, name, "stack")._outputs[0]


# -- unstack (Unpack) --------------------------------------------------------------------------------
def _unpack_shape(node):
    x = node.inputs[0]
    num, axis = node.attrs["num"], node.attrs["axis"]
    dt = x._dtype.base_dtype
    if x._shape.ndims is None:
        return [(dt, unknown_shape())] * num
    nd = x._shape.ndims
    if not -nd <= axis < nd:
        raise node_error(node, "Invalid axis: %d; must be in [%d,%d)" % (axis, -nd, nd))
    axis %= nd
    node.attrs["axis"] = axis
    dims = x._shape.as_list()
    if dims[axis] is not None and dims[axis] != num:
        raise node_error(node, "Dimension must be %d but is %d" % (num, dims[axis]))
    del dims[axis]
    return [(dt, TensorShape(dims))] * num


def _unpack_kernel(ctx, op, x):
    num, axis = op._attrs["num"], op._attrs["axis"]
    if x.shape[axis] != num:
        raise invalid(op, "Input shape axis %d must equal %d, got shape [%s]"
                      % (axis, num, ",".join(str(d) for d in x.shape)))
    lead = (slice(None),) * axis
    return _outputs(tuple(x[lead + (i, Ellipsis)] for i in range(num)))


register_op("Unpack", ("value: T",), _unpack_shape, _unpack_kernel,
            tf_attrs=("T", "num", "axis"))


def unstack(value, num=None, axis=0, name="unstack"):
    """The slices of ``value`` along ``axis``, as a list of ``num`` tensors (op ``Unpack``).

    Raises:
      ValueError: ``num`` not given and not known from the static shape, or an axis out
        of range.

    >>> import fastscope as tf
    >>> [t.shape for t in tf.unstack(tf.zeros([2, 3]), axis=1)]
    [TensorShape([Dimension(2)]), TensorShape([Dimension(2)]), TensorShape([Dimension(2)])]
    """
    axis = int(axis)
    value = convert_to_tensor(value)
    shape = value._shape
    if num is None:
        if shape.ndims is not None:
            if not -shape.ndims <= axis < shape.ndims:
                raise _axis_error(axis, -shape.ndims, shape.ndims)
            num = shape.dims[axis].value
        if num is None:
            raise ValueError("Cannot infer num from shape %s" % shape)
    op = build_op("Unpack", (value,), {"num": int(num), "axis": axis}, name, "unstack")
    return list(op._outputs)


# -- split (Split, SplitV) -----------------------------------------------------------------------
def _split_axis(node, x, axis_t):
    """The split axis (normalised) when it and the input's rank are known, else None."""
    with_rank(node, axis_t, 0)
    value = constant_value(axis_t)
    nd = x._shape.ndims
    if value is None or nd is None:
        return None
    a = int(value)
    if not -nd <= a < nd:
        raise node_error(node, "Dimension size, given by scalar input %d must be in range "
                         "[%d, %d)" % (a, -nd, nd))
    return a % nd


def _split_shape(node):
    axis_t, x = node.inputs
    num = node.attrs["num_split"]
    dt = x._dtype.base_dtype
    a = _split_axis(node, x, axis_t)
    if a is None:
        return [(dt, unknown_shape(x._shape.ndims))] * num
    dims = x._shape.as_list()
    if dims[a] is not None:
        if dims[a] % num:
            raise node_error(node, "Dimension size must be evenly divisible by %d but is %d\n\t"
                             "Number of ways to split should evenly divide the split "
                             "dimension" % (num, dims[a]))
        dims[a] //= num
    return [(dt, TensorShape(dims))] * num


def _kernel_axis(op, x, axis):
    a = index_scalar(op, axis, "split_dim")
    if not -x.ndim <= a < x.ndim:
        raise invalid(op, "-input rank(-%d) <= split_dim < input rank (%d), but got %d"
                      % (x.ndim, x.ndim, a))
    return a % x.ndim


def _pieces(x, axis, sizes):
    lead = (slice(None),) * axis
    out, start = [], 0
    for n in sizes:
        out.append(x[lead + (slice(start, start + n),)])
        start += n
    return _outputs(tuple(out))


def _split_kernel(ctx, op, axis, x):
    a = _kernel_axis(op, x, axis)
    num = op._attrs["num_split"]
    if x.shape[a] % num:
        raise invalid(op, "Number of ways to split should evenly divide the split dimension, "
                      "but got split_dim %d (size = %d) and num_split %d" % (a, x.shape[a], num))
    return _pieces(x, a, [x.shape[a] // num] * num)


register_op("Split", ("split_dim: Tdim", "value: T"), _split_shape, _split_kernel,
            type_attrs={"Tdim": (_dt.int32,)}, tf_attrs=("T", "num_split"))


def _resolved_sizes(sizes, dim, error):
    """``sizes`` with its -1 resolved against ``dim`` (None: unknown), checked."""
    holes = [i for i, n in enumerate(sizes) if n == -1]
    if len(holes) > 1:
        raise error("size_splits can only have one -1")
    if dim is None:
        return [None if n == -1 else n for n in sizes]
    sizes = list(sizes)
    if holes:
        sizes[holes[0]] = dim - sum(n for i, n in enumerate(sizes) if i != holes[0])
    for i, n in enumerate(sizes):
        if n < 0:
            raise error("Split size at index %d must be >= 0. Got: %d" % (i, n))
    if sum(sizes) != dim:
        raise error("can't split axis of size %d into pieces of size [%s]"
                    % (dim, ",".join(str(n) for n in sizes)))
    return sizes


def _split_v_shape(node):
    x, sizes_t, axis_t = node.inputs
    num = node.attrs["num_split"]
    dt = x._dtype.base_dtype
    with_rank(node, sizes_t, 1)
    a = _split_axis(node, x, axis_t)
    sizes = constant_value(sizes_t)
    if a is None or sizes is None:
        return [(dt, unknown_shape(x._shape.ndims))] * num
    if sizes.size != num:
        raise node_error(node, "size_splits must have %d elements, got %d" % (num, sizes.size))
    dims = x._shape.as_list()
    out = []
    for n in _resolved_sizes(sizes.tolist(), dims[a], lambda m: node_error(node, m)):
        d = list(dims)
        d[a] = n
        out.append((dt, TensorShape(d)))
    return out


def _split_v_kernel(ctx, op, x, size_splits, axis):
    a = _kernel_axis(op, x, axis)
    sizes = index_vector(op, size_splits, "size_splits")
    if len(sizes) != op._attrs["num_split"]:
        raise invalid(op, "size_splits must have %d elements, got %d"
                      % (op._attrs["num_split"], len(sizes)))
    total = sum(n for n in sizes if n != -1)
    if -1 not in sizes and total != x.shape[a] or -1 in sizes and total > x.shape[a]:
        raise invalid(op, "Determined shape must either match input shape along split_dim "
                      "exactly if fully specified, or be less than the size of the input along "
                      "split_dim if not fully specified.  Got: %d" % total)
    return _pieces(x, a, _resolved_sizes(sizes, x.shape[a], lambda m: invalid(op, m)))


register_op("SplitV", ("value: T", "size_splits: Tlen", "split_dim: Tdim"), _split_v_shape,
            _split_v_kernel, type_attrs={"Tlen": (_dt.int8, _dt.int32, _dt.int64),
                                         "Tdim": (_dt.int32,)},
            tf_attrs=("T", "Tlen", "num_split"))


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Splits ``value`` along ``axis`` into equal parts (an int) or parts of given sizes.

    ``num_or_size_splits`` is an int (op ``Split``) or a 1-D list/tensor of sizes, one of
    which may be -1 (op ``SplitV``; ``num`` gives the count when a tensor's length is not
    known statically).

    Raises:
      ValueError: sizes that do not add up, a count that does not divide the dimension,
        a count of 0, or a sizes tensor whose length is unknown without ``num``.
      TypeError: a count given as a tensor.

    >>> import fastscope as tf
    >>> [t.shape.as_list() for t in tf.split(tf.zeros([2, 6]), [1, -1, 2], axis=1)]
    [[2, 1], [2, 3], [2, 2]]
    """
    if isinstance(num_or_size_splits, Dimension):
        num_or_size_splits = num_or_size_splits.value
    # TensorFlow 1.x converts first, whatever the argument (so an int costs a Const too)
    sizes = convert_to_tensor(num_or_size_splits)
    if sizes._shape.ndims == 0 and sizes._dtype.is_integer:
        if isinstance(num_or_size_splits, Tensor):
            raise TypeError("Expected int for argument 'num_split' not %r." % (
                num_or_size_splits,))
        n = int(num_or_size_splits)
        if n < 1:
            raise ValueError("Attr 'num_split' of 'Split' Op passed %d less than minimum 1." % n)
        op = build_op("Split", (axis, value), {"num_split": n}, name, "split")
        return list(op._outputs)
    if num is None:
        num = sizes._shape.dims[0].value if sizes._shape.ndims == 1 else None
        if num is None:
            raise ValueError("Cannot infer num from shape %s" % (num_or_size_splits,))
    op = build_op("SplitV", (value, sizes, axis), {"num_split": int(num)}, name, "split")
    return list(op._outputs)

