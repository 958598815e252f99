"""conv2d and conv2d_output_shape against an independent float64 numpy reference."""
import numpy as np
import pytest

from fastscope import _kernels as K


def reference_conv2d(x, f, strides, padding, dilations=(1, 1)):
    """Direct float64 NHWC/HWIO convolution written from TensorFlow's definition."""
    x = x.astype(np.float64)
    f = f.astype(np.float64)
    n, h, w, c = x.shape
    kh, kw, _, o = f.shape
    (sh, sw), (dh, dw) = strides, dilations
    eh, ew = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    if padding == "SAME":
        oh, ow = -(-h // sh), -(-w // sw)
        th, tw = max((oh - 1) * sh + eh - h, 0), max((ow - 1) * sw + ew - w, 0)
        pads = ((th // 2, th - th // 2), (tw // 2, tw - tw // 2))
    elif padding == "VALID":
        pads = ((0, 0), (0, 0))
    else:
        pads = padding
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    oh = (xp.shape[1] - eh) // sh + 1
    ow = (xp.shape[2] - ew) // sw + 1
    out = np.zeros((n, oh, ow, o))
    for i in range(kh):
        for j in range(kw):
            win = xp[:, i * dh: i * dh + (oh - 1) * sh + 1: sh, j * dw: j * dw + (ow - 1) * sw + 1: sw]
            out += np.einsum("nhwc,co->nhwo", win, f[i, j])
    return out


CASES = [
    # (n, h, w, c, kh, kw, o, strides, padding, dilations)
    (1, 1, 1, 1, 1, 1, 1, (1, 1), "SAME", (1, 1)),
    (2, 9, 11, 3, 3, 3, 5, (1, 1), "SAME", (1, 1)),
    (1, 8, 8, 4, 1, 1, 6, (1, 1), "SAME", (1, 1)),          # pointwise: plain GEMM
    (3, 5, 7, 4, 1, 1, 2, (1, 1), "VALID", (1, 1)),
    (2, 13, 7, 5, 4, 3, 3, (2, 3), "SAME", (2, 1)),
    (1, 10, 10, 2, 3, 3, 2, (3, 2), "VALID", (1, 2)),
    (2, 6, 9, 3, 3, 2, 4, (1, 2), ((1, 2), (0, 3)), (1, 1)),
    (1, 7, 7, 1, 7, 7, 1, (1, 1), "VALID", (1, 1)),         # filter as big as the image
    (1, 15, 15, 8, 5, 5, 7, (2, 2), "SAME", (1, 1)),
    (4, 17, 19, 6, 3, 3, 9, (1, 1), "SAME", (2, 3)),
    (1, 3, 3, 2, 5, 5, 2, (1, 1), "SAME", (1, 1)),          # filter bigger than the image
    (2, 40, 40, 16, 3, 3, 8, (1, 1), "SAME", (1, 1)),       # several L2 tiles
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "x".join(map(str, c[:7])) + f"-{c[8]}")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("nthreads", [1, 2])
def test_conv2d_matches_reference(case, dtype, nthreads):
    n, h, w, c, kh, kw, o, s, pad, d = case
    rng = np.random.default_rng(hash(case) % 2 ** 32)
    x = rng.standard_normal((n, h, w, c)).astype(dtype)
    f = rng.standard_normal((kh, kw, c, o)).astype(dtype)
    got = K.conv2d(x, f, s, pad, d, nthreads=nthreads)
    want = reference_conv2d(x, f, s, pad, d)
    assert got.dtype == dtype and got.shape == want.shape
    assert got.shape == K.conv2d_output_shape(x.shape, f.shape, s, pad, d)
    tol = (1e-5 if dtype == np.float32 else 1e-13) * np.sqrt(kh * kw * c)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(want).max())


def test_small_tiles_give_the_same_result(monkeypatch):
    # force many tiny tiles so tile edges fall mid-row and mid-image
    x = np.random.default_rng(1).standard_normal((3, 11, 13, 4)).astype(np.float32)
    f = np.random.default_rng(2).standard_normal((3, 3, 4, 5)).astype(np.float32)
    want = K.conv2d(x, f, (1, 1), "SAME")
    monkeypatch.setattr(K, "_CONV_TILE_BYTES", 1)
    monkeypatch.setattr(K, "_CONV_MIN_TILE_ROWS", 7)
    for nt in (1, 2, 3):
        np.testing.assert_allclose(K.conv2d(x, f, (1, 1), "SAME", nthreads=nt), want, rtol=1e-6)


@pytest.mark.parametrize("c", [1, 2, 3, 5, 8, 13, 40])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_padded_runs_of_every_length(c, dtype):
    # im2col copies each filter row as one run of KW*C values trimmed by the
    # padding; channel counts here give runs from 4 bytes to past 512 (the
    # libc-memcpy cutoff) and borders cut them at every offset
    rng = np.random.default_rng(c)
    x = rng.standard_normal((2, 11, 9, c)).astype(dtype)
    for k, s, pad in ((7, 2, "SAME"), (3, 1, "SAME"), (4, 1, ((2, 3), (3, 1))), (2, 3, "VALID")):
        f = rng.standard_normal((k, k, c, 3)).astype(dtype)
        want = reference_conv2d(x, f, (s, s), pad)
        tol = (1e-5 if dtype == np.float32 else 1e-13) * np.sqrt(k * k * c)
        for nt in (1, 2):
            np.testing.assert_allclose(K.conv2d(x, f, (s, s), pad, nthreads=nt), want, rtol=tol,
                                       atol=tol * np.abs(want).max())


@pytest.mark.parametrize("P,Kd", [(1, 9), (31, 9), (784, 800), (12544, 147), (25088, 1152),
                                  (100003, 27)])
@pytest.mark.parametrize("nthreads", [1, 2, 3])
def test_tiles_cover_all_rows_in_equal_shares(P, Kd, nthreads):
    rows = K._conv_tile_rows(P, Kd, 4, nthreads)
    ntiles = -(-P // rows)
    assert 1 <= rows <= P and (ntiles - 1) * rows < P
    assert rows <= max(K._CONV_MIN_TILE_ROWS, K._CONV_MAX_TILE_ROWS)
    if nthreads > 1 and P >= 2 * nthreads * K._CONV_MIN_TILE_ROWS:
        assert ntiles % nthreads == 0 and ntiles >= nthreads * K._CONV_TILES_PER_THREAD


def test_nchw_and_tensorflow_style_arguments():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 9, 8, 3))
    f = rng.standard_normal((3, 3, 3, 4))
    want = reference_conv2d(x, f, (2, 1), "SAME", (1, 2))
    got = K.conv2d(x.transpose(0, 3, 1, 2), f, [1, 1, 2, 1], "SAME", [1, 1, 1, 2], "NCHW")
    np.testing.assert_allclose(got, want.transpose(0, 3, 1, 2), rtol=1e-12, atol=1e-12)
    got4 = K.conv2d(x, f, [1, 2, 1, 1], [[0, 0], [1, 1], [2, 1], [0, 0]], [1, 1, 2, 1])
    np.testing.assert_allclose(got4, reference_conv2d(x, f, (2, 1), ((1, 1), (2, 1)), (1, 2)),
                               rtol=1e-12, atol=1e-12)


def test_non_contiguous_input_and_filter():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 20, 18, 6))[:, ::2, 1::2, ::2]
    f = rng.standard_normal((3, 3, 6, 8))[:, :, ::2, 1::2]
    np.testing.assert_allclose(K.conv2d(x, f, (1, 1), "SAME"),
                               reference_conv2d(x, f, (1, 1), "SAME"), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("xshape,fshape,pad,oshape", [
    ((0, 5, 5, 3), (3, 3, 3, 2), "SAME", (0, 5, 5, 2)),
    ((1, 5, 5, 0), (3, 3, 0, 2), "SAME", (1, 5, 5, 2)),     # zero channels: zeros
    ((1, 5, 5, 3), (3, 3, 3, 0), "VALID", (1, 3, 3, 0)),
    ((1, 2, 5, 3), (3, 3, 3, 2), "VALID", (1, 0, 3, 2)),    # TensorFlow allows 0 here
])
def test_empty_shapes(xshape, fshape, pad, oshape):
    out = K.conv2d(np.ones(xshape, np.float32), np.ones(fshape, np.float32), (1, 1), pad)
    assert out.shape == oshape and (out == 0).all()


def test_output_shape_with_unknown_dims():
    assert K.conv2d_output_shape((None, 32, None, 3), (5, 5, 3, 16), (2, 2), "SAME") == \
        (None, 16, None, 16)
    assert K.conv2d_output_shape((8, 3, 28, 28), (3, 3, 3, 4), (1, 1), "VALID",
                                 data_format="NCHW") == (8, 4, 26, 26)
    assert K.conv2d_output_shape((8, 28, 28, None), (3, 3, 3, 4), (1, 1), "VALID") == \
        (8, 26, 26, 4)


@pytest.mark.parametrize("args,match", [
    (((1, 5, 5, 3), (3, 3, 4, 2), (1, 1), "SAME"), "Depth of input"),
    (((5, 5, 3), (3, 3, 3, 2), (1, 1), "SAME"), "rank 4"),
    (((1, 5, 5, 3), (3, 3, 3), (1, 1), "SAME"), "rank 4"),
    (((1, 5, 5, 3), (3, 3, 3, 2), (0, 1), "SAME"), "strides"),
    (((1, 5, 5, 3), (3, 3, 3, 2), (1, -1), "SAME"), "strides"),
    (((1, 5, 5, 3), (3, 3, 3, 2), (1, 1), "FULL"), "padding"),
    (((1, 5, 5, 3), (3, 3, 3, 2), (1, 1), ((1, -1), (0, 0))), "padding"),
    (((1, 5, 5, 3), (3, 3, 3, 2), [2, 1, 1, 1], "SAME"), "batch and depth"),
    (((1, 1, 5, 3), (3, 3, 3, 2), (1, 1), "VALID"), "would be negative"),
])
def test_build_time_errors(args, match):
    with pytest.raises(ValueError, match=match):
        K.conv2d_output_shape(*args)
    x, f = np.ones(args[0], np.float32), np.ones(args[1], np.float32)
    with pytest.raises(ValueError, match=match):
        K.conv2d(x, f, *args[2:])


def test_dilation_errors_and_dtype_errors():
    x, f = np.ones((1, 5, 5, 3), np.float32), np.ones((3, 3, 3, 2), np.float32)
    with pytest.raises(ValueError, match="dilations"):
        K.conv2d(x, f, (1, 1), "SAME", (0, 1))
    with pytest.raises(TypeError):
        K.conv2d(x, f.astype(np.float64), (1, 1), "SAME")
    with pytest.raises(TypeError):
        K.conv2d(x.astype(np.int32), f.astype(np.int32), (1, 1), "SAME")
    with pytest.raises(ValueError, match="data_format"):
        K.conv2d(x, f, (1, 1), "SAME", data_format="NWHC")
