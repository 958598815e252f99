"""Strided slicing (``tf.strided_slice``, ``tensor[...]``) and ``reverse``.

``tensor[spec]`` is TensorFlow's slice helper: ints, slices (``a:b:c``, whose bounds may
be scalar int32/int64 tensors), ``...`` and ``tf.newaxis`` become one ``StridedSlice``
op whose begin/end/strides are packed (``strided_slice/stack``, ``stack_1``,
``stack_2``) and whose masks say which bounds are absent. The index arithmetic lives in
``framework/slicing.py``, shared by the shape function, the kernel and static shape
inference (``tf.shape(x)[0]`` of an ``x`` of shape ``(?, 3)`` is a scalar of unknown
value, ``tf.shape(x)[1]`` is known to be 3). The kernel returns a numpy view.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     x = tf.placeholder(tf.float32, [None, 4, 5])
...     i = tf.placeholder(tf.int32, [])
...     print(x[1:, ..., tf.newaxis, 2].shape, x[i].shape, x[:, ::-2].shape)
(?, 4, 1) (4, 5) (?, 2, 5)
"""
import functools
import numbers

import numpy as np

from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import slicing
from fastscope._src.framework.graph import graph_of
from fastscope._src.framework.op_builder import build_op, constant
from fastscope._src.framework.registry import register_op
from fastscope._src.framework.shape_inference import constant_value, node_error, with_rank
from fastscope._src.framework.tensor import Tensor
from fastscope._src.framework.tensor_shape import Dimension, TensorShape, unknown_shape
from fastscope._src.ops.array_ops import ones_like
from fastscope._src.ops.array_util import INDEX_TYPES, index_vector, invalid
from fastscope._src.ops.stack_ops import stack

_MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


# -- StridedSlice ------------------------------------------------------------------------------------
def _strided_slice_shape(node):
    x, begin, end, strides = node.inputs
    lengths = []
    for t in (begin, end, strides):
        with_rank(node, t, 1)
        lengths.append(t._shape.dims[0].value if t._shape.ndims == 1 else None)
    known = [n for n in lengths if n is not None]
    for n in known[1:]:
        if n != known[0]:
            raise node_error(node, "Dimension 0 in both shapes must be equal, but are %d and %d. "
                             "Shapes are [%d] and [%d]." % (known[0], n, known[0], n))
    dt = x._dtype.base_dtype
    s = constant_value(strides)
    if x._shape.ndims is None or not known or s is None:
        return [(dt, unknown_shape())]
    b, e = constant_value(begin), constant_value(end)
    both = b is not None and e is not None
    masks = {k: node.attrs[k] for k in _MASKS}
    try:
        plan = slicing.slice_plan(x._shape.as_list(), b.tolist() if both else None,
                                  e.tolist() if both else None, s.tolist(), **masks)
    except slicing.SliceSpecError as err:
        raise node_error(node, str(err)) from None
    return [(dt, TensorShape(plan.final_shape))]


def _strided_slice_kernel(ctx, op, x, begin, end, strides):
    b = index_vector(op, begin, "begin")
    e = index_vector(op, end, "end")
    s = index_vector(op, strides, "strides")
    if not len(b) == len(e) == len(s):
        raise invalid(op, "Expected begin, end, and strides to be 1D equal size tensors, but got "
                      "shapes [%d], [%d], and [%d] instead." % (len(b), len(e), len(s)))
    a = op._attrs
    try:
        index = _index(x.shape, tuple(b), tuple(e), tuple(s), a["begin_mask"], a["end_mask"],
                       a["ellipsis_mask"], a["new_axis_mask"], a["shrink_axis_mask"])
    except slicing.SliceSpecError as err:
        raise invalid(op, str(err)) from None
    return x[index]


@functools.lru_cache(maxsize=4096)
def _index(shape, begin, end, strides, *masks):
    """The numpy index of a slice of an input of ``shape`` (a run repeats the same few)."""
    plan = slicing.slice_plan(list(shape), begin, end, strides, *masks)
    return plan.index + (Ellipsis,)   # (the Ellipsis keeps a 0-d result an array)


register_op("StridedSlice", ("input: T", "begin: Index", "end: Index", "strides: Index"),
            _strided_slice_shape, _strided_slice_kernel,
            type_attrs={"Index": (_dt.int16, _dt.int32, _dt.int64)},
            tf_attrs=("T", "Index") + _MASKS)


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """``input_[begin:end:strides]`` with TensorFlow's masks (op ``StridedSlice``).

    ``begin``, ``end`` and ``strides`` are 1-D int16/int32/int64 tensors or lists of one
    length (``strides`` default: ones); bit i of a mask speaks of entry i (see
    ``framework/slicing.py``).

    Raises:
      ValueError: a spec the input's static shape cannot take (an index out of range,
        a zero stride, several ellipses).
      InvalidArgumentError (at run time): the same, found when the values are known.

    >>> import fastscope as tf
    >>> x = tf.constant([[1, 2, 3], [4, 5, 6]])
    >>> tf.Session().run(tf.strided_slice(x, [0, 2], [0, 0], [1, -1], begin_mask=1,
    ...                                   end_mask=3))
    array([[3, 2, 1],
           [6, 5, 4]], dtype=int32)
    """
    if strides is None:
        strides = ones_like(begin)
    attrs = {"begin_mask": int(begin_mask), "end_mask": int(end_mask),
             "ellipsis_mask": int(ellipsis_mask), "new_axis_mask": int(new_axis_mask),
             "shrink_axis_mask": int(shrink_axis_mask)}
    return build_op("StridedSlice", (input_, begin, end, strides), attrs, name)._outputs[0]


# -- tensor[...] --------------------------------------------------------------------------------------
_SLICE_TYPE_ERROR = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                     "scalar tf.int32/tf.int64 tensors are valid indices")


def _check_index(idx):
    if isinstance(idx, (numbers.Integral, Dimension)):
        return
    dtype = getattr(idx, "dtype", None)
    try:
        dt = _dt.as_dtype(dtype).base_dtype if dtype is not None else None
    except TypeError:
        dt = None
    shape = getattr(idx, "shape", None)
    rank = shape.ndims if isinstance(shape, TensorShape) else None if shape is None else len(shape)
    if dt not in INDEX_TYPES or rank == 1:
        raise TypeError(_SLICE_TYPE_ERROR + ", got %r" % (idx,))




def _bound(x):
    return int(x) if isinstance(x, (numbers.Integral, Dimension)) else x


def _spec_entries(slice_spec):
    """(begin, end, strides, masks) of TensorFlow's slice helper for ``tensor[slice_spec]``."""
    begin, end, strides = [], [], []
    masks = dict.fromkeys(_MASKS, 0)
    for i, s in enumerate(slice_spec):
        bit = 1 << i
        if isinstance(s, slice):
            for value, out, mask in ((s.start, begin, "begin_mask"), (s.stop, end, "end_mask")):
                if value is None:
                    out.append(0)
                    masks[mask] |= bit
                else:
                    _check_index(value)
                    out.append(_bound(value))
            if s.step is None:
                strides.append(1)
            else:
                _check_index(s.step)
                strides.append(_bound(s.step))
        elif s is Ellipsis or s is None:
            begin.append(0)
            end.append(0)
            strides.append(1)
            masks["ellipsis_mask" if s is Ellipsis else "new_axis_mask"] |= bit
        else:
            _check_index(s)
            s = _bound(s)
            begin.append(s)
            end.append(s + 1)
            strides.append(1)
            masks["shrink_axis_mask"] |= bit
    return begin, end, strides, masks


def _as_index_type(t, dt):
    return t if t._dtype.base_dtype is dt else build_op("Cast", (t,), {"DstT": dt})._outputs[0]


def slice_helper(tensor, slice_spec):
    """``tensor[slice_spec]``, as TensorFlow's ``Tensor.__getitem__`` builds it.

    >>> import fastscope as tf
    >>> x = tf.constant([[1, 2, 3], [4, 5, 6]])
    >>> tf.Session().run(slice_helper(x, (Ellipsis, slice(None, None, -2))))
    array([[3, 1],
           [6, 4]], dtype=int32)

    Raises:
      TypeError: an index that is not an int, a slice, ``...``, ``tf.newaxis`` or a
        scalar int32/int64 tensor (a boolean tensor too: TensorFlow 1.x has no mask
        indexing).
    """
    if not isinstance(slice_spec, (list, tuple)):
        slice_spec = [slice_spec]
    begin, end, strides, masks = _spec_entries(slice_spec)
    g = graph_of([tensor] + [v for v in begin + end + strides if isinstance(v, Tensor)])
    with g.as_default(), g.name_scope("strided_slice") as scope:
        if begin:
            packed = [stack(begin), stack(end), stack(strides)]
            if any(p._dtype.base_dtype is _dt.int64 for p in packed):
                packed = [_as_index_type(p, _dt.int64) for p in packed]
        else:
            packed = [constant([], dtype=_dt.int32)] * 3
        return strided_slice(tensor, *packed, name=scope, **masks)


# -- reverse -------------------------------------------------------------------------------------------
def _reverse_axes(axes, nd, error):
    out = []
    for i, a in enumerate(axes):
        if not -nd <= a < nd:
            raise error("'axis'[%d] = %d is out of valid range [%d, %d" % (i, a, -nd, nd - 1))
        a %= nd
        if a in out:
            raise error("axis %d specified more than once." % a)
        out.append(a)
    return out


def _reverse_shape(node):
    x, axis = node.inputs
    with_rank(node, axis, 1)
    value = constant_value(axis)
    if value is not None and x._shape.ndims is not None:
        _reverse_axes(value.tolist(), x._shape.ndims, lambda m: node_error(node, m))
    return [(x._dtype.base_dtype, x._shape)]


def _reverse_kernel(ctx, op, x, axis):
    v = np.asarray(axis)
    if v.ndim != 1:
        raise invalid(op, "'dims' must be 1-dimension, not %d" % v.ndim)
    axes = _reverse_axes([int(a) for a in v], x.ndim, lambda m: invalid(op, m))
    return np.flip(x, axis=tuple(axes)) if axes else x


register_op("ReverseV2", ("tensor: T", "axis: Tidx"), _reverse_shape, _reverse_kernel,
            type_attrs={"Tidx": INDEX_TYPES}, tf_attrs=("Tidx", "T"))


def reverse(tensor, axis, name=None):
    """``tensor`` with the dimensions in ``axis`` (a 1-D list or tensor) reversed.

    Raises:
      ValueError: an axis out of range or given twice.

    >>> import fastscope as tf
    >>> tf.Session().run(tf.reverse(tf.constant([[1, 2], [3, 4]]), [1]))
    array([[2, 1],
           [4, 3]], dtype=int32)
    """
    return build_op("ReverseV2", (tensor, axis), None, name)._outputs[0]
