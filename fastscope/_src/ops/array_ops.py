"""Array ops: placeholders, fills, identity, concat, shape/size/rank and ``slice``.

Every op gets TensorFlow's default name, made unique in the current name
scope, and a static shape inferred at build time by its registered shape
function; shape errors are ValueErrors raised before anything is added to
the graph. Ops that take a shape or indices take them as input tensors, as
TensorFlow's do (Python lists become constants named after the input, ``Fill/dims``),
and their shape functions keep what is known of those values
(``framework/shape_inference.py``). Kernels are ``kernel(ctx, op, *inputs)`` and run
inside ``Session.run``.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     x = tf.placeholder(tf.float32, [None, 3])
...     print(tf.zeros(tf.shape(x)).shape, tf.concat([x, x], 1).shape)
(?, 3) (?, 6)
"""
import numbers

import numpy as np

from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import errors as _errors
from fastscope._src.framework.graph import get_default_graph, graph_of
from fastscope._src.framework.op_builder import (holds_tensor, build_op, constant,
                                                 convert_to_tensor)
from fastscope._src.framework.registry import FILL, NEEDS_FEED, register_op
from fastscope._src.framework.shape_inference import (constant_value, constant_value_as_shape,
                                                      node_error, partial_value, with_rank)
from fastscope._src.framework.tensor import Tensor
from fastscope._src.framework.tensor_shape import (TensorShape, as_shape, shape_str,
                                                   unknown_shape)
from fastscope._src.ops.array_util import (INDEX_TYPES, check_output_size, fill_value_of,
                                           index_vector, invalid)


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
def _static_fill_kernel(ctx, op):
    a = op._attrs
    return np.full(a["shape"], a["fill"], dtype=a["dtype"]._np if a["dtype"]._np is not None
                   else object)


def _static_fill_shape(node):
    return [(node.attrs["dtype"], TensorShape(node.attrs["shape"]))]


# A fill of a shape known when the graph is built: attributes only, so the executor can run
# it as a fill unit (a variable initialiser) on its own thread. TensorFlow writes it as a
# Const (small) or a Fill of two constants.
register_op("StaticFill", shape=_static_fill_shape, kernel=_static_fill_kernel, traits=(FILL,),
            tf_type="Fill", tf_attrs=("T", "index_type"))


def _fill_shape(node):
    dims, value = node.inputs
    with_rank(node, dims, 1)
    with_rank(node, value, 0)
    known = constant_value(dims)
    if known is not None and (known < 0).any():
        raise node_error(node, "Fill dimensions must be >= 0")
    return [(value._dtype.base_dtype, constant_value_as_shape(dims))]


def _fill_kernel(ctx, op, dims, value):
    shape = index_vector(op, dims, "dims")
    for d in shape:
        if d < 0:
            raise invalid(op, "Dimension %d must be >= 0" % d)
    v = np.asarray(value)
    if v.ndim > 1 or v.size != 1:
        raise invalid(op, "value must be a scalar, got shape %s" % list(v.shape))
    check_output_size(op, shape, v.dtype)
    return np.full(shape, v.reshape(()), dtype=v.dtype)


register_op("Fill", ("dims: index_type", "value: T"), _fill_shape, _fill_kernel,
            type_attrs={"index_type": INDEX_TYPES}, tf_attrs=("T", "index_type"))


def _zeros_like_kernel(ctx, op, x):
    if x.dtype == object:
        return np.full(x.shape, b"", dtype=object)
    return np.zeros_like(x)


register_op("ZerosLike", ("x: T",), _same_as_input, _zeros_like_kernel, tf_attrs=("T",))


def _static_dims(shape, what):
    """A shape known in Python (list, tuple, int, numpy array, TensorShape) as a tuple of ints.

    Raises:
      ValueError: a partially known TensorShape or a negative dimension.
      TypeError: entries that are not integers.
    """
    if isinstance(shape, TensorShape):
        if not shape.is_fully_defined():
            raise ValueError("Cannot convert a partially known TensorShape %s to a Tensor."
                             % shape)
        return tuple(shape.as_list())
    if isinstance(shape, (list, tuple)) and not shape:
        return ()
    arr = np.asarray(shape) if not isinstance(shape, (list, tuple)) or all(
        isinstance(d, numbers.Integral) for d in shape) else None
    if arr is None or arr.dtype.kind not in "iu" or arr.ndim > 1:
        bad = next((d for d in (shape if isinstance(shape, (list, tuple)) else [shape])
                    if not isinstance(d, numbers.Integral)), shape)
        raise TypeError("Expected int32, but got %r of type '%s'." % (bad, type(bad).__name__))
    dims = tuple(int(d) for d in arr.reshape(-1))
    if any(d < 0 for d in dims):
        raise ValueError("%s dimensions must be >= 0, got %s" % (what, list(dims)))
    return dims


def _filled(shape, dtype, name, default, value):
    dt = _dt.as_dtype(dtype).base_dtype
    fill = fill_value_of(dt, value)
    dynamic = isinstance(shape, Tensor) or holds_tensor(shape)
    g = graph_of([shape]) if isinstance(shape, Tensor) else get_default_graph()
    with g.as_default(), g.name_scope(name or default) as scope:
        if not dynamic:
            attrs = {"shape": _static_dims(shape, "Fill"), "fill": fill, "dtype": dt}
            return build_op("StaticFill", (), attrs, scope)._outputs[0]
        dims = convert_to_tensor(shape, dtype=None if isinstance(shape, Tensor) else _dt.int32)
        if dims._shape.ndims == 0:
            dims = build_op("Reshape", (dims, [-1]), None, "Reshape")._outputs[0]
        return build_op("Fill", (dims, constant(fill, dtype=dt)), None, scope)._outputs[0]


def _eye_kernel(ctx, op):
    a = op._attrs
    (r0, c0), (r, c) = a["offset"], a["shape"]
    out = np.zeros((r, c), dtype=a["dtype"]._np)
    d = np.arange(max(r0, c0), min(r0 + r, c0 + c, min(a["full_shape"])))
    out[d - r0, d - c0] = a["gain"]
    return out


register_op("Eye", shape=_static_fill_shape, kernel=_eye_kernel, traits=(FILL,),
            tf_type="MatrixDiag")


def eye_block(full_shape, offset, shape, gain, dtype, name="eye"):
    """``gain`` times the identity matrix of ``full_shape``, the block at ``offset`` of ``shape``.

    Computed when it runs (nothing of its size is held by the graph).
    """
    attrs = {"full_shape": tuple(int(d) for d in full_shape),
             "offset": tuple(int(o) for o in offset), "shape": tuple(int(d) for d in shape),
             "gain": gain, "dtype": _dt.as_dtype(dtype).base_dtype}
    return build_op("Eye", (), attrs, name)._outputs[0]


def zeros(shape, dtype=_dt.float32, name=None):
    """A tensor of zeros of ``shape`` (a list, or a 1-D int32/int64 tensor).

    A shape known when the graph is built gives one fill op (``zeros``) computed when it
    runs; a tensor shape (``tf.shape(x)``, or a list holding tensors) gives ``Fill``.

    Differs from TensorFlow: a known shape is never a ``Const`` holding the zeros.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     x = tf.placeholder(tf.float32, [None, 2])
    ...     z = tf.zeros(tf.shape(x), tf.int32)
    ...     print(z.op.type, z.shape, tf.Session().run(z, {x: [[1, 2]]}))
    Fill (?, 2) [[0 0]]
    """
    return _filled(shape, dtype, name, "zeros", 0)


def ones(shape, dtype=_dt.float32, name=None):
    """A tensor of ones of ``shape`` (a list, or a 1-D int32/int64 tensor); see ``zeros``.

    >>> import fastscope as tf
    >>> tf.Session().run(tf.ones([2], tf.bool))
    array([ True,  True])
    """
    return _filled(shape, dtype, name, "ones", 1)


def fill(dims, value, name=None):
    """A tensor of shape ``dims`` (a 1-D int32/int64 tensor or list) filled with ``value``.

    Raises:
      ValueError: ``dims`` not a vector, ``value`` not a scalar, or negative known dims.

    >>> import fastscope as tf
    >>> tf.Session().run(tf.fill([2, 2], 7))
    array([[7, 7],
           [7, 7]], dtype=int32)
    """
    return build_op("Fill", (dims, value), None, name)._outputs[0]


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """Zeros of ``tensor``'s shape (and dtype, unless ``dtype`` is given).

    A fully known static shape gives a fill op computed from it alone; otherwise the op
    is ``ZerosLike`` (same dtype) or a ``Fill`` of the tensor's ``Shape``.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     x = tf.placeholder(tf.float32, [None, 2])
    ...     print(tf.zeros_like(x).op.type, tf.zeros_like(x, tf.int64).op.type)
    ZerosLike Fill
    """
    g = graph_of([tensor])
    with g.as_default(), g.name_scope(name or "zeros_like") as scope:
        t = convert_to_tensor(tensor, name="tensor")
        dt = t._dtype.base_dtype if dtype is None else _dt.as_dtype(dtype).base_dtype
        if optimize and t._shape.is_fully_defined():
            return zeros(t._shape, dt, name=scope)
        if dt is not t._dtype.base_dtype:
            return zeros(shape_of(t, optimize=optimize), dt, name=scope)
        return build_op("ZerosLike", (t,), None, scope)._outputs[0]


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """Ones of ``tensor``'s shape (and dtype, unless ``dtype`` is given).

    >>> import fastscope as tf
    >>> tf.Session().run(tf.ones_like([[1, 2]], tf.float32))
    array([[1., 1.]], dtype=float32)
    """
    g = graph_of([tensor])
    with g.as_default(), g.name_scope(name or "ones_like") as scope:
        t = convert_to_tensor(tensor, name="tensor")
        dt = t._dtype.base_dtype if dtype is None else _dt.as_dtype(dtype).base_dtype
        if optimize and t._shape.is_fully_defined():
            return ones(t._shape, dt, name=scope)
        out = ones(shape_of(t, optimize=optimize), dt, name=scope)
        out.set_shape(t._shape)
        return out


# -- identity, reshape, concat, shape -----------------------------------------------------------
register_op("Identity", ("input: T",), _same_as_input, _first_input, tf_attrs=("T",))


def identity(input, name=None):  # noqa: A002
    """Returns a tensor with the same value (op ``Identity``)."""
    return build_op("Identity", (input,), None, name)._outputs[0]


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


# -- shape, size, rank ---------------------------------------------------------------------------
def _shape_shape(node):
    return [(node.attrs["out_type"], TensorShape([node.inputs[0]._shape.ndims]))]


def _shape_kernel(ctx, op, v):
    return np.asarray(np.shape(v), dtype=op._attrs["out_type"]._np)


def _size_shape(node):
    return [(node.attrs["out_type"], TensorShape([]))]


def _size_kernel(ctx, op, v):
    return np.asarray(np.size(v), dtype=op._attrs["out_type"]._np)


def _rank_shape(node):
    return [(_dt.int32, TensorShape([]))]


def _rank_kernel(ctx, op, v):
    return np.asarray(np.ndim(v), dtype=np.int32)


register_op("Shape", ("input: T",), _shape_shape, _shape_kernel, tf_attrs=("T", "out_type"))
register_op("Size", ("input: T",), _size_shape, _size_kernel, tf_attrs=("T", "out_type"))
register_op("Rank", ("input: T",), _rank_shape, _rank_kernel, tf_attrs=("T",))


def _out_type(out_type, op_type):
    dt = _dt.as_dtype(out_type).base_dtype
    if dt not in INDEX_TYPES:
        raise TypeError("Value passed to parameter 'out_type' has DataType %s not in list of "
                        "allowed values: int32, int64" % dt.name)
    return dt


def _static_or_op(input, name, default, known, op_type, attrs):  # noqa: A002
    """A constant named like the op when the static shape tells ``known(shape)``, else the op."""
    g = graph_of([input])
    with g.as_default(), g.name_scope(name or default) as scope:
        t = convert_to_tensor(input)
        value = known(t._shape)
        if value is not None:
            return constant(value, dtype=attrs.get("out_type", _dt.int32), name=scope)
        if "out_type" in attrs:
            attrs["out_type"] = _out_type(attrs["out_type"], op_type)
        return build_op(op_type, (t,), attrs, scope)._outputs[0]


def _known_shape(s):
    return s.as_list() if s.is_fully_defined() else None


def _known_size(s):
    if s.is_fully_defined():
        return s.num_elements()
    return 0 if s.ndims is not None and 0 in s.as_list() else None


def shape_of(input, name=None, out_type=_dt.int32, optimize=True):  # noqa: A002
    """``tf.shape``: the dynamic shape of ``input`` as a 1-D int32 (or int64) tensor.

    A fully known static shape gives a constant (TensorFlow does the same), else op
    ``Shape``.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     x = tf.placeholder(tf.float32, [None, 3])
    ...     print(tf.shape(x).op.type, tf.shape(tf.zeros([2, 3])).op.type)
    Shape Const
    """
    known = _known_shape if optimize else (lambda s: None)
    return _static_or_op(input, name, "Shape", known, "Shape",
                         {"out_type": _dt.as_dtype(out_type).base_dtype})


def size(input, name=None, out_type=_dt.int32, optimize=True):  # noqa: A002
    """The number of elements of ``input`` (a constant when the static shape tells; op ``Size``).

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     x = tf.placeholder(tf.float32, [None, 3])
    ...     print(tf.Session().run(tf.size(x), {x: [[1, 2, 3], [4, 5, 6]]}))
    6
    """
    known = _known_size if optimize else (lambda s: None)
    return _static_or_op(input, name, "Size", known, "Size",
                         {"out_type": _dt.as_dtype(out_type).base_dtype})


def rank(input, name=None):  # noqa: A002
    """The number of dimensions of ``input`` (a constant when known statically; op ``Rank``).

    >>> import fastscope as tf
    >>> print(tf.Session().run(tf.rank(tf.zeros([2, 3]))))
    2
    """
    return _static_or_op(input, name, "Rank", lambda s: s.ndims, "Rank", {})


# -- slice -------------------------------------------------------------------------------------
def _slice_shape(node):
    x, begin, size_t = node.inputs
    with_rank(node, begin, 1)
    with_rank(node, size_t, 1)
    nb, ns = begin._shape, size_t._shape
    n = nb.dims[0].value if nb.ndims else None
    m = ns.dims[0].value if ns.ndims else None
    if n is not None and m is not None and n != m:
        raise node_error(node, "Dimension 0 in both shapes must be equal, but are %d and %d. "
                         "Shapes are [%d] and [%d]." % (n, m, n, m))
    n = n if n is not None else m
    if n is not None and x._shape.ndims is not None and x._shape.ndims != n:
        raise node_error(node, "Shape must be rank %d but is rank %d" % (n, x._shape.ndims))
    sizes = partial_value(size_t)
    dt = x._dtype.base_dtype
    if not isinstance(sizes, list):
        return [(dt, unknown_shape(n))]
    starts = partial_value(begin)
    dims = x._shape.as_list() if x._shape.ndims is not None else [None] * len(sizes)
    out = []
    for i, sz in enumerate(sizes):
        b = starts[i] if isinstance(starts, list) else None
        if sz is None or sz >= 0:
            out.append(sz)
        elif sz != -1:
            raise node_error(node, "Invalid value in tensor used for shape: %d" % sz)
        elif b is None or dims[i] is None:
            out.append(None)
        elif dims[i] - b < 0:
            raise node_error(node, "Negative dimension size caused by subtracting %d from %d"
                             % (b, dims[i]))
        else:
            out.append(dims[i] - b)
    return [(dt, TensorShape(out))]


def _slice_kernel(ctx, op, x, begin, size_v):
    b = index_vector(op, begin, "begin")
    n = index_vector(op, size_v, "size")
    if len(b) != x.ndim or len(n) != x.ndim:
        raise invalid(op, "Expected begin and size arguments to be 1-D tensors of size %d, but "
                      "got shapes [%d] and [%d] instead." % (x.ndim, len(b), len(n)))
    index = []
    for i, (d, bi, ni) in enumerate(zip(x.shape, b, n)):
        if ni == -1:
            ni = d - bi
        if not 0 <= bi <= d:
            raise invalid(op, "Expected begin[%d] in [0, %d], but got %d" % (i, d, bi))
        if not 0 <= ni <= d - bi:
            raise invalid(op, "Expected size[%d] in [0, %d], but got %d" % (i, d - bi, ni))
        index.append(slice(bi, bi + ni))
    return x[tuple(index)]


register_op("Slice", ("input: T", "begin: Index", "size: Index"), _slice_shape, _slice_kernel,
            type_attrs={"Index": INDEX_TYPES}, tf_attrs=("T", "Index"))


def slice_(input_, begin, size, name=None):  # noqa: A002 - TF's argument names
    """``tf.slice``: ``size[i]`` elements from ``begin[i]`` along each dimension (-1: the rest).

    ``begin`` and ``size`` are 1-D int32/int64 tensors or lists (op ``Slice``).

    Raises:
      ValueError: ``begin``/``size`` of the wrong rank or length, or sizes below -1.
      InvalidArgumentError (at run time): a range outside the input.

    >>> import fastscope as tf
    >>> x = tf.constant([[1, 2, 3], [4, 5, 6]])
    >>> tf.Session().run(tf.slice(x, [0, 1], [-1, 2]))
    array([[2, 3],
           [5, 6]], dtype=int32)
    """
    return build_op("Slice", (input_, begin, size), None, name)._outputs[0]


def slice_tensor(x, begin, size, name="Slice"):
    """``x[begin : begin + size]`` per dimension (op ``Slice``, Python begin and size)."""
    return slice_(x, [int(b) for b in begin], [int(n) for n in size], name=name)
