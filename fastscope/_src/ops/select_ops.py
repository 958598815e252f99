"""Selecting ops: ``where`` (Where / Select), ``where_v2`` (SelectV2), ``argmax``, ``argmin``, ``unique``.

``tf.where`` keeps TensorFlow 1.x's meaning: with one argument the coordinates
of the true (nonzero) entries, int64 ``[N, rank]``; with three an elementwise
choice between two tensors of one shape (no broadcasting), where a vector
condition picks whole rows. ``where_v2`` broadcasts all three.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     c = tf.constant([[True, False], [False, True]])
...     w = tf.where(c)
...     print(w.name, w.shape, w.dtype.name, tf.Session().run(w).tolist())
Where:0 (?, 2) int64 [[0, 0], [1, 1]]
"""
import collections

import numpy as np

from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import errors as _errors
from fastscope._src.framework.graph import graph_of
from fastscope._src.framework.op_builder import build_op, convert_to_tensor
from fastscope._src.framework.registry import register_op
from fastscope._src.framework.tensor import Tensor
from fastscope._src.framework.tensor_shape import TensorShape, incompatibility, unknown_shape
from fastscope._src.ops import index_util as U
from fastscope._src.ops.math_ops import NUMBER, REAL_NUMBER, broadcast_shape

WHERE_TYPES = NUMBER + (_dt.bool,)
_ARG_TYPES = REAL_NUMBER + (_dt.bool,)
_ARG_OUTPUT_TYPES = (_dt.int16, _dt.uint16, _dt.int32, _dt.int64)


def _error(op, text):
    return _errors.InvalidArgumentError(None, op, text)


# -- Where (coordinates) ----------------------------------------------------------------------
def _where_shape(node):
    return [(_dt.int64, TensorShape([None, node.inputs[0]._shape.ndims]))]


def _where_kernel(ctx, op, x):
    if x.ndim == 0:
        raise _error(op, "WhereOp : Unhandled input dimensions: 0")
    return np.argwhere(x).astype(np.int64, copy=False)


register_op("Where", ("input: T",), _where_shape, _where_kernel, type_attrs={"T": WHERE_TYPES},
            tf_attrs=("T",))


# -- Select (TF1 where with x and y) ------------------------------------------------------------
def _select_shape(node):
    c, t, e = node.inputs
    why = incompatibility(t._shape, e._shape)
    if why:
        raise U.shape_error(node, why)
    xy = t._shape.merge_with(e._shape)
    cs = c._shape
    dt = t._dtype.base_dtype
    if xy.ndims is None or cs.ndims is None or cs.ndims == 0:
        return [(dt, xy)]
    if cs.ndims == 1 and xy.ndims >= 1:
        why = incompatibility(cs, TensorShape(xy.dims[:1]))
        if why:
            raise U.shape_error(node, why)
        return [(dt, TensorShape([xy.dims[0].merge_with(cs.dims[0])] + xy.dims[1:]))]
    why = incompatibility(xy, cs)
    if why:
        raise U.shape_error(node, why)
    return [(dt, xy.merge_with(cs))]


def _select_kernel(ctx, op, cond, t, e):
    if cond.ndim == 0:
        if t.shape != e.shape:
            raise _error(op, "'then' and 'else' must have the same size.  but received: %s vs. %s"
                         % (U.shape_str_of(t.shape), U.shape_str_of(e.shape)))
        return t if cond else e
    if cond.ndim == 1 and t.ndim != 1:
        if t.ndim == 0:
            raise _error(op, "'then' must be at least a vector, but saw shape: []")
        if t.shape != e.shape:
            raise _error(op, "'then' and 'else' must have the same size.  but received: %s vs. %s"
                         % (U.shape_str_of(t.shape), U.shape_str_of(e.shape)))
        if t.shape[0] != cond.shape[0]:
            raise _error(op, "Number of batches of 'then' must match size of 'cond', but saw: "
                         "%d vs. %d" % (t.shape[0], cond.shape[0]))
        return np.where(cond.reshape((-1,) + (1,) * (t.ndim - 1)), t, e)
    for k, v in ((1, t), (2, e)):
        if v.shape != cond.shape:
            raise _error(op, "Inputs to operation %s of type Select must have the same size and "
                         "shape.  Input 0: %s != input %d: %s" % (op.name, U.shape_str_of(
                             cond.shape), k, U.shape_str_of(v.shape)))
    return np.where(cond, t, e)


register_op("Select", ("condition: Tcond", "t: T", "e: T"), _select_shape, _select_kernel,
            type_attrs={"Tcond": (_dt.bool,)}, tf_attrs=("T",))


# -- SelectV2 (broadcasting) ---------------------------------------------------------------------
def _select_v2_shape(node):
    c, t, e = node.inputs
    s = broadcast_shape(c._shape, t._shape, node.describe)
    s = broadcast_shape(s, e._shape, node.describe)
    return [(t._dtype.base_dtype, s)]


def _select_v2_kernel(ctx, op, cond, t, e):
    try:
        np.broadcast_shapes(cond.shape, t.shape, e.shape)
    except ValueError:
        raise _error(op, "condition %s, then %s, and else %s must be broadcastable"
                     % (U.shape_str_of(cond.shape), U.shape_str_of(t.shape),
                        U.shape_str_of(e.shape))) from None
    return np.where(cond, t, e)


register_op("SelectV2", ("condition: Tcond", "t: T", "e: T"), _select_v2_shape,
            _select_v2_kernel, type_attrs={"Tcond": (_dt.bool,)}, tf_attrs=("T",))


def _where_or_select(select_type, condition, x, y, name):
    if x is None and y is None:
        g = graph_of([condition])
        with g.as_default(), g.name_scope(name or "Where") as scope:
            c = convert_to_tensor(condition, name="condition")
            return build_op("Where", (c,), None, scope)._outputs[0]
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    return build_op(select_type, (condition, x, y), None, name)._outputs[0]


def where(condition, x=None, y=None, name=None):
    """TensorFlow 1.x ``tf.where``: true coordinates (op ``Where``), or a choice (``Select``).

    Args:
      condition: with no ``x``/``y``, a tensor of numbers or booleans (nonzero is true);
        with them, booleans: of their shape, a scalar, or a vector over their first axis
        (picking whole rows).
      x, y: tensors of one dtype and shape (no broadcasting, as in TensorFlow 1.x).
      name: the op's name.

    Returns:
      Without ``x``/``y``: int64 coordinates ``[number of true entries, rank]``, in
      row-major order. With them: ``x`` where ``condition`` holds, else ``y``.

    Raises:
      ValueError: only one of ``x``, ``y``; shapes that do not match.
      TypeError: a non-boolean condition with ``x``/``y``, or ``x``, ``y`` of two dtypes.
      InvalidArgumentError (at run time): shapes that do not match; a scalar condition
        without ``x``/``y``.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     s = tf.where([True, False], [[1, 2], [3, 4]], [[5, 6], [7, 8]])
    ...     print(s.name, tf.Session().run(s).tolist())
    Select:0 [[1, 2], [7, 8]]
    """
    return _where_or_select("Select", condition, x, y, name)


def where_v2(condition, x=None, y=None, name=None):
    """``tf.where_v2``: ``where`` with ``condition``, ``x`` and ``y`` broadcast (``SelectV2``).

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     s = tf.where_v2([[True], [False]], [1, 2, 3], 0)
    ...     print(s.name, s.shape, tf.Session().run(s).tolist())
    SelectV2:0 (2, 3) [[1, 2, 3], [0, 0, 0]]
    """
    return _where_or_select("SelectV2", condition, x, y, name)


# -- ArgMax, ArgMin ------------------------------------------------------------------------------
def _arg_shape(node):
    x, dim_t = node.inputs
    out_t = node.attrs["output_type"]
    U.rank_exactly(node, dim_t._shape, 0)
    xs = x._shape
    if xs.ndims is None:
        return [(out_t, unknown_shape())]
    r = xs.ndims
    if r == 0:
        return [(out_t, TensorShape([]))]
    d = U.const_int(dim_t)
    if d is None:
        return [(out_t, unknown_shape(r - 1))]
    if not -r <= d < r:
        raise U.shape_error(node, "Dimension (%d) must be in the range [%d, %d), where %d is the "
                            "number of dimensions in the input." % (d, -r, r, r),
                            "input[1] = <%d>" % d)
    dims = xs.dims
    del dims[d % r]
    return [(out_t, TensorShape(dims))]


def _arg_kernel(fn, nan_as):
    def kernel(ctx, op, x, dim):
        d = U.scalar(op, dim, "dim")
        r = x.ndim
        if not -r <= d < r:
            raise _error(op, "Expected dimension in the range [%d, %d), but got %d" % (-r, r, d))
        d %= r
        if x.shape[d] == 0:
            raise _error(op, "Reduction axis %d is empty in shape %s"
                         % (d, U.shape_str_of(x.shape)))
        if x.dtype.kind == "f":
            nan = np.isnan(x)
            if nan.any():   # TensorFlow never picks a NaN (it compares with > and <)
                x = np.where(nan, nan_as, x)
        return fn(x, axis=d).astype(op._attrs["output_type"]._np)
    return kernel


for _type, _fn, _nan_as in (("ArgMax", np.argmax, -np.inf), ("ArgMin", np.argmin, np.inf)):
    register_op(_type, ("input: T", "dimension: Tidx"), _arg_shape, _arg_kernel(_fn, _nan_as),
                type_attrs={"T": _ARG_TYPES, "Tidx": U.INDEX_TYPES_16},
                tf_attrs=("T", "Tidx", "output_type"))


def _arg(op_type, x, axis, name, dimension, output_type):
    if dimension is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'dimension' and 'axis'.")
        axis = dimension
    if axis is None:
        axis = 0
    if isinstance(axis, (list, tuple, float)) or (isinstance(axis, Tensor)
                                                  and not axis.dtype.base_dtype.is_integer):
        raise TypeError("axis must be int or Tensor with integer datatype")
    ot = _dt.as_dtype(output_type).base_dtype
    if ot not in _ARG_OUTPUT_TYPES:
        raise TypeError("Value passed to parameter 'output_type' has DataType %s not in list of "
                        "allowed values: %s" % (ot.name, ", ".join(
                            t.name for t in _ARG_OUTPUT_TYPES)))
    return build_op(op_type, (x, axis), {"output_type": ot}, name)._outputs[0]


def argmax(input, axis=None, name=None, dimension=None, output_type=_dt.int64):  # noqa: A002
    """The index of the largest value along ``axis`` (``tf.argmax``; op ``ArgMax``).

    Args:
      input: a tensor of real numbers or booleans.
      axis: the axis to reduce (an int or a scalar int tensor; default 0).
      name: the op's name.
      dimension: TensorFlow 1.x's older name for ``axis``.
      output_type: int64 (default), int32, int16 or uint16.

    Returns:
      ``input``'s shape without ``axis``; ties give the first index, NaNs are never
      picked (an all-NaN slice gives 0), as TensorFlow's kernel does.

    Raises:
      ValueError: both ``axis`` and ``dimension``, or an axis out of range.
      TypeError: an axis that is not an integer, an unsupported dtype or output_type.
      InvalidArgumentError (at run time): an empty axis, an axis out of range.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     a = tf.argmax([[1, 5, 5], [7, 0, 1]], axis=1)
    ...     print(a.name, a.dtype.name, tf.Session().run(a).tolist())
    ArgMax:0 int64 [1, 0]
    """
    return _arg("ArgMax", input, axis, name, dimension, output_type)


def argmin(input, axis=None, name=None, dimension=None, output_type=_dt.int64):  # noqa: A002
    """The index of the smallest value along ``axis`` (``tf.argmin``; op ``ArgMin``).

    See ``argmax`` for the arguments.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     print(tf.Session().run(tf.argmin([[1, 5, 0], [7, 0, 1]], 1)).tolist())
    [2, 1]
    """
    return _arg("ArgMin", input, axis, name, dimension, output_type)


# -- Unique --------------------------------------------------------------------------------------
UniqueResult = collections.namedtuple("Unique", ["y", "idx"])


def _unique_shape(node):
    x = node.inputs[0]
    U.rank_exactly(node, x._shape, 1)
    dt = x._dtype.base_dtype
    return [(dt, TensorShape([None])), (node.attrs["out_idx"], x._shape)]


def _unique_kernel(ctx, op, x):
    if x.ndim != 1:
        raise _error(op, "unique expects a 1D vector.")
    out_idx = op._attrs["out_idx"]._np
    if not x.size:
        return x.copy(), np.zeros(0, out_idx)
    # each NaN is its own value, as in TensorFlow's hash-based kernel
    extra = {"equal_nan": False} if x.dtype.kind in "fc" else {}
    _, first, inverse = np.unique(x, return_index=True, return_inverse=True, **extra)
    order = np.argsort(first, kind="stable")   # by first occurrence, as TensorFlow orders
    rank = np.empty(len(first), np.int64)
    rank[order] = np.arange(len(first))
    return x[first[order]], rank[inverse.reshape(-1)].astype(out_idx)


register_op("Unique", ("x: T",), _unique_shape, _unique_kernel, tf_attrs=("T", "out_idx"))


def unique(x, out_idx=_dt.int32, name=None):
    """The distinct values of a vector in order of first appearance, and where each went.

    Args:
      x: a 1-D tensor.
      out_idx: int32 (default) or int64, the dtype of ``idx``.
      name: the op's name.

    Returns:
      ``Unique(y, idx)``: ``y`` the distinct values (shape ``[?]``), ``idx`` for each
      entry of ``x`` its position in ``y`` (so ``y[idx] == x``). Each NaN is distinct.

    Raises:
      ValueError: ``x`` not of rank 1.
      TypeError: an ``out_idx`` other than int32/int64.

    Differs from TensorFlow: complex vectors are accepted (TensorFlow's CPU build has no
    kernel for them).

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     y, idx = tf.unique([3, 1, 3, 2, 1])
    ...     print(y.name, idx.name, [v.tolist() for v in tf.Session().run([y, idx])])
    Unique:0 Unique:1 [[3, 1, 2], [0, 1, 0, 2, 1]]
    """
    oi = _dt.as_dtype(out_idx).base_dtype
    if oi not in U.INDEX_TYPES:
        raise TypeError("Value passed to parameter 'out_idx' has DataType %s not in list of "
                        "allowed values: int32, int64" % oi.name)
    op = build_op("Unique", (x,), {"out_idx": oi}, name)
    return UniqueResult(*op._outputs)
