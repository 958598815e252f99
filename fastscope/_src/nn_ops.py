"""``tf.nn`` ops: conv2d (compiled kernel), bias_add, activations and pooling.

Shapes are inferred when the graph is built, and mismatched channels or bad
strides raise ValueError then, as in TensorFlow.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     x = tf.placeholder(tf.float32, [1, 8, 8, 3])
...     y = tf.nn.conv2d(x, tf.ones([3, 3, 3, 4]), strides=[1, 2, 2, 1], padding="SAME")
...     print(y.name, y.shape)
Conv2D:0 (1, 4, 4, 4)
"""
import numpy as np

from fastscope._src import dtypes as _dt
from fastscope._src import ops as _ops
from fastscope._src.tensor_shape import TensorShape, unknown_shape


def _pair(values, data_format, what, rank=4):
    """TensorFlow's 1-, 2- or 4-element strides/dilations -> (h, w)."""
    if isinstance(values, int):
        values = [values]
    values = [int(v) for v in values]
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


def _padding(padding, data_format):
    if isinstance(padding, str):
        p = padding.upper()
        if p not in ("SAME", "VALID"):
            raise ValueError("padding must be 'SAME', 'VALID' or explicit pairs, got %r" % padding)
        return p
    pads = [tuple(int(x) for x in pair) for pair in padding]
    if len(pads) != 4:
        raise ValueError("explicit padding must have 4 [before, after] pairs, got %r" % (padding,))
    hw = pads[1:3] if data_format == "NHWC" else pads[2:4]
    other = pads[0:1] + pads[3:4] if data_format == "NHWC" else pads[0:2]
    if any(x != 0 for pair in other for x in pair):
        raise ValueError("explicit padding of the batch and depth dimensions must be 0, got %r"
                         % (padding,))
    if any(x < 0 for pair in hw for x in pair):
        raise ValueError("explicit paddings must be non-negative, got %r" % (padding,))
    return tuple(hw)


def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True,  # noqa: A002
           data_format="NHWC", dilations=(1, 1, 1, 1), name=None, filters=None):
    """2-D convolution (``Conv2D``): NHWC or NCHW input, HWIO filter.

    Raises:
      ValueError: wrong ranks, channels that disagree, bad strides/dilations/padding.
    """
    if filter is None:
        filter = filters
    if strides is None or padding is None:
        raise ValueError("conv2d needs strides and padding")
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError("data_format must be NHWC or NCHW, got %r" % (data_format,))
    x, w = _ops.convert_n([input, filter], "Conv2D")
    if x.dtype.base_dtype not in (_dt.float32, _dt.float64):
        raise TypeError("Value passed to parameter 'input' has DataType %s not in list of allowed "
                        "values: float32, float64" % x.dtype.name)
    if w.dtype is not x.dtype:
        raise TypeError("Input 'filter' of 'Conv2D' Op has type %s that does not match type %s "
                        "of argument 'input'." % (w.dtype.name, x.dtype.name))
    sh, sw = _pair(strides, data_format, "strides")
    dh, dw = _pair(dilations, data_format, "dilations")
    pad = _padding(padding, data_format)
    g = _ops.graph_for((x, w))
    sx, sf = x.shape, w.shape
    if sx.ndims is not None and sx.ndims != 4:
        raise ValueError("Shape must be rank 4 but is rank %d for '{{node %s}} = Conv2D' with "
                         "input shapes: %s, %s." % (sx.ndims, _ops.preview_name(g, name, "Conv2D"),
                                                    _ops._shape_str(sx), _ops._shape_str(sf)))
    if sf.ndims is not None and sf.ndims != 4:
        raise ValueError("Shape must be rank 4 but is rank %d for '{{node %s}} = Conv2D' with "
                         "input shapes: %s, %s." % (sf.ndims, _ops.preview_name(g, name, "Conv2D"),
                                                    _ops._shape_str(sx), _ops._shape_str(sf)))
    from fastscope import _kernels
    if sx.ndims is None or sf.ndims is None:
        shape = unknown_shape(4)
    else:
        cin = sx[3].value if data_format == "NHWC" else sx[1].value
        if cin is not None and sf[2].value is not None and cin % sf[2].value:
            raise ValueError("Depth of input (%d) is not a multiple of input depth of filter (%d) "
                             "for '{{node %s}} = Conv2D'" % (
                                 cin, sf[2].value, _ops.preview_name(g, name, "Conv2D")))
        if cin is not None and sf[2].value is not None and cin != sf[2].value:
            raise NotImplementedError("fastscope: grouped convolution (input depth %d, filter "
                                      "depth %d) is not supported" % (cin, sf[2].value))
        try:
            shape = TensorShape(_kernels.conv2d_output_shape(
                tuple(sx.as_list()), tuple(sf.as_list()), (sh, sw), pad, (dh, dw), data_format))
        except ValueError as e:
            raise ValueError("%s for '{{node %s}} = Conv2D' with input shapes: %s, %s." % (
                e, _ops.preview_name(g, name, "Conv2D"), _ops._shape_str(sx),
                _ops._shape_str(sf))) from None
    attrs = {"strides": (sh, sw), "padding": pad, "dilations": (dh, dw),
             "data_format": data_format}
    op = g._add_op("Conv2D", _ops.op_name(g, name, "Conv2D"), (x, w), [(x.dtype, shape)],
                   attrs, _conv2d_kernel)
    return op._outputs[0]


def _conv2d_kernel(ctx, op, x, w):
    from fastscope import _kernels
    from fastscope._src.threads import GRAIN_GEMM, threads_for
    a = op._attrs
    work = 2 * x.size * w.shape[0] * w.shape[1] * w.shape[3]
    nthreads = threads_for(work, ctx.intra_threads, grain=GRAIN_GEMM)
    try:
        return _kernels.conv2d(x, w, a["strides"], a["padding"], a["dilations"],
                               a["data_format"], nthreads)
    except ValueError as e:
        raise ctx.errors.InvalidArgumentError(None, op, str(e)) from None


def bias_add(value, bias, data_format=None, name=None):
    """Adds a 1-D ``bias`` along the channel dimension (``BiasAdd``)."""
    x, b = _ops.convert_n([value, bias], "BiasAdd")
    if b.shape.ndims is not None and b.shape.ndims != 1:
        raise ValueError("Shape must be rank 1 but is rank %d for 'BiasAdd'" % b.shape.ndims)
    nchw = data_format is not None and data_format.startswith("NC")
    if x.shape.ndims is not None:
        if x.shape.ndims < 2:
            raise ValueError("Shape must be at least rank 2 but is rank %d for 'BiasAdd'"
                             % x.shape.ndims)
        c = x.shape[1 if nchw else -1].value
        if c is not None and b.shape[0].value is not None and c != b.shape[0].value:
            raise ValueError("Dimensions must be equal, but are %d and %d for 'BiasAdd' with "
                             "input shapes: %s, %s." % (c, b.shape[0].value,
                                                        _ops._shape_str(x.shape),
                                                        _ops._shape_str(b.shape)))
    g = _ops.graph_for((x, b))

    def kernel(ctx, op, v, bv):
        if nchw:
            return v + bv.reshape((-1,) + (1,) * (v.ndim - 2))
        return v + bv
    op = g._add_op("BiasAdd", _ops.op_name(g, name, "BiasAdd"), (x, b), [(x.dtype, x.shape)],
                   {"data_format": data_format or "NHWC"}, kernel)
    return op._outputs[0]


def _activation(op_type, fn, features, name):
    x = _ops.convert_to_tensor(features)
    g = _ops.graph_for((x,))
    op = g._add_op(op_type, _ops.op_name(g, name, op_type), (x,), [(x.dtype, x.shape)], None,
                   lambda ctx, op, v: fn(v))
    return op._outputs[0]


def relu(features, name=None):
    return _activation("Relu", lambda v: np.maximum(v, 0).astype(v.dtype, copy=False),
                       features, name)


def relu6(features, name=None):
    return _activation("Relu6", lambda v: np.clip(v, 0, 6).astype(v.dtype, copy=False),
                       features, name)


def sigmoid(x, name=None):
    return _activation("Sigmoid", lambda v: (1 / (1 + np.exp(-v))).astype(v.dtype, copy=False),
                       x, name)


def tanh(x, name=None):
    return _activation("Tanh", np.tanh, x, name)


def softmax(logits, axis=None, name=None, dim=None):
    axis = -1 if axis is None and dim is None else (axis if axis is not None else dim)

    def fn(v):
        e = np.exp(v - np.max(v, axis=axis, keepdims=True))
        return (e / np.sum(e, axis=axis, keepdims=True)).astype(v.dtype, copy=False)
    return _activation("Softmax", fn, logits, name)


def _pool(op_type, reducer, value, ksize, strides, padding, data_format, name):
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError("data_format must be NHWC or NCHW, got %r" % (data_format,))
    x = _ops.convert_to_tensor(value)
    kh, kw = _pair(ksize, data_format, "ksize")
    sh, sw = _pair(strides, data_format, "strides")
    pad = _padding(padding, data_format)
    if not isinstance(pad, str):
        raise ValueError("pooling supports only 'SAME' and 'VALID' padding")
    if x.shape.ndims is not None and x.shape.ndims != 4:
        raise ValueError("Shape must be rank 4 but is rank %d for '%s'" % (x.shape.ndims, op_type))
    shape = unknown_shape(4)
    if x.shape.ndims == 4:
        dims = x.shape.as_list()
        hi, wi = (1, 2) if data_format == "NHWC" else (2, 3)
        out = list(dims)
        for i, k, s in ((hi, kh, sh), (wi, kw, sw)):
            if dims[i] is None:
                continue
            out[i] = -(-dims[i] // s) if pad == "SAME" else (dims[i] - k) // s + 1
            if out[i] < 0 or (pad == "VALID" and dims[i] < k):
                raise ValueError("Computed output size would be negative: %d [input_size: %d, "
                                 "effective_filter_size: %d, stride: %d]"
                                 % ((dims[i] - k) // s + 1, dims[i], k, s))
        shape = TensorShape(out)
    g = _ops.graph_for((x,))

    def kernel(ctx, op, v):
        from fastscope import _kernels
        from fastscope._src.threads import GRAIN_POOL, threads_for
        nthreads = threads_for(v.size * kh * kw // (sh * sw), ctx.intra_threads, grain=GRAIN_POOL)
        try:
            if v.dtype in (np.float32, np.float64):
                return _kernels.pool2d(v, reducer, (kh, kw), (sh, sw), pad, data_format,
                                       nthreads)
            # other dtypes (float16, integers) through float64, as before the kernel
            return _kernels.pool2d(v.astype(np.float64), reducer, (kh, kw), (sh, sw), pad,
                                   data_format, nthreads).astype(v.dtype)
        except ValueError as e:
            raise ctx.errors.InvalidArgumentError(None, op, str(e)) from None
    op = g._add_op(op_type, _ops.op_name(g, name, op_type), (x,), [(x.dtype, shape)],
                   {"ksize": (kh, kw), "strides": (sh, sw), "padding": pad}, kernel)
    return op._outputs[0]


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa
    """Max pooling (``MaxPool``), NHWC or NCHW, SAME or VALID."""
    return _pool("MaxPool", "max", value if value is not None else input, ksize, strides, padding,
                 data_format, name)


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa
    """Average pooling (``AvgPool``); SAME windows average only the valid cells, as in TF."""
    return _pool("AvgPool", "avg", value if value is not None else input, ksize, strides, padding,
                 data_format, name)
