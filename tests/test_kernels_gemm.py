"""fastscope's own GEMM (_gemm.h) against float64 numpy, for every micro-kernel the CPU runs.

The own kernel is forced for every size (mode "own") and, through a test hook,
with each lesser ISA's micro-kernels, so the AVX-512, AVX2+FMA and portable C
paths are all checked on an AVX-512 machine.
"""

import numpy as np
import pytest

from fastscope import _kernels as K

ISAS = ["avx512", "avx2", "generic"]
RTOL = {np.float32: 1e-5, np.float64: 1e-13}


@pytest.fixture(params=ISAS)
def isa(request):
    old_mode = K._set_gemm_mode("own")
    got = K._force_gemm_isa(request.param)
    try:
        if got != request.param:
            pytest.skip(f"this CPU has no {request.param}")
        yield request.param
    finally:
        K._force_gemm_isa(None)
        K._set_gemm_mode(old_mode)


def check(got, a, b):
    """got == a @ b within float rounding: |error| <= rtol sqrt(k) (|a| @ |b|)."""
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    want = a64 @ b64
    assert got.shape == want.shape and got.dtype == a.dtype
    tol = RTOL[a.dtype.type] * np.sqrt(max(1, a.shape[-1]))
    bound = tol * (np.abs(a64) @ np.abs(b64)) + 1e-300
    assert np.all(np.abs(got - want) <= bound)


def rand(shape, dtype, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# (m, n, k) around the register tiles (MR 14/6/4, NR 32/16/8), KC (384) and MC;
# row-major A with n <= 4 NR is read in place ("direct"), other shapes packed
SHAPES = [(0, 5, 3), (5, 0, 3), (4, 3, 0), (1, 1, 1), (1, 7, 13), (13, 1, 7), (7, 13, 31),
          (14, 32, 1), (15, 33, 2), (31, 33, 255), (33, 31, 257), (28, 64, 385),
          (255, 257, 33), (6, 1025, 17), (1025, 9, 40), (97, 100, 769)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mnk", SHAPES, ids=str)
@pytest.mark.parametrize("nthreads", [1, 2, 3])
def test_own_gemm_matches_float64_reference(isa, dtype, mnk, nthreads):
    m, n, k = mnk
    a, b = rand((m, k), dtype, 1), rand((k, n), dtype, 2)
    check(K.matmul(a, b, nthreads=nthreads), a, b)


def _layout(x, kind):
    if kind == "fortran":
        return np.asfortranarray(x)
    if kind == "strided":       # every other row, every third column of a bigger array
        big = np.zeros((2 * x.shape[0], 3 * x.shape[1]), x.dtype)
        big[::2, ::3] = x
        return big[::2, ::3]
    if kind == "reversed":      # negative strides
        return np.ascontiguousarray(x[::-1, ::-1])[::-1, ::-1]
    if kind == "padded":        # row stride larger than the row
        big = np.zeros((x.shape[0], x.shape[1] + 5), x.dtype)
        big[:, :x.shape[1]] = x
        return big[:, :x.shape[1]]
    return x


LAYOUTS = ["c", "fortran", "strided", "reversed", "padded"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("la", LAYOUTS)
@pytest.mark.parametrize("lb", LAYOUTS)
@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_own_gemm_packs_any_layout_and_transpose(isa, dtype, la, lb, ta, tb):
    m, n, k = 37, 35, 41
    a = rand((k, m) if ta else (m, k), dtype, 3)
    b = rand((n, k) if tb else (k, n), dtype, 4)
    a, b = _layout(a, la), _layout(b, lb)
    got = K.matmul(a, b, transpose_a=ta, transpose_b=tb, nthreads=2)
    check(got, a.T if ta else a, b.T if tb else b)


@pytest.mark.parametrize("nthreads", [1, 2, 3])
def test_own_gemm_crosses_the_row_block(isa, nthreads):
    # more rows than one shared A block (MC = 2048 for AVX-512), k over two KC
    # slices, and enough columns (> 4 NR) that A is packed rather than read in place
    a, b = rand((2100, 400), np.float32, 5), rand((400, 150), np.float32, 6)
    check(K.matmul(a, b, nthreads=nthreads), a, b)


def test_own_gemm_batched_and_broadcast(isa):
    a, b = rand((5, 1, 20, 30), np.float64, 7), rand((3, 30, 17), np.float64, 8)
    got = K.matmul(a, b, nthreads=2)
    want = a @ b
    for idx in np.ndindex(got.shape[:2]):
        check(got[idx], a[idx[0], 0], b[idx[1]])
    assert got.shape == want.shape


def test_own_gemm_never_reads_the_output():
    # beta = 0: C's old contents must not leak in, even when they are NaN. The
    # freed NaN buffer is usually what np.empty hands back for the result.
    old = K._set_gemm_mode("own")
    try:
        a, b = rand((300, 200), np.float32, 9), rand((200, 100), np.float32, 10)
        for _ in range(3):
            junk = np.full((300, 100), np.nan, np.float32)
            del junk
            got = K.matmul(a, b, nthreads=2)
            assert np.isfinite(got).all()
            check(got, a, b)
    finally:
        K._set_gemm_mode(old)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv2d_through_the_own_gemm(isa, dtype):
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 9, 11, 5)).astype(dtype)
    f = rng.standard_normal((3, 3, 5, 19)).astype(dtype)
    got = K.conv2d(x, f, (1, 1), "SAME", nthreads=2)
    xp = np.pad(x.astype(np.float64), ((0, 0), (1, 1), (1, 1), (0, 0)))
    want = np.zeros(got.shape)
    for i in range(3):
        for j in range(3):
            want += np.einsum("nhwc,co->nhwo", xp[:, i:i + 9, j:j + 11], f[i, j])
    np.testing.assert_allclose(got, want, rtol=0, atol=RTOL[dtype] * 50 * np.abs(want).max())


def test_auto_mode_sends_tiny_products_to_blas_and_stays_correct():
    assert K.gemm_info()[0] == "auto"
    for n in (2, 3, 64, 300):
        a, b = rand((n, n), np.float32, n), rand((n, n), np.float32, n + 1)
        check(K.matmul(a, b, nthreads=2), a, b)


@pytest.mark.parametrize("mode", ["blas", "own", "auto"])
def test_fastscope_gemm_env_switch(mode, run_python):
    code = ("from fastscope import _kernels as K; import numpy as np; "
            "a = np.ones((70, 70), np.float32); "
            "assert (K.matmul(a, a) == 70).all(); print(K.gemm_info()[0])")
    out = run_python(code, {"FASTSCOPE_GEMM": mode})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [mode]


def test_force_isa_hook_reports_and_restores():
    best = K.gemm_info()[1]
    assert K._force_gemm_isa("generic") == "generic"
    assert K.gemm_info()[1] == "generic"
    assert K._force_gemm_isa(None) == best
