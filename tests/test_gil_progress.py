"""The kernels release the GIL: a Python thread makes progress *during* a kernel call.

Unlike a wall-clock overlap test, this needs no free second core: if a kernel held
the GIL, the counting thread could not run at all while it executes (its count
would stay ~0), however the OS shares the CPUs. With the GIL released it keeps
counting at a good fraction of its solo rate even on a loaded machine.
"""
import threading
import time

import numpy as np
import pytest

from fastscope import _kernels


def _kernels_under_test():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((700, 700))
    x = rng.standard_normal((16, 64, 64, 32)).astype(np.float32)   # ~10 ms: long enough to be scheduled on a loaded machine
    w = rng.standard_normal((3, 3, 32, 32)).astype(np.float32)
    params = rng.standard_normal((200_000, 64)).astype(np.float32)
    ids = rng.integers(0, 200_000, 400_000)
    img = rng.standard_normal((8, 112, 112, 64)).astype(np.float32)
    out = np.empty(30_000_000, np.float32)
    return {
        "random_fill": lambda: _kernels.random_fill(out, 1, 0, 1, 0.0, 1.0, None, None, 1),
        "matmul": lambda: _kernels.matmul(a, a, False, False, False, False, 1),
        "conv2d": lambda: _kernels.conv2d(x, w, (1, 1), "SAME", (1, 1), "NHWC", 1),
        "gather": lambda: _kernels.gather(params, ids, 1),
        "max_pool": lambda: _kernels.pool2d(img, "max", (3, 3), (1, 1), "SAME", "NHWC", 1),
        "avg_pool": lambda: _kernels.pool2d(img, "avg", (3, 3), (1, 1), "SAME", "NHWC", 1),
    }


KERNELS = _kernels_under_test()


def _progress_during(fn, repeat=3):
    """(iterations the other thread made per second while ``fn`` ran, its solo rate)."""
    count = [0]
    stop = threading.Event()

    def counter():
        while not stop.is_set():
            count[0] += 1

    t = threading.Thread(target=counter)
    t.start()
    try:
        time.sleep(0.05)
        c0, t0 = count[0], time.perf_counter()
        time.sleep(0.2)   # sleeping releases the GIL: the solo rate of the counter
        solo = (count[0] - c0) / (time.perf_counter() - t0)
        best = 0.0
        for _ in range(repeat):
            c0, t0 = count[0], time.perf_counter()
            fn()
            c1, t1 = count[0], time.perf_counter()
            best = max(best, (c1 - c0) / (t1 - t0))
    finally:
        stop.set()
        t.join()
    return best, solo


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_python_thread_progresses_while_kernel_runs(name):
    fn = KERNELS[name]
    fn()
    during, solo = _progress_during(fn)
    assert during > 0.05 * solo, (name, during, solo)


def test_the_probe_detects_a_gil_holding_call():
    # Control: sorting a Python list of ints runs in C holding the GIL throughout.
    big = np.random.default_rng(0).integers(0, 1 << 30, 1_500_000).tolist()
    during, solo = _progress_during(lambda: sorted(big), repeat=1)
    assert during < 0.05 * solo, (during, solo)
