"""Shape-changing ops: reshape, expand_dims, squeeze, transpose, tile, broadcast_to, pad.

Each takes its shape, axis, permutation, multiples or paddings as an input tensor, as
TensorFlow's ops do (a Python list becomes a constant named after the input,
``Reshape/shape``), and its shape function keeps what is known of that value: a shape
built from ``tf.shape(x)`` of a partially known ``x`` keeps the known dimensions.
Kernels return numpy views where the data does not move (reshape, expand_dims,
squeeze, transpose, broadcast_to) and check index values first, in TensorFlow's words.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     x = tf.placeholder(tf.float32, [None, 6])
...     y = tf.reshape(x, [-1, 2, tf.shape(x)[1] // 2])
...     print(y.shape, tf.transpose(y).shape, tf.tile(y, [1, 2, 1]).shape)
(?, 2, 3) (3, 2, ?) (?, 4, 3)
"""
import math
import numbers

import numpy as np

from fastscope._src.framework.graph import graph_of
from fastscope._src.framework.op_builder import build_op, convert_to_tensor
from fastscope._src.framework.registry import register_op
from fastscope._src.framework.shape_inference import (constant_value, constant_value_as_shape,
                                                      node_error, partial_value, with_rank)
from fastscope._src.framework.tensor import Tensor
from fastscope._src.framework.tensor_shape import TensorShape, unknown_shape
from fastscope._src.ops.array_util import INDEX_TYPES, check_output_size, index_vector, invalid


def _length(t):
    """The static length of 1-D tensor ``t``, or None."""
    return t._shape.dims[0].value if t._shape.ndims == 1 else None


def _elements(shape):
    """The number of elements a static shape holds, when known (0 if any dimension is 0)."""
    if shape.ndims is None:
        return None
    dims = shape.as_list()
    if 0 in dims:
        return 0
    return math.prod(dims) if None not in dims else None


# -- reshape -----------------------------------------------------------------------------------
def _reshape_dims(node, x, out):
    """Fills in the one unknown dimension of ``out`` from ``x``'s size; checks the sizes agree."""
    unknown = out.count(None)
    known = math.prod(d for d in out if d is not None)
    n = _elements(x._shape)
    if n is not None:
        if known == 0 and n != 0 or unknown == 0 and known != n:
            raise node_error(node, "Cannot reshape a tensor with %d elements to shape [%s] (%d "
                             "elements)" % (n, ", ".join("?" if d is None else str(d)
                                                         for d in out), known))
        if unknown == 1 and known:
            if n % known:
                raise node_error(node, "Dimension size must be evenly divisible by %d but is %d"
                                 % (known, n))
            out[out.index(None)] = n // known
    elif x._shape.ndims is not None and unknown == 0:
        known_in = math.prod(d for d in x._shape.as_list() if d is not None)
        if known_in and known % known_in:
            raise node_error(node, "Dimension size must be evenly divisible by %d but is %d"
                             % (known_in, known))
    return out


def _reshape_shape(node):
    x, shape = node.inputs
    with_rank(node, shape, 1)
    target = partial_value(shape)
    dt = x._dtype.base_dtype
    if not isinstance(target, list):
        return [(dt, unknown_shape(_length(shape)))]
    for v in target:
        if v is not None and v < -1:
            raise ValueError("Invalid value in tensor used for shape: %d" % v)
    out = [None if v is None or v == -1 else v for v in target]
    return [(dt, TensorShape(_reshape_dims(node, x, out)))]


def _reshape_target(op, n, in_shape, shape):
    tgt = index_vector(op, shape, "sizes input")
    missing, product = None, 1
    for i, d in enumerate(tgt):
        if d == -1:
            if missing is not None:
                raise invalid(op, "Only one input size may be -1, not both %d and %d"
                              % (missing, i))
            missing = i
        elif d < 0:
            raise invalid(op, "Size %d must be non-negative, not %d" % (i, d))
        else:
            product *= d
    if missing is None:
        if product != n:
            raise invalid(op, "Input to reshape is a tensor with %d values, but the requested "
                          "shape has %d" % (n, product))
    elif product:
        if n % product:
            raise invalid(op, "Input to reshape is a tensor with %d values, but the requested "
                          "shape requires a multiple of %d" % (n, product))
        tgt[missing] = n // product
    elif n:
        raise invalid(op, "Input to reshape is a tensor with %d values, but the requested shape "
                      "has 0" % n)
    else:
        # no values either way: the unknown size is what the non-zero sizes leave
        nonzero_in = math.prod(d for d in in_shape if d)
        nonzero_out = math.prod(d for d in tgt if d > 0)
        tgt[missing] = nonzero_in // nonzero_out
    return tgt


def _reshape_kernel(ctx, op, v, shape):
    return np.reshape(v, _reshape_target(op, np.size(v), np.shape(v), shape))


register_op("Reshape", ("tensor: T", "shape: Tshape"), _reshape_shape, _reshape_kernel,
            type_attrs={"Tshape": INDEX_TYPES}, tf_attrs=("T", "Tshape"))


def _as_shape_input(shape):
    if isinstance(shape, TensorShape):
        return [-1 if d is None else d for d in shape.as_list()]
    return shape


def reshape(tensor, shape, name=None):
    """Reshapes ``tensor`` to ``shape`` (a list or a 1-D int32/int64 tensor; one entry may be -1).

    Differs from TensorFlow: a partially known ``TensorShape`` is taken, its unknown
    dimensions as -1 (TensorFlow refuses to convert it).

    Raises:
      ValueError: a shape that cannot hold the tensor's known number of elements.
      InvalidArgumentError (at run time): the same, found when the values are known.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     x = tf.placeholder(tf.float32, [None, 4])
    ...     y = tf.reshape(x, tf.stack([-1, tf.shape(x)[1] // 2]))
    ...     print(y.shape, tf.Session().run(y, {x: [[1, 2, 3, 4]]}).tolist())
    (?, 2) [[1.0, 2.0], [3.0, 4.0]]
    """
    return build_op("Reshape", (tensor, _as_shape_input(shape)), None, name)._outputs[0]


# -- expand_dims, squeeze ----------------------------------------------------------------------
def _expand_shape(node):
    x, dim = node.inputs
    value = constant_value(dim)
    if value is not None and value.size != 1:
        raise node_error(node, "'dim' input must be a tensor with a single value")
    nd = x._shape.ndims
    if value is None or nd is None:
        return [(x._dtype.base_dtype, unknown_shape())]
    d = int(value.reshape(-1)[0])
    if not -nd - 1 <= d <= nd:
        raise node_error(node, "dim %d not in the interval [%d, %d]." % (d, -nd - 1, nd))
    dims = x._shape.as_list()
    dims.insert(d if d >= 0 else d + nd + 1, 1)
    return [(x._dtype.base_dtype, TensorShape(dims))]


def _expand_kernel(ctx, op, x, dim):
    v = np.asarray(dim)
    if v.size != 1:
        raise invalid(op, "'dim' must be a tensor with a single value")
    d = int(v.reshape(-1)[0])
    if not -x.ndim - 1 <= d <= x.ndim:
        raise invalid(op, "Tried to expand dim index %d for tensor with %d dimensions."
                      % (d, x.ndim))
    return np.expand_dims(x, d if d >= 0 else d + x.ndim + 1)


register_op("ExpandDims", ("input: T", "dim: Tdim"), _expand_shape, _expand_kernel,
            type_attrs={"Tdim": INDEX_TYPES}, tf_attrs=("T", "Tdim"))


def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002 - TF's argument names
    """Inserts a dimension of size 1 at ``axis`` (a scalar, -rank-1 <= axis <= rank).

    Raises:
      ValueError: no axis, both ``axis`` and ``dim``, or an axis out of range.

    >>> import fastscope as tf
    >>> tf.expand_dims(tf.zeros([2, 3]), -1).shape
    TensorShape([Dimension(2), Dimension(3), Dimension(1)])
    """
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    return build_op("ExpandDims", (input, axis), None, name)._outputs[0]


def _squeeze_axes(dims, axes, error):
    nd = len(dims)
    out = set()
    for i, a in enumerate(axes):
        if not -nd <= a < nd:
            raise error("squeeze_dims[%d] not in [%d,%d)." % (i, -nd, nd))
        a %= nd
        if dims[a] is not None and dims[a] != 1:
            raise error("Can not squeeze dim[%d], expected a dimension of 1, got %d"
                        % (a, dims[a]))
        out.add(a)
    return out


def _squeeze_shape(node):
    x = node.inputs[0]
    dt = x._dtype.base_dtype
    if x._shape.ndims is None:
        return [(dt, unknown_shape())]
    dims = x._shape.as_list()
    axes = node.attrs["squeeze_dims"]
    if not axes:
        if None in dims:
            return [(dt, unknown_shape())]
        return [(dt, TensorShape([d for d in dims if d != 1]))]
    drop = _squeeze_axes(dims, axes, lambda m: node_error(node, m))
    return [(dt, TensorShape([d for i, d in enumerate(dims) if i not in drop]))]


def _squeeze_kernel(ctx, op, x):
    axes = op._attrs["squeeze_dims"]
    if not axes:
        return np.reshape(x, [d for d in x.shape if d != 1])
    drop = _squeeze_axes(list(x.shape), axes, lambda m: invalid(op, m))
    return np.squeeze(x, axis=tuple(sorted(drop)))


register_op("Squeeze", ("input: T",), _squeeze_shape, _squeeze_kernel,
            tf_attrs=("T", "squeeze_dims"))


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    """Removes dimensions of size 1 (all of them, or those in ``axis``).

    Raises:
      ValueError: an axis out of range, one whose known size is not 1, or both ``axis``
        and ``squeeze_dims``.

    >>> import fastscope as tf
    >>> tf.squeeze(tf.zeros([1, 2, 1]), [2]).shape
    TensorShape([Dimension(1), Dimension(2)])
    """
    if axis is not None and squeeze_dims is not None:
        raise ValueError("Cannot specify both 'axis' and 'squeeze_dims'")
    axis = squeeze_dims if axis is None else axis
    if axis is None:
        axis = []
    elif isinstance(axis, numbers.Integral):
        axis = [axis]
    attrs = {"squeeze_dims": [int(a) for a in axis]}
    return build_op("Squeeze", (input,), attrs, name)._outputs[0]


# -- transpose -----------------------------------------------------------------------------------
def _transpose_shape(node):
    x, perm = node.inputs
    with_rank(node, perm, 1)
    nd, n = x._shape.ndims, _length(perm)
    if nd is not None and n is not None and nd != n:
        raise node_error(node, "Dimension must be %d but is %d" % (nd, n))
    nd = nd if nd is not None else n
    value = constant_value(perm)
    dt = x._dtype.base_dtype
    if value is None or x._shape.ndims is None:
        return [(dt, unknown_shape(nd))]
    dims = x._shape.as_list()
    out = []
    for p in value.tolist():
        if not -nd <= p < nd:
            raise node_error(node, "perm dim %d is out of range of input rank %d" % (p, nd))
        out.append(dims[p])
    return [(dt, TensorShape(out))]


def _permutation(op, x, perm):
    p = index_vector(op, perm, "perm")
    if len(p) != x.ndim:
        raise invalid(op, "transpose expects a vector of size %d. But input(1) is a vector of "
                      "size %d" % (x.ndim, len(p)))
    for d in p:
        if not -x.ndim <= d < x.ndim:
            raise invalid(op, "%d is out of range [0 .. %d)" % (d, x.ndim))
    p = [d % x.ndim for d in p] if x.ndim else p
    for i in range(x.ndim):
        if i not in p:
            raise invalid(op, "%d is missing from {%s}." % (i, ",".join(str(d) for d in p)))
    return p


def _transpose_kernel(ctx, op, x, perm):
    return np.transpose(x, _permutation(op, x, perm))


def _conjugate_transpose_kernel(ctx, op, x, perm):
    out = np.transpose(x, _permutation(op, x, perm))
    return np.conj(out) if out.dtype.kind == "c" else out


register_op("Transpose", ("x: T", "perm: Tperm"), _transpose_shape, _transpose_kernel,
            type_attrs={"Tperm": INDEX_TYPES}, tf_attrs=("T", "Tperm"))
register_op("ConjugateTranspose", ("x: T", "perm: Tperm"), _transpose_shape,
            _conjugate_transpose_kernel, type_attrs={"Tperm": INDEX_TYPES},
            tf_attrs=("T", "Tperm"))


def transpose(a, perm=None, name="transpose", conjugate=False):
    """Permutes the dimensions of ``a`` (reversed when ``perm`` is None).

    ``conjugate=True`` also conjugates a complex ``a`` (op ``ConjugateTranspose``).

    Raises:
      ValueError: a permutation of the wrong length or with entries out of range.
      NotImplementedError: ``perm=None`` for a tensor of unknown rank (not provided yet).

    >>> import fastscope as tf
    >>> tf.Session().run(tf.transpose(tf.constant([[1, 2], [3, 4]])))
    array([[1, 3],
           [2, 4]], dtype=int32)
    """
    g = graph_of([a, perm])
    with g.as_default(), g.name_scope(name or "transpose") as scope:
        if not isinstance(a, Tensor):
            a = convert_to_tensor(a, name="a")
        op_type = "ConjugateTranspose" if conjugate and a._dtype.is_complex else "Transpose"
        if perm is None:
            nd = a._shape.ndims
            if nd is None:
                raise NotImplementedError("fastscope: transpose without perm of a tensor of "
                                          "unknown rank is not provided yet; pass perm")
            perm = np.arange(nd - 1, -1, -1, dtype=np.int32)
        return build_op(op_type, (a, perm), None, scope)._outputs[0]


# -- tile, broadcast_to ----------------------------------------------------------------------------
def _times(a, b):
    if a == 0 or b == 0:
        return 0
    return None if a is None or b is None else a * b


def _tile_shape(node):
    x, multiples = node.inputs
    with_rank(node, multiples, 1)
    nd, n = x._shape.ndims, _length(multiples)
    if nd is not None and n is not None and nd != n:
        raise node_error(node, "Shape must be rank %d but is rank %d" % (nd, n))
    m = constant_value_as_shape(multiples)
    dt = x._dtype.base_dtype
    if m.ndims is None:
        return [(dt, unknown_shape(nd))]
    dims = x._shape.as_list() if nd is not None else [None] * m.ndims
    return [(dt, TensorShape([_times(d, k) for d, k in zip(dims, m.as_list())]))]


def _tile_kernel(ctx, op, x, multiples):
    m = index_vector(op, multiples, "multiples")
    if len(m) != x.ndim:
        raise invalid(op, "Expected multiples argument to be a vector of length %d but got "
                      "length %d" % (x.ndim, len(m)))
    for i, k in enumerate(m):
        if k < 0:
            raise invalid(op, "Expected multiples[%d] >= 0, but got %d" % (i, k))
    out = [d * k for d, k in zip(x.shape, m)]
    check_output_size(op, out, x.dtype)
    return np.tile(x, m) if x.ndim else np.array(x)


register_op("Tile", ("input: T", "multiples: Tmultiples"), _tile_shape, _tile_kernel,
            type_attrs={"Tmultiples": INDEX_TYPES}, tf_attrs=("T", "Tmultiples"))


def tile(input, multiples, name=None):  # noqa: A002
    """Repeats ``input`` ``multiples[i]`` times along dimension i (op ``Tile``).

    >>> import fastscope as tf
    >>> tf.Session().run(tf.tile(tf.constant([[1, 2]]), [2, 2]))
    array([[1, 2, 1, 2],
           [1, 2, 1, 2]], dtype=int32)
    """
    return build_op("Tile", (input, multiples), None, name)._outputs[0]


def _broadcast_dims(node, dims, target):
    """The broadcast of static ``dims`` to ``target`` (lists, None unknown), or ValueError."""
    out = []
    lead = len(target) - len(dims)
    for i, t in enumerate(target):
        d = dims[i - lead] if i >= lead else 1
        if d is not None and d != 1 and t is not None and d != t:
            raise node_error(node, "Dimensions must be equal, but are %d and %d" % (d, t))
        out.append(t if t is not None else (d if d is not None and d != 1 else None))
    return out


def _broadcast_to_shape(node):
    x, shape = node.inputs
    with_rank(node, shape, 1)
    target = constant_value_as_shape(shape)
    dt = x._dtype.base_dtype
    if target.ndims is None:
        return [(dt, target)]
    if x._shape.ndims is None:
        return [(dt, target)]
    if x._shape.ndims > target.ndims:
        raise node_error(node, "Shape must be at most rank %d but is rank %d"
                         % (target.ndims, x._shape.ndims))
    return [(dt, TensorShape(_broadcast_dims(node, x._shape.as_list(), target.as_list())))]


def _broadcast_to_kernel(ctx, op, x, shape):
    tgt = index_vector(op, shape, "shape")
    for d in tgt:
        if d < 0:
            raise invalid(op, "Dimension %d must be >= 0" % d)
    if x.ndim > len(tgt):
        raise invalid(op, "Rank of input (%d) must be no greater than rank of output shape "
                      "(%d)." % (x.ndim, len(tgt)))
    check_output_size(op, tgt, x.dtype)
    try:
        return np.broadcast_to(x, tgt)
    except ValueError:
        raise invalid(op, "Incompatible shapes: [%s] vs. [%s]" % (
            ",".join(str(d) for d in x.shape), ",".join(str(d) for d in tgt))) from None


register_op("BroadcastTo", ("input: T", "shape: Tidx"), _broadcast_to_shape,
            _broadcast_to_kernel, type_attrs={"Tidx": INDEX_TYPES}, tf_attrs=("T", "Tidx"))


def broadcast_to(input, shape, name=None):  # noqa: A002
    """``input`` broadcast to ``shape`` (numpy's rules; op ``BroadcastTo``).

    Differs from TensorFlow: the value is a read-only broadcast view until a fetch or a
    variable copies it (same values).

    >>> import fastscope as tf
    >>> tf.Session().run(tf.broadcast_to(tf.constant([1, 2]), [2, 2]))
    array([[1, 2],
           [1, 2]], dtype=int32)
    """
    return build_op("BroadcastTo", (input, _as_shape_input(shape)), None, name)._outputs[0]



# -- pad -----------------------------------------------------------------------------------------
def _pad_shape(node):
    x, paddings = node.inputs[:2]
    with_rank(node, paddings, 2)
    pshape = paddings._shape
    n = pshape.dims[0].value if pshape.ndims == 2 else None
    if pshape.ndims == 2 and pshape.dims[1].value not in (None, 2):
        raise node_error(node, "Dimension must be 2 but is %d" % pshape.dims[1].value)
    if n is not None and x._shape.ndims is not None and x._shape.ndims != n:
        raise node_error(node, "Shape must be rank %d but is rank %d" % (n, x._shape.ndims))
    if len(node.inputs) == 3:
        with_rank(node, node.inputs[2], 0)
    nd = x._shape.ndims if x._shape.ndims is not None else n
    value = constant_value(paddings)
    dt = x._dtype.base_dtype
    if value is None or nd is None:
        return [(dt, unknown_shape(nd))]
    if (value < 0).any():
        raise node_error(node, "Paddings must be non-negative")
    dims = x._shape.as_list() if x._shape.ndims is not None else [None] * nd
    return [(dt, TensorShape([None if d is None else d + int(b) + int(a)
                              for d, (b, a) in zip(dims, value.tolist())]))]


def _pad_widths(op, x, paddings):
    p = np.asarray(paddings)
    if p.ndim != 2 or p.shape[1] != 2 or p.shape[0] != x.ndim:
        raise invalid(op, "The first dimension of paddings must be the rank of inputs[%s] [%s]"
                      % (",".join(str(d) for d in p.shape),
                         ",".join(str(d) for d in x.shape)))
    widths = [(int(b), int(a)) for b, a in p.tolist()]
    for b, a in widths:
        if b < 0 or a < 0:
            raise invalid(op, "Paddings must be non-negative: %d %d" % (b, a))
    check_output_size(op, [d + b + a for d, (b, a) in zip(x.shape, widths)], x.dtype)
    return widths


def _pad_kernel(ctx, op, x, paddings, constant_values=None):
    widths = _pad_widths(op, x, paddings)
    if constant_values is None:
        fill = b"" if x.dtype == object else 0
    else:
        c = np.asarray(constant_values)
        if c.size != 1:
            raise invalid(op, "constant_values must be a scalar. Found: %s" % list(c.shape))
        fill = c.reshape(-1)[0]
    if not x.ndim:
        return np.array(x)
    if x.dtype == object:   # (np.pad would make the fill an np.bytes_)
        out = np.full([d + b + a for d, (b, a) in zip(x.shape, widths)], fill, dtype=object)
        out[tuple(slice(b, b + d) for d, (b, _) in zip(x.shape, widths))] = x
        return out
    return np.pad(x, widths, mode="constant", constant_values=fill)


def _mirror_pad_kernel(ctx, op, x, paddings):
    widths = _pad_widths(op, x, paddings)
    reflect = op._attrs["mode"] == "REFLECT"
    for d, (b, a) in zip(x.shape, widths):
        if reflect and (b >= d or a >= d):
            raise invalid(op, "paddings must be less than the dimension size: %d, %d not less "
                          "than %d" % (b, a, d))
        if not reflect and (b > d or a > d):
            raise invalid(op, "paddings must be no greater than the dimension size: %d, %d "
                          "greater than %d" % (b, a, d))
    if not x.ndim:
        return np.array(x)
    return np.pad(x, widths, mode="reflect" if reflect else "symmetric")


register_op("Pad", ("input: T", "paddings: Tpaddings"), _pad_shape, _pad_kernel,
            type_attrs={"Tpaddings": INDEX_TYPES}, tf_attrs=("T", "Tpaddings"))
register_op("PadV2", ("input: T", "paddings: Tpaddings", "constant_values: T"), _pad_shape,
            _pad_kernel, type_attrs={"Tpaddings": INDEX_TYPES}, tf_attrs=("T", "Tpaddings"))
register_op("MirrorPad", ("input: T", "paddings: Tpaddings"), _pad_shape, _mirror_pad_kernel,
            type_attrs={"Tpaddings": INDEX_TYPES}, tf_attrs=("T", "Tpaddings", "mode"))


def _is_zero(v):
    return isinstance(v, (numbers.Number, np.generic, np.ndarray)) and np.ndim(v) == 0 and v == 0


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """Pads ``tensor``: ``paddings[i] = [before, after]`` for dimension i.

    ``mode`` CONSTANT (``constant_values``; op ``Pad``, or ``PadV2`` for another value),
    REFLECT (the edge not repeated) or SYMMETRIC (repeated), case-insensitive
    (op ``MirrorPad``).

    Raises:
      ValueError: an unknown mode, paddings of the wrong shape, or negative paddings.
      InvalidArgumentError (at run time): mirror paddings larger than a dimension allows.

    >>> import fastscope as tf
    >>> tf.Session().run(tf.pad(tf.constant([[1, 2]]), [[1, 0], [0, 1]], constant_values=9))
    array([[9, 9, 9],
           [1, 2, 9]], dtype=int32)
    """
    mode = mode.upper() if isinstance(mode, str) else mode
    if mode == "CONSTANT":
        if not isinstance(constant_values, Tensor) and _is_zero(constant_values):
            return build_op("Pad", (tensor, paddings), None, name)._outputs[0]
        return build_op("PadV2", (tensor, paddings, constant_values), None, name)._outputs[0]
    if mode in ("REFLECT", "SYMMETRIC"):
        return build_op("MirrorPad", (tensor, paddings), {"mode": mode}, name)._outputs[0]
    raise ValueError("Unknown padding mode: %s" % mode)
