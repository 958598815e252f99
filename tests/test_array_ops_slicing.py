"""Slicing: ``tensor[...]``, ``tf.strided_slice`` with every mask, ``tf.slice``, ``tf.reverse``.

Python's (numpy's) basic indexing is the reference for ``tensor[...]`` and for strided
slices, in float64: the same spec must give the same values and shape, whether the
indices are Python ints, fed scalar tensors or packed index vectors, for inputs of
every rank (with empty dimensions) and non-contiguous layouts.
"""
import numpy as np
import pytest

import fastscope as tf
from fastscope._src.framework import slicing

N = np.newaxis
E = Ellipsis
KEYS = [
    0, -1, slice(None), slice(1, None), slice(None, -1), slice(None, None, -1),
    slice(None, None, 2), slice(-2, None, -2), slice(5, -7, -1), slice(-9, 9), slice(2, 1),
    (0, 1), (E, 0), (0, E), (N,), (N, E, N), (slice(None), N, 1), (1, E, N, slice(None, 1)),
    (slice(None, None, -1), E, slice(1, None, 2)), (E,), (N, N, 0), (-1, slice(1, 3), E),
]
SHAPES = [(4,), (3, 5), (2, 3, 4), (2, 0, 3), (1, 4, 1, 2)]


def run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


def _numpy(a, key):
    try:
        return a[key]
    except IndexError:
        return IndexError


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("key", KEYS, ids=str)
def test_getitem_matches_numpy(shape, key):
    xv = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) - 3.5
    x = tf.placeholder(tf.float64, shape)
    want = _numpy(xv, key)
    if want is IndexError:
        with pytest.raises((ValueError, tf.errors.InvalidArgumentError)):
            run(x[key], {x: xv})
        return
    y = x[key]
    assert y.op.type == "StridedSlice" and y.shape.as_list() == list(want.shape)
    got = run(y, {x: xv[..., ::-1][..., ::-1] if xv.ndim else xv})
    assert got.shape == want.shape and np.array_equal(got, want)


@pytest.mark.parametrize("index_dtype", [np.int32, np.int64], ids=["int32", "int64"])
def test_getitem_with_tensor_indices(index_dtype):
    xv = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = tf.placeholder(tf.float32, [None, 3, 4])
    dt = tf.as_dtype(np.dtype(index_dtype))
    i, j = tf.placeholder(dt, []), tf.placeholder(dt, [])
    outs = [x[i], x[:, j], x[i:, :j], x[..., j:j + 2], x[-i], x[::i]]
    assert [str(t.shape) for t in outs] == ["(3, 4)", "(?, 4)", "(?, ?, 4)", "(?, 3, ?)",
                                           "(3, 4)", "<unknown>"]   # (strides unknown)
    got = run(outs, {x: xv, i: 1, j: 2})
    want = [xv[1], xv[:, 2], xv[1:, :2], xv[..., 2:4], xv[-1], xv[::1]]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    begin = outs[2].op.inputs[1]
    assert begin.name == "strided_slice_2/stack:0" and begin.op.type == "Pack"
    assert begin.dtype == dt


def test_getitem_names_masks_and_constants():
    x = tf.placeholder(tf.float32, [None, 3, 4], name="x")
    y = x[1:, ..., tf.newaxis, 2]
    assert y.name == "strided_slice:0"
    assert [t.name for t in y.op.inputs] == ["x:0", "strided_slice/stack:0",
                                            "strided_slice/stack_1:0", "strided_slice/stack_2:0"]
    masks = [y.op.get_attr(m) for m in ("begin_mask", "end_mask", "ellipsis_mask",
                                        "new_axis_mask", "shrink_axis_mask")]
    assert masks == [0, 1, 2, 4, 8]
    assert [t.op.type for t in y.op.inputs[1:]] == ["Const"] * 3
    s = tf.shape(x)
    assert str(s[0].shape) == "()" and str(s[1:].shape) == "(2,)"
    assert run(s[1:] * 2, {x: np.zeros((5, 3, 4))}).tolist() == [6, 8]
    assert run(x[True], {x: np.ones((2, 3, 4))}).shape == (3, 4)   # a bool is an int


RANDOM_SPECS = 300


def _random_spec(rng, rank):
    n = int(rng.integers(1, rank + 2))
    begin, end, strides, masks, key = [], [], [], [0] * 5, []
    ell = int(rng.integers(n)) if rng.random() < 0.3 else -1
    for i in range(n):
        kind = "e" if i == ell else "ssssiin"[int(rng.integers(7))]
        b, e = int(rng.integers(-5, 6)), int(rng.integers(-5, 6))
        s = [1, 2, -1, -2, 3][int(rng.integers(5))]
        bm, em = int(rng.random() < 0.3), int(rng.random() < 0.3)
        begin.append(b)
        end.append(e)
        strides.append(s if kind == "s" else 1)
        if kind == "e":
            masks[2] |= 1 << i
            key.append(E)
        elif kind == "n":
            masks[3] |= 1 << i
            key.append(N)
        elif kind == "i":
            masks[4] |= 1 << i
            key.append(b)
        else:
            masks[0] |= bm << i
            masks[1] |= em << i
            key.append(slice(None if bm else b, None if em else e, s))
    return begin, end, strides, masks, tuple(key)


@pytest.mark.parametrize("fed", [False, True], ids=["static", "fed"])
def test_strided_slice_with_random_masks_matches_numpy(fed):
    rng = np.random.default_rng(5)
    names = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")
    checked = 0
    for _ in range(RANDOM_SPECS // 10):
        shape = tuple(int(d) for d in rng.integers(0, 5, int(rng.integers(1, 4))))
        xv = rng.uniform(-1, 1, shape)
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float64, shape)
            b, e, s = (tf.placeholder(tf.int32, [None]) for _ in range(3))
            for _ in range(10):
                begin, end, strides, masks, key = _random_spec(rng, len(shape))
                want = _numpy(xv, key)
                args = (b, e, s) if fed else (begin, end, strides)
                feed = {x: xv, b: begin, e: end, s: strides}
                try:
                    y = tf.strided_slice(x, *args, **dict(zip(names, masks)))
                    got = run(y, feed)
                except (ValueError, tf.errors.InvalidArgumentError):
                    assert want is IndexError, (shape, key)
                    continue
                assert want is not IndexError, (shape, key)
                assert got.shape == want.shape and np.array_equal(got, want), (shape, key)
                assert y.shape.is_compatible_with(got.shape)
                checked += 1
    assert checked > RANDOM_SPECS // 2


def test_slice_plan_is_numpys_slicing_for_every_bound():
    for d in range(5):
        a = np.arange(d)
        for b in [None] + list(range(-6, 7)):
            for e in [None] + list(range(-6, 7)):
                for s in (1, 2, 3, -1, -2, -3):
                    p = slicing.slice_plan([d], [b or 0], [e or 0], [s], begin_mask=b is None,
                                           end_mask=e is None)
                    want = a[b:e:s]
                    assert p.final_shape == [len(want)] and np.array_equal(a[p.index], want)


def test_strided_slice_default_strides_and_names():
    x = tf.constant(np.arange(12).reshape(3, 4))
    y = tf.strided_slice(x, [0, 1], [2, 3])
    assert y.name == "StridedSlice:0" and y.op.inputs[3].op.name == "ones_like"
    assert [t.name for t in y.op.inputs[1:3]] == ["StridedSlice/begin:0", "StridedSlice/end:0"]
    np.testing.assert_array_equal(run(y), np.arange(12).reshape(3, 4)[0:2, 1:3])
    z = tf.strided_slice(x, tf.constant([0], tf.int16), tf.constant([2], tf.int16),
                         tf.constant([1], tf.int16))
    assert run(z).shape == (2, 4)


# -- slice, reverse ---------------------------------------------------------------------------------
SLICES = [((4,), [1], [2]), ((4,), [0], [-1]), ((3, 5), [1, 0], [-1, 3]), ((2, 0, 3), [1, 0, 1],
          [1, 0, -1]), ((3, 4), [3, 4], [0, 0]), ((2, 3, 4), [0, 1, 2], [2, 2, 2])]


@pytest.mark.parametrize("fed", [False, True], ids=["static", "fed"])
@pytest.mark.parametrize("shape,begin,size", SLICES, ids=str)
def test_slice_values(shape, begin, size, fed):
    xv = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    x = tf.placeholder(tf.float64, shape)
    bt = tf.placeholder(tf.int64, [len(shape)]) if fed else begin
    st = tf.placeholder(tf.int64, [len(shape)]) if fed else size
    y = tf.slice(x, bt, st)
    want = xv[tuple(slice(b, b + (d - b if n == -1 else n)) for d, b, n in zip(shape, begin,
                                                                                size))]
    got = run(y, {x: xv, **({bt: begin, st: size} if fed else {})})
    assert np.array_equal(got, want) and y.shape.is_compatible_with(want.shape)
    if not fed:
        assert y.shape.as_list() == list(want.shape)


@pytest.mark.parametrize("axes", [[0], [1], [-1], [0, 1], [], [2, 0]], ids=str)
def test_reverse_values(axes):
    xv = np.arange(24, dtype=np.int64).reshape(2, 3, 4)
    x = tf.placeholder(tf.int64, [None, 3, 4])
    y = tf.reverse(x, np.asarray(axes, np.int32))
    assert y.op.type == "ReverseV2" and str(y.shape) == "(?, 3, 4)"
    np.testing.assert_array_equal(run(y, {x: xv}), np.flip(xv, tuple(axes)) if axes else xv)
    assert tf.reverse_v2 is tf.reverse


# -- errors -------------------------------------------------------------------------------------------
BUILD_ERRORS = [
    (lambda z: z[5], ValueError, "slice index 5 of dimension 0 out of bounds"),
    (lambda z: z[-3], ValueError, "slice index -1 of dimension 0 out of bounds"),
    (lambda z: z[::0], ValueError, "strides\\[0\\] must be non-zero"),
    (lambda z: z[0, 0, 0], ValueError, "Index out of range using input dim 2"),
    (lambda z: z[..., ...], ValueError, "Multiple ellipses in slice spec not allowed"),
    (lambda z: z[1.0], TypeError, "Only integers, slices"),
    (lambda z: z[tf.constant(1.0)], TypeError, "scalar tf.int32/tf.int64 tensors"),
    (lambda z: z[tf.constant([1])], TypeError, "are valid indices"),
    (lambda z: z[tf.constant(True)], TypeError, "are valid indices"),
    (lambda z: tf.strided_slice(tf.zeros([3]), [1], [2], [-1], shrink_axis_mask=1), ValueError,
     "only stride 1 allowed on non-range indexing"),
    (lambda z: tf.strided_slice(z, [1, 0], [2], [1, 1]), ValueError,
     "Dimension 0 in both shapes must be equal"),
    (lambda z: tf.strided_slice(z, tf.constant([1], tf.int8), [2]), TypeError,
     "'begin' has DataType int8"),
    (lambda z: tf.slice(z, [0], [1, 3]), ValueError, "Dimension 0 in both shapes must be equal"),
    (lambda z: tf.slice(z, [0], [1]), ValueError, "Shape must be rank 1 but is rank 2"),
    (lambda z: tf.slice(z, [0, 0], [-2, 3]), ValueError, "Invalid value in tensor used for shape"),
    (lambda z: tf.reverse(z, [0, 0]), ValueError, "axis 0 specified more than once"),
    (lambda z: tf.reverse(z, [2]), ValueError, "'axis'\\[0\\] = 2 is out of valid range"),
    (lambda z: tf.reverse(z, 0), ValueError, "Shape must be rank 1 but is rank 0"),
]


@pytest.mark.parametrize("build,error,words", BUILD_ERRORS, ids=[w for _, _, w in BUILD_ERRORS])
def test_build_time_errors(build, error, words):
    with pytest.raises(error, match=words):
        build(tf.zeros([2, 3]))


RUN_ERRORS = [
    (lambda p, i: p[5], 0, "slice index 5 of dimension 0 out of bounds"),
    (lambda p, i: p[i], -3, "slice index -1 of dimension 0 out of bounds"),
    (lambda p, i: p[::i], 0, "strides\\[0\\] must be non-zero"),
    (lambda p, i: tf.slice(p, [1, 0], [2, 3]), 0, "Expected size\\[0\\] in \\[0, 1\\], but got 2"),
    (lambda p, i: tf.slice(p, tf.stack([i, 0]), [1, 1]), -1,
     "Expected begin\\[0\\] in \\[0, 2\\], but got -1"),
    (lambda p, i: tf.reverse(p, tf.stack([i, 1])), -3, "'axis'\\[0\\] = -3 is out of valid range"),
    (lambda p, i: tf.reverse(p, tf.stack([i, 1])), 1, "axis 1 specified more than once"),
]


@pytest.mark.parametrize("build,i,words", RUN_ERRORS, ids=[w for _, _, w in RUN_ERRORS])
def test_run_time_errors(build, i, words):
    p = tf.placeholder(tf.float32, None)
    index = tf.placeholder(tf.int32, [])
    t = build(p, index)
    with pytest.raises(tf.errors.InvalidArgumentError, match=words) as e:
        run(t, {p: np.zeros((2, 3)), index: i})
    assert e.value.op is t.op
