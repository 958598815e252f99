"""``tf.nn`` ops: conv2d (compiled kernel), bias_add, activations and pooling.

Shapes are inferred when the graph is built, and mismatched channels or bad
strides raise ValueError then, as in TensorFlow. Arguments (strides, padding,
data formats) are checked here, once, in TensorFlow's words; the compiled
kernels receive them normalised.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     x = tf.placeholder(tf.float32, [1, 8, 8, 3])
...     y = tf.nn.conv2d(x, tf.ones([3, 3, 3, 4]), strides=[1, 2, 2, 1], padding="SAME")
...     print(y.name, y.shape)
Conv2D:0 (1, 4, 4, 4)
"""
import numpy as np

from fastscope._src import kernels
from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework.op_builder import build_op
from fastscope._src.framework.registry import register_op
from fastscope._src.framework.tensor_shape import TensorShape, unknown_shape
from fastscope._src.ops.math_ops import _unary_shape

_FLOATS = (_dt.float32, _dt.float64)


_INT32_MAX = 2 ** 31 - 1


def _pair(values, data_format, what, rank=4, op="Conv2D"):
    """TensorFlow's 1-, 2- or 4-element strides/dilations -> (h, w).

    Raises:
      ValueError: a length other than 1, 2 or 4, a batch or depth entry other than 1,
        an entry that is not positive or does not fit an int32 (TensorFlow's attr type).
    """
    if isinstance(values, int):
        values = [values]
    values = [int(v) for v in values]
    for v in values:
        if not -_INT32_MAX - 1 <= v <= _INT32_MAX:
            raise ValueError("Attr %s has value %d out of range for an int32 (op %s)"
                             % (what, v, op))
    if len(values) == 1:
        h = w = values[0]
    elif len(values) == 2:
        h, w = values
    elif len(values) == rank:
        if data_format == "NHWC":
            n, h, w, c = values
        else:
            n, c, h, w = values
        if n != 1 or c != 1:
            raise ValueError("%s in the batch and depth dimensions must be 1, got %s"
                             % (what.capitalize(), values))
    else:
        raise ValueError("%s must be of length 1, 2 or 4, got %s" % (what, values))
    if h <= 0 or w <= 0:
        raise ValueError("%s must be positive, got %s" % (what.capitalize(), values))
    return h, w


def _padding(padding, data_format, op="Conv2D"):
    if isinstance(padding, (str, bytes)):
        p = padding.decode() if isinstance(padding, bytes) else padding
        if p not in ("SAME", "VALID"):
            raise ValueError("Attr 'padding' of '%s' Op passed string '%s' not in: \"SAME\", "
                             "\"VALID\", \"EXPLICIT\"." % (op, p))
        return p
    pads = [tuple(int(x) for x in pair) for pair in padding]
    if len(pads) != 4:
        raise ValueError("explicit padding must have 4 [before, after] pairs, got %r" % (padding,))
    hw = pads[1:3] if data_format == "NHWC" else pads[2:4]
    other = pads[0:1] + pads[3:4] if data_format == "NHWC" else pads[0:2]
    if any(x != 0 for pair in other for x in pair):
        raise ValueError("explicit padding of the batch and depth dimensions must be 0, got %r"
                         % (padding,))
    if any(x < 0 or x > _INT32_MAX for pair in hw for x in pair):
        raise ValueError("explicit paddings must be non-negative int32 values, got %r"
                         % (padding,))
    return tuple(hw)


def _conv2d_shape(node):
    x, w = node.inputs
    sx, sf = x._shape, w._shape
    for s in (sx, sf):
        if s.ndims is not None and s.ndims != 4:
            raise ValueError("Shape must be rank 4 but is rank %d for '{{node %s}} = Conv2D' with "
                             "input shapes: %s." % (s.ndims, node.name, node.input_shapes()))
    if sx.ndims is None or sf.ndims is None:
        return [(x._dtype.base_dtype, unknown_shape(4))]
    a = node.attrs
    nhwc = a["data_format"] == "NHWC"
    cin = sx[3].value if nhwc else sx[1].value
    fin = sf[2].value
    if fin == 0:
        raise ValueError("Depth of filter must not be 0 for '{{node %s}} = Conv2D' with input "
                         "shapes: %s." % (node.name, node.input_shapes()))
    if cin is not None and fin is not None and cin % fin:
        raise ValueError("Depth of input (%d) is not a multiple of input depth of filter (%d) "
                         "for '{{node %s}} = Conv2D'" % (cin, fin, node.name))
    if cin is not None and fin is not None and cin != fin:
        raise NotImplementedError("fastscope: grouped convolution (input depth %d, filter "
                                  "depth %d) is not supported" % (cin, fin))
    try:
        shape = kernels.compiled().conv2d_output_shape(
            tuple(sx.as_list()), tuple(sf.as_list()), a["strides"], a["padding"],
            a["dilations"], a["data_format"])
    except ValueError as e:
        raise ValueError("%s for '{{node %s}} = Conv2D' with input shapes: %s." % (
            e, node.name, node.input_shapes())) from None
    return [(x._dtype.base_dtype, TensorShape(shape))]


def _conv2d_kernel(ctx, op, x, w):
    a = op._attrs
    work = 2 * x.size * w.shape[0] * w.shape[1] * w.shape[3]
    nthreads = kernels.threads(ctx, work, kernels.GRAIN_GEMM)
    K = kernels.compiled()
    return kernels.call(op, K.conv2d, x, w, a["strides"], a["padding"], a["dilations"],
                        a["data_format"], nthreads)


register_op("Conv2D", ("input: T", "filter: T"), _conv2d_shape, _conv2d_kernel,
            type_attrs={"T": _FLOATS},
            tf_attrs=("T", "strides", "padding", "dilations", "data_format"))


def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True,  # noqa: A002
           data_format="NHWC", dilations=(1, 1, 1, 1), name=None, filters=None):
    """2-D convolution (``Conv2D``): NHWC or NCHW input, HWIO filter.

    Raises:
      ValueError: wrong ranks, channels that disagree, bad strides/dilations/padding.
      TypeError: dtypes other than float32/float64, or input and filter disagreeing.
    """
    if filter is None:
        filter = filters
    if strides is None or padding is None:
        raise ValueError("conv2d needs strides and padding")
    _check_format(data_format)
    attrs = {"strides": _pair(strides, data_format, "strides"),
             "padding": _padding(padding, data_format),
             "dilations": _pair(dilations, data_format, "dilations"),
             "data_format": data_format}
    return build_op("Conv2D", (input, filter), attrs, name)._outputs[0]


def _check_format(data_format):
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError("data_format must be NHWC or NCHW, got %r" % (data_format,))


def _bias_add_shape(node):
    x, b = node.inputs
    if b._shape.ndims is not None and b._shape.ndims != 1:
        raise ValueError("Shape must be rank 1 but is rank %d for 'BiasAdd'" % b._shape.ndims)
    if x._shape.ndims is not None:
        if x._shape.ndims < 2:
            raise ValueError("Shape must be at least rank 2 but is rank %d for 'BiasAdd'"
                             % x._shape.ndims)
        c = x._shape[1 if node.attrs["data_format"] == "NCHW" else -1].value
        if c is not None and b._shape[0].value is not None and c != b._shape[0].value:
            raise ValueError("Dimensions must be equal, but are %d and %d for 'BiasAdd' with "
                             "input shapes: %s." % (c, b._shape[0].value, node.input_shapes()))
    return [(x._dtype.base_dtype, x._shape)]


def _bias_add_kernel(ctx, op, v, bv):
    if op._attrs["data_format"] == "NCHW":
        return v + bv.reshape((-1,) + (1,) * (v.ndim - 2))
    return v + bv


register_op("BiasAdd", ("value: T", "bias: T"), _bias_add_shape, _bias_add_kernel,
            tf_attrs=("T", "data_format"))


def bias_add(value, bias, data_format=None, name=None):
    """Adds a 1-D ``bias`` along the channel dimension (``BiasAdd``)."""
    fmt = "NCHW" if data_format is not None and data_format.startswith("NC") else "NHWC"
    return build_op("BiasAdd", (value, bias), {"data_format": fmt}, name)._outputs[0]


def relu(features, name=None):
    return build_op("Relu", (features,), None, name)._outputs[0]


def relu6(features, name=None):
    return build_op("Relu6", (features,), None, name)._outputs[0]


def sigmoid(x, name=None):
    return build_op("Sigmoid", (x,), None, name)._outputs[0]


def tanh(x, name=None):
    return build_op("Tanh", (x,), None, name)._outputs[0]


def _softmax_kernel(ctx, op, v):
    axis = op._attrs["axis"]
    e = np.exp(v - np.max(v, axis=axis, keepdims=True, initial=-np.inf))
    return (e / np.sum(e, axis=axis, keepdims=True)).astype(v.dtype, copy=False)


register_op("Softmax", ("logits: T",), _unary_shape, _softmax_kernel, tf_attrs=("T",))


def softmax(logits, axis=None, name=None, dim=None):
    axis = -1 if axis is None and dim is None else (axis if axis is not None else dim)
    return build_op("Softmax", (logits,), {"axis": axis}, name)._outputs[0]


def _pool_shape(node):
    x = node.inputs[0]
    a = node.attrs
    if x._shape.ndims is not None and x._shape.ndims != 4:
        raise ValueError("Shape must be rank 4 but is rank %d for '%s'"
                         % (x._shape.ndims, node.type))
    if x._shape.ndims != 4:
        return [(x._dtype.base_dtype, unknown_shape(4))]
    dims = x._shape.as_list()
    hi, wi = (1, 2) if a["data_format"] == "NHWC" else (2, 3)
    out = list(dims)
    for i, k, s in ((hi, a["ksize"][0], a["strides"][0]), (wi, a["ksize"][1], a["strides"][1])):
        if dims[i] is None:
            continue
        out[i] = -(-dims[i] // s) if a["padding"] == "SAME" else (dims[i] - k) // s + 1
        if out[i] < 0 or (a["padding"] == "VALID" and dims[i] < k):
            raise ValueError("Computed output size would be negative: %d [input_size: %d, "
                             "effective_filter_size: %d, stride: %d]"
                             % ((dims[i] - k) // s + 1, dims[i], k, s))
    return [(x._dtype.base_dtype, TensorShape(out))]


def _pool_kernel(ctx, op, v):
    a = op._attrs
    (kh, kw), (sh, sw) = a["ksize"], a["strides"]
    nthreads = kernels.threads(ctx, v.size * kh * kw // (sh * sw), kernels.GRAIN_POOL)
    pool2d = kernels.compiled().pool2d
    mode = "max" if op._def.type == "MaxPool" else "avg"
    args = (mode, a["ksize"], a["strides"], a["padding"], a["data_format"], nthreads)
    if v.dtype in (np.float32, np.float64):
        return kernels.call(op, pool2d, v, *args)
    # other dtypes (float16, integers) through float64; max's "lowest" is the input type's
    out = kernels.call(op, pool2d, v.astype(np.float64), *args)
    if v.dtype.kind == "f":
        out = np.maximum(out, np.finfo(v.dtype).min)
    return out.astype(v.dtype)


_POOL_TYPES = {
    "MaxPool": (_dt.float16, _dt.float32, _dt.float64, _dt.int8, _dt.int16, _dt.int32,
                _dt.int64, _dt.uint8, _dt.uint16, _dt.uint32, _dt.uint64),
    "AvgPool": (_dt.float16, _dt.float32, _dt.float64),
}
for _type, _allowed in _POOL_TYPES.items():
    register_op(_type, ("value: T",), _pool_shape, _pool_kernel, type_attrs={"T": _allowed},
                tf_attrs=("T", "ksize", "strides", "padding", "data_format"))


def _pool(op_type, value, ksize, strides, padding, data_format, name):
    _check_format(data_format)
    pad = _padding(padding, data_format, op_type)
    if not isinstance(pad, str):
        raise ValueError("pooling supports only 'SAME' and 'VALID' padding")
    attrs = {"ksize": _pair(ksize, data_format, "ksize", op=op_type),
             "strides": _pair(strides, data_format, "strides", op=op_type), "padding": pad,
             "data_format": data_format}
    return build_op(op_type, (value,), attrs, name)._outputs[0]


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa
    """Max pooling (``MaxPool``), NHWC or NCHW, SAME or VALID."""
    return _pool("MaxPool", value if value is not None else input, ksize, strides, padding,
                 data_format, name)


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa
    """Average pooling (``AvgPool``); SAME windows average only the valid cells, as in TF."""
    return _pool("AvgPool", value if value is not None else input, ksize, strides, padding,
                 data_format, name)
