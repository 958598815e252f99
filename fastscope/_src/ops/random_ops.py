"""Seeds and random ops (``random_normal``, ``random_uniform``, ``truncated_normal``).

Values come from the counter-based Philox generator in ``fastscope._kernels``:
element i of a random tensor is a pure function of (key, run, i), so values
never depend on the thread count or on how a variable is partitioned.

Seeds follow TensorFlow's contract: graph seed + op seed give the same values
in every new session; each run of the op in a session gives the next values.

Differs from TensorFlow: when only the graph seed is set, the op seed is
derived from the op's name (not from a graph-wide op counter), so adding
unrelated ops elsewhere does not change a variable's initial values; and the
values themselves differ from TensorFlow's (same distributions).

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     tf.set_random_seed(1)
...     r = tf.random_uniform([3], seed=2)
...     a, b = tf.Session().run(r), tf.Session().run(r)
...     print(bool((a == b).all()))
True
"""
import math
import re
import zlib

import numpy as np

from fastscope._src import kernels
from fastscope._src import memory as _memory
from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import errors as _errors
from fastscope._src.framework.graph import get_default_graph
from fastscope._src.framework.op_builder import build_op, preview_name
from fastscope._src.framework.registry import FILL, FRESH_OUTPUT, STATEFUL, register_op
from fastscope._src.framework.tensor import Tensor
from fastscope._src.framework.tensor_shape import TensorShape

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2 ** 31 - 1
_MASK64 = (1 << 64) - 1
_PART = re.compile(r"/part_\d+(?=/|$)")

UNIFORM, NORMAL, TRUNCATED_NORMAL, UNIFORM_INT = 0, 1, 2, 3


def set_random_seed(seed):
    """Sets the graph-level seed of the default graph."""
    get_default_graph().seed = seed


def _truncate(seed):
    return None if seed is None else int(seed) % (2 ** 63)


def get_seed(op_seed):
    """TensorFlow's (graph_seed, op_seed) pair for an op with ``op_seed``.

    Returns (None, None) when neither seed is set (fresh values each run).
    """
    g = get_default_graph()
    gs = g.seed
    if gs is not None:
        if op_seed is None:
            op_seed = g._last_id
        seeds = _truncate(gs), _truncate(op_seed)
    elif op_seed is not None:
        seeds = DEFAULT_GRAPH_SEED, _truncate(op_seed)
    else:
        seeds = None, None
    if seeds == (0, 0):
        return 0, _MAXINT32
    return seeds


def _mix64(x):
    # splitmix64 finaliser: spreads (graph seed, op seed) over the 64-bit Philox key.
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def name_seed(name):
    """The op seed derived from an op name (shard parts ``/part_N`` removed)."""
    return zlib.crc32(_PART.sub("", name).encode()) & _MAXINT32


def philox_key(op_seed, seed_name):
    """The 64-bit Philox key of an op, or None for unseeded (fresh values) ops."""
    gs = get_default_graph().seed
    if gs is None and op_seed is None:
        return None
    if gs is None:
        gs = DEFAULT_GRAPH_SEED
    if op_seed is None:
        op_seed = name_seed(seed_name)
    return _mix64(_mix64(_truncate(gs)) ^ _truncate(op_seed))


def static_shape(shape, what="shape"):
    """A list of ints from a list/tuple/TensorShape/ndarray or a constant Tensor."""
    if type(shape) is list or type(shape) is tuple:
        for d in shape:
            if type(d) is not int or d < 0:
                break
        else:
            return list(shape)
    if isinstance(shape, Tensor):
        if shape.op.type != "Const":
            raise NotImplementedError("fastscope: a random op's shape must be known when the "
                                      "graph is built (got the dynamic tensor %s)" % shape.name)
        shape = shape.op.get_attr("value")
    if isinstance(shape, TensorShape):
        if not shape.is_fully_defined():
            raise ValueError("Cannot create a random tensor of partially known %s %s"
                             % (what, shape))
        return shape.as_list()
    arr = np.asarray(shape)
    if arr.ndim > 1 or (arr.size and arr.dtype.kind not in "iu"):
        raise TypeError("%s must be a list of ints, got %r" % (what, shape))
    dims = [int(d) for d in arr.reshape(-1)]
    for d in dims:
        if d < 0:
            raise ValueError("Dimension %d must be >= 0" % d)
    return dims


def _scalar_param(value, name, op):
    if type(value) is float or type(value) is int:
        return value
    if isinstance(value, Tensor):
        if value.op.type != "Const":
            raise NotImplementedError("fastscope: %s of %s must be a Python number or a constant"
                                      % (name, op))
        value = value.op.get_attr("value")
    arr = np.asarray(value)
    if arr.size != 1:
        raise NotImplementedError("fastscope: %s of %s must be a scalar" % (name, op))
    return arr.reshape(()).item()


def _random_kernel(ctx, op):
    a = op._attrs
    if a["dist"] == UNIFORM_INT and a["p0"] >= a["p1"]:
        raise _errors.InvalidArgumentError(None, op, "Need minval < maxval: %d >= %d"
                                           % (a["p0"], a["p1"]))
    narrow = a["compute_dtype"] != a["dtype"]._np and a["post"] is None
    try:
        out = _memory.empty(a["shape"], a["dtype"]._np if narrow else a["compute_dtype"])
    except (MemoryError, ValueError) as e:
        raise _errors.ResourceExhaustedError(
            None, op, "OOM when allocating tensor with shape %s and type %s: %s"
            % (list(a["shape"]), a["dtype"].name, e)) from None
    key, stream = ctx.random_stream(op, a["key"])
    if narrow:
        _fill_narrow(ctx, out, key, stream, a)
        return out
    kernels.compiled().random_fill(out, key, stream, a["dist"], a["p0"], a["p1"],
                                   a["full_shape"], a["offset"], kernels.threads(ctx, out.size))
    if a["post"] is not None:
        out = a["post"](out)
    if out.dtype != a["dtype"]._np:
        out = out.astype(a["dtype"]._np)
    return out


_CHUNK_ELEMENTS = 1 << 20


def _fill_narrow(ctx, out, key, stream, a):
    """Fills a float16 ``out`` through float32 blocks of rows, so the peak is ~1x, not 3x.

    Each block is filled from its offset in the logical tensor, so the values are the
    same as one float32 fill of the whole (then rounded), for any block size.
    """
    shape = out.shape
    if not shape or out.size == 0:
        tmp = np.empty(shape, a["compute_dtype"])
        kernels.compiled().random_fill(tmp, key, stream, a["dist"], a["p0"], a["p1"],
                                       a["full_shape"], a["offset"], 1)
        out[...] = tmp
        return
    full = a["full_shape"] or shape
    offset = a["offset"] or (0,) * len(shape)
    row = out.size // shape[0]
    rows = max(1, _CHUNK_ELEMENTS // max(row, 1))
    tmp = np.empty((min(rows, shape[0]),) + shape[1:], a["compute_dtype"])
    fill = kernels.compiled().random_fill
    for r0 in range(0, shape[0], rows):
        block = tmp[:min(rows, shape[0] - r0)]
        fill(block, key, stream, a["dist"], a["p0"], a["p1"], full,
             (offset[0] + r0,) + tuple(offset[1:]), kernels.threads(ctx, block.size))
        out[r0:r0 + block.shape[0]] = block


def _random_shape(node):
    return [(node.attrs["dtype"], TensorShape(node.attrs["shape"]))]


for _type in ("RandomStandardNormal", "TruncatedNormal", "RandomUniform", "RandomUniformInt"):
    register_op(_type, shape=_random_shape, kernel=_random_kernel, traits=(STATEFUL, FILL),
                tf_attrs=("dtype", "seed", "seed2"))
# the orthogonal initialiser: a normal fill, then a QR decomposition (``post``)
register_op("Qr", shape=_random_shape, kernel=_random_kernel, traits=(STATEFUL, FRESH_OUTPUT))


def random_op(op_type, default_name, shape, dtype, dist, p0, p1, seed, name,
              partition_info=None, post=None):
    """Creates one random op of ``shape`` (a shard of a bigger tensor if ``partition_info``)."""
    dims = static_shape(shape)
    dt = _dt.as_dtype(dtype).base_dtype
    g = get_default_graph()
    full = preview_name(g, name, default_name)
    if partition_info is not None:
        full_shape = tuple(int(d) for d in partition_info.full_shape)
        offset = tuple(int(o) for o in partition_info.var_offset)
    else:
        full_shape = offset = None
    compute = np.float32 if dt is _dt.float16 else dt._np
    attrs = {"shape": tuple(dims), "dtype": dt, "compute_dtype": compute, "dist": dist,
             "p0": float(p0), "p1": float(p1), "seed": seed, "key": philox_key(seed, full),
             "full_shape": full_shape, "offset": offset, "post": post}
    return build_op(op_type, (), attrs, name, default_name)._outputs[0]


_FLOATS = (_dt.float16, _dt.float32, _dt.float64)


def _check_float(dtype, op):
    dt = _dt.as_dtype(dtype).base_dtype
    if dt not in _FLOATS:
        raise TypeError("Value passed to parameter 'dtype' has DataType %s not in list of allowed "
                        "values: float16, float32, float64 (op %s)" % (dt.name, op))
    return dt


def _finite(value, what, op):
    if not math.isfinite(value):
        raise ValueError("%s of %s must be finite, got %r" % (what, op, value))
    return value


def random_normal(shape, mean=0.0, stddev=1.0, dtype=_dt.float32, seed=None, name=None,
                  partition_info=None):
    """Normal values (Box-Muller over Philox); op ``random_normal``."""
    dt = _check_float(dtype, "RandomStandardNormal")
    m = _finite(_scalar_param(mean, "mean", "random_normal"), "mean", "random_normal")
    s = _finite(_scalar_param(stddev, "stddev", "random_normal"), "stddev", "random_normal")
    return random_op("RandomStandardNormal", "random_normal", shape, dt, NORMAL, m, s,
                     seed, name, partition_info)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=_dt.float32, seed=None, name=None,
                     partition_info=None):
    """Normal values within two standard deviations of ``mean``; op ``truncated_normal``."""
    dt = _check_float(dtype, "TruncatedNormal")
    m = _finite(_scalar_param(mean, "mean", "truncated_normal"), "mean", "truncated_normal")
    s = _finite(_scalar_param(stddev, "stddev", "truncated_normal"), "stddev",
                "truncated_normal")
    return random_op("TruncatedNormal", "truncated_normal", shape, dt, TRUNCATED_NORMAL,
                     m, s, seed, name, partition_info)


def random_uniform(shape, minval=0, maxval=None, dtype=_dt.float32, seed=None, name=None,
                   partition_info=None):
    """Uniform values in [minval, maxval) (maxval defaults to 1 for floats); op ``random_uniform``.

    Raises:
      ValueError: an integer dtype without ``maxval``.
      InvalidArgumentError (at run time): integer ``minval >= maxval``.
    """
    dt = _dt.as_dtype(dtype).base_dtype
    if dt in (_dt.int32, _dt.int64):
        if maxval is None:
            raise ValueError("Must specify maxval for integer dtype %r" % dt)
        lo = int(_scalar_param(minval, "minval", "random_uniform"))
        hi = int(_scalar_param(maxval, "maxval", "random_uniform"))
        return random_op("RandomUniformInt", "random_uniform", shape, dt, UNIFORM_INT, lo, hi,
                         seed, name, partition_info)
    if dt not in _FLOATS:
        raise TypeError("Value passed to parameter 'dtype' has DataType %s not in list of allowed "
                        "values: float16, float32, float64, int32, int64" % dt.name)
    lo = _finite(_scalar_param(minval, "minval", "random_uniform"), "minval", "random_uniform")
    hi = 1.0 if maxval is None else _finite(_scalar_param(maxval, "maxval", "random_uniform"),
                                            "maxval", "random_uniform")
    return random_op("RandomUniform", "random_uniform", shape, dt, UNIFORM, lo, hi,
                     seed, name, partition_info)
