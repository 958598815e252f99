"""Dynamic shapes: shape/size/rank, reshape, fill, zeros/ones(_like) with tensor shapes.

Values are checked against numpy on float64 copies of the inputs, over dtypes, shapes with
empty dimensions, shapes given as Python lists and as fed int32/int64 tensors, and
non-contiguous inputs; bad input must raise TensorFlow's exception types (ValueError or
TypeError at build time, InvalidArgumentError at run time) with its leading words.
"""
import numpy as np
import pytest

import fastscope as tf

DTYPES = [np.float32, np.float64, np.float16, np.int32, np.int64, np.int8, np.uint8, np.bool_,
          np.complex64]
SHAPES = [(), (0,), (3,), (2, 3), (2, 0, 4), (1, 3, 1, 2)]


def values(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-5, 5, shape)
    if np.dtype(dtype).kind == "b":
        return x > 0
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.uniform(-5, 5, shape)
    return x.astype(dtype)


def strided(x):
    """The same values as a non-contiguous view."""
    if not x.ndim:
        return x
    big = np.zeros(tuple(2 * d for d in x.shape), x.dtype)
    view = big[tuple(slice(None, None, 2) for _ in x.shape)]
    view[...] = x
    return view


def run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


# -- shape, size, rank ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_shape_size_rank_of_a_fed_value(shape, dtype):
    x = tf.placeholder(tf.as_dtype(np.dtype(dtype)), None)
    out = [tf.shape(x), tf.shape(x, out_type=tf.int64), tf.size(x), tf.rank(x)]
    assert [t.op.type for t in out] == ["Shape", "Shape", "Size", "Rank"]
    got = run(out, {x: strided(values(shape, dtype))})
    assert got[0].tolist() == list(shape) and got[0].dtype == np.int32
    assert got[1].tolist() == list(shape) and got[1].dtype == np.int64
    assert got[2] == int(np.prod(shape)) and got[3] == len(shape)


def test_known_static_facts_are_constants_named_like_the_op():
    z = tf.zeros([2, 3])
    s, n, r = tf.shape(z), tf.size(tf.placeholder(tf.float32, [None, 0])), tf.rank(
        tf.placeholder(tf.float32, [None, 3]))
    assert [t.op.type for t in (s, n, r)] == ["Const", "Const", "Const"]
    assert [t.name for t in (s, n, r)] == ["Shape:0", "Size:0", "Rank:0"]
    assert [np.asarray(v).tolist() for v in run([s, n, r])] == [[2, 3], 0, 2]
    assert tf.shape(z, name="sh").name == "sh:0"
    with pytest.raises(TypeError, match="'out_type' has DataType int8 not in list"):
        tf.size(tf.placeholder(tf.float32, [None]), out_type=tf.int8)


# -- reshape -----------------------------------------------------------------------------------------
RESHAPES = [
    ((2, 3, 4), [24]), ((2, 3, 4), [-1, 12]), ((2, 3, 4), [4, -1, 2]), ((2, 3, 4), [2, 3, 4]),
    ((), [1, 1]), ((1,), []), ((0, 3), [3, 0]), ((0, 3), [-1, 5]),
    # TensorFlow's -1 beside a zero: what the non-zero sizes leave
    ((0, 3), [0, -1], (0, 3)), ((0, 3), [-1, 0], (3, 0)), ((0,), [2, -1, 0], (2, 0, 0)),
]


@pytest.mark.parametrize("fed", [False, True], ids=["static", "fed"])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64], ids=["int32", "int64"])
@pytest.mark.parametrize("case", RESHAPES, ids=str)
def test_reshape_values(case, index_dtype, fed):
    shape, target = case[:2]
    want_shape = case[2] if len(case) > 2 else None
    xv = values(shape, np.float64)
    x = tf.placeholder(tf.float64, shape)
    tv = np.asarray(target, index_dtype)
    t = tf.placeholder(tf.as_dtype(np.dtype(index_dtype)), [len(target)]) if fed else tv
    y = tf.reshape(x, t)
    assert y.op.type == "Reshape" and y.op.inputs[1].dtype == tf.as_dtype(np.dtype(index_dtype))
    got = run(y, {x: strided(xv), **({t: tv} if fed else {})})
    want = xv.reshape(want_shape or target)
    assert got.shape == want.shape and np.array_equal(got, want)
    assert y.shape.is_compatible_with(got.shape)


def test_reshape_of_a_transposed_view_and_of_tensor_shapes():
    x = tf.placeholder(tf.float32, [None, 2, 3])
    xv = values((4, 2, 3), np.float32)
    t = tf.transpose(x, [2, 0, 1])   # a view inside the run
    y = tf.reshape(t, [tf.shape(x)[2], -1])
    z = tf.reshape(x, tf.shape(t))
    gy, gz = run([y, z], {x: xv})
    np.testing.assert_array_equal(gy, np.transpose(xv, [2, 0, 1]).reshape(3, -1))
    np.testing.assert_array_equal(gz, xv.reshape(3, 4, 2))
    assert y.op.inputs[1].name == "Reshape/shape:0" and str(y.shape) == "(3, ?)"


# -- fills --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_zeros_ones_fill_of_a_dynamic_shape(shape, dtype):
    dt = tf.as_dtype(np.dtype(dtype))
    x = tf.placeholder(tf.float32, [None] * len(shape))
    z, o = tf.zeros(tf.shape(x), dt), tf.ones(tf.shape(x), dt)
    v = values((), dtype, seed=3)
    f = tf.fill(tf.shape(x), tf.constant(v))
    assert [t.op.type for t in (z, o, f)] == ["Fill", "Fill", "Fill"]
    assert [t.name for t in z.op.inputs] == ["Shape:0", "zeros/Const:0"]
    gz, go, gf = run([z, o, f], {x: np.zeros(shape, np.float32)})
    for got, want in ((gz, np.zeros(shape, dtype)), (go, np.ones(shape, dtype)),
                      (gf, np.full(shape, v))):
        assert got.dtype == want.dtype and got.shape == shape and np.array_equal(got, want)


def test_static_fills_stay_attribute_fills_and_match_tensorflow_names():
    z = tf.zeros([2, 3])
    assert z.op.type == "StaticFill" and z.op.inputs == () and z.name == "zeros:0"
    assert tf.ones([2], tf.int64, name="o").name == "o:0"
    assert run(tf.zeros([2], tf.string)).tolist() == [b"", b""]
    assert run(tf.ones([2], tf.bool)).tolist() == [True, True]
    assert run(tf.zeros([])).shape == () and run(tf.zeros(np.array([2, 0]))).shape == (2, 0)
    f = tf.fill([2, 3], 5.0)
    assert [t.name for t in f.op.inputs] == ["Fill/dims:0", "Fill/value:0"]
    assert run(f).tolist() == [[5.0] * 3] * 2


def test_zeros_of_a_list_holding_tensors_and_of_a_scalar_tensor():
    x = tf.placeholder(tf.float32, [None, 3])
    n = tf.placeholder(tf.int32, [])
    z = tf.zeros([tf.shape(x)[0], 3])
    assert [t.name for t in z.op.inputs] == ["zeros/packed:0", "zeros/Const:0"]
    v = tf.ones(n)   # a scalar shape: reshaped to a vector, as TensorFlow does
    assert str(v.shape) == "(?,)" and v.op.inputs[0].op.type == "Reshape"
    gz, gv = run([z, v], {x: np.zeros((4, 3)), n: 2})
    assert gz.shape == (4, 3) and gv.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("dtype", [None, tf.int32, tf.bool], ids=str)
def test_zeros_like_and_ones_like(dtype):
    x = tf.placeholder(tf.float32, [None, 3])
    known = tf.constant(np.ones((2, 3), np.float32))
    zl, ol = tf.zeros_like(x, dtype), tf.ones_like(x, dtype)
    kz, ko = tf.zeros_like(known, dtype), tf.ones_like(known, dtype)
    assert zl.op.type == ("ZerosLike" if dtype is None else "Fill") and ol.op.type == "Fill"
    assert kz.op.type == ko.op.type == "StaticFill"
    assert str(zl.shape) == str(ol.shape) == "(?, 3)"
    np_dtype = np.float32 if dtype is None else dtype.as_numpy_dtype
    got = run([zl, ol, kz, ko], {x: strided(values((4, 3), np.float32))})
    for g, fill, n in zip(got, (0, 1, 0, 1), (4, 4, 2, 2)):
        assert g.dtype == np_dtype and np.array_equal(g, np.full((n, 3), fill, np_dtype))


def test_zeros_like_of_strings():
    s = tf.placeholder(tf.string, [None])
    assert run(tf.zeros_like(s), {s: np.array([b"a", b"b"], object)}).tolist() == [b"", b""]


# -- errors ---------------------------------------------------------------------------------------------
BUILD_ERRORS = [
    (lambda z: tf.reshape(z, [5, 5]), ValueError, "Cannot reshape a tensor with 6 elements"),
    (lambda z: tf.reshape(z, [-1, 4]), ValueError, "must be evenly divisible by 4 but is 6"),
    (lambda z: tf.reshape(z, [-2, 3]), ValueError, "Invalid value in tensor used for shape: -2"),
    (lambda z: tf.reshape(z, [2.0, 3.0]), TypeError, "'shape' has DataType float32 not in list"),
    (lambda z: tf.reshape(z, [[6]]), ValueError, "Shape must be rank 1 but is rank 2"),
    (lambda z: tf.reshape(z, 6), ValueError, "Shape must be rank 1 but is rank 0"),
    (lambda z: tf.reshape(tf.placeholder(tf.float32, [None, 3]), [5]), ValueError,
     "evenly divisible by 3 but is 5"),
    (lambda z: tf.fill([-1, 2], 1.0), ValueError, "Fill dimensions must be >= 0"),
    (lambda z: tf.fill([[1, 2]], 1.0), ValueError, "Shape must be rank 1 but is rank 2"),
    (lambda z: tf.fill([1, 2], [1.0]), ValueError, "Shape must be rank 0 but is rank 1"),
    (lambda z: tf.fill([1.0, 2.0], 1.0), TypeError, "'dims' has DataType float32"),
    (lambda z: tf.zeros([-1, 2]), ValueError, "dimensions must be >= 0"),
    (lambda z: tf.zeros([None, 2]), TypeError, "Expected int32, but got None"),
    (lambda z: tf.zeros(tf.TensorShape([None, 2])), ValueError, "partially known TensorShape"),
    (lambda z: tf.zeros(tf.placeholder(tf.int32, [1, 2])), ValueError, "must be rank 1"),
    (lambda z: tf.ones([2], tf.string), TypeError, "Expected string, but got 1"),
    (lambda z: tf.shape(tf.placeholder(tf.float32, None), out_type=tf.float32), TypeError,
     "'out_type' has DataType float32"),
]


@pytest.mark.parametrize("build,error,words", BUILD_ERRORS,
                         ids=[w for _, _, w in BUILD_ERRORS])
def test_build_time_errors_are_tensorflows_and_add_nothing(build, error, words):
    z = tf.zeros([2, 3])
    before = len(tf.get_default_graph().get_operations())
    with pytest.raises(error, match=words):
        build(z)
    ops = tf.get_default_graph().get_operations()[before:]
    assert all(op.type in ("Const", "Placeholder", "Pack") for op in ops)


RUN_ERRORS = [
    (lambda p, d: tf.reshape(p, [5]), [], "Input to reshape is a tensor with 6 values, but the "
                                          "requested shape has 5"),
    (lambda p, d: tf.reshape(p, [-1, 4]), [], "requested shape requires a multiple of 4"),
    (lambda p, d: tf.reshape(p, d), [-1, -1], "Only one input size may be -1, not both 0 and 1"),
    (lambda p, d: tf.reshape(p, d), [-2, -3], "Size 0 must be non-negative, not -2"),
    (lambda p, d: tf.reshape(p, d), [0, -1], "requested shape has 0"),
    (lambda p, d: tf.fill(d, 1.0), [-1, 2], "Dimension -1 must be >= 0"),
    (lambda p, d: tf.zeros(d), [2, -3], "Dimension -3 must be >= 0"),
    (lambda p, d: tf.fill(d, 1.0), [1 << 40, 1 << 40], "OOM when allocating tensor"),
]


@pytest.mark.parametrize("build,dims,words", RUN_ERRORS, ids=[w for _, _, w in RUN_ERRORS])
def test_run_time_errors_are_tensorflows(build, dims, words):
    p = tf.placeholder(tf.float32, None)
    d = tf.placeholder(tf.int64, [None])
    t = build(p, d)
    error = tf.errors.ResourceExhaustedError if "OOM" in words else tf.errors.InvalidArgumentError
    with pytest.raises(error, match=words) as e:
        run(t, {p: np.zeros((2, 3), np.float32), d: dims})
    assert e.value.op is t.op
