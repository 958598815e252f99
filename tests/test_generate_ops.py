"""range, linspace, eye, one_hot and sequence_mask against float64 numpy references.

Names (``range/Cast``, ``eye/set_diag``, ``SequenceMask/Less``), dtype inference and errors
are TensorFlow 1.x graph mode's (checked against tensorflow 2.21's compat.v1; linspace is
TensorFlow 1.15's ``LinSpace`` op).
"""
import itertools
import math

import numpy as np
import pytest

import fastscope as tf


def _run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


# -- range -------------------------------------------------------------------------------------
def ref_range(start, limit, delta):
    n = max(0, math.ceil((limit - start) / delta))
    return np.array([start + i * delta for i in range(n)], np.float64)


@pytest.mark.parametrize("args", [
    (5,), (2, 10, 3), (10, 2, -3), (0, -1, -5), (-5, 5, 3), (5, 5), (0.5, 3), (1, 3.5, 0.5),
    (0.0, 1.0, 0.1), (1.0, 0.0, -0.3), (0.0, -1.0, -0.25), (3, 3, -1), (0, 7, 7), (0, 7, 8),
])
def test_range_values_and_inferred_dtype(args):
    r = tf.range(*args)
    full = (0,) + args if len(args) == 1 else args
    full = full + (1,) if len(full) == 2 else full
    want = ref_range(*full)
    is_float = any(isinstance(a, float) for a in args)
    assert r.dtype == (tf.float32 if is_float else tf.int32)
    assert r.shape.as_list() == [len(want)]
    got = _run(r)
    assert got.dtype == r.dtype.as_numpy_dtype
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", [tf.int64, tf.float64, tf.float32, tf.int16, tf.int8,
                                   tf.uint16, tf.float16, tf.uint64])
def test_range_of_an_explicit_dtype(dtype):
    r = tf.range(1, 9, 2, dtype=dtype)
    assert [t.name for t in r.op.inputs] == ["range/start:0", "range/limit:0", "range/delta:0"]
    got = _run(r)
    assert got.dtype == dtype.as_numpy_dtype and got.tolist() == [1, 3, 5, 7]


def test_range_casts_to_the_widest_dtype_with_tensorflows_names():
    assert [t.name for t in tf.range(0.5, 3).op.inputs] == [
        "range/start:0", "range/Cast:0", "range/Cast_1:0"]
    p64 = tf.placeholder(tf.int64, [])
    r = tf.range(p64, 10)
    assert r.dtype == tf.int64 and [t.name for t in r.op.inputs] == [
        p64.name, "range_1/Cast:0", "range_1/Cast_1:0"]
    p = tf.placeholder(tf.int32, [])
    r2 = tf.range(p, dtype=tf.float32, name="foo")
    assert (r2.name, r2.dtype, r2.shape.as_list()) == ("foo:0", tf.float32, [None])
    assert [t.name for t in r2.op.inputs] == ["foo/start:0", "foo/Cast:0", "foo/delta:0"]
    assert tf.range(0, 5, name="r/").name == "r:0"
    assert _run(r2, {p: 3}).tolist() == [0.0, 1.0, 2.0]
    assert _run(r, {p64: 7}).tolist() == [7, 8, 9]


def test_range_errors_are_tensorflows():
    with pytest.raises(ValueError, match="Requires delta != 0"):
        tf.range(0, 5, 0)
    with pytest.raises(ValueError, match="Requires start >= limit when delta < 0: 0/5"):
        tf.range(0, 5, -1)
    with pytest.raises(ValueError, match="Shape must be rank 0 but is rank 1"):
        tf.range([3, 4])
    with pytest.raises(TypeError, match="DataType uint8 not in list of allowed values"):
        tf.range(3, dtype=tf.uint8)
    with pytest.raises(TypeError):
        tf.range(0, 3.5, dtype=tf.int32)
    with pytest.raises(TypeError):
        tf.range(3, dtype=tf.bool)
    lim, d = tf.placeholder(tf.int64, []), tf.placeholder(tf.int32, [])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Requires delta != 0: 0"):
        _run(tf.range(0, 5, d), {d: 0})
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Requires start <= limit when delta > 0: 0/-5"):
        _run(tf.range(0, d), {d: -5})
    with pytest.raises(tf.errors.ResourceExhaustedError, match="OOM when allocating tensor"):
        _run(tf.range(0, lim, 1), {lim: 2 ** 62})
    f = tf.placeholder(tf.float32, [])
    for bad in (np.inf, 1e30):
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Requires \(\(limit - start\) / delta\) <= "):
            _run(tf.range(0.0, f, 1.0), {f: bad})
    with pytest.raises(tf.errors.InvalidArgumentError, match="0/nan"):
        _run(tf.range(0.0, f, 1.0), {f: np.nan})


# -- linspace ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [tf.float32, tf.float64, tf.float16])
@pytest.mark.parametrize("start,stop,num", [(0.0, 1.0, 5), (1.0, 0.0, 4), (2.0, 3.0, 1),
                                            (0.1, 0.7, 7), (-3.0, 3.0, 2), (5.0, 5.0, 3),
                                            (0.0, 1.0, 1000)])
def test_linspace_matches_numpy(dtype, start, stop, num):
    x = tf.linspace(tf.constant(start, dtype), tf.constant(stop, dtype), num)
    assert (x.op.type, x.dtype, x.shape.as_list()) == ("LinSpace", dtype, [num])
    got = _run(x)
    want = np.linspace(np.float64(dtype.as_numpy_dtype(start)),
                       np.float64(dtype.as_numpy_dtype(stop)), num)
    tol = 2e-3 if dtype == tf.float16 else 1e-6
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    assert got[-1] == dtype.as_numpy_dtype(stop if num > 1 else start)


def test_linspace_names_and_errors():
    x = tf.linspace(0.0, 1.0, 5)
    assert x.name == "LinSpace:0" and [t.name for t in x.op.inputs] == [
        "LinSpace/start:0", "LinSpace/stop:0", "LinSpace/num:0"]
    assert tf.lin_space(0.0, 1.0, 3, name="ls").name == "ls:0"
    assert tf.linspace(np.float64(0), 1.0, 3).dtype == tf.float64
    assert tf.linspace(0.0, 1.0, tf.placeholder(tf.int64, [])).shape.as_list() == [None]
    with pytest.raises(ValueError, match="Requires num > 0: 0"):
        tf.linspace(0.0, 1.0, 0)
    with pytest.raises(ValueError, match="Shape must be rank 0 but is rank 1"):
        tf.linspace([0.0], 1.0, 3)
    with pytest.raises(TypeError, match="'start' has DataType int32 not in list"):
        tf.linspace(0, 1, 3)
    n = tf.placeholder(tf.int32, [])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Requires num > 0: -1"):
        _run(tf.linspace(0.0, 1.0, n), {n: -1})


# -- eye ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [tf.float32, tf.float64, tf.int32, tf.bool, tf.complex64,
                                   tf.uint8])
@pytest.mark.parametrize("rows,cols,batch", [(3, None, None), (2, 4, None), (4, 2, None),
                                             (2, None, [3, 1]), (2, 3, [2]), (0, None, None),
                                             (3, 0, [2]), (1, 1, [0])])
def test_eye_matches_numpy(dtype, rows, cols, batch):
    e = tf.eye(rows, cols, batch_shape=batch, dtype=dtype)
    c = rows if cols is None else cols
    want = np.broadcast_to(np.eye(rows, c), tuple(batch or ()) + (rows, c))
    assert e.name == ("eye/diag:0" if c == rows else "eye/set_diag:0")
    assert (e.dtype, e.shape.as_list()) == (dtype, list(want.shape))
    got = _run(e)
    assert got.dtype == dtype.as_numpy_dtype
    np.testing.assert_array_equal(got.astype(np.complex128), want)


def test_eye_dynamic_sizes_names_and_errors():
    n = tf.placeholder(tf.int32, [])
    b = tf.placeholder(tf.int32, [2])
    e = tf.eye(n, 3)
    assert (e.name, e.shape.as_list()) == ("eye/set_diag:0", [None, 3])
    assert tf.eye(2, batch_shape=b).shape.as_list() == [None, None, 2, 2]
    assert tf.eye(2, 2).name == "eye_2/diag:0" and tf.eye(2, 3, name="e").name == "e/set_diag:0"
    assert _run(e, {n: 2}).tolist() == [[1, 0, 0], [0, 1, 0]]
    assert _run(tf.eye(1, batch_shape=b), {b: [2, 1]}).shape == (2, 1, 1, 1)
    with pytest.raises(TypeError, match="must be positive integer values"):
        tf.eye(2.0)
    with pytest.raises(TypeError):
        tf.eye(2, dtype=tf.string)
    with pytest.raises(ValueError, match="Fill dimensions must be >= 0"):
        tf.eye(-1)
    with pytest.raises(ValueError, match="Fill dimensions must be >= 0"):
        tf.eye(2, batch_shape=[-1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Dimension -1 must be >= 0"):
        _run(e, {n: -1})
    with pytest.raises(tf.errors.ResourceExhaustedError, match="OOM"):
        _run(e, {n: 2 ** 31 - 1})


# -- one_hot -----------------------------------------------------------------------------------
def ref_one_hot(indices, depth, on, off, axis):
    shape = indices.shape + (depth,)
    out = np.full(shape, off, np.complex128 if isinstance(on, complex) else np.float64)
    for pos in itertools.product(*[range(d) for d in indices.shape]):
        if 0 <= indices[pos] < depth:
            out[pos + (int(indices[pos]),)] = on
    return np.moveaxis(out, -1, axis) if axis != -1 else out


@pytest.mark.parametrize("idx_dtype", [np.int32, np.int64, np.uint8, np.int8])
@pytest.mark.parametrize("shape,depth,axis", [((4,), 3, -1), ((2, 3), 4, 0), ((2, 3), 4, 1),
                                              ((2, 3), 4, 2), ((), 3, -1), ((0, 2), 3, 1),
                                              ((3,), 0, -1), ((2, 1, 2), 5, 1)])
def test_one_hot_matches_the_reference(idx_dtype, shape, depth, axis):
    rng = np.random.default_rng(10)
    lo = 0 if np.dtype(idx_dtype).kind == "u" else -1
    indices = rng.integers(lo, depth + 2, shape).astype(idx_dtype)
    h = tf.one_hot(indices, depth, axis=axis)
    want = ref_one_hot(indices, depth, 1.0, 0.0, axis)
    assert (h.name, h.dtype, h.shape.as_list()) == ("one_hot:0", tf.float32, list(want.shape))
    np.testing.assert_array_equal(_run(h), want)


@pytest.mark.parametrize("on,off,dtype,want_dtype", [
    (5, -1, None, tf.int32), (None, 2.0, None, tf.float32), (2, None, None, tf.int32),
    (2.0, None, tf.float64, tf.float64), (None, 2, tf.float32, tf.float32),
    (True, False, None, tf.bool), (None, None, tf.int64, tf.int64), (1j, 0j, None, tf.complex128),
])
def test_one_hot_on_off_values_and_dtype(on, off, dtype, want_dtype):
    h = tf.one_hot([1, 0, 3], 3, on_value=on, off_value=off, dtype=dtype)
    assert h.dtype == want_dtype
    got = _run(h)
    on_v = 1 if on is None else on
    off_v = 0 if off is None else off
    assert got.dtype == want_dtype.as_numpy_dtype
    np.testing.assert_array_equal(got, ref_one_hot(np.array([1, 0, 3]), 3, on_v, off_v, -1))


def test_one_hot_names_shapes_and_errors():
    h = tf.one_hot([1], 3, on_value=2.0, off_value=1.0, name="oh")
    assert h.name == "oh:0" and [t.name for t in h.op.inputs] == [
        "oh/indices:0", "oh/depth:0", "oh/Const:0", "oh/Const_1:0"]
    assert [t.name for t in tf.one_hot([1], 3).op.inputs][2:] == [
        "one_hot/on_value:0", "one_hot/off_value:0"]
    i = tf.placeholder(tf.int32, [2, None])
    assert tf.one_hot(i, 4, axis=0).shape.as_list() == [4, 2, None]
    assert tf.one_hot(i, tf.placeholder(tf.int32, [])).shape.as_list() == [2, None, None]
    assert tf.one_hot(tf.placeholder(tf.int32), 3).shape.ndims is None
    with pytest.raises(TypeError, match="dtype <dtype: 'float32'> of on_value does not match "
                                        "dtype parameter <dtype: 'int64'>"):
        tf.one_hot(i, 4, on_value=5.0, dtype=tf.int64)
    with pytest.raises(TypeError, match="of on_value does not match dtype <dtype: 'int32'> of "
                                        "off_value"):
        tf.one_hot(i, 4, on_value=5.0, off_value=1)
    with pytest.raises(TypeError, match="'indices' has DataType float32 not in list"):
        tf.one_hot([1.0], 3)
    with pytest.raises(TypeError):
        tf.one_hot([1], tf.constant(3, tf.int64))
    with pytest.raises(ValueError, match="axis must be >= -1"):
        tf.one_hot(i, 4, axis=-2)
    with pytest.raises(ValueError, match="must be non-negative but is -1"):
        tf.one_hot(i, -1)
    with pytest.raises(ValueError, match="Input must be scalar but has rank 1"):
        tf.one_hot([1], [3])
    d = tf.placeholder(tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="depth must be non-negative, "
                                                             "got: -1"):
        _run(tf.one_hot([0, 2], d), {d: -1})
    with pytest.raises(tf.errors.InvalidArgumentError, match="on_value must be a scalar"):
        _run(tf.one_hot([0, 2], 3, on_value=[1.0, 2.0]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Expected axis to be -1 or "
                                                             r"between \[0, 2\).  But received: 3"):
        _run(tf.one_hot([1, 2], 3, axis=3))
    with pytest.raises(tf.errors.ResourceExhaustedError, match="OOM"):
        _run(tf.one_hot(np.zeros(1 << 20, np.int32), d), {d: 2 ** 31 - 1})


# -- sequence_mask -----------------------------------------------------------------------------
def ref_sequence_mask(lengths, maxlen):
    lengths = np.asarray(lengths)
    out = np.zeros(lengths.shape + (maxlen,), bool)
    for pos in itertools.product(*[range(d) for d in lengths.shape]):
        for j in range(maxlen):
            out[pos + (j,)] = j < lengths[pos]
    return out


@pytest.mark.parametrize("lengths,maxlen", [
    ([1, 3, 0], 4), ([[1, 3], [0, 2]], None), ([5, 2], 3), ([-1, 2], 3), ([2], 0),
    (np.zeros([0], np.int32), None), (np.zeros([0, 2], np.int32), 3), (2, 3), ([4, 1], None),
])
@pytest.mark.parametrize("dtype", [tf.bool, tf.float32, tf.int32])
def test_sequence_mask_matches_the_reference(lengths, maxlen, dtype):
    m = tf.sequence_mask(lengths, maxlen, dtype=dtype)
    n = maxlen if maxlen is not None else max(0, int(np.max(lengths, initial=0)))
    want = ref_sequence_mask(lengths, n)
    assert m.name == ("SequenceMask/Less:0" if dtype == tf.bool else "SequenceMask/Cast_1:0")
    assert m.dtype == dtype
    # constant lengths without maxlen: TensorFlow's shape inference folds max(lengths)
    assert m.shape.as_list() == list(np.shape(lengths)) + [n]
    got = _run(m)
    assert got.dtype == dtype.as_numpy_dtype
    np.testing.assert_array_equal(got, want.astype(dtype.as_numpy_dtype))


def test_sequence_mask_casts_lengths_to_maxlens_dtype():
    assert _run(tf.sequence_mask([1.5, 2.5], 3)).tolist() == [[True, False, False],
                                                             [True, True, False]]
    assert _run(tf.sequence_mask([1.5, 2.5], 3.0)).tolist() == [[True, True, False],
                                                               [True, True, True]]
    assert _run(tf.sequence_mask([-0.5, 2.9], 4)).astype(int).tolist() == [[0, 0, 0, 0],
                                                                           [1, 1, 0, 0]]
    assert _run(tf.sequence_mask([1, 2], tf.constant(3, tf.int64))).shape == (2, 3)
    assert _run(tf.sequence_mask([True, False], 3)).tolist() == [[True, False, False],
                                                                [False, False, False]]


def test_sequence_mask_names_shapes_and_errors():
    assert tf.sequence_mask([1, 2], 3, name="sm").name == "sm/Less:0"
    p = tf.placeholder(tf.int32, [None])
    assert tf.sequence_mask(p).shape.as_list() == [None, None]
    assert tf.sequence_mask(tf.placeholder(tf.int32)).shape.ndims is None
    assert tf.sequence_mask([1, 2], tf.placeholder(tf.int32)).shape.as_list() == [2, None]
    with pytest.raises(ValueError, match="Argument `maxlen` must be scalar for sequence_mask"):
        tf.sequence_mask([1, 2], [3])
    with pytest.raises(ValueError, match="Requires start <= limit when delta > 0: 0/-1"):
        tf.sequence_mask([1, 2], -1)
    with pytest.raises(TypeError, match="'start' has DataType uint8 not in list"):
        tf.sequence_mask([1, 2], tf.constant(3, tf.uint8))
    m = tf.placeholder(tf.int32, [])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Requires start <= limit when "
                                                             "delta > 0: 0/-1"):
        _run(tf.sequence_mask([1, 2], m), {m: -1})
    assert _run(tf.sequence_mask(p), {p: [2, 0]}).tolist() == [[True, True], [False, False]]
