"""Generating ops: ``range``, ``linspace``, ``eye``, ``one_hot`` and ``sequence_mask``.

Their outputs are sized by input values, so each kernel checks the size
against the machine's memory before allocating (a huge request is
ResourceExhaustedError, as TensorFlow's OOM), and each shape function computes
the static size when those inputs are constants.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     r = tf.range(10, 2, -3)
...     print(r.name, r.shape, [t.name for t in r.op.inputs], tf.Session().run(r).tolist())
range:0 (3,) ['range/start:0', 'range/limit:0', 'range/delta:0'] [10, 7, 4]
"""
import math

import numpy as np

from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import errors as _errors
from fastscope._src.framework.graph import graph_of
from fastscope._src.framework.op_builder import build_op, convert_to_tensor
from fastscope._src.framework.registry import register_op
from fastscope._src.framework.tensor import Tensor
from fastscope._src.framework.tensor_shape import TensorShape, unknown_shape
from fastscope._src.ops import index_util as U
from fastscope._src.ops.math_ops import REAL_NUMBER, cast

_D = _dt
RANGE_TYPES = (_D.float16, _D.float32, _D.float64, _D.int8, _D.int16, _D.int32, _D.int64,
               _D.uint16, _D.uint32, _D.uint64)
_RANGE_ORDER = (_D.int32, _D.int64, _D.float16, _D.float32, _D.float64)   # dtype inference
_FLOATS = (_D.float16, _D.float32, _D.float64)
_INT64_MAX = 2 ** 63 - 1


def _error(op, text):
    return _errors.InvalidArgumentError(None, op, text)


def _num(v):
    """A number as TensorFlow's messages print it (``5``, ``0.5``, ``nan``)."""
    if isinstance(v, float) and math.isfinite(v) and v == int(v):
        return str(int(v))
    return str(v)


# -- Range ---------------------------------------------------------------------------------------
def range_size(start, limit, delta, np_dtype, fail, build=False):
    """The number of values ``Range(start, limit, delta)`` makes in ``np_dtype``.

    ``fail(text)`` returns the exception to raise (a ValueError at build time, an
    InvalidArgumentError at run time).
    """
    if delta == 0:
        raise fail("Requires delta != 0" + ("" if build else ": %s" % _num(delta)))
    if delta > 0 and not start <= limit:
        raise fail("Requires start <= limit when delta > 0: %s/%s" % (_num(start), _num(limit)))
    if delta < 0 and not start >= limit:
        raise fail("Requires start >= limit when delta < 0: %s/%s" % (_num(start), _num(limit)))
    if np.dtype(np_dtype).kind in "iu":
        start, limit, delta = int(start), int(limit), int(delta)
        return (abs(limit - start) + abs(delta) - 1) // abs(delta)
    t = np.dtype(np_dtype).type
    with np.errstate(all="ignore"):
        q = np.abs((t(limit) - t(start)) / t(delta))
    if not np.isfinite(q) or float(q) > _INT64_MAX:
        raise fail("Requires ((limit - start) / delta) <= %d" % _INT64_MAX)
    return int(np.ceil(q))


def _range_shape(node):
    dt = node.inputs[0]._dtype.base_dtype
    for t, what in zip(node.inputs, ("start", "limit", "delta")):
        U.rank_exactly(node, t._shape, 0, what)
    vals = [U.const_value(t) for t in node.inputs]
    if any(v is None for v in vals):
        return [(dt, TensorShape([None]))]
    s, l, d = (v.reshape(()).item() for v in vals)
    computed = "input[0] = <%s>, input[1] = <%s>, input[2] = <%s>" % (_num(s), _num(l), _num(d))
    n = range_size(s, l, d, dt._np, lambda text: U.shape_error(node, text, computed), True)
    return [(dt, TensorShape([n]))]


def range_values(start, delta, n, np_dtype):
    """``start + i * delta`` for i < n, computed in ``np_dtype`` (as TensorFlow's kernel)."""
    dt = np.dtype(np_dtype)
    if dt.kind in "iu":
        wide = np.uint64 if dt.kind == "u" else np.int64
        return (np.arange(n, dtype=wide) * wide(delta) + wide(start)).astype(dt)
    with np.errstate(all="ignore"):
        return np.arange(n, dtype=np.float64).astype(dt) * dt.type(delta) + dt.type(start)


def _range_kernel(ctx, op, start, limit, delta):
    s, l, d = (U.scalar(op, v, w, allow_one=True) for v, w in ((start, "start"),
                                                                (limit, "limit"),
                                                                (delta, "delta")))
    dt = start.dtype
    n = range_size(s, l, d, dt, lambda text: _error(op, text))
    U.check_output(op, (n,), dt)
    return range_values(s, d, n, dt)


register_op("Range", ("start: Tidx", "limit: Tidx", "delta: Tidx"), _range_shape,
            _range_kernel, type_attrs={"Tidx": RANGE_TYPES}, tf_attrs=("Tidx",))


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TF's name
    """The numbers ``start, start + delta, ...`` before ``limit`` (``tf.range``; op ``Range``).

    Args:
      start: the first value (or, with no ``limit``, the limit, starting from 0).
      limit: the end (not included).
      delta: the step (negative counts down; not 0).
      dtype: the result's dtype; default: the widest of the arguments' dtypes in
        int32 < int64 < float16 < float32 < float64 (Python ints are int32, floats
        float32), the others cast to it (``range/Cast``), as TensorFlow infers it.
      name: the op's name (default ``range``).

    Raises:
      ValueError: constant arguments that make no range (delta 0, the wrong sign),
        non-scalar arguments.
      TypeError: a dtype Range does not take.
      InvalidArgumentError (at run time): the same for values known only then.

    Differs from TensorFlow: int8, int16 and unsigned ranges, and constant float16 ones,
    are computed (TensorFlow's CPU build has no kernel for them); an argument dtype
    outside the inference order is a TypeError (TensorFlow: an AssertionError).

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     r = tf.range(1, 3.5, 0.5)
    ...     print(r.dtype.name, [t.name for t in r.op.inputs], tf.Session().run(r).tolist())
    float32 ['range/Cast:0', 'range/limit:0', 'range/delta:0'] [1.0, 1.5, 2.0, 2.5, 3.0]
    """
    if limit is None:
        start, limit = 0, start
    g = graph_of([start, limit, delta])
    with g.as_default(), g.name_scope(name or "range") as scope:
        dt = None if dtype is None else _dt.as_dtype(dtype).base_dtype
        args = [v if isinstance(v, Tensor) else convert_to_tensor(v, dtype=dt, name=w)
                for v, w in ((start, "start"), (limit, "limit"), (delta, "delta"))]
        if dt is None:
            bad = [a.dtype.base_dtype for a in args if a.dtype.base_dtype not in _RANGE_ORDER]
            if bad:
                raise TypeError("range: cannot infer a dtype from %s (start, limit and delta "
                                "must be of %s); pass dtype=" % (
                                    bad[0].name, ", ".join(d.name for d in _RANGE_ORDER)))
            dt = max((a.dtype.base_dtype for a in args), key=_RANGE_ORDER.index)
        args = [a if a.dtype.base_dtype is dt else cast(a, dt) for a in args]
        return build_op("Range", tuple(args), None, scope)._outputs[0]


# -- LinSpace ------------------------------------------------------------------------------------
def _linspace_shape(node):
    start, stop, num = node.inputs
    for t, what in zip(node.inputs, ("start", "stop", "num")):
        U.rank_exactly(node, t._shape, 0, what)
    n = U.const_int(num)
    if n is not None and n <= 0:
        raise U.shape_error(node, "Requires num > 0: %d" % n, "input[2] = <%d>" % n)
    return [(start._dtype.base_dtype, TensorShape([n]))]


def _linspace_kernel(ctx, op, start, stop, num):
    s, e, n = (U.scalar(op, v, w) for v, w in ((start, "start"), (stop, "stop"), (num, "num")))
    if n <= 0:
        raise _error(op, "Requires num > 0: %d" % n)
    dt = start.dtype
    U.check_output(op, (n,), dt)
    s, e = dt.type(s), dt.type(e)
    if n == 1:
        return np.array([s], dt)
    with np.errstate(all="ignore"):
        step = (e - s) / dt.type(n - 1)
        out = np.arange(n, dtype=np.float64).astype(dt) * step + s
    out[-1] = e
    return out


register_op("LinSpace", ("start: T", "stop: T", "num: Tidx"), _linspace_shape, _linspace_kernel,
            type_attrs={"T": _FLOATS, "Tidx": U.INDEX_TYPES}, tf_attrs=("T", "Tidx"))


def linspace(start, stop, num, name=None):
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive (op ``LinSpace``).

    TensorFlow 1.x's ``tf.linspace`` / ``tf.lin_space``: scalar float ``start`` and
    ``stop`` (float16/32/64), an int32/int64 ``num`` > 0; the last value is ``stop``.

    Raises:
      ValueError: non-scalar arguments, a constant ``num`` <= 0.
      TypeError: integer ``start``/``stop``.
      InvalidArgumentError (at run time): ``num`` <= 0.

    Differs from TensorFlow: float16 is computed (TensorFlow's CPU build has no kernel).

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     x = tf.linspace(0.0, 1.0, 5)
    ...     print(x.name, x.shape, tf.Session().run(x).tolist())
    LinSpace:0 (5,) [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    return build_op("LinSpace", (start, stop, num), None, name)._outputs[0]


# -- eye -----------------------------------------------------------------------------------------
def _eye_shape(node):
    rows, cols, batch = node.inputs
    r, c = U.const_int(rows), U.const_int(cols)
    for v in (r, c):
        if v is not None and v < 0:
            raise U.shape_error(node, "Fill dimensions must be >= 0")
    bv = U.const_value(batch)
    if bv is not None:
        lead = [int(d) for d in bv.reshape(-1)]
        if any(d < 0 for d in lead):
            raise U.shape_error(node, "Fill dimensions must be >= 0")
    elif batch._shape.ndims == 1 and batch._shape.dims[0].value is not None:
        lead = [None] * batch._shape.dims[0].value
    else:
        return [(node.attrs["dtype"], unknown_shape())]
    return [(node.attrs["dtype"], TensorShape(lead + [r, c]))]


def _eye_kernel(ctx, op, rows, cols, batch):
    r, c = U.scalar(op, rows, "num_rows"), U.scalar(op, cols, "num_columns")
    if batch.ndim != 1:
        raise _error(op, "batch_shape must be a vector, got shape %s"
                     % U.shape_str_of(batch.shape))
    dims = tuple(int(d) for d in batch) + (r, c)
    for d in dims:
        if d < 0:
            raise _error(op, "Dimension %d must be >= 0" % d)
    dt = op._attrs["dtype"]._np
    U.check_output(op, dims, dt)
    out = np.zeros(dims, dt)
    d = np.arange(min(r, c))
    out[..., d, d] = 1
    return out


register_op("MatrixEye", ("num_rows: Tr", "num_columns: Tc", "batch_shape: Tb"), _eye_shape,
            _eye_kernel, type_attrs={"Tr": U.INDEX_TYPES, "Tc": U.INDEX_TYPES,
                                     "Tb": U.INDEX_TYPES}, tf_type="MatrixDiagV3")


def _eye_dim(value, rows, cols):
    if isinstance(value, Tensor):
        if not value.dtype.base_dtype.is_integer:
            raise TypeError("eye: num_rows and num_columns must be integer tensors, got %s"
                            % value)
        return value
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError("Arguments `num_rows` and `num_columns` must be positive integer values. "
                        "Received: num_rows=%s, num_columns=%s" % (rows, cols))
    return int(value)


def eye(num_rows, num_columns=None, batch_shape=None, dtype=_dt.float32, name=None):
    """Identity matrices (``tf.eye``): ones on the main diagonal, zeros elsewhere.

    Args:
      num_rows, num_columns: ints or int scalar tensors (``num_columns`` defaults to
        ``num_rows``).
      batch_shape: leading dimensions (a list of ints or a 1-D int tensor).
      dtype: the element type (numbers or bool).
      name: the name scope (default ``eye``); the output is ``eye/diag`` for a square
        matrix, ``eye/set_diag`` otherwise, as TensorFlow names them.

    Raises:
      TypeError: non-integer sizes, a string dtype.
      ValueError: negative constant sizes.

    Differs from TensorFlow: one op (computed when it runs) instead of a ``ones`` and a
    ``MatrixDiagV3``.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     e = tf.eye(2, 3, batch_shape=[1])
    ...     print(e.name, e.shape, tf.Session().run(e).tolist())
    eye/set_diag:0 (1, 2, 3) [[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]]
    """
    cols_given = num_rows if num_columns is None else num_columns
    rows = _eye_dim(num_rows, num_rows, cols_given)
    cols = _eye_dim(cols_given, num_rows, cols_given)
    dt = _dt.as_dtype(dtype).base_dtype
    if dt is _dt.string:
        raise TypeError("eye: dtype string is not supported (a matrix of numbers or booleans)")
    square = num_columns is None or (isinstance(rows, int) and rows == cols)
    g = graph_of([v for v in (num_rows, num_columns, batch_shape) if isinstance(v, Tensor)])
    with g.as_default(), g.name_scope(name or "eye"):
        r = convert_to_tensor(rows, name="num_rows")
        c = r if num_columns is None else convert_to_tensor(cols, name="num_columns")
        b = convert_to_tensor(np.zeros(0, np.int32) if batch_shape is None else batch_shape,
                              dtype=None if isinstance(batch_shape, Tensor) else _dt.int32,
                              name="batch_shape")
        return build_op("MatrixEye", (r, c, b), {"dtype": dt},
                        "diag" if square else "set_diag")._outputs[0]


# -- OneHot --------------------------------------------------------------------------------------
def _one_hot_shape(node):
    ind, depth, on, off = node.inputs
    axis = node.attrs["axis"]
    if axis < -1:
        raise U.shape_error(node, "axis must be >= -1")
    if depth._shape.ndims not in (None, 0):
        raise U.shape_error(node, "Input must be scalar but has rank %d" % depth._shape.ndims)
    d = U.const_int(depth)
    if d is not None and d < 0:
        raise U.shape_error(node, "Dimension size, given by scalar input 1, must be "
                            "non-negative but is %d" % d, "input[1] = <%d>" % d)
    dt = on._dtype.base_dtype
    if ind._shape.ndims is None:
        return [(dt, unknown_shape())]
    dims = ind._shape.dims
    if axis > len(dims):   # TensorFlow's kernel refuses it when it runs
        return [(dt, unknown_shape(len(dims) + 1))]
    a = len(dims) if axis == -1 else axis
    return [(dt, TensorShape(dims[:a] + [d] + dims[a:]))]


def _one_hot_kernel(ctx, op, indices, depth, on, off):
    axis, r = op._attrs["axis"], indices.ndim
    if not (axis == -1 or 0 <= axis <= r):
        raise _error(op, "Expected axis to be -1 or between [0, %d).  But received: %d"
                     % (r + 1, axis))
    d = U.scalar(op, depth, "depth")
    if d < 0:
        raise _error(op, "depth must be non-negative, got: %d" % d)
    for v, what in ((on, "on_value"), (off, "off_value")):
        if v.ndim:
            raise _error(op, "%s must be a scalar, but got: %s" % (what, U.shape_str_of(v.shape)))
    a = r if axis == -1 else axis
    shape = indices.shape[:a] + (d,) + indices.shape[a:]
    U.check_output(op, shape, on.dtype)
    hot = np.expand_dims(indices, a) == np.arange(d).reshape((d,) + (1,) * (r - a))
    return np.where(hot, on, off)


register_op("OneHot", ("indices: TI", "depth: Tdepth", "on_value: T", "off_value: T"),
            _one_hot_shape, _one_hot_kernel,
            type_attrs={"TI": (_D.uint8, _D.int8, _D.int32, _D.int64), "Tdepth": (_D.int32,)},
            tf_attrs=("T", "TI", "axis"))


def _hinted(value, dt):
    """``value`` as a tensor, of ``dt`` where TensorFlow's dtype hint would make it one."""
    if isinstance(value, Tensor) or dt is None:
        return convert_to_tensor(value)
    if isinstance(value, float) and not (dt.is_floating or dt.is_complex):
        return convert_to_tensor(value)   # a float is never converted to an integer type
    return convert_to_tensor(value, dtype_hint=dt)


def _on_off(on_value, off_value, dtype):
    """The on/off tensors and the output dtype, as TensorFlow's one_hot settles them."""
    dt = None if dtype is None else _dt.as_dtype(dtype).base_dtype
    on = None if on_value is None else _hinted(on_value, dt)
    off = None if off_value is None else _hinted(off_value, dt)
    given = [(t, w) for t, w in ((on, "on_value"), (off, "off_value")) if t is not None]
    if dt is not None:
        for t, w in given:
            if t.dtype.base_dtype is not dt:
                raise TypeError("dtype %s of %s does not match dtype parameter %s"
                                % (t.dtype.base_dtype, w, dt))
    elif given:
        dt = given[0][0].dtype.base_dtype
    else:
        dt = _dt.float32
    if on is not None and off is not None and on.dtype.base_dtype is not off.dtype.base_dtype:
        raise TypeError("dtype %s of on_value does not match dtype %s of off_value"
                        % (on.dtype.base_dtype, off.dtype.base_dtype))
    if on is None:
        on = convert_to_tensor(True if dt is _dt.bool else 1, dtype=dt, name="on_value")
    if off is None:
        off = convert_to_tensor(False if dt is _dt.bool else 0, dtype=dt, name="off_value")
    return on, off


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot vectors (``tf.one_hot``; op ``OneHot``): ``on_value`` at each index, else off.

    Args:
      indices: uint8/int8/int32/int64 of any shape; an index outside ``[0, depth)``
        gives a vector of ``off_value``.
      depth: the vectors' length (an int32 scalar).
      on_value, off_value: scalars (default 1 and 0) of the output dtype.
      axis: where the new axis goes (default -1, the last).
      dtype: the output dtype (default: on/off's, else float32).
      name: the op's name (default ``one_hot``).

    Raises:
      TypeError: on/off values of dtypes other than ``dtype`` or each other's.
      ValueError: ``axis`` < -1, a negative constant depth.
      InvalidArgumentError (at run time): a negative depth, non-scalar on/off values,
        an axis beyond the output's rank.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     h = tf.one_hot([0, 2, -1], 3)
    ...     print(h.name, h.shape, tf.Session().run(h).tolist())
    one_hot:0 (3, 3) [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
    """
    g = graph_of([v for v in (indices, depth, on_value, off_value) if v is not None])
    with g.as_default(), g.name_scope(name or "one_hot") as scope:
        on, off = _on_off(on_value, off_value, dtype)
        a = -1 if axis is None else U.int_arg(axis, "axis")
        return build_op("OneHot", (indices, depth, on, off), {"axis": a}, scope)._outputs[0]


# -- SequenceMask --------------------------------------------------------------------------------
def _sequence_mask_shape(node):
    lengths, rest = node.inputs[0], node.inputs[1:]
    dt = node.attrs["dtype"]
    if lengths._shape.ndims is None:
        return [(dt, unknown_shape())]
    n = None
    mv = U.const_value(rest[0] if rest else lengths)
    if mv is not None and (mv.size == 1 or not rest):
        # with no maxlen, TensorFlow's shape inference folds maximum(0, max(lengths))
        m = mv.reshape(()).item() if rest else (max(mv.max().item(), 0) if mv.size else 0)
        n = range_size(0, m, 1, mv.dtype,
                       lambda text: U.shape_error(node, text, "input[1] = <%s>" % _num(m)))
    return [(dt, lengths._shape.concatenate([n]))]


def _sequence_mask_kernel(ctx, op, lengths, *rest):
    if rest:
        m, mdt = U.scalar(op, rest[0], "maxlen", allow_one=True), rest[0].dtype
    else:   # TensorFlow: maximum(0, max(lengths)); the max of nothing is the lowest value
        mdt = lengths.dtype
        m = max(lengths.max().item(), 0) if lengths.size else 0
    n = range_size(0, m, 1, mdt, lambda text: _error(op, text))
    U.check_output(op, lengths.shape + (n,), np.bool_)
    row = range_values(0, 1, n, mdt)
    out = row < lengths.astype(mdt)[..., None]
    dt = op._attrs["dtype"]._np
    return out if dt == np.bool_ else out.astype(dt)


register_op("SequenceMask", ("lengths: T", "maxlen: *"), _sequence_mask_shape,
            _sequence_mask_kernel, type_attrs={"T": REAL_NUMBER + (_D.bool,)}, tf_type="Less")


def sequence_mask(lengths, maxlen=None, dtype=_dt.bool, name=None):
    """``mask[i..., j] = j < lengths[i...]`` for j < maxlen (``tf.sequence_mask``).

    Args:
      lengths: a tensor of lengths (integers, or floats as TensorFlow takes them:
        cast to maxlen's dtype).
      maxlen: a scalar (default: the largest length, at least 0).
      dtype: the mask's dtype (default bool).
      name: the name scope (default ``SequenceMask``); the output is
        ``SequenceMask/Less`` (``SequenceMask/Cast_1`` for another dtype), as
        TensorFlow names it.

    Returns:
      A tensor of shape ``lengths.shape + [maxlen]``.

    Raises:
      ValueError: a ``maxlen`` that is not a scalar, or a negative constant one.
      TypeError: a ``maxlen`` whose dtype Range does not take.
      InvalidArgumentError (at run time): a negative ``maxlen``.

    Differs from TensorFlow: one op instead of TensorFlow's 9 to 12.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     m = tf.sequence_mask([1, 3, 0], 4)
    ...     print(m.name, m.shape, tf.Session().run(m).astype(int).tolist())
    SequenceMask/Less:0 (3, 4) [[1, 0, 0, 0], [1, 1, 1, 0], [0, 0, 0, 0]]
    """
    dt = _dt.as_dtype(dtype).base_dtype
    g = graph_of([v for v in (lengths, maxlen) if v is not None])
    with g.as_default(), g.name_scope(name or "SequenceMask"):
        lengths = convert_to_tensor(lengths)
        rest = []
        if maxlen is not None:
            m = convert_to_tensor(maxlen)
            if m.shape.ndims not in (None, 0):
                raise ValueError("Argument `maxlen` must be scalar for sequence_mask, received "
                                 "`maxlen` = %s with shape '%s' instead" % (m, m.shape))
            rest = [m]
        mdt = (rest[0] if rest else lengths).dtype.base_dtype
        if mdt not in RANGE_TYPES:
            raise TypeError("Value passed to parameter 'start' has DataType %s not in list of "
                            "allowed values: %s" % (mdt.name, ", ".join(
                                t.name for t in RANGE_TYPES)))
        return build_op("SequenceMask", (lengths, rest), {"dtype": dt},
                        "Less" if dt is _dt.bool else "Cast_1")._outputs[0]

