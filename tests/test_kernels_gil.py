"""The kernels release the GIL: two Python threads running kernels overlap.

Each kernel runs single-threaded (nthreads=1), so any overlap comes from the
two Python threads running at once. On a noisy 2-core machine we take the
best of several tries.
"""
import hashlib
import os
import threading
import time

import numpy as np
import pytest

from fastscope import _kernels as K

pytestmark = pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs 2 CPUs")


def _timed(fn, n_threads):
    barrier = threading.Barrier(n_threads)

    def run():
        barrier.wait()
        fn()

    threads = [threading.Thread(target=run) for _ in range(n_threads)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def _overlap_ratio(fn, tries=12):
    """Best (time of two concurrent calls) / (2 x time of one call)."""
    fn()
    best = float("inf")
    for _ in range(tries):
        single = min(_timed(fn, 1) for _ in range(2))
        pair = _timed(fn, 2)
        best = min(best, pair / (2 * single))
        if best < 0.7:
            break
    return best


_BLOB = os.urandom(8 << 20)
_rand_out = [np.empty(6_000_000, np.float32) for _ in range(2)]
_mm = np.random.default_rng(0).standard_normal((700, 700)).astype(np.float32)
_x = np.random.default_rng(1).standard_normal((8, 48, 48, 32)).astype(np.float32)
_f = np.random.default_rng(2).standard_normal((3, 3, 32, 32)).astype(np.float32)


def _random():
    K.random_fill(_rand_out[threading.get_ident() % 2], 1, 2, K.NORMAL, 0.0, 1.0, nthreads=1)


@pytest.mark.parametrize("name,fn", [
    ("random_fill", _random),
    ("matmul", lambda: K.matmul(_mm, _mm, nthreads=1)),
    ("conv2d", lambda: K.conv2d(_x, _f, (1, 1), "SAME", nthreads=1)),
])
def test_two_threads_overlap(name, fn):
    ratio = _overlap_ratio(fn)
    if ratio >= 0.75:
        # Is a second core free at all right now (a VM neighbour may hold it)?
        # hashlib releases the GIL on large buffers: it is the control.
        control = _overlap_ratio(lambda: hashlib.sha256(_BLOB).digest())
        if control >= 0.75:
            pytest.skip(f"no second core free now (GIL-free control overlapped {control:.2f}x)")
    assert ratio < 0.75, f"{name}: two concurrent calls took {ratio:.2f}x the serial time"
