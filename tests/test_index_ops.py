"""gather, gather_nd, scatter_nd and boolean_mask against float64 numpy references.

The references are written out index by index (loops over positions), independent of the
kernels' vectorised numpy and compiled paths. Names, static shapes and errors are the ones
TensorFlow 1.x graph mode gives (checked against tensorflow 2.21's compat.v1).
"""
import itertools

import numpy as np
import pytest

import fastscope as tf
from fastscope._src.ops import index_ops

DTYPES = [np.float32, np.float64, np.float16, np.int32, np.int64, np.uint8, np.bool_,
          np.complex64]


def _values(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-5, 5, shape)
    if np.dtype(dtype).kind == "b":
        return x > 0
    if np.dtype(dtype).kind == "c":
        return (x + 1j * rng.uniform(-5, 5, shape)).astype(dtype)
    if np.dtype(dtype).kind == "u":
        return np.abs(x).astype(dtype)
    return x.astype(dtype)


def _run(fetches, feed=None, config=None):
    with tf.Session(config=config) as s:
        return s.run(fetches, feed)


# -- references --------------------------------------------------------------------------------
def ref_gather(params, indices, axis, bd):
    p = params.astype(np.complex128 if params.dtype.kind == "c" else np.float64)
    axis %= p.ndim
    bd = bd + indices.ndim if bd < 0 else bd
    out_shape = p.shape[:axis] + indices.shape[bd:] + p.shape[axis + 1:]
    out = np.zeros(out_shape, p.dtype)
    for pos in itertools.product(*[range(d) for d in out_shape]):
        batch = pos[:bd]
        pre = pos[bd:axis]
        ipos = pos[axis:axis + indices.ndim - bd]
        post = pos[axis + indices.ndim - bd:]
        i = indices[batch + ipos]
        out[pos] = p[batch + pre + (i,) + post]
    return out


def ref_gather_nd(params, indices, bd):
    p = params.astype(np.float64)
    depth = indices.shape[-1]
    lead = indices.shape[:-1]
    rest = p.shape[bd + depth:]
    out = np.zeros(lead + rest)
    for pos in itertools.product(*[range(d) for d in lead]):
        out[pos] = p[pos[:bd] + tuple(int(v) for v in indices[pos])]
    return out


def ref_scatter_nd(indices, updates, shape):
    out = np.zeros(shape)
    depth = indices.shape[-1]
    lead = indices.shape[:-1]
    for pos in itertools.product(*[range(d) for d in lead]):
        out[tuple(int(v) for v in indices[pos][:depth])] += updates[pos]
    return out


# -- gather ------------------------------------------------------------------------------------
GATHER_CASES = [
    # params shape, indices shape, axis, batch_dims
    ((5,), (3,), 0, 0), ((4, 3), (2, 5), 0, 0), ((4, 3), (), 1, 0), ((4, 3), (6,), -1, 0),
    ((2, 3, 4), (2, 2), 1, 0), ((2, 3, 4), (2, 5), 1, 1), ((2, 3, 4), (2, 3, 2), 2, 2),
    ((2, 3, 4), (2, 7), -1, 1), ((2, 3, 4, 2), (2, 3), 2, 1), ((2, 3, 4), (2, 1), 2, -1),
    ((0, 3), (0,), 0, 0), ((4, 0), (2,), 0, 0), ((4, 3), (2, 0), 1, 0), ((3, 0, 2), (4,), 2, 0),
    ((1, 7), (9,), 1, 0), ((7, 1, 3), (2, 2, 2), 0, 0),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("pshape,ishape,axis,bd", GATHER_CASES)
def test_gather_matches_the_reference(dtype, pshape, ishape, axis, bd):
    params = _values(pshape, dtype)
    n = pshape[axis]
    if n == 0 and int(np.prod(ishape)):
        return   # nothing to index
    indices = np.random.default_rng(1).integers(0, max(n, 1), ishape).astype(np.int32)
    g = tf.gather(params, indices, axis=axis, batch_dims=bd)
    want = ref_gather(params, indices, axis, bd)
    assert g.shape.as_list() == list(want.shape)
    got = _run(g)
    assert got.dtype == np.dtype(dtype) and got.shape == want.shape
    np.testing.assert_allclose(got.astype(want.dtype), want, rtol=1e-6)


@pytest.mark.parametrize("idx_dtype", [tf.int16, tf.int32, tf.int64])
def test_gather_takes_every_index_dtype_and_names_its_inputs(idx_dtype):
    params = tf.placeholder(tf.float32, [None, 4], name="p")
    idx = tf.constant([[2, 0]], idx_dtype)
    g = tf.gather(params, idx)
    g2 = tf.gather(params, [1, 2], axis=1)
    assert (g.name, g.op.type, g.shape.as_list()) == ("GatherV2:0", "GatherV2", [1, 2, 4])
    assert [t.name for t in g2.op.inputs] == ["p:0", "GatherV2_1/indices:0", "GatherV2_1/axis:0"]
    assert g2.shape.as_list() == [None, 2]
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    a, b = _run([g, g2], {params: x})
    np.testing.assert_array_equal(a, x[[[2, 0]]])
    np.testing.assert_array_equal(b, x[:, [1, 2]])


@pytest.mark.parametrize("pshape,ishape,axis,bd,want", [
    (None, [2], 1, 0, None), ([2, 3], None, 1, 0, None),
    ([None, 3], [None, 2], "dynamic", 0, [None, None, None]),
    ([2, 3, 4], [2, 5], "dynamic", 1, [None, None, None]), ([None, 4, 5], [2, 3], 0, 0,
                                                             [2, 3, 4, 5]),
    ([None, 4, 5], [None, None], 1, 1, [None, None, 5]), ([None, 4, 5], [None, 3], 1, -1,
                                                          [None, 3, 5]),
    ([2, 3, 4], [3, 1], 1, 1, [2, 1, 4]),   # the batch dimension comes from params
])
def test_gather_static_shapes_follow_tensorflow(pshape, ishape, axis, bd, want):
    p = tf.placeholder(tf.float32, pshape)
    i = tf.placeholder(tf.int32, ishape)
    ax = tf.placeholder(tf.int32, []) if axis == "dynamic" else axis
    g = tf.gather(p, i, axis=ax, batch_dims=bd)
    assert g.shape.ndims is None if want is None else g.shape.as_list() == want


def test_gather_axis_zero_drops_batch_dims_as_tensorflow():
    x = np.arange(20.0).reshape(4, 5)
    g = tf.gather(x, [[0]], axis=0, batch_dims=1)
    assert g.op.get_attr("batch_dims") == 0
    np.testing.assert_array_equal(_run(g), x[[[0]]])


@pytest.mark.parametrize("indices,axis,match", [
    ([[0, 1, 7]], 0, r"indices\[0,2\] = 7 is not in \[0, 4\)"),
    ([-1], 0, r"indices\[0\] = -1 is not in \[0, 4\)"),
    ([[0], [5]], 1, r"indices\[1,0\] = 5 is not in \[0, 5\)"),
    (9, 0, r"indices = 9 is not in \[0, 4\)"),
])
@pytest.mark.parametrize("width", [5, 64])   # numpy's take, the compiled gather (axis 0)
def test_gather_out_of_range_is_invalid_argument_naming_the_index(indices, axis, match, width):
    if axis == 1 and width != 5:
        return   # index 5 fits 64 columns
    g = tf.gather(np.zeros((4, width), np.float32), indices, axis=axis)
    with pytest.raises(tf.errors.InvalidArgumentError, match=match):
        _run(g)


def test_gather_batch_errors_at_run_time():
    x = np.zeros((4, 5), np.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[1,1\] = 9 is not in"):
        _run(tf.gather(x, [[0, 1], [2, 9], [1, 1], [0, 0]], axis=1, batch_dims=1))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"params.shape\[0\]: 4 should be equal to indices.shape\[0\]: 2"):
        _run(tf.gather(x, [[0], [1]], axis=1, batch_dims=1))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"batch_dims \(2\) must be less than or equal to axis \(1\)"):
        _run(tf.gather(np.zeros((2, 3, 4)), [[0], [1]], axis=1, batch_dims=2))
    ax = tf.placeholder(tf.int32, [])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Expected axis in the range "
                                                             r"\[-2, 2\), but got 5"):
        _run(tf.gather(x, [0], axis=ax), {ax: 5})


def test_gather_build_errors_are_tensorflows():
    x = np.zeros((4, 5), np.float32)
    with pytest.raises(ValueError, match="Shape must be at least rank 3 but is rank 2"):
        tf.gather(x, [0], axis=2)
    with pytest.raises(ValueError, match="Shape must be at least rank 3 but is rank 2"):
        tf.gather(x, [0], axis=-3)
    with pytest.raises(ValueError, match="Shape must be at least rank 1 but is rank 0"):
        tf.gather(tf.constant(1.0), [0])
    with pytest.raises(ValueError, match="Shape must be at least rank 2 but is rank 1"):
        tf.gather(x, [0], axis=1, batch_dims=2)
    with pytest.raises(ValueError, match="Shape must be rank 0 but is rank 1"):
        tf.gather(x, [0], axis=[1])
    with pytest.raises(TypeError, match="parameter 'indices' has DataType float32 not in list"):
        tf.gather(x, [0.0])
    with pytest.raises(TypeError, match="parameter 'indices' has DataType uint8"):
        tf.gather(x, tf.constant([1], tf.uint8))
    with pytest.raises(TypeError):
        tf.gather(x, [0], axis=1.0)
    # failed builds leave nothing behind: only the two constants made above remain
    assert [op.type for op in tf.get_default_graph().get_operations()] == ["Const", "Const"]


def test_gather_of_a_variable_and_of_strings():
    v = tf.Variable(np.arange(6.0).reshape(3, 2), name="v")
    g = tf.gather(v, [2, 2, 0])
    s = tf.gather(tf.constant(["a", "b", "c"]), [[2, 0]])
    with tf.Session() as sess:
        sess.run(v.initializer)
        got, strs = sess.run([g, s])
    np.testing.assert_array_equal(got, [[4, 5], [4, 5], [0, 1]])
    assert [[str(x) for x in row] for row in strs.tolist()] == [["c", "a"]]


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_gather_axis0_compiled_path_with_threads_matches_numpy(threads):
    table = np.random.default_rng(3).standard_normal((3000, 129)).astype(np.float32)
    ids = np.random.default_rng(4).integers(0, 3000, (50, 37)).astype(np.int64)
    g = tf.gather(table, ids)
    cfg = tf.ConfigProto(intra_op_parallelism_threads=threads)
    np.testing.assert_array_equal(_run(g, config=cfg), table[ids])


class _Ctx:
    intra_threads = 1


@pytest.mark.parametrize("layout", ["strided", "transposed", "broadcast", "readonly"])
@pytest.mark.parametrize("axis", [0, 1])
def test_take_reads_non_contiguous_params(layout, axis):
    base = np.arange(48.0).reshape(6, 8)
    p = {"strided": base[::2, ::3], "transposed": base.T,
         "broadcast": np.broadcast_to(base[:1], (6, 8)), "readonly": base.copy()}[layout]
    if layout == "readonly":
        p.flags.writeable = False
    idx = np.array([[1, 0], [2, 1]], np.int32)
    got = index_ops.take(_Ctx(), None, p, idx, axis)
    np.testing.assert_array_equal(got, np.take(p, idx, axis=axis))
    assert not np.shares_memory(got, base)


def test_gather_of_a_broadcast_constant():
    g = tf.gather(tf.constant(1.5, shape=[4, 3]), [[3, 0]], axis=0)
    np.testing.assert_array_equal(_run(g), np.full((1, 2, 3), 1.5))


# -- gather_nd ---------------------------------------------------------------------------------
GATHER_ND_CASES = [
    # params shape, indices shape (last = depth), batch_dims
    ((4, 5), (3, 2), 0), ((4, 5), (3, 1), 0), ((4, 5), (2, 3, 1), 0), ((4, 5), (2,), 0),
    ((2, 3, 4), (5, 3), 0), ((2, 3, 4), (2, 2, 1), 1), ((2, 3, 4), (2, 5, 2), 1),
    ((2, 3, 4), (2, 3, 1), 2), ((4, 5), (2, 0), 0), ((2, 3), (2, 4, 0), 1), ((0, 3), (0, 1), 0),
    ((4, 0), (3, 1), 0), ((3,), (4, 1), 0), ((3, 2), (), None),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.bool_])
@pytest.mark.parametrize("pshape,ishape,bd", GATHER_ND_CASES)
def test_gather_nd_matches_the_reference(dtype, pshape, ishape, bd):
    if bd is None:
        with pytest.raises(ValueError, match="Shape must be at least rank 1 but is rank 0"):
            tf.gather_nd(_values(pshape, dtype), 1)
        return
    params = _values(pshape, dtype)
    rng = np.random.default_rng(5)
    depth = ishape[-1] if ishape else 0
    cols = [rng.integers(0, max(pshape[bd + j], 1), ishape[:-1]) for j in range(depth)]
    indices = np.stack(cols, -1).astype(np.int32) if depth else np.zeros(ishape, np.int32)
    if any(pshape[bd + j] == 0 for j in range(depth)) and int(np.prod(ishape[:-1])):
        return
    g = tf.gather_nd(params, indices, batch_dims=bd)
    want = ref_gather_nd(params, indices, bd)
    assert g.shape.as_list() == list(want.shape)
    got = _run(g)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got.astype(np.float64), want)


def test_gather_nd_names_shapes_and_errors():
    p = tf.placeholder(tf.float32, [4, 5])
    assert tf.gather_nd(p, tf.placeholder(tf.int32, [7, 2])).name == "GatherNd:0"
    assert tf.gather_nd(p, tf.placeholder(tf.int32, [None, 1, 1])).shape.as_list() == [
        None, 1, 5]
    assert tf.gather_nd(p, tf.placeholder(tf.int32, [3, None])).shape.ndims is None
    assert tf.gather_nd(tf.placeholder(tf.float32), [[1]]).shape.ndims is None
    b = tf.gather_nd(tf.placeholder(tf.float32, [2, None, 4]),
                     tf.placeholder(tf.int32, [None, 5, 1]), batch_dims=1)
    assert (b.name, b.shape.as_list()) == ("BatchGatherND/Reshape_3:0", [2, 5, 4])
    assert tf.gather_nd(p, [[1], [2], [0], [3]], batch_dims=1, name="gg").name == \
        "gg/Reshape_3:0"
    with pytest.raises(ValueError, match=r"indices.shape\[-1\] must be <= params.rank"):
        tf.gather_nd(p, [[0, 1, 2]])
    with pytest.raises(ValueError, match="does not allow negative batch_dims"):
        tf.gather_nd(p, [[1]], batch_dims=-1)
    with pytest.raises(ValueError, match=r"`batch_dims` = 2 must be less than rank\(`indices`\)"
                                         r" = 2"):
        tf.gather_nd(p, [[1], [2]], batch_dims=2)
    with pytest.raises(TypeError, match="parameter 'indices' has DataType float32"):
        tf.gather_nd(p, [[1.0]])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"indices\[1\] = \[3, 5\] does not index into param shape \[4,5\]"):
        _run(tf.gather_nd(np.zeros((4, 5)), [[0, 1], [3, 5]]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0,1\] = \[4\]"):
        _run(tf.gather_nd(np.zeros((4, 5)), [[[0], [4]]]))
    i = tf.placeholder(tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="index innermost dimension length must be <= params rank"):
        _run(tf.gather_nd(np.zeros((2, 3)), i), {i: [[1, 1, 1]]})
    with pytest.raises(tf.errors.InvalidArgumentError, match="indices must be at least a "
                                                             "vector"):
        _run(tf.gather_nd(np.zeros((2, 3)), i), {i: 1})


# -- scatter_nd --------------------------------------------------------------------------------
SCATTER_CASES = [
    # indices shape (last = depth), output shape
    ((4, 1), (8,)), ((4, 1), (8, 3)), ((5, 2), (3, 4)), ((2, 3, 1), (4, 2)), ((6, 2), (2, 2, 3)),
    ((0, 1), (5,)), ((0, 1), (0,)), ((3, 1), (3, 0)), ((1, 3), (2, 2, 2)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.complex64, np.float16])
@pytest.mark.parametrize("ishape,shape", SCATTER_CASES)
def test_scatter_nd_adds_duplicates_like_the_reference(dtype, ishape, shape):
    rng = np.random.default_rng(6)
    depth = ishape[-1]
    cols = [rng.integers(0, max(shape[j], 1), ishape[:-1]) for j in range(depth)]
    indices = np.stack(cols, -1).astype(np.int64)
    updates = _values(ishape[:-1] + shape[depth:], dtype, seed=7)
    s = tf.scatter_nd(indices, updates, shape)
    assert (s.shape.as_list(), s.dtype) == (list(shape), tf.as_dtype(dtype))
    got = _run(s)
    if np.dtype(dtype).kind == "c":
        want = ref_scatter_nd(indices, updates.real, shape) + 1j * ref_scatter_nd(
            indices, updates.imag, shape)
    else:
        want = ref_scatter_nd(indices, updates.astype(np.float64), shape)
    np.testing.assert_allclose(got, want, rtol=2e-3 if dtype == np.float16 else 1e-6,
                               atol=2e-2 if dtype == np.float16 else 1e-6)


def test_scatter_nd_booleans_strings_and_wrapping_integers():
    b = tf.scatter_nd([[1], [1]], [True, False], [3])
    s = tf.scatter_nd([[1], [1]], ["a", "b"], [3])
    u = tf.scatter_nd([[1], [1]], tf.constant([200, 100], tf.uint8), [3])
    got_b, got_s, got_u = _run([b, s, u])
    assert got_b.tolist() == [False, True, False]
    assert [str(x) for x in got_s.tolist()] == ["", "ab", ""]
    assert got_u.tolist() == [0, 44, 0]


def test_scatter_nd_names_shapes_and_errors():
    s = tf.scatter_nd([[1]], [1.0], [3], name="sn")
    assert [t.name for t in s.op.inputs] == ["sn/indices:0", "sn/updates:0", "sn/shape:0"]
    i = tf.placeholder(tf.int32, [None, 1])
    assert tf.scatter_nd(i, tf.placeholder(tf.float32, [None, 3]), [5, 3]).shape.as_list() == \
        [5, 3]
    assert tf.scatter_nd(i, [[1.0]], tf.placeholder(tf.int32, [2])).shape.as_list() == [None, None]
    assert tf.scatter_nd(i, [[1.0]], tf.placeholder(tf.int32)).shape.ndims is None
    with pytest.raises(ValueError, match=r"Dimensions \[0,1\) of indices\[shape=\[4,1\]\] = "
                                         r"\[4\] must match dimensions \[0,1\) of updates"):
        tf.scatter_nd(tf.placeholder(tf.int32, [4, 1]), tf.placeholder(tf.float32, [5]), [8])
    with pytest.raises(ValueError, match=r"Dimensions \[1,2\) of input\[shape=\[8,3\]\]"):
        tf.scatter_nd(tf.placeholder(tf.int32, [4, 1]), tf.placeholder(tf.float32, [4, 2]),
                      [8, 3])
    with pytest.raises(ValueError, match="Input tensor must be int32 or int64, but was int16"):
        tf.scatter_nd(tf.placeholder(tf.int16, [4, 1]), tf.placeholder(tf.float32, [4]), [8])
    with pytest.raises(ValueError, match="Invalid value in tensor used for shape: -2"):
        tf.scatter_nd([[1]], [1.0], [-2])
    with pytest.raises(ValueError, match="Shape must be rank 1 but is rank 2"):
        tf.scatter_nd([[1]], [1.0], [[3]])
    with pytest.raises(ValueError, match="Indices and updates specified for empty input"):
        tf.scatter_nd([[0]], [1.0], [0])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"indices\[1\] = \[1, 7\] does not index into shape \[5,2\]"):
        _run(tf.scatter_nd([[1, 0], [1, 7]], [1.0, 2.0], [5, 2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0\] = \[-1\]"):
        _run(tf.scatter_nd([[-1]], [1.0], [5]))
    shape = tf.placeholder(tf.int32, [1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Dimension -3 must be >= 0"):
        _run(tf.scatter_nd([[1]], [1.0], shape), {shape: [-3]})
    big = tf.placeholder(tf.int32, [2])
    with pytest.raises(tf.errors.ResourceExhaustedError, match="OOM when allocating"):
        _run(tf.scatter_nd([[1, 1]], [1.0], big), {big: [2 ** 30, 2 ** 30]})


# -- boolean_mask ------------------------------------------------------------------------------
def ref_boolean_mask(x, mask, axis):
    lead = x.shape[:axis]
    n = int(np.prod(mask.shape))
    flat = x.reshape(lead + (n,) + x.shape[axis + mask.ndim:])
    keep = [k for k, m in enumerate(mask.reshape(-1)) if m]
    return np.stack([np.take(flat, k, axis=axis) for k in keep], axis=axis) if keep else \
        np.zeros(lead + (0,) + x.shape[axis + mask.ndim:])


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.bool_, np.float64])
@pytest.mark.parametrize("shape,mshape,axis", [
    ((5,), (5,), 0), ((3, 4), (3,), 0), ((3, 4), (4,), 1), ((2, 3, 4), (2, 3), 0),
    ((2, 3, 4), (3, 4), 1), ((2, 3, 4), (3,), -2), ((0, 3), (0,), 0), ((3, 0), (3,), 0),
    ((4, 1, 2), (4, 1), None),
])
def test_boolean_mask_matches_the_reference(dtype, shape, mshape, axis):
    x = _values(shape, dtype)
    mask = np.random.default_rng(8).random(mshape) < 0.5
    m = tf.boolean_mask(x, mask, axis=axis)
    a = 0 if axis is None else axis % len(shape)
    want = ref_boolean_mask(x.astype(np.float64), mask, a)
    assert m.name.endswith("GatherV2:0")
    assert m.shape.as_list() == list(shape[:a]) + [None] + list(shape[a + len(mshape):])
    got = _run(m)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got.astype(np.float64), want)


def test_boolean_mask_names_shapes_and_errors():
    m = tf.boolean_mask(tf.placeholder(tf.float32, [None, 4]), tf.placeholder(tf.bool, [None]))
    assert (m.name, m.shape.as_list()) == ("boolean_mask/GatherV2:0", [None, 4])
    assert tf.boolean_mask([1, 2], [True, False], name="bm").name == "bm/GatherV2:0"
    assert tf.boolean_mask(tf.placeholder(tf.float32), [True]).shape.ndims is None
    with pytest.raises(ValueError, match=r"Shapes \(3,\) and \(4,\) are incompatible"):
        tf.boolean_mask(tf.placeholder(tf.float32, [3, 4]), tf.placeholder(tf.bool, [4]))
    with pytest.raises(ValueError, match=r"Shapes \(\) and \(5,\) are incompatible"):
        tf.boolean_mask(tf.placeholder(tf.float32, [3, 4, 5]), tf.placeholder(tf.bool, [5]),
                        axis=-1)
    with pytest.raises(ValueError, match="mask cannot be scalar"):
        tf.boolean_mask([1, 2], True)
    with pytest.raises(ValueError, match="Number of mask dimensions must be specified"):
        tf.boolean_mask([1, 2], tf.placeholder(tf.bool))
    # numbers are masks too (nonzero is true), as TensorFlow's Where takes them
    x = [[1, 2], [3, 4], [5, 6]]
    assert _run(tf.boolean_mask(x, [0, 2, 1])).tolist() == [[3, 4], [5, 6]]
    short = tf.placeholder(tf.bool, [None])
    assert _run(tf.boolean_mask(x, short), {short: [True, False]}).tolist() == [[1, 2]]
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[2\] = 3 is not in "
                                                             r"\[0, 3\)"):
        _run(tf.boolean_mask(x, short), {short: [True, False, True, True]})
