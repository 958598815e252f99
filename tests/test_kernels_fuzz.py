"""Random shapes, layouts and dtypes against each compiled kernel, values checked.

Derandomised (fixed seeds): each test draws ``N`` cases, mostly valid, some not. A valid
case must return the float64 reference's values; an invalid one must raise the
kernel's documented error type (ValueError, TypeError, IndexError). Each test counts
the cases that reached the reference and asserts a minimum share, so a kernel that
rejected everything would fail.
"""
import numpy as np
import pytest

from fastscope import _kernels as K
from test_kernels_conv2d import reference_conv2d
from test_kernels_pool import reference_pool

N = 150
OK_ERRORS = (ValueError, TypeError, IndexError)


def _layout(rng, x):
    """The same values, maybe strided, reversed-then-back, transposed-then-back or read-only."""
    r = rng.random()
    if x.ndim and r < 0.2:
        big = np.zeros(tuple(2 * d for d in x.shape), x.dtype)
        v = big[tuple(slice(None, None, 2) for _ in x.shape)]
        v[...] = x
        return v
    if x.ndim >= 2 and r < 0.4:
        return np.ascontiguousarray(np.swapaxes(x, -1, -2)).swapaxes(-1, -2)
    if x.ndim and r < 0.5:
        return np.ascontiguousarray(x[::-1])[::-1]
    if r < 0.6:
        y = x.copy()
        y.flags.writeable = False
        return y
    return x


def _vals(rng, shape, dtype):
    x = rng.integers(-3, 4, shape).astype(dtype) if np.dtype(dtype).kind in "iub" else \
        rng.standard_normal(shape).astype(dtype)
    return x


def _count(results, min_share):
    reached = sum(results)
    assert reached >= min_share * len(results), "%d of %d cases reached the reference" % (
        reached, len(results))


def test_matmul_fuzz():
    rng = np.random.default_rng(101)
    reached = []
    for _ in range(N):
        dt = rng.choice([np.float32, np.float64, np.int32, np.int64, np.complex64,
                         np.float16, np.bool_])
        m, k, n = (int(rng.integers(0, 9)) for _ in range(3))
        batch = tuple(int(rng.integers(1, 3)) for _ in range(int(rng.integers(0, 3))))
        ta, tb = bool(rng.integers(2)), bool(rng.integers(2))
        kb = k if rng.random() < 0.85 else k + 1
        a = _layout(rng, _vals(rng, batch + ((k, m) if ta else (m, k)), dt))
        b = _layout(rng, _vals(rng, (n, kb) if tb else (kb, n), dt))
        valid = kb == k and np.dtype(dt) != np.bool_
        try:
            got = K.matmul(a, b, ta, tb, nthreads=int(rng.integers(1, 4)))
        except OK_ERRORS:
            assert not valid, (dt, a.shape, b.shape, ta, tb)
            reached.append(False)
            continue
        assert valid
        want = np.matmul(np.swapaxes(a, -1, -2) if ta else a,
                         np.swapaxes(b, -1, -2) if tb else b).astype(np.complex128)
        tol = 2e-2 if dt == np.float16 else 1e-4
        np.testing.assert_allclose(got.astype(np.complex128), want, rtol=tol, atol=tol)
        reached.append(True)
    _count(reached, 0.6)


def test_matmul_small_fuzz():
    rng = np.random.default_rng(102)
    reached = []
    for _ in range(N):
        dt = rng.choice([np.float32, np.float64, np.int32])
        m, k, n = (int(rng.integers(0, 12)) for _ in range(3))
        a, b = _layout(rng, _vals(rng, (m, k), dt)), _layout(rng, _vals(rng, (k, n), dt))
        got = K.matmul_small(a, b)
        if got is None:
            reached.append(False)
            continue
        np.testing.assert_allclose(got, a.astype(np.float64) @ b, rtol=1e-5, atol=1e-5)
        reached.append(True)
    _count(reached, 0.4)


def test_conv2d_fuzz():
    rng = np.random.default_rng(103)
    reached = []
    for _ in range(N):
        dt = rng.choice([np.float32, np.float64, np.float32, np.float64, np.int32])
        x = _layout(rng, _vals(rng, (int(rng.integers(0, 3)), int(rng.integers(1, 8)),
                                     int(rng.integers(1, 8)), int(rng.integers(1, 4))), dt))
        c = x.shape[3] if rng.random() < 0.9 else x.shape[3] + 1
        f = _layout(rng, _vals(rng, (int(rng.integers(1, 4)), int(rng.integers(1, 4)), c,
                                     int(rng.integers(1, 4))), dt))
        s = (int(rng.integers(0 if rng.random() < 0.05 else 1, 3)), int(rng.integers(1, 3)))
        d = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        pad = ["SAME", "VALID", ((1, 0), (0, 2)), "SAME", "VALID", "FULL"][int(rng.integers(6))]
        eh = (f.shape[0] - 1) * d[0] + 1
        ew = (f.shape[1] - 1) * d[1] + 1
        extra = (0, 0) if isinstance(pad, str) else (1, 2)
        # TensorFlow's windowed output size (C's truncating division): negative is an error
        oh = int((x.shape[1] + extra[0] - eh + max(s[0], 1)) / max(s[0], 1))
        ow = int((x.shape[2] + extra[1] - ew + s[1]) / s[1])
        valid = (dt != np.int32 and c == x.shape[3] and min(s) >= 1 and pad != "FULL"
                 and (pad == "SAME" or (oh >= 0 and ow >= 0)))
        try:
            got = K.conv2d(x, f, s, pad, d, nthreads=int(rng.integers(1, 4)))
        except OK_ERRORS:
            assert not valid, (x.shape, f.shape, s, pad, d, dt)
            reached.append(False)
            continue
        assert valid, (x.shape, f.shape, s, pad, d, dt)
        if pad != "SAME" and (oh == 0 or ow == 0):
            assert got.shape == (x.shape[0], oh, ow, f.shape[3])
        else:
            np.testing.assert_allclose(got, reference_conv2d(x, f, s, pad, d), rtol=1e-4,
                                       atol=1e-4)
        reached.append(True)
    _count(reached, 0.5)


def test_pool2d_fuzz():
    rng = np.random.default_rng(104)
    reached = []
    for _ in range(N):
        dt = rng.choice([np.float32, np.float64, np.int32])
        x = _vals(rng, (int(rng.integers(0, 3)), int(rng.integers(1, 8)), int(rng.integers(1, 8)),
                        int(rng.integers(0, 4))), dt)
        if dt != np.int32 and rng.random() < 0.3:
            x.reshape(-1)[::4] = np.nan
        x = _layout(rng, x)
        k = (int(rng.integers(0 if rng.random() < 0.05 else 1, 4)), int(rng.integers(1, 4)))
        s = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        pad, mode = ["SAME", "VALID"][int(rng.integers(2))], ["max", "avg"][int(rng.integers(2))]
        valid = dt != np.int32 and min(k) >= 1 and (
            pad == "SAME" or (x.shape[1] >= k[0] and x.shape[2] >= k[1]))
        try:
            got = K.pool2d(x, mode, k, s, pad, nthreads=int(rng.integers(1, 4)))
        except OK_ERRORS:
            assert not valid, (x.shape, k, s, pad, dt)
            reached.append(False)
            continue
        assert valid
        np.testing.assert_allclose(got, reference_pool(x, mode, k, s, pad), rtol=1e-5, atol=1e-6)
        reached.append(True)
    _count(reached, 0.5)


def test_random_fill_fuzz():
    rng = np.random.default_rng(105)
    reached = []
    for _ in range(N):
        dt = rng.choice([np.float32, np.float64, np.int32, np.int64, np.float16])
        shape = tuple(int(rng.integers(0, 6)) for _ in range(int(rng.integers(0, 4))))
        out = np.empty(shape, dt)
        if rng.random() < 0.15 and out.ndim:
            out = np.empty(tuple(2 * d for d in shape), dt)[tuple(slice(None, None, 2)
                                                                   for _ in shape)]
        ints = np.dtype(dt).kind == "i"
        dist = int(rng.integers(0, 4)) if rng.random() < 0.2 else (
            K.UNIFORM_INT if ints else int(rng.integers(0, 3)))
        a, b = float(rng.integers(-3, 2)), float(rng.integers(-1, 4))
        valid = (out.flags.c_contiguous and dt != np.float16
                 and (ints == (dist == K.UNIFORM_INT)) and (dist != K.UNIFORM_INT or a < b))
        try:
            K.random_fill(out, 7, 1, dist, a, b, nthreads=int(rng.integers(1, 4)))
        except OK_ERRORS:
            assert not valid, (dt, shape, dist, a, b)
            reached.append(False)
            continue
        assert valid
        if dist in (K.UNIFORM, K.UNIFORM_INT) and out.size:
            assert ((out >= min(a, b)) & (out <= max(a, b))).all()
        again = np.empty_like(out)
        K.random_fill(again, 7, 1, dist, a, b, nthreads=1)
        np.testing.assert_array_equal(out, again)      # any thread count, the same values
        reached.append(True)
    _count(reached, 0.4)


def test_gather_shards_fuzz():
    rng = np.random.default_rng(106)
    reached = []
    for _ in range(N):
        dt = rng.choice([np.float32, np.int64, np.float64, np.uint8])
        rows, nshards = int(rng.integers(1, 12)), int(rng.integers(1, 4))
        table = _vals(rng, (rows,) + tuple(int(rng.integers(0, 4))
                                           for _ in range(int(rng.integers(0, 3)))), dt)
        strategy = [K.GATHER_MOD, K.GATHER_DIV][int(rng.integers(2))] if nshards > 1 else \
            K.GATHER_ONE
        parts = ([table[i::nshards] for i in range(nshards)] if strategy == K.GATHER_MOD else
                 np.array_split(table, nshards)) if nshards > 1 else [table]
        parts = [np.ascontiguousarray(p) for p in parts]
        ids = rng.integers(-1 if rng.random() < 0.1 else 0, rows + (rng.random() < 0.1),
                           tuple(int(rng.integers(0, 5)) for _ in range(int(rng.integers(0, 3)))))
        ids = ids.astype(rng.choice([np.int32, np.int64]))
        valid = not ids.size or (ids.min() >= 0 and ids.max() < rows)
        try:
            got = K.gather_shards(parts, ids, strategy, int(rng.integers(1, 4)))
        except OK_ERRORS:
            assert not valid, (rows, nshards, ids)
            reached.append(False)
            continue
        assert valid
        np.testing.assert_array_equal(got, table[ids])
        reached.append(True)
    _count(reached, 0.5)


@pytest.mark.parametrize("n", [0, 1, 7, 64, 1000, 4099])
def test_crc32c_against_a_bitwise_reference(n):
    data = np.random.default_rng(n).integers(0, 256, n).astype(np.uint8).tobytes()
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    assert K.crc32c(data) == crc ^ 0xFFFFFFFF
