"""Shape manipulation: expand_dims, squeeze, transpose, tile, broadcast_to, pad, stack/unstack, split.

Each op's values are checked against numpy on float64 copies, over dtypes and shapes with
empty dimensions, with the op's index argument given as a Python list and as a fed
tensor, and on non-contiguous inputs (views made inside the run); TensorFlow's op types,
names and exception types are pinned down beside them.
"""
import numpy as np
import pytest

import fastscope as tf

DTYPES = [np.float32, np.float64, np.int32, np.int64, np.uint8, np.bool_, np.complex128,
          np.float16]


def values(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-5, 5, shape)
    if np.dtype(dtype).kind == "b":
        return x > 0
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.uniform(-5, 5, shape)
    return x.astype(dtype)


def run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


def check(build, ref, shape, dtype, arg, fed, arg_dtype=np.int32, known=True):
    """Builds ``build(x, arg)`` on a placeholder and compares with ``ref(x64, arg)``."""
    xv = values(shape, dtype)
    x = tf.placeholder(tf.as_dtype(np.dtype(dtype)), shape if known else None)
    a = np.asarray(arg, arg_dtype)
    t = tf.placeholder(tf.as_dtype(a.dtype), a.shape) if fed else a
    y = build(x, t)
    got = run(y, {x: xv, **({t: a} if fed else {})})
    wide = np.complex128 if np.dtype(dtype).kind == "c" else np.float64
    want = ref(xv.astype(wide), arg)
    outs = y if isinstance(y, list) else [y]
    gots = got if isinstance(got, list) else [got]
    wants = want if isinstance(want, list) else [want]
    assert len(gots) == len(wants)
    for t_out, g, w in zip(outs, gots, wants):
        assert g.dtype == np.dtype(dtype) and g.shape == w.shape
        assert np.array_equal(g.astype(wide), w)
        assert t_out.shape.is_compatible_with(g.shape)
        if known and not fed:
            assert t_out.shape.as_list() == list(w.shape)
    return outs


FED = pytest.mark.parametrize("fed", [False, True], ids=["static", "fed"])
DT = pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)


@FED
@DT
@pytest.mark.parametrize("shape,axis", [((), 0), ((3,), -1), ((2, 0), 1), ((2, 3), -3),
                                        ((1, 2, 3), 2)], ids=str)
def test_expand_dims(shape, axis, dtype, fed):
    out = check(tf.expand_dims, np.expand_dims, shape, dtype, axis, fed)
    assert out[0].op.type == "ExpandDims" and out[0].op.inputs[1].name in (
        "ExpandDims/dim:0", "Placeholder_1:0")


@DT
@pytest.mark.parametrize("shape,axes", [((1, 2, 1), None), ((1, 2, 1), [0]), ((1, 2, 1), [-1, 0]),
                                        ((1,), None), ((2, 0, 1), [2]), ((1, 1), [0, 0])],
                         ids=str)
def test_squeeze(shape, axes, dtype):
    def ref(a, ax):
        return np.squeeze(a, None if ax is None else tuple(sorted({k % a.ndim for k in ax})))
    check(lambda x, _: tf.squeeze(x, axes), lambda a, _: ref(a, axes), shape, dtype, 0, False)


@FED
@DT
@pytest.mark.parametrize("shape,perm", [((2, 3), [1, 0]), ((2, 0, 3), [2, 0, 1]), ((4,), [0]),
                                        ((), []), ((2, 3, 4), [-1, 0, 1])], ids=str)
def test_transpose(shape, perm, dtype, fed):
    ref = lambda a, p: np.transpose(a, [k % a.ndim for k in p]) if a.ndim else a  # noqa: E731
    check(lambda x, p: tf.transpose(x, p), ref, shape, dtype, perm, fed)


def test_transpose_default_perm_conjugate_and_names():
    xv = values((2, 3, 4), np.complex64)
    x = tf.placeholder(tf.complex64, [None, 3, 4])
    t, c = tf.transpose(x), tf.transpose(x, conjugate=True)
    r = tf.transpose(tf.zeros([2, 3]), conjugate=True)
    assert (t.op.type, c.op.type, r.op.type) == ("Transpose", "ConjugateTranspose", "Transpose")
    assert [i.name for i in t.op.inputs] == ["Placeholder:0", "transpose/perm:0"]
    assert str(t.shape) == "(4, 3, ?)"
    gt, gc = run([t, c], {x: xv})
    np.testing.assert_array_equal(gt, xv.T)
    np.testing.assert_array_equal(gc, np.conj(xv.T))
    with pytest.raises(NotImplementedError, match="not provided yet"):
        tf.transpose(tf.placeholder(tf.float32, None))


@FED
@DT
@pytest.mark.parametrize("shape,mult", [((2, 3), [2, 1]), ((3,), [0]), ((2, 0), [3, 2]),
                                        ((), []), ((1, 2, 1), [2, 2, 3])], ids=str)
def test_tile(shape, mult, dtype, fed):
    check(tf.tile, lambda a, m: np.tile(a, m) if a.ndim else a, shape, dtype, mult, fed,
          arg_dtype=np.int64)


@FED
@DT
@pytest.mark.parametrize("shape,target", [((3,), [2, 3]), ((1, 3), [4, 3]), ((2, 1), [2, 0]),
                                          ((), [2, 2]), ((2, 3), [2, 3])], ids=str)
def test_broadcast_to(shape, target, dtype, fed):
    check(tf.broadcast_to, np.broadcast_to, shape, dtype, target, fed)


PADS = [((2, 3), [[1, 0], [2, 1]]), ((3,), [[0, 2]]), ((2, 0), [[1, 1], [0, 0]]), ((), []),
        ((2, 3, 2), [[0, 1], [1, 1], [1, 0]])]


@FED
@DT
@pytest.mark.parametrize("mode", ["CONSTANT", "REFLECT", "symmetric", "constant_values"])
@pytest.mark.parametrize("shape,pads", PADS, ids=str)
def test_pad(shape, pads, mode, dtype, fed):
    if mode == "REFLECT" and 0 in shape:
        return   # (a mirror of an empty dimension: refused, see the errors below)
    cv = 2 if dtype is not np.bool_ else True

    def build(x, p):
        if mode == "constant_values":
            return tf.pad(x, p, constant_values=cv)
        return tf.pad(x, p, mode=mode)

    def ref(a, p):
        if not a.ndim:
            return a
        if mode == "constant_values":
            return np.pad(a, p, constant_values=cv)
        return np.pad(a, p, mode=mode.lower())
    arg = np.asarray(pads, np.int32).reshape(-1, 2)
    out = check(build, ref, shape, dtype, arg, fed)
    assert out[0].op.type == {"CONSTANT": "Pad", "REFLECT": "MirrorPad", "symmetric": "MirrorPad",
                              "constant_values": "PadV2"}[mode]


def test_pad_of_strings_and_of_a_view():
    s = tf.constant([b"a", b"b"])
    got = run([tf.pad(s, [[1, 0]]), tf.pad(s, [[0, 1]], constant_values=b"z")])
    assert got[0].tolist() == [b"", b"a", b"b"] and got[1].tolist() == [b"a", b"b", b"z"]
    x = tf.placeholder(tf.float32, [2, 3])
    y = tf.pad(tf.transpose(x), [[0, 1], [1, 0]], mode="REFLECT")
    xv = values((2, 3), np.float32)
    np.testing.assert_array_equal(run(y, {x: xv}), np.pad(xv.T, [[0, 1], [1, 0]], "reflect"))


# -- stack, unstack, split ---------------------------------------------------------------------------
@DT
@pytest.mark.parametrize("shape,axis", [((2, 3), 0), ((2, 3), -1), ((0, 2), 1), ((), 0)],
                         ids=str)
def test_stack_and_unstack(shape, axis, dtype):
    a, b = values(shape, dtype, 1), values(shape, dtype, 2)
    x, y = (tf.placeholder(tf.as_dtype(np.dtype(dtype)), shape) for _ in range(2))
    st = tf.stack([x, y], axis=axis)
    un = tf.unstack(st, axis=axis)
    got = run([st] + un, {x: a, y: b})
    want = np.stack([a, b], axis=axis)
    assert st.op.type == "Pack" and st.shape.as_list() == list(want.shape)
    np.testing.assert_array_equal(got[0], want)
    np.testing.assert_array_equal(got[1], a)
    np.testing.assert_array_equal(got[2], b)
    assert len(un) == 2 and un[0].name == "unstack:0" and un[1].name == "unstack:1"


def test_stack_of_python_values_is_a_constant_and_one_piece_is_a_value():
    c = tf.stack([1, 2])
    assert c.op.type == "Const" and c.name == "stack:0"
    x = tf.placeholder(tf.float32, [None, 3])
    one = tf.unstack(tf.expand_dims(x, 0))
    assert len(one) == 1
    assert run(one[0], {x: np.ones((2, 3))}).shape == (2, 3)
    assert run(tf.split(x, 1)[0], {x: np.ones((2, 3))}).shape == (2, 3)


SPLITS = [((6,), 3, 0), ((2, 6), [1, -1, 2], 1), ((4, 2), [4, 0], 0), ((0, 3), 3, -1),
          ((2, 3, 4), [2, 2], 2), ((2, 2), 1, 0)]


@DT
@pytest.mark.parametrize("shape,sizes,axis", SPLITS, ids=str)
def test_split(shape, sizes, axis, dtype):
    def ref(a, s):
        if isinstance(s, int):
            return np.split(a, s, axis=axis)
        s = list(s)
        if -1 in s:
            s[s.index(-1)] = a.shape[axis] - sum(v for v in s if v != -1)
        return np.split(a, np.cumsum(s)[:-1], axis=axis)
    out = check(lambda x, s: tf.split(x, sizes, axis=axis), lambda a, s: ref(a, sizes), shape,
                dtype, 0, False)
    assert out[0].op.type == ("Split" if isinstance(sizes, int) else "SplitV")


def test_split_with_fed_sizes_axis_and_tensorflow_1_names():
    x = tf.placeholder(tf.float32, [None, 6])
    sizes = tf.placeholder(tf.int64, [None])
    axis = tf.placeholder(tf.int32, [])
    a = tf.split(x, sizes, axis=1, num=2)
    b = tf.split(x, 3, axis=axis)
    assert [str(t.shape) for t in a + b] == ["(?, ?)"] * 5
    xv = values((2, 6), np.float32)
    got = run(a + b, {x: xv, sizes: [4, -1], axis: 1})
    np.testing.assert_array_equal(got[1], xv[:, 4:])
    np.testing.assert_array_equal(got[3], xv[:, 2:4])
    assert b[0].op.inputs[0] is axis and b[0].op.inputs[1] is x
    with tf.Graph().as_default():
        tf.split(tf.zeros([2, 4]), 2)      # TensorFlow 1.x converts the count to a Const first
        assert tf.constant(1.0).name == "Const_1:0"


# -- errors ------------------------------------------------------------------------------------------
BUILD_ERRORS = [
    (lambda z: tf.expand_dims(z, 3), ValueError, "dim 3 not in the interval \\[-3, 2\\]"),
    (lambda z: tf.expand_dims(z, [1, 2]), ValueError, "'dim' input must be a tensor with a single"),
    (lambda z: tf.expand_dims(z), ValueError, "Must specify an axis argument"),
    (lambda z: tf.expand_dims(z, 0, dim=0), ValueError, "Cannot specify both 'axis' and 'dim'"),
    (lambda z: tf.squeeze(z, [1]), ValueError, "Can not squeeze dim\\[1\\], expected a dimension "
                                               "of 1, got 3"),
    (lambda z: tf.squeeze(z, [2]), ValueError, "squeeze_dims\\[0\\] not in \\[-2,2\\)"),
    (lambda z: tf.transpose(z, [0, 2]), ValueError, "perm dim 2 is out of range of input rank 2"),
    (lambda z: tf.transpose(z, [0]), ValueError, "Dimension must be 2 but is 1"),
    (lambda z: tf.tile(z, [1]), ValueError, "Shape must be rank 2 but is rank 1"),
    (lambda z: tf.tile(z, [1.0, 2.0]), TypeError, "'multiples' has DataType float32"),
    (lambda z: tf.broadcast_to(z, [3, 3]), ValueError, "Dimensions must be equal, but are 2 and 3"),
    (lambda z: tf.broadcast_to(z, [3]), ValueError, "Shape must be at most rank 1 but is rank 2"),
    (lambda z: tf.pad(z, [[1, 1]]), ValueError, "Shape must be rank 1 but is rank 2"),
    (lambda z: tf.pad(z, [[-1, 0], [0, 0]]), ValueError, "Paddings must be non-negative"),
    (lambda z: tf.pad(z, [[1, 0], [0, 0]], mode="WRAP"), ValueError, "Unknown padding mode: WRAP"),
    (lambda z: tf.stack([z, tf.zeros([3])]), ValueError, "Shapes must be equal rank, but are 2 "
                                                         "and 1"),
    (lambda z: tf.stack([z, tf.zeros([3, 2])]), ValueError, "Dimension 0 in both shapes must be "
                                                            "equal, but are 2 and 3"),
    (lambda z: tf.stack([z, z], axis=3), ValueError, "axis = 3 not in \\[-3, 3\\)"),
    (lambda z: tf.stack([z, tf.zeros([2, 3], tf.int32)]), TypeError, "don't all match"),
    (lambda z: tf.unstack(tf.placeholder(tf.float32, [None, 3])), ValueError, "Cannot infer num"),
    (lambda z: tf.unstack(z, num=3), ValueError, "Dimension must be 3 but is 2"),
    (lambda z: tf.unstack(z, axis=2), ValueError, "axis = 2 not in \\[-2, 2\\)"),
    (lambda z: tf.split(z, 2, axis=1), ValueError, "evenly divisible by 2 but is 3"),
    (lambda z: tf.split(z, [1, 1], axis=1), ValueError, "can't split axis of size 3 into pieces "
                                                        "of size \\[1,1\\]"),
    (lambda z: tf.split(z, [-1, -1], axis=1), ValueError, "size_splits can only have one -1"),
    (lambda z: tf.split(z, [4, -1], axis=1), ValueError, "Split size at index 1 must be >= 0"),
    (lambda z: tf.split(z, 1, axis=2), ValueError, "must be in range \\[-2, 2\\)"),
    (lambda z: tf.split(z, 0), ValueError, "'num_split' of 'Split' Op passed 0 less than minimum"),
    (lambda z: tf.split(z, tf.placeholder(tf.int32, [None])), ValueError, "Cannot infer num"),
]


@pytest.mark.parametrize("build,error,words", BUILD_ERRORS, ids=[w for _, _, w in BUILD_ERRORS])
def test_build_time_errors(build, error, words):
    with pytest.raises(error, match=words):
        build(tf.zeros([2, 3]))


RUN_ERRORS = [
    (lambda p, d: tf.expand_dims(p, d[0]), [5], "Tried to expand dim index 5 for tensor with 2"),
    (lambda p, d: tf.squeeze(p, [0]), [0], "Can not squeeze dim\\[0\\], expected a dimension of "
                                           "1, got 2"),
    (lambda p, d: tf.transpose(p, d), [0, 0], "1 is missing from \\{0,0\\}"),
    (lambda p, d: tf.transpose(p, d), [0], "transpose expects a vector of size 2"),
    (lambda p, d: tf.transpose(p, d), [0, 2], "2 is out of range \\[0 .. 2\\)"),
    (lambda p, d: tf.tile(p, d), [1, -1], "Expected multiples\\[1\\] >= 0, but got -1"),
    (lambda p, d: tf.tile(p, d), [1], "Expected multiples argument to be a vector of length 2"),
    (lambda p, d: tf.tile(p, d), [1 << 30, 1 << 30], "OOM when allocating tensor"),
    (lambda p, d: tf.broadcast_to(p, d), [3, 3], "Incompatible shapes: \\[2,3\\] vs. \\[3,3\\]"),
    (lambda p, d: tf.broadcast_to(p, d), [3], "Rank of input \\(2\\) must be no greater"),
    (lambda p, d: tf.broadcast_to(p, d), [-1, 3], "Dimension -1 must be >= 0"),
    (lambda p, d: tf.pad(p, tf.reshape(d, [2, 2]), mode="REFLECT"), [2, 0, 0, 0],
     "paddings must be less than the dimension size: 2, 0 not less than 2"),
    (lambda p, d: tf.pad(p, tf.reshape(d, [2, 2]), mode="SYMMETRIC"), [3, 0, 0, 0],
     "paddings must be no greater than the dimension size: 3, 0 greater than 2"),
    (lambda p, d: tf.pad(p, tf.reshape(d, [2, 2])), [-1, 0, 0, 0], "Paddings must be "
                                                                   "non-negative: -1 0"),
    (lambda p, d: tf.pad(p, tf.reshape(d, [1, 2])), [1, 0], "The first dimension of paddings "
                                                            "must be the rank of inputs"),
    (lambda p, d: tf.stack([p, tf.zeros([1, 3])]), [0], "Shapes of all inputs must match"),
    (lambda p, d: tf.unstack(p, num=3)[0], [0], "Input shape axis 0 must equal 3, got shape "
                                                "\\[2,3\\]"),
    (lambda p, d: tf.split(p, 2, axis=1)[0], [0], "Number of ways to split should evenly divide"),
    (lambda p, d: tf.split(p, d, num=2)[0], [1, 2], "Determined shape must either match input "
                                                    "shape along split_dim"),
    (lambda p, d: tf.split(p, 1, axis=d[0])[0], [5], "-input rank\\(-2\\) <= split_dim < input "
                                                     "rank \\(2\\), but got 5"),
]


@pytest.mark.parametrize("build,arg,words", RUN_ERRORS, ids=[w for _, _, w in RUN_ERRORS])
def test_run_time_errors(build, arg, words):
    p = tf.placeholder(tf.float32, None)
    d = tf.placeholder(tf.int32, [None])
    t = build(p, d)
    error = tf.errors.ResourceExhaustedError if "OOM" in words else tf.errors.InvalidArgumentError
    with pytest.raises(error, match=words):
        run(t, {p: np.zeros((2, 3), np.float32), d: arg})
