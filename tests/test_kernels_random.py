"""random_fill: Philox4x32-10 values, skip-ahead, sharding, threads, distributions."""
import math

import numpy as np
import pytest
from scipy import special, stats

from fastscope import _kernels as K

FLOATS = [np.float32, np.float64]
INTS = [np.int32, np.int64]
FLOAT_DISTS = [K.UNIFORM, K.NORMAL, K.TRUNCATED_NORMAL]
PARAMS = {K.UNIFORM: (-1.5, 2.5), K.NORMAL: (0.5, 2.0), K.TRUNCATED_NORMAL: (-1.0, 0.5)}


def fill(shape, dtype, dist, a=0.0, b=1.0, key=1234, stream=7, **kw):
    out = np.empty(shape, dtype)
    K.random_fill(out, key, stream, dist, a, b, **kw)
    return out


# ---- the generator itself -------------------------------------------------

@pytest.mark.parametrize("ctr,key,expected", [
    # Random123 known-answer vectors for philox4x32_10
    ([0, 0, 0, 0], [0, 0], [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]),
    ([0xFFFFFFFF] * 4, [0xFFFFFFFF] * 2, [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]),
    ([0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], [0xA4093822, 0x299F31D0],
     [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]),
])
def test_philox_known_answer_vectors(ctr, key, expected):
    assert K._philox4x32_10(ctr, key) == expected


def _words(j, per_block, key, stream):
    """The four Philox words feeding logical element j, and which word it uses."""
    e = 16 * per_block
    s, r = divmod(j, e)
    w, i = divmod(r, 16)
    g = s * 16 + i
    ctr = [g & 0xFFFFFFFF, g >> 32, stream & 0xFFFFFFFF, stream >> 32]
    return K._philox4x32_10(ctr, [key & 0xFFFFFFFF, key >> 32]), w


def _reference(j, dtype, dist, a, b, key, stream):
    """Independent float64 model of element j (documented layout + transforms)."""
    f32 = np.dtype(dtype) == np.float32
    x, w = _words(j, 4 if np.dtype(dtype).itemsize == 4 else 2, key, stream)
    if dist == K.UNIFORM_INT:
        if np.dtype(dtype) == np.int32:
            return int(a) + ((x[w] * (int(b) - int(a))) >> 32)
        r = (x[2 * w] << 32) | x[2 * w + 1]
        return int(a) + ((r * (int(b) - int(a))) >> 64)
    if f32:
        if dist == K.UNIFORM:
            return a + (b - a) * ((x[w] >> 8) * 2.0 ** -24)
        if dist == K.NORMAL:
            h, sin = divmod(w, 2)
            u1 = ((x[2 * h] >> 9) + 0.5) * 2.0 ** -23
            q, t = x[2 * h + 1] >> 30, ((x[2 * h + 1] >> 6) & 0xFFFFFF) * 2.0 ** -24 - 0.5
            theta = (q + t) * math.pi / 2
            z = math.sqrt(-2 * math.log(u1)) * (math.sin(theta) if sin else math.cos(theta))
            return a + b * z
        u = ((x[w] >> 9) + 0.5) * 2.0 ** -23
    else:
        u53 = lambda p, q: ((p << 21) | (q >> 11)) * 2.0 ** -53  # noqa: E731
        open01 = lambda p, q: (((p << 20) | (q >> 12)) + 0.5) * 2.0 ** -52  # noqa: E731
        if dist == K.UNIFORM:
            return a + (b - a) * u53(x[2 * w], x[2 * w + 1])
        if dist == K.NORMAL:
            rad = math.sqrt(-2 * math.log(open01(x[0], x[1])))
            theta = 2 * math.pi * u53(x[2], x[3])
            return a + b * rad * (math.sin(theta) if w else math.cos(theta))
        u = open01(x[2 * w], x[2 * w + 1])
    # truncated normal: inverse CDF of a uniform restricted to [Phi(-2), Phi(2)]
    z = math.sqrt(2) * special.erfinv((2 * u - 1) * math.erf(math.sqrt(2)))
    return a + b * min(2.0, max(-2.0, z))


@pytest.mark.parametrize("dtype", FLOATS + INTS)
@pytest.mark.parametrize("dist", FLOAT_DISTS + [K.UNIFORM_INT])
def test_values_match_the_documented_philox_model(dtype, dist):
    if (dist == K.UNIFORM_INT) != (np.dtype(dtype).kind == "i"):
        pytest.skip("dtype does not suit the distribution")
    a, b = (-5, 1000) if dist == K.UNIFORM_INT else PARAMS[dist]
    key, stream = 0x0123456789ABCDEF, 0xFEDCBA9876543210
    n = 300
    out = fill(n, dtype, dist, a, b, key=key, stream=stream)
    ref = np.array([_reference(j, dtype, dist, a, b, key, stream) for j in range(n)])
    if dist == K.UNIFORM_INT:
        np.testing.assert_array_equal(out, ref)
    else:
        # float32 uses polynomial log/sincos/erfinv: a few ulp, times the scale
        tol = 4e-6 * abs(b) * (1 + np.abs(ref - a) / abs(b)) if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(out, ref, rtol=0, atol=np.max(tol))


# ---- determinism: threads, sharding, keys ---------------------------------

@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("dist", FLOAT_DISTS)
def test_values_do_not_depend_on_thread_count(dtype, dist):
    ref = fill((1001, 37), dtype, dist, nthreads=1)
    for n in (2, 7):
        np.testing.assert_array_equal(fill((1001, 37), dtype, dist, nthreads=n), ref)


@pytest.mark.parametrize("dtype", FLOATS + INTS)
@pytest.mark.parametrize("block", [
    (slice(5, 18), slice(None), slice(None)),        # axis 0 shard at an odd offset
    (slice(None), slice(3, 26), slice(None)),        # axis 1
    (slice(None), slice(None), slice(1, 12)),        # last axis
    (slice(11, 12), slice(7, 8), slice(5, 6)),       # a single element
    (slice(33, 37), slice(1, 28), slice(3, 13)),     # all three axes
    (slice(0, 0), slice(None), slice(None)),         # empty shard
])
@pytest.mark.parametrize("nthreads", [1, 3])
def test_shard_equals_slice_of_full_fill(dtype, block, nthreads):
    full_shape = (37, 29, 13)
    dist = K.UNIFORM_INT if np.dtype(dtype).kind == "i" else K.TRUNCATED_NORMAL
    a, b = (-9, 9) if dist == K.UNIFORM_INT else (0.0, 1.0)
    full = fill(full_shape, dtype, dist, a, b)
    want = full[block]
    offset = [s.indices(n)[0] for s, n in zip(block, full_shape)]
    shard = fill(want.shape, dtype, dist, a, b, full_shape=full_shape, offset=offset,
                 nthreads=nthreads)
    np.testing.assert_array_equal(shard, want)


def test_skip_ahead_is_exact_for_odd_starts_in_1d():
    full = fill(1000, np.float32, K.NORMAL)
    for start in (1, 3, 17, 63, 64, 65, 127, 511):
        part = fill(1000 - start - 5, np.float32, K.NORMAL, full_shape=(1000,), offset=(start,))
        np.testing.assert_array_equal(part, full[start:995])


def test_rank_zero_and_empty_outputs():
    scalar = fill((), np.float64, K.NORMAL)
    assert scalar.shape == () and np.isfinite(scalar)
    assert scalar == fill((1,), np.float64, K.NORMAL)[0]
    assert fill((3, 0, 4), np.float32, K.UNIFORM).shape == (3, 0, 4)


@pytest.mark.parametrize("dist", FLOAT_DISTS)
def test_keys_and_streams_give_different_values(dist):
    base = fill(1000, np.float32, dist, key=1, stream=0)
    for other in (fill(1000, np.float32, dist, key=2, stream=0),
                  fill(1000, np.float32, dist, key=1, stream=1),
                  fill(1000, np.float32, dist, key=1 << 40, stream=0),
                  fill(1000, np.float32, dist, key=1, stream=1 << 40)):
        assert np.mean(base == other) < 0.01
    np.testing.assert_array_equal(base, fill(1000, np.float32, dist, key=1, stream=0))


# ---- distributions --------------------------------------------------------

N = 10 ** 6


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("dist,cdf,mean,std", [
    (K.UNIFORM, stats.uniform(-1.5, 4.0).cdf, 0.5, 4.0 / math.sqrt(12)),
    (K.NORMAL, stats.norm(0.5, 2.0).cdf, 0.5, 2.0),
    (K.TRUNCATED_NORMAL, stats.truncnorm(-2, 2, loc=-1.0, scale=0.5).cdf, -1.0,
     0.5 * stats.truncnorm(-2, 2).std()),
])
def test_distribution_moments_and_kolmogorov_smirnov(dtype, dist, cdf, mean, std):
    a, b = PARAMS[dist]
    x = fill(N, dtype, dist, a, b, key=99, stream=3, nthreads=2).astype(np.float64)
    assert abs(x.mean() - mean) < 5 * std / math.sqrt(N)
    assert abs(x.std() / std - 1) < 5e-3
    res = stats.kstest(x, cdf)
    assert res.pvalue > 1e-4, res


def test_truncated_normal_never_crosses_two_stddev():
    for dtype in FLOATS:
        for a, b in ((0.0, 1.0), (3.0, 0.25), (-1e3, 7.0)):
            x = fill(N, dtype, K.TRUNCATED_NORMAL, a, b, key=5)
            lo, hi = dtype(a) - dtype(2) * dtype(b), dtype(a) + dtype(2) * dtype(b)
            assert x.min() >= lo and x.max() <= hi
            # and the bounds are approached: the tails are really sampled
            assert x.max() > a + 1.99 * b and x.min() < a - 1.99 * b


@pytest.mark.parametrize("dtype", FLOATS)
def test_uniform_is_half_open_even_when_rounding_would_reach_b(dtype):
    x = fill(N, dtype, K.UNIFORM, -3.0, 5.0)
    assert x.min() >= -3.0 and x.max() < 5.0
    one = dtype(1)
    tiny = fill(10000, dtype, K.UNIFORM, float(one), float(np.nextafter(one, dtype(2))))
    assert (tiny == one).all()   # the only value in [1, nextafter(1)) is 1


@pytest.mark.parametrize("dtype", INTS)
@pytest.mark.parametrize("lo,hi", [(-3, 5), (0, 1), (10, 1000), (-(2 ** 31), 2 ** 31 - 1)])
def test_uniform_int_range_and_uniformity(dtype, lo, hi):
    x = fill(200_000, dtype, K.UNIFORM_INT, lo, hi)
    assert x.dtype == dtype and x.min() >= lo and x.max() < hi
    if hi - lo == 1:
        assert (x == lo).all()
    elif hi - lo <= 1000:
        counts = np.bincount(x - lo, minlength=hi - lo)
        assert counts.min() > 0
        assert stats.chisquare(counts).pvalue > 1e-4
    else:
        assert abs(x.astype(np.float64).mean() - (lo + hi - 1) / 2) < 0.01 * (hi - lo)


def test_uniform_int64_covers_wide_ranges():
    x = fill(100_000, np.int64, K.UNIFORM_INT, -(2.0 ** 62), 2.0 ** 62)
    assert x.min() >= -(2 ** 62) and x.max() < 2 ** 62
    assert x.min() < -(2 ** 61) and x.max() > 2 ** 61
    assert len(np.unique(x)) == len(x)


# ---- errors ----------------------------------------------------------------

@pytest.mark.parametrize("call,exc", [
    (lambda: K.random_fill([0.0, 1.0], 1, 0, K.UNIFORM, 0, 1), TypeError),
    (lambda: K.random_fill(np.empty((4, 4), np.float32)[:, ::2], 1, 0, K.UNIFORM, 0, 1),
     ValueError),
    (lambda: K.random_fill(np.empty(3, np.float16), 1, 0, K.NORMAL, 0, 1), TypeError),
    (lambda: K.random_fill(np.empty(3, np.int32), 1, 0, K.NORMAL, 0, 1), TypeError),
    (lambda: K.random_fill(np.empty(3, np.float32), 1, 0, K.UNIFORM_INT, 0, 5), TypeError),
    (lambda: K.random_fill(np.empty(3, np.float32), 1, 0, 9, 0, 1), ValueError),
    (lambda: K.random_fill(np.empty(3, np.int32), 1, 0, K.UNIFORM_INT, 5, 5), ValueError),
    (lambda: K.random_fill(np.empty(3, np.int32), 1, 0, K.UNIFORM_INT, 0.5, 5), ValueError),
    (lambda: K.random_fill(np.empty(3, np.int32), 1, 0, K.UNIFORM_INT, 0, 2.0 ** 32),
     ValueError),
    (lambda: K.random_fill(np.empty((2, 3), np.float32), 1, 0, K.UNIFORM, 0, 1,
                           full_shape=(4, 3), offset=(3, 0)), ValueError),
    (lambda: K.random_fill(np.empty((2, 3), np.float32), 1, 0, K.UNIFORM, 0, 1,
                           full_shape=(4,)), ValueError),
    (lambda: K.random_fill(np.empty((2, 3), np.float32), 1, 0, K.UNIFORM, 0, 1,
                           full_shape=(2, 3), offset=(-1, 0)), ValueError),
])
def test_bad_arguments_raise(call, exc):
    with pytest.raises(exc):
        call()


def test_read_only_output_is_rejected():
    out = np.empty(4, np.float32)
    out.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        K.random_fill(out, 1, 0, K.UNIFORM, 0, 1)
