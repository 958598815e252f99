"""where / where_v2 / Select, argmax / argmin and unique against float64 numpy references.

The behaviours pinned here (TensorFlow 1.x's three-argument ``where`` without broadcasting,
a vector condition picking rows, NaN never chosen by argmax, each NaN distinct in unique)
were checked against tensorflow 2.21's compat.v1 graph mode.
"""
import itertools

import numpy as np
import pytest

import fastscope as tf


def _run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


def _values(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, shape)
    if np.dtype(dtype).kind == "b":
        return x > 0
    if np.dtype(dtype).kind == "u":
        return np.abs(x).astype(dtype)
    if np.dtype(dtype).kind == "c":
        return (x + 1j * rng.integers(-1, 2, shape)).astype(dtype)
    return x.astype(dtype)


# -- where (coordinates) -----------------------------------------------------------------------
def ref_where(x):
    return np.array([pos for pos in itertools.product(*[range(d) for d in x.shape]) if x[pos]],
                    np.int64).reshape(-1, x.ndim)


@pytest.mark.parametrize("dtype", [np.bool_, np.float32, np.int32, np.int8, np.complex64,
                                   np.float16, np.uint16])
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 2), (0,), (2, 0, 3), (1, 1, 1, 7)])
def test_where_gives_the_coordinates_of_nonzero_entries(dtype, shape):
    x = _values(shape, dtype)
    w = tf.where(x)
    assert (w.dtype, w.shape.as_list()) == (tf.int64, [None, len(shape)])
    got = _run(w)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, ref_where(x))


def test_where_counts_nan_and_names_its_op():
    w = tf.where(tf.placeholder(tf.float32, [None, 2]), name="w")
    assert (w.name, w.op.type, w.shape.as_list()) == ("w:0", "Where", [None, 2])
    assert [t.name for t in tf.where([True]).op.inputs] == ["Where/condition:0"]
    assert [t.name for t in tf.where_v2([1, 0], name="v").op.inputs] == ["v/condition:0"]
    assert tf.where(tf.placeholder(tf.bool)).shape.as_list() == [None, None]
    assert _run(tf.where([0.0, 1.0, np.nan, -0.0])).tolist() == [[1], [2]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Unhandled input dimensions: 0"):
        _run(tf.where(True))
    with pytest.raises(TypeError, match="parameter 'input' has DataType string"):
        tf.where(tf.placeholder(tf.string, [3]))


# -- Select (TF1 where with x, y) --------------------------------------------------------------
def ref_select(c, x, y):
    out = np.empty(x.shape, np.float64)
    for pos in itertools.product(*[range(d) for d in x.shape]):
        cv = c if c.ndim == 0 else (c[pos[0]] if c.ndim == 1 and x.ndim > 1 else c[pos])
        out[pos] = x[pos] if cv else y[pos]
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.uint8])
@pytest.mark.parametrize("cshape,shape", [
    ((), (3, 4)), ((3,), (3,)), ((3,), (3, 4)), ((2,), (2, 3, 2)), ((3, 4), (3, 4)),
    ((0,), (0, 5)), ((2, 0), (2, 0)), ((), ()),
])
def test_select_picks_elements_or_rows(dtype, cshape, shape):
    c = np.random.default_rng(2).random(cshape) < 0.5
    x, y = _values(shape, dtype, 3), _values(shape, dtype, 4)
    s = tf.where(c, x, y)
    assert (s.name, s.op.type, s.shape.as_list()) == ("Select:0", "Select", list(shape))
    got = _run(s)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got.astype(np.float64), ref_select(c, x, y))


@pytest.mark.parametrize("cshape,xshape,yshape,want", [
    (None, [None, 3], [2, None], [2, 3]), ([None], [None, 3], [2, None], [2, 3]),
    ([2, 3], None, None, None), ([2, 3], None, [None, 3], [2, 3]),
    ([2, None], [None, 3], None, [2, 3]), ([None], [3], [None], [3]), ([4], None, None, None),
    (None, [], None, []),
])
def test_select_static_shapes_merge_as_tensorflow(cshape, xshape, yshape, want):
    s = tf.where(tf.placeholder(tf.bool, cshape), tf.placeholder(tf.float32, xshape),
                 tf.placeholder(tf.float32, yshape))
    assert s.shape.ndims is None if want is None else s.shape.as_list() == want


def test_select_errors_are_tensorflows():
    ph = tf.placeholder
    with pytest.raises(ValueError, match=r"Dimension 1 in both shapes must be equal, but are 4 "
                                         r"and 1. Shapes are \[3,4\] and \[3,1\]"):
        tf.where(ph(tf.bool, [3, 1]), ph(tf.float32, [3, 4]), ph(tf.float32, [3, 4]))
    with pytest.raises(ValueError, match="Shapes must be equal rank, but are 3 and 2"):
        tf.where(ph(tf.bool, [2, 3]), ph(tf.float32, [2, 3, 4]), ph(tf.float32, [2, 3, 4]))
    with pytest.raises(ValueError, match=r"Dimension 0 in both shapes must be equal, but are 3 "
                                         r"and 2"):
        tf.where(ph(tf.bool, [3]), ph(tf.float32, [2, 3]), ph(tf.float32, [2, 3]))
    with pytest.raises(ValueError, match=r"Dimension 0 in both shapes must be equal, but are 3 "
                                         r"and 4"):
        tf.where(ph(tf.bool, [3]), ph(tf.float32, [3]), ph(tf.float32, [4]))
    with pytest.raises(ValueError, match="Shapes must be equal rank, but are 0 and 1"):
        tf.where([True], 1, 2)
    with pytest.raises(TypeError, match="Input 'e' of 'Select' Op has type int32 that does not "
                                        "match type float32 of argument 't'"):
        tf.where(ph(tf.bool, [3]), ph(tf.float32, [3]), ph(tf.int32, [3]))
    with pytest.raises(TypeError, match="'condition'"):
        tf.where(ph(tf.float32, [3]), ph(tf.float32, [3]), ph(tf.float32, [3]))
    with pytest.raises(ValueError, match="x and y must both be non-None or both be None."):
        tf.where([True], x=[1])
    # Python x and y take one dtype, the first's, as TensorFlow converts them in order
    assert tf.where([True], [1.0], [1]).dtype == tf.float32
    assert tf.where_v2([True], np.array([1], np.int64), 2).dtype == tf.int64
    with pytest.raises(TypeError, match="Expected int32 passed to parameter 'e' of op 'Select'"):
        tf.where([True], [1], [1.5])


@pytest.mark.parametrize("cond,x,y,match", [
    ([True, False, True], [[1, 2], [3, 4]], [[5, 6], [7, 8]],
     r"Number of batches of 'then' must match size of 'cond', but saw: 2 vs. 3"),
    ([[True, False, True]], [[1, 2], [3, 4]], [[5, 6], [7, 8]],
     r"must have the same size and shape.  Input 0: \[1,3\] != input 1: \[2,2\]"),
    ([True, False], [1, 2], [3, 4, 5], r"Input 0: \[2\] != input 2: \[3\]"),
    ([True, False], [[1], [2]], [3, 4], r"'then' and 'else' must have the same size"),
    ([True, False], 1, 2, r"'then' must be at least a vector, but saw shape: \[\]"),
])
def test_select_shape_errors_at_run_time(cond, x, y, match):
    c, a, b = tf.placeholder(tf.bool), tf.placeholder(tf.int32), tf.placeholder(tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match=match):
        _run(tf.where(c, a, b), {c: cond, a: x, b: y})


# -- where_v2 ----------------------------------------------------------------------------------
@pytest.mark.parametrize("cshape,xshape,yshape", [
    ((2, 1), (1, 3), ()), ((3,), (2, 3), (2, 1)), ((), (4,), (4,)), ((0, 1), (1, 2), (0, 2)),
])
def test_where_v2_broadcasts(cshape, xshape, yshape):
    c = np.random.default_rng(5).random(cshape) < 0.5
    x, y = _values(xshape, np.float32, 6), _values(yshape, np.float32, 7)
    s = tf.where_v2(c, x, y)
    want = np.where(c, x.astype(np.float64), y.astype(np.float64))
    assert (s.op.type, s.shape.as_list()) == ("SelectV2", list(want.shape))
    np.testing.assert_array_equal(_run(s), want)


def test_where_v2_names_and_errors():
    s = tf.where_v2([True], [1], [2])
    assert [t.name for t in s.op.inputs] == ["SelectV2/condition:0", "SelectV2/t:0",
                                            "SelectV2/e:0"]
    assert tf.compat.v1.where_v2([True], [1], [2], name="w2").name == "w2:0"
    assert tf.where_v2(tf.placeholder(tf.bool, [3, 1])).op.type == "Where"
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 2 and 3"):
        tf.where_v2([True, False], [1, 2, 3], 0)
    c = tf.placeholder(tf.bool, [None])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"condition \[2\], then \[3\], and else \[\] must be broadcastable"):
        _run(tf.where_v2(c, [1, 2, 3], 0), {c: [True, False]})


# -- argmax / argmin ---------------------------------------------------------------------------
def ref_arg(x, axis, largest):
    x = np.moveaxis(x.astype(np.float64), axis, -1)
    out = np.zeros(x.shape[:-1], np.int64)
    for pos in itertools.product(*[range(d) for d in x.shape[:-1]]):
        best, at = None, 0
        for k, v in enumerate(x[pos]):
            if np.isnan(v):
                continue
            if best is None or (v > best if largest else v < best):
                best, at = v, k
        out[pos] = at
    return out


@pytest.mark.parametrize("op", ["argmax", "argmin"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.uint8, np.int8,
                                   np.bool_, np.float16, np.int64])
@pytest.mark.parametrize("shape,axis", [((5,), 0), ((3, 4), 1), ((3, 4), -2), ((2, 3, 4), 1),
                                        ((4, 0), 0), ((1, 6), -1), ((2, 3, 4), -1)])
def test_arg_reductions_match_the_reference(op, dtype, shape, axis):
    x = _values(shape, dtype, 9)
    fn = getattr(tf, op)
    a = fn(x, axis=axis)
    want = ref_arg(x, axis % len(shape), op == "argmax")
    assert (a.op.type, a.dtype, a.shape.as_list()) == (
        {"argmax": "ArgMax", "argmin": "ArgMin"}[op], tf.int64, list(want.shape))
    np.testing.assert_array_equal(_run(a), want)


def test_arg_reductions_never_pick_nan_and_take_the_first_tie():
    nan, inf = np.nan, np.inf
    cases = [([nan, nan], 0, 0), ([-inf, -inf], 0, 0), ([nan, -inf, 2.0], 2, 1),
             ([3.0, 1.0, 3.0], 0, 1), ([1.0, nan, 3.0, nan], 2, 0), ([inf, nan, inf], 0, 0),
             ([nan, 1.0], 1, 1)]
    got = _run([[tf.argmax(v, 0), tf.argmin(v, 0)] for v, _, _ in cases])
    assert [list(map(int, g)) for g in got] == [[mx, mn] for _, mx, mn in cases]
    h = tf.constant([-np.inf, 1.0, np.nan], tf.float16)
    assert int(_run(tf.argmax(h, 0))) == 1


def test_arg_reduction_arguments_names_and_errors():
    x = tf.placeholder(tf.float32, [3, 4])
    a = tf.argmax(x)
    assert (a.name, [t.name for t in a.op.inputs]) == ("ArgMax:0",
                                                        ["Placeholder:0", "ArgMax/dimension:0"])
    assert tf.argmax(x, dimension=1).shape.as_list() == [3]
    assert tf.argmax(x, -1, output_type=tf.int32).dtype == tf.int32
    assert tf.argmin(x, 1, name="am").name == "am:0"
    assert tf.argmax(x, tf.placeholder(tf.int32, [])).shape.as_list() == [None]
    assert tf.argmax(tf.placeholder(tf.float32), 1).shape.ndims is None
    assert tf.argmax(tf.placeholder(tf.float32, []), 0).shape.as_list() == []
    with pytest.raises(ValueError, match="Cannot specify both 'dimension' and 'axis'."):
        tf.argmax(x, axis=1, dimension=1)
    with pytest.raises(ValueError, match=r"Dimension \(2\) must be in the range \[-2, 2\)"):
        tf.argmax(x, 2)
    with pytest.raises(TypeError, match="axis must be int or Tensor with integer datatype"):
        tf.argmax(x, [1])
    with pytest.raises(TypeError, match="'output_type' has DataType float32 not in list"):
        tf.argmax(x, 0, output_type=tf.float32)
    with pytest.raises(TypeError, match="'input' has DataType complex64 not in list"):
        tf.argmax(tf.placeholder(tf.complex64, [3]), 0)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Reduction axis 0 is empty in "
                                                             r"shape \[0,3\]"):
        _run(tf.argmax(np.zeros((0, 3)), 0))
    d = tf.placeholder(tf.int32, [])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Expected dimension in the range "
                                                             r"\[-2, 2\), but got 3"):
        _run(tf.argmax([[1.0]], d), {d: 3})
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"range \[0, 0\), but got 0"):
        _run(tf.argmax(tf.constant(1.0), 0))
    # int16 output wraps as TensorFlow's static_cast does
    assert int(_run(tf.argmax(np.arange(40000.0), 0, output_type=tf.int16))) == 39999 - 65536


# -- unique ------------------------------------------------------------------------------------
def ref_unique(x):
    y, idx, seen = [], [], {}
    for v in x.tolist():
        key = ("nan", len(y)) if isinstance(v, float) and v != v else v
        if key not in seen:
            seen[key] = len(y)
            y.append(v)
        idx.append(seen[key])
    return y, idx


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64, np.bool_,
                                   np.uint8, np.float16])
@pytest.mark.parametrize("n", [0, 1, 7, 40])
@pytest.mark.parametrize("out_idx", [tf.int32, tf.int64])
def test_unique_keeps_first_occurrence_order(dtype, n, out_idx):
    x = _values((n,), dtype, n)
    y, idx = tf.unique(x, out_idx=out_idx)
    assert (y.shape.as_list(), idx.shape.as_list(), idx.dtype) == ([None], [n], out_idx)
    gy, gi = _run([y, idx])
    wy, wi = ref_unique(x)
    assert gy.dtype == np.dtype(dtype) and gi.dtype == out_idx.as_numpy_dtype
    assert gy.tolist() == wy and gi.tolist() == wi
    np.testing.assert_array_equal(gy[gi], x)


def test_unique_nan_zero_strings_names_and_errors():
    gy, gi = _run(tf.unique([np.nan, 1.0, np.nan, -0.0, 0.0]))
    assert np.isnan(gy[[0, 2]]).all() and gy[1] == 1.0 and np.signbit(gy[3])
    assert gi.tolist() == [0, 1, 2, 3, 3]
    sy, si = _run(tf.unique(["b", "a", "b"]))
    assert [str(v) for v in sy.tolist()] == ["b", "a"] and si.tolist() == [0, 1, 0]
    u = tf.unique([1, 2, 1], name="uu")
    assert type(u).__name__ == "Unique" and u._fields == ("y", "idx")
    assert (u.y.name, u.idx.name, [t.name for t in u.y.op.inputs]) == ("uu:0", "uu:1",
                                                                       ["uu/x:0"])
    with pytest.raises(ValueError, match="Shape must be rank 1 but is rank 2"):
        tf.unique(tf.placeholder(tf.int32, [5, 2]))
    with pytest.raises(TypeError, match="'out_idx' has DataType float32 not in list"):
        tf.unique([1], out_idx=tf.float32)
    p = tf.placeholder(tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="unique expects a 1D vector."):
        _run(tf.unique(p), {p: 3})
