"""Hypothesis: random shapes, strides and dtypes never crash a kernel.

Each call must either return a correct result or raise ValueError, TypeError
or IndexError.
"""
import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from fastscope import _kernels as K

DTYPES = st.sampled_from([np.float16, np.float32, np.float64, np.int8, np.int32, np.int64,
                          np.uint32, np.complex64, np.complex128, np.bool_])
OK = (ValueError, TypeError, IndexError)
FAST = settings(max_examples=120, deadline=None)


@st.composite
def arrays(draw, max_dims=4, max_side=5):
    """An array of a random dtype, maybe a strided, reversed or transposed view."""
    dtype = draw(DTYPES)
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=0, max_side=max_side))
    base = np.asarray(np.random.default_rng(draw(st.integers(0, 99))).integers(-3, 4, shape))
    x = base.astype(dtype)
    if x.ndim and draw(st.booleans()):
        x = x[tuple(slice(None, None, draw(st.sampled_from([1, 2, -1]))) for _ in x.shape)]
    if x.ndim >= 2 and draw(st.booleans()):
        x = np.swapaxes(x, -1, -2)
    return x


@FAST
@given(arrays(), st.integers(0, 3), st.floats(-3, 3), st.floats(-3, 3), st.integers(0, 4))
def test_random_fill_fuzz(out, dist, a, b, nthreads):
    try:
        K.random_fill(out, 3, 4, dist, a, b, nthreads=nthreads)
    except OK:
        return
    if dist == K.UNIFORM:
        assert ((out >= min(a, b)) & (out <= max(a, b))).all()
    if dist == K.UNIFORM_INT:
        assert ((out >= a) & (out < b)).all()


@FAST
@given(arrays(), arrays(), st.booleans(), st.booleans(), st.integers(1, 3))
def test_matmul_fuzz(a, b, ta, tb, nthreads):
    try:
        got = K.matmul(a, b, transpose_a=ta, transpose_b=tb, nthreads=nthreads)
    except OK:
        return
    fa = np.swapaxes(a, -1, -2) if ta else a
    fb = np.swapaxes(b, -1, -2) if tb else b
    want = fa.astype(np.complex128) @ fb.astype(np.complex128)
    np.testing.assert_allclose(got.astype(np.complex128), want, rtol=1e-2, atol=1e-2)


@FAST
@given(arrays(max_dims=5, max_side=6), arrays(max_dims=5, max_side=4),
       st.tuples(st.integers(-1, 3), st.integers(-1, 3)),
       st.sampled_from(["SAME", "VALID", ((1, 0), (2, 1)), ((-1, 0), (0, 0)), "bad"]),
       st.tuples(st.integers(0, 2), st.integers(1, 2)), st.integers(1, 3))
def test_conv2d_fuzz(x, f, strides, padding, dilations, nthreads):
    try:
        got = K.conv2d(x, f, strides, padding, dilations, nthreads=nthreads)
    except OK:
        return
    assert got.shape == K.conv2d_output_shape(x.shape, f.shape, strides, padding, dilations)
    assert np.isfinite(got).all()


@FAST
@given(arrays(), arrays(max_dims=3), st.integers(1, 3))
def test_gather_fuzz(params, indices, nthreads):
    try:
        got = K.gather(params, indices, nthreads=nthreads)
    except OK:
        return
    np.testing.assert_array_equal(got, np.take(params, indices, axis=0))
