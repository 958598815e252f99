"""matmul (and gather) against independent float64 numpy references."""
import numpy as np
import pytest

from fastscope import _kernels as K

ALL = [np.float16, np.float32, np.float64, np.int32, np.int64, np.complex64, np.complex128]
RTOL = {np.float16: 2e-3, np.float32: 1e-5, np.float64: 1e-13, np.complex64: 1e-5,
        np.complex128: 1e-13}


def rand(rng, shape, dtype):
    if np.dtype(dtype).kind == "i":
        return rng.integers(-50, 50, shape).astype(dtype)
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def op(x, t, adj):
    x = x.astype(np.complex128 if x.dtype.kind == "c" else np.float64)
    if t or adj:
        x = np.swapaxes(x, -1, -2)
    return np.conj(x) if adj else x


def check(got, a, b, ta=False, tb=False, adja=False, adjb=False):
    want = op(a, ta, adja) @ op(b, tb, adjb)
    assert got.dtype == a.dtype and got.shape == want.shape
    if a.dtype.kind == "i":
        np.testing.assert_array_equal(got, want.astype(a.dtype))
        return
    k = max(1, op(a, ta, adja).shape[-1])
    tol = RTOL[a.dtype.type] * np.sqrt(k)
    scale = np.abs(op(a, ta, adja)) @ np.abs(op(b, tb, adjb))   # error bound per element
    assert np.all(np.abs(got.astype(want.dtype) - want) <= tol * (scale + 1e-300))


SHAPES = [  # (a shape, b shape) for op(a) @ op(b) with op = identity
    ((1, 1), (1, 1)), ((3, 5), (5, 7)), ((17, 1), (1, 9)), ((1, 31), (31, 1)),
    ((64, 33), (33, 65)), ((130, 257), (257, 66)),
    ((4, 3, 5), (4, 5, 2)), ((2, 1, 3, 5), (4, 5, 6)), ((7, 8), (3, 8, 2)),   # broadcasting
    ((0, 5), (5, 3)), ((4, 0), (0, 3)), ((2, 0, 3, 4), (4, 5)),              # empty
]


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("nthreads", [1, 2])
def test_matmul_matches_reference(dtype, shapes, nthreads):
    rng = np.random.default_rng(0)
    a, b = rand(rng, shapes[0], dtype), rand(rng, shapes[1], dtype)
    check(K.matmul(a, b, nthreads=nthreads), a, b)


@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("flags", [(1, 0, 0, 0), (0, 1, 0, 0), (1, 1, 0, 0), (0, 0, 1, 0),
                                   (0, 0, 0, 1), (0, 0, 1, 1), (1, 0, 0, 1)])
@pytest.mark.parametrize("layout", ["c", "fortran", "strided"])
def test_transpose_adjoint_and_layouts(dtype, flags, layout):
    ta, tb, adja, adjb = map(bool, flags)
    rng = np.random.default_rng(1)
    a = rand(rng, (6, 9) if (ta or adja) else (9, 6), dtype)
    b = rand(rng, (11, 6) if (tb or adjb) else (6, 11), dtype)
    if layout == "fortran":
        a, b = np.asfortranarray(a), np.asfortranarray(b)
    elif layout == "strided":
        a = np.repeat(np.repeat(a, 2, 0), 3, 1)[::2, ::3]
        b = b.T.copy().T[:, :]            # column-major view
    check(K.matmul(a, b, ta, tb, adja, adjb), a, b, ta, tb, adja, adjb)


@pytest.mark.parametrize("dtype", [np.float32, np.complex128, np.int64])
def test_transposed_views_and_batched_non_contiguous(dtype):
    rng = np.random.default_rng(2)
    a = rand(rng, (3, 10, 7), dtype)
    b = rand(rng, (3, 4, 10), dtype)
    check(K.matmul(a.transpose(0, 2, 1), b.transpose(0, 2, 1)),
          a.transpose(0, 2, 1), b.transpose(0, 2, 1))
    big = rand(rng, (6, 8, 20), dtype)
    sa, sb = big[::2, :, ::2], big[1::2, ::2, 2:12].swapaxes(-1, -2)
    check(K.matmul(sa, sb.swapaxes(-1, -2), transpose_b=True), sa, sb.swapaxes(-1, -2), tb=True)
    reversed_rows = a[:, ::-1]
    check(K.matmul(reversed_rows, a, transpose_b=True), reversed_rows, a, tb=True)


def test_many_small_batches_in_parallel():
    rng = np.random.default_rng(3)
    a, b = rand(rng, (500, 6, 7), np.float64), rand(rng, (500, 7, 5), np.float64)
    for nt in (1, 2, 5):
        check(K.matmul(a, b, nthreads=nt), a, b)


def test_integer_overflow_wraps_like_tensorflow():
    a = np.full((1, 2), 2 ** 30, np.int32)
    b = np.full((2, 1), 4, np.int32)
    assert K.matmul(a, b)[0, 0] == np.int32(0)   # 2 * 2^32 wraps to 0


@pytest.mark.parametrize("a,b,kw,exc,match", [
    ((2, 3), (4, 5), {}, ValueError, r"Matrix size-incompatible: In\[0\]: \[2, 3\], In\[1\]: \[4, 5\]"),
    ((2, 3), (2, 5), {"transpose_b": True}, ValueError, "inner dimensions 3 and 5"),
    ((3,), (3, 2), {}, ValueError, "rank >= 2"),
    ((2, 2, 3), (3, 3, 4), {}, ValueError, "do not broadcast"),
    ((2, 3), (3, 2), {"transpose_a": True, "adjoint_a": True}, ValueError, "only one"),
])
def test_matmul_shape_errors(a, b, kw, exc, match):
    with pytest.raises(exc, match=match):
        K.matmul(np.ones(a, np.float32), np.ones(b, np.float32), **kw)


def test_matmul_dtype_errors():
    with pytest.raises(TypeError, match="float32.*float64"):
        K.matmul(np.ones((2, 2), np.float32), np.ones((2, 2)))
    with pytest.raises(TypeError, match="not supported"):
        K.matmul(np.ones((2, 2), bool), np.ones((2, 2), bool))


# ---- gather ------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8, np.complex64, np.bool_])
@pytest.mark.parametrize("itype", [np.int32, np.int64])
@pytest.mark.parametrize("pshape,ishape", [((5,), (3,)), ((7, 3), (4, 2)), ((6, 2, 3), ()),
                                           ((4, 0), (3,)), ((4, 5), (0, 2))])
@pytest.mark.parametrize("nthreads", [1, 2])
def test_gather_matches_numpy_take(dtype, itype, pshape, ishape, nthreads):
    rng = np.random.default_rng(5)
    params = (rng.standard_normal(pshape) * 10).astype(dtype)
    idx = rng.integers(0, pshape[0], ishape).astype(itype)
    got = K.gather(params, idx, nthreads=nthreads)
    want = np.take(params, idx, axis=0)
    assert got.dtype == params.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def test_gather_non_contiguous_params_and_indices():
    params = np.arange(60.0).reshape(10, 6)[::2, ::3]
    idx = np.array([[4, 0, 2, 4]], np.int64)[:, ::2]
    np.testing.assert_array_equal(K.gather(params, idx), params[idx])


@pytest.mark.parametrize("bad", [5, -1, 2 ** 40])
def test_gather_out_of_range_raises_index_error(bad):
    idx = np.array([0, 1, bad, 2], np.int64)
    with pytest.raises(IndexError, match=r"index %d is out of range \[0, 5\)" % bad):
        K.gather(np.zeros((5, 3)), idx)
    with pytest.raises(IndexError):
        K.gather(np.zeros((0, 3)), np.array([0], np.int32))


def test_gather_type_errors():
    with pytest.raises(TypeError):
        K.gather(np.zeros(3), np.array([0.0]))
    with pytest.raises(TypeError):
        K.gather(np.array([object()] * 3), np.array([0], np.int32))
    with pytest.raises(ValueError):
        K.gather(np.float32(1), np.array([0], np.int32))


# -- the small 2-D path (matmul_small) ------------------------------------------------------------
def _small_operand(rng, shape, dtype, layout):
    if layout == "c":
        return rng.standard_normal(shape).astype(dtype)
    if layout == "f":
        return np.asfortranarray(rng.standard_normal(shape).astype(dtype))
    if layout == "strided":
        big = rng.standard_normal((shape[0] * 2, shape[1] * 3)).astype(dtype)
        return big[::2, ::3]
    return rng.standard_normal(shape).astype(dtype)[::-1, ::-1]  # negative strides


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["c", "f", "strided", "reversed"])
@pytest.mark.parametrize("m,n,k", [(1, 1, 1), (2, 2, 2), (3, 5, 7), (16, 16, 16), (0, 3, 2),
                                   (3, 0, 2), (4, 3, 0), (1, 64, 64)])
@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_matmul_small_matches_float64_reference(dtype, layout, m, n, k, ta, tb):
    rng = np.random.default_rng(m * 100 + n * 10 + k)
    a = _small_operand(rng, (k, m) if ta else (m, k), dtype, layout)
    b = _small_operand(rng, (n, k) if tb else (k, n), dtype, layout)
    out = K.matmul_small(a, b, ta, tb)
    ref = (a.T if ta else a).astype(np.float64) @ (b.T if tb else b).astype(np.float64)
    assert out is not None and out.dtype == dtype and out.shape == (m, n)
    assert out.flags.c_contiguous
    np.testing.assert_allclose(out, ref, rtol=1e-5 if dtype == np.float32 else 1e-12,
                               atol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("a,b", [
    (np.ones((2, 3), np.float32), np.ones((2, 3), np.float32)),        # inner dims differ
    (np.ones((2, 2), np.float32), np.ones((2, 2), np.float64)),        # dtypes differ
    (np.ones((2, 2), np.int32), np.ones((2, 2), np.int32)),            # not a float
    (np.ones((2, 2), np.complex64), np.ones((2, 2), np.complex64)),
    (np.ones((1, 2, 2), np.float32), np.ones((1, 2, 2), np.float32)),  # batched
    (np.ones((17, 17), np.float32), np.ones((17, 17), np.float32)),    # above the size limit
    ([[1.0]], [[1.0]]),                                                # not arrays
])
def test_matmul_small_declines_what_the_general_path_handles(a, b):
    assert K.matmul_small(a, b) is None


def test_matmul_small_declines_unaligned_strides():
    raw = np.zeros(4 * 4 + 1, np.uint8)[1:].view(np.float32).reshape(2, 2)
    odd = np.lib.stride_tricks.as_strided(raw, (2, 2), (8, 3))
    assert K.matmul_small(odd, odd) is None
