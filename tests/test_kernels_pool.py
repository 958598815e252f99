"""pool2d (max_pool / avg_pool) against an independent float64 numpy reference."""
import numpy as np
import pytest

import fastscope as tf
from fastscope import _kernels as K


def reference_pool(x, mode, ksize, strides, padding):
    """Window by window, in float64, from TensorFlow's definition (NHWC)."""
    lowest = (np.finfo if x.dtype.kind == "f" else np.iinfo)(x.dtype).min
    x = x.astype(np.float64)
    n, h, w, c = x.shape
    (kh, kw), (sh, sw) = ksize, strides
    if padding == "SAME":
        oh, ow = -(-h // sh), -(-w // sw)
        pt = max((oh - 1) * sh + kh - h, 0) // 2
        pl = max((ow - 1) * sw + kw - w, 0) // 2
    else:
        oh, ow, pt, pl = (h - kh) // sh + 1, (w - kw) // sw + 1, 0, 0
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * sh - pt, j * sw - pl
            win = x[:, max(r0, 0):r0 + kh, max(c0, 0):c0 + kw, :]   # padding takes no part
            out[:, i, j, :] = _tf_max(win, lowest) if mode == "max" else win.mean(axis=(1, 2))
    return out


def _tf_max(win, lowest):
    # TensorFlow's max starts at the type's lowest value and a NaN never wins
    return np.maximum(np.where(np.isnan(win), -np.inf, win).max(axis=(1, 2)), lowest)


CASES = [  # (n, h, w, c, ksize, strides, padding)
    (1, 1, 1, 1, (1, 1), (1, 1), "SAME"),
    (2, 7, 9, 3, (3, 3), (2, 2), "SAME"),
    (2, 7, 9, 3, (3, 3), (2, 2), "VALID"),
    (1, 8, 8, 5, (2, 2), (2, 2), "VALID"),
    (3, 11, 6, 4, (2, 3), (3, 1), "SAME"),
    (1, 10, 13, 2, (1, 2), (4, 5), "SAME"),      # strides larger than the window
    (1, 10, 13, 2, (2, 1), (5, 3), "VALID"),
    (2, 5, 5, 7, (5, 5), (1, 1), "SAME"),        # window as big as the image
    (1, 3, 4, 2, (6, 7), (2, 2), "SAME"),        # window bigger than the image
    (4, 17, 19, 33, (3, 3), (1, 1), "SAME"),
    (1, 6, 6, 1, (4, 4), (3, 3), "VALID"),
    (1, 5, 40, 1, (3, 4), (1, 3), "SAME"),       # long rows: NCHW's vectorised interior
    (2, 4, 37, 2, (2, 5), (2, 2), "SAME"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "x".join(map(str, c[:4])) + f"-{c[6]}")
@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("nthreads", [1, 2, 3])
def test_pool_matches_reference(case, mode, dtype, nthreads):
    n, h, w, c, k, s, pad = case
    x = np.random.default_rng(hash(case) % 2 ** 32).standard_normal((n, h, w, c)).astype(dtype)
    want = reference_pool(x, mode, k, s, pad)
    tol = 1e-6 if dtype == np.float32 else 1e-14
    got = K.pool2d(x, mode, k, s, pad, "NHWC", nthreads)
    assert got.dtype == dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    got = K.pool2d(x.transpose(0, 3, 1, 2), mode, k, s, pad, "NCHW", nthreads)
    np.testing.assert_allclose(got, want.transpose(0, 3, 1, 2), rtol=tol, atol=tol)


def test_non_contiguous_input():
    x = np.random.default_rng(5).standard_normal((3, 20, 18, 8))[::2, 1::2, ::3, 1::2]
    for mode in ("max", "avg"):
        np.testing.assert_allclose(K.pool2d(x, mode, (2, 3), (1, 2), "SAME"),
                                   reference_pool(x, mode, (2, 3), (1, 2), "SAME"), rtol=1e-14)


def test_max_ignores_padding_even_when_all_values_are_negative():
    x = -1 - np.arange(2 * 5 * 5 * 3, dtype=np.float32).reshape(2, 5, 5, 3)
    got = K.pool2d(x, "max", (3, 3), (2, 2), "SAME")
    assert (got < 0).all()
    np.testing.assert_array_equal(got, reference_pool(x, "max", (3, 3), (2, 2), "SAME"))


def test_avg_same_divides_by_the_cells_inside():
    x = np.ones((1, 4, 4, 1), np.float32)
    assert (K.pool2d(x, "avg", (3, 3), (1, 1), "SAME") == 1).all()


def test_nan_in_a_window_propagates_to_its_mean_but_never_wins_its_max():
    # TensorFlow's semantics (its MaxPool starts at the lowest value and keeps v > max)
    x = np.zeros((1, 4, 4, 2), np.float64)
    x[0, 0, 0, 1] = np.nan
    got = K.pool2d(x, "avg", (2, 2), (2, 2), "VALID")
    assert np.isnan(got[0, 0, 0, 1]) and np.isnan(got).sum() == 1
    got = K.pool2d(x, "max", (2, 2), (2, 2), "VALID")
    assert not np.isnan(got).any() and got[0, 0, 0, 1] == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_window_of_nans_or_minus_infs_gives_the_lowest_value(dtype):
    x = np.full((1, 2, 4, 1), np.nan, dtype)
    x[0, :, 2:, 0] = -np.inf
    got = K.pool2d(x, "max", (2, 2), (2, 2), "VALID")
    assert (got == np.finfo(dtype).min).all()


@pytest.mark.parametrize("shape,fmt,oshape", [
    ((0, 5, 5, 3), "NHWC", (0, 3, 3, 3)),
    ((2, 5, 5, 0), "NHWC", (2, 3, 3, 0)),
    ((2, 0, 5, 3), "NHWC", (2, 0, 3, 3)),
    ((0, 3, 5, 5), "NCHW", (0, 3, 3, 3)),
])
def test_empty_shapes(shape, fmt, oshape):
    for mode in ("max", "avg"):
        assert K.pool2d(np.ones(shape, np.float32), mode, (2, 2), (2, 2), "SAME", fmt).shape \
            == oshape


@pytest.mark.parametrize("args,err,match", [
    (("sum", (2, 2), (1, 1), "SAME"), ValueError, "mode"),
    (("max", (0, 2), (1, 1), "SAME"), ValueError, "positive"),
    (("max", (2, 2), (1, -1), "SAME"), ValueError, "positive"),
    (("max", (2, 2), (1, 1), "FULL"), ValueError, "padding"),
    (("max", (6, 2), (1, 1), "VALID"), ValueError, "would be negative"),
])
def test_errors(args, err, match):
    with pytest.raises(err, match=match):
        K.pool2d(np.ones((1, 5, 5, 2), np.float32), *args)


def test_dtype_and_rank_errors():
    with pytest.raises(TypeError):
        K.pool2d(np.ones((1, 4, 4, 1), np.int32), "max", (2, 2), (2, 2), "VALID")
    with pytest.raises(ValueError, match="rank 4"):
        K.pool2d(np.ones((4, 4, 1), np.float32), "max", (2, 2), (2, 2), "VALID")


@pytest.mark.parametrize("fmt", ["NHWC", "NCHW"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.float16])
def test_graph_ops_use_tensorflow_argument_order(fmt, dtype):
    x = (np.random.default_rng(6).standard_normal((2, 9, 7, 3)) * 10).astype(dtype)
    xin = x if fmt == "NHWC" else x.transpose(0, 3, 1, 2)
    k4 = [1, 3, 2, 1] if fmt == "NHWC" else [1, 1, 3, 2]
    s4 = [1, 2, 2, 1] if fmt == "NHWC" else [1, 1, 2, 2]
    with tf.Graph().as_default(), tf.Session() as sess:
        mx = sess.run(tf.nn.max_pool(tf.constant(xin), k4, s4, "SAME", data_format=fmt))
        if dtype == np.int32:   # TensorFlow's AvgPool takes floats only
            with pytest.raises(TypeError, match="DataType int32 not in list of allowed values"):
                tf.nn.avg_pool(tf.constant(xin), k4, s4, "VALID", data_format=fmt)
            xin = xin.astype(np.float64)
        av = sess.run(tf.nn.avg_pool(tf.constant(xin), k4, s4, "VALID", data_format=fmt))
    if fmt == "NCHW":
        mx, av = mx.transpose(0, 2, 3, 1), av.transpose(0, 2, 3, 1)
    assert mx.dtype == dtype and av.dtype == (dtype if dtype != np.int32 else np.float64)
    np.testing.assert_array_equal(mx, reference_pool(x, "max", (3, 2), (2, 2), "SAME")
                                  .astype(dtype))
    tol = {np.float16: 1e-2, np.int32: 1}.get(dtype, 1e-5)   # values ~10; ints truncate
    np.testing.assert_allclose(av.astype(np.float64),
                               reference_pool(x, "avg", (3, 2), (2, 2), "VALID").astype(dtype),
                               rtol=tol / 10, atol=tol)


@pytest.mark.parametrize("k,s", [((3, 3), (1, 1)), ((7, 5), (1, 2)), ((4, 6), (2, 1)), ((2, 2), (2, 2))])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_row_folds_with_nans_and_long_windows(k, s, dtype):
    # NHWC folds a window's rows first (separable) or cell by cell (direct),
    # up to three cells a pass: windows longer than three, clipped SAME
    # borders and NaNs anywhere in a window go through both.
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 9, 11, 5)).astype(dtype)
    x[rng.random(x.shape) < 0.03] = np.nan
    tol = 1e-6 if dtype == np.float32 else 1e-14
    for mode in ("max", "avg"):
        for pad in ("SAME", "VALID"):
            want = reference_pool(x, mode, k, s, pad)
            for nthreads in (1, 2):
                np.testing.assert_allclose(K.pool2d(x, mode, k, s, pad, "NHWC", nthreads), want,
                                           rtol=tol, atol=tol)
