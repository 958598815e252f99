"""Kernel benchmarks: matmul, conv2d, pooling, random fills against numpy/scipy, PyTorch, TensorFlow.

Every row times fastscope and its peers interleaved in one process (medians).
PyTorch and TensorFlow are imported lazily; when absent, the row says so.
Thread counts: each row names the threads given to every contestant (torch via
torch.set_num_threads; numpy/scipy use their BLAS default, noted; TensorFlow's
intra-op pool is fixed at start-up, noted).
"""
import os
import time

import numpy as np

from bench._harness import Row, time_interleaved


def _settle():
    # Not timed: lets the previous contestant's idle worker threads (OpenBLAS
    # spins ~2^28 cycles, OpenMP pools spin too) go to sleep, so they do not
    # steal one of the two cores from the next contestant.
    time.sleep(0.1)


def _timed(cases, repeats, max_seconds):
    """time_interleaved with enough calls per block (~40 ms) that a block
    measures throughput, not the wake-up of a pool that _settle put to sleep."""
    fn = cases["fastscope"]
    fn()
    t0 = time.perf_counter()
    fn()
    number = int(max(1, min(100, 0.04 / max(time.perf_counter() - t0, 1e-6))))
    return time_interleaved(cases, repeats=repeats, number=number, max_seconds=max_seconds,
                            setup=_settle)


def _torch():
    try:
        import torch
        return torch
    except ImportError:
        return None


def _tf():
    try:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf
        return tf
    except ImportError:
        return None


def _with_torch_threads(torch, n, fn):
    def call():
        torch.set_num_threads(n)
        return fn()
    return call


def _missing(torch, tf):
    out = []
    if torch is None:
        out.append("torch not installed")
    if tf is None:
        out.append("tensorflow not installed")
    return "; ".join(out)


_SKX_SNIPPET = """
import sys, time, numpy as np
m, n, k, reps = map(int, sys.argv[1:5])
rng = np.random.default_rng(0)
a = rng.standard_normal((m, k)).astype(np.float32)
b = rng.standard_normal((k, n)).astype(np.float32)
a @ b
t0 = time.perf_counter(); a @ b; one = time.perf_counter() - t0
number = int(max(1, min(100, 0.04 / max(one, 1e-6))))
ts = []
for _ in range(reps):
    t0 = time.perf_counter()
    for _ in range(number):
        a @ b
    ts.append((time.perf_counter() - t0) / number)
ts.sort()
print(ts[len(ts) // 2])
"""


def _openblas_skylakex(m, n, k, reps):
    """numpy's a @ b in a subprocess with OPENBLAS_CORETYPE=SkylakeX (OpenBLAS's AVX-512
    kernels): what this CPU can do when the environment does not pin OpenBLAS to Haswell.
    Not interleaved with the other columns (another process); None if it fails."""
    import subprocess
    import sys
    env = dict(os.environ, OPENBLAS_CORETYPE="SkylakeX", OPENBLAS_NUM_THREADS="2")
    try:
        out = subprocess.run([sys.executable, "-c", _SKX_SNIPPET, str(m), str(n), str(k),
                              str(reps)], env=env, capture_output=True, text=True, timeout=120)
        return float(out.stdout.strip())
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


# (m, n, k) of the matmul rows: squares, and the im2col GEMMs of two conv2d layers
# (56x56x64 3x3 over 8 images; 224x224x3 7x7 stride 2 on one image).
MATMUL_SHAPES_QUICK = [(512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048),
                       (25088, 64, 576), (12544, 64, 147)]
MATMUL_SHAPES_FULL = [(256, 256, 256)] + MATMUL_SHAPES_QUICK


def bench_matmul(quick, torch, tf):
    """float32 matmul, 2 threads. Columns: numpy (its OpenBLAS, as the environment
    configures it), fastscope-blas (fastscope's BLAS path, FASTSCOPE_GEMM=blas),
    openblas-skx (OpenBLAS's AVX-512 kernels, another process), torch, tensorflow."""
    from fastscope import _kernels as K
    rows = []
    core, _ = K.blas_info()
    mode, isa = K.gemm_info()
    for (m, n, k) in (MATMUL_SHAPES_QUICK if quick else MATMUL_SHAPES_FULL):
        rng = np.random.default_rng(m + n + k)
        a = rng.standard_normal((m, k)).astype(np.float32)
        b = rng.standard_normal((k, n)).astype(np.float32)

        def blas_path(a=a, b=b):
            old = K._set_gemm_mode("blas")
            try:
                return K.matmul(a, b, nthreads=2)
            finally:
                K._set_gemm_mode(old)
        cases = {"fastscope": lambda a=a, b=b: K.matmul(a, b, nthreads=2),
                 "numpy": lambda a=a, b=b: a @ b, "fastscope-blas": blas_path}
        if torch is not None:
            ta, tb = torch.from_numpy(a), torch.from_numpy(b)
            cases["torch"] = _with_torch_threads(torch, 2, lambda ta=ta, tb=tb: torch.mm(ta, tb))
        if tf is not None:
            fa, fb = tf.constant(a), tf.constant(b)
            cases["tensorflow"] = lambda fa=fa, fb=fb: tf.linalg.matmul(fa, fb).numpy()
        big = m * n * k >= 2048 ** 3
        t = _timed(cases, repeats=5 if big else 7, max_seconds=8)
        skx = _openblas_skylakex(m, n, k, 5 if big else 7)
        if skx is not None:
            t["openblas-skx"] = skx
        flops = 2.0 * m * n * k
        gf = {name: flops / sec / 1e9 for name, sec in t.items()}
        square = m == n == k
        label = (f"float32 {m}x{k} @ {k}x{n}, 2 threads" + ("" if square else " (conv2d im2col)"))
        note = (f"{gf['fastscope']:.0f} GFLOP/s (own GEMM, {isa}, mode {mode}); "
                + ", ".join(f"{p} {g:.0f}" for p, g in gf.items() if p != "fastscope")
                + f"; numpy/fastscope-blas: OpenBLAS core {core}; openblas-skx: "
                "OPENBLAS_CORETYPE=SkylakeX in a subprocess, not interleaved")
        miss = _missing(torch, tf)
        rows.append(Row("matmul", label, t.pop("fastscope"), t,
                        goal=">=0.95x best peer" if square and m >= 1024 else "",
                        note=note + ("; " + miss if miss else "")))
    return rows


CONV_SHAPES = [  # (batch, H, W, Cin, k, Cout, stride, padding)
    (1, 224, 224, 3, 7, 64, 2, "SAME"), (8, 56, 56, 64, 3, 64, 1, "SAME"),
    (32, 28, 28, 128, 3, 128, 1, "SAME"), (8, 14, 14, 256, 3, 256, 1, "SAME"),
    (1, 32, 32, 32, 5, 32, 1, "VALID"), (16, 32, 32, 32, 5, 32, 1, "SAME"),
]


def bench_conv2d(quick, torch, tf):
    """The issue-3 shapes x {1, 2} threads (2 only in quick mode), then gmean rows.

    Each contestant's GFLOP/s is in the note. For TensorFlow and PyTorch in
    separate environments, at matched thread counts (TensorFlow's pool is fixed
    at start-up), and fastscope with OPENBLAS_CORETYPE=SkylakeX alongside, use
    bench/bench_conv_peers.py.
    """
    from fastscope import _kernels as K
    rows = []
    for nthreads in ((2,) if quick else (1, 2)):
        ratios = {}
        for shp in CONV_SHAPES:
            nb, h, w, c, k, o, s, pad = shp
            rng = np.random.default_rng(h * c)
            x = rng.standard_normal((nb, h, w, c)).astype(np.float32)
            f = rng.standard_normal((k, k, c, o)).astype(np.float32)
            cases = {"fastscope": lambda: K.conv2d(x, f, (s, s), pad, nthreads=nthreads)}
            if torch is not None:
                xt = torch.from_numpy(x).permute(0, 3, 1, 2)       # NCHW view of NHWC memory:
                ft = torch.from_numpy(f).permute(3, 2, 0, 1).contiguous()   # channels_last
                ft = ft.to(memory_format=torch.channels_last)
                oh, ow = K.conv2d_output_shape(x.shape, f.shape, (s, s), pad)[1:3]
                if pad == "SAME":
                    ph = max((oh - 1) * s + k - h, 0)
                    pw = max((ow - 1) * s + k - w, 0)
                else:
                    ph = pw = 0
                fn = torch.nn.functional

                def tconv(xt=xt, ft=ft, ph=ph, pw=pw, s=s):
                    xi = xt
                    if ph % 2 or pw % 2:   # TF's SAME pads the extra row/column at the end
                        xi = fn.pad(xi, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2))
                        return fn.conv2d(xi, ft, stride=s)
                    return fn.conv2d(xi, ft, stride=s, padding=(ph // 2, pw // 2))
                cases["torch"] = _with_torch_threads(torch, nthreads, tconv)
            if tf is not None:
                xf, ff = tf.constant(x), tf.constant(f)
                # a tf.function: the kernel, without eager dispatch per call
                cases["tensorflow"] = tf.function(
                    lambda xf=xf, ff=ff, s=s, pad=pad: tf.nn.conv2d(xf, ff, s, pad))
            t = _timed(cases, repeats=5, max_seconds=6)
            flops = 2 * nb * np.prod(K.conv2d_output_shape(x.shape, f.shape, (s, s), pad)[1:]) \
                * k * k * c
            note = "GFLOP/s " + ", ".join(f"{lb} {flops / v / 1e9:.0f}" for lb, v in t.items())
            if tf is not None:
                note += "; tensorflow uses its default intra-op threads"
            miss = _missing(torch, tf)
            fs = t.pop("fastscope")
            for p, v in t.items():
                ratios.setdefault(p, []).append(v / fs)
            rows.append(Row("conv2d", f"{nb}x{h}x{w}x{c} k{k} o{o} s{s} {pad}, {nthreads} thr",
                            fs, t, goal=">= tensorflow, gmean >=0.9x torch channels_last",
                            note=note + ("; " + miss if miss else "")))
        if ratios:   # ratio units: fastscope reads 1, a peer its gmean speed ratio
            rows.append(Row("conv2d", f"gmean over the {len(CONV_SHAPES)} shapes, {nthreads} thr",
                            1.0, {p: float(np.exp(np.mean(np.log(r)))) for p, r in ratios.items()},
                            goal="torch >= 0.9x", unit="x",
                            note="peer columns: gmean of peer time / fastscope time"))
    return rows


POOL_SHAPES = [  # (mode, batch, H, W, C, k, stride, padding)
    ("max", 8, 112, 112, 64, 3, 2, "SAME"), ("avg", 8, 112, 112, 64, 3, 2, "SAME"),
    ("max", 32, 28, 28, 128, 2, 2, "VALID"), ("avg", 16, 32, 32, 32, 3, 1, "SAME"),
]


def _numpy_pool(x, mode, k, s, pad):
    """fastscope's numpy pooling before the compiled kernel (float64 padded copy)."""
    n, h, w, c = x.shape
    if pad == "SAME":
        oh, ow = -(-h // s), -(-w // s)
        ph, pw = max((oh - 1) * s + k - h, 0), max((ow - 1) * s + k - w, 0)
    else:
        oh, ow, ph, pw = (h - k) // s + 1, (w - k) // s + 1, 0, 0
    padded = np.full((n, h + ph, w + pw, c), -np.inf if mode == "max" else np.nan)
    padded[:, ph // 2:ph // 2 + h, pw // 2:pw // 2 + w, :] = x
    win = np.lib.stride_tricks.sliding_window_view(padded, (k, k), axis=(1, 2))
    win = win[:, ::s, ::s][:, :oh, :ow]
    r = win.max(axis=(-2, -1)) if mode == "max" else np.nanmean(win, axis=(-2, -1))
    return r.astype(x.dtype)


def bench_pool(quick, torch, tf):
    from fastscope import _kernels as K
    rows = []
    for shp in (POOL_SHAPES[:2] if quick else POOL_SHAPES):
        mode, nb, h, w, c, k, s, pad = shp
        x = np.random.default_rng(h * c).standard_normal((nb, h, w, c)).astype(np.float32)
        for nthreads in ((2,) if quick else (1, 2)):
            cases = {"fastscope": lambda: K.pool2d(x, mode, (k, k), (s, s), pad, "NHWC",
                                                   nthreads),
                     "numpy": lambda: _numpy_pool(x, mode, k, s, pad)}
            if tf is not None:
                xf = tf.constant(x)
                op = tf.nn.max_pool2d if mode == "max" else tf.nn.avg_pool2d
                cases["tensorflow"] = tf.function(lambda xf=xf, op=op: op(xf, k, s, pad))
            t = _timed(cases, repeats=5, max_seconds=6)
            note = "numpy: the float64 sliding-window code this kernel replaced"
            if tf is not None:
                note += "; tensorflow uses its default intra-op threads"
            rows.append(Row("pool", f"{mode}_pool {nb}x{h}x{w}x{c} k{k} s{s} {pad}, "
                            f"{nthreads} thr", t.pop("fastscope"), t, goal=">= tensorflow",
                            note=note))
    return rows


def bench_random(quick, torch, tf):
    from fastscope import _kernels as K
    rows = []
    for n in ((10 ** 7,) if quick else (10 ** 7, 10 ** 8)):
        out = np.empty(n, np.float32)
        tout = torch.empty(n, dtype=torch.float32) if torch is not None else None
        pcg = np.random.Generator(np.random.PCG64(1))
        philox = np.random.Generator(np.random.Philox(1))
        # (kernel distribution, goal, numpy Generator method, torch in-place method, tf.random fn)
        for dist, goal, np_fn, torch_fn, tf_fn in (
                (K.NORMAL, ">=3x best peer", "standard_normal", "normal_", "normal"),
                (K.UNIFORM, ">=2x best peer", "random", "uniform_", "uniform")):
            name = "normal" if dist == K.NORMAL else "uniform"
            peers = {label: (lambda g=gen, f=np_fn: getattr(g, f)(out=out, dtype=np.float32))
                     for label, gen in (("numpy", pcg), ("numpy-philox", philox))}
            if torch is not None:
                peers["torch"] = _with_torch_threads(torch, 2, getattr(tout, torch_fn))
            if tf is not None:
                peers["tensorflow"] = lambda f=tf_fn: getattr(tf.random, f)((n,)).numpy()
            for nthreads in (2, 1):
                cases = {"fastscope": lambda d=dist, nt=nthreads: K.random_fill(
                    out, 42, 0, d, 0.0, 1.0, nthreads=nt)}
                cases.update(peers)
                t = _timed(cases, repeats=7 if n <= 10 ** 7 else 3, max_seconds=10)
                rate = n / t["fastscope"] / 1e6
                rows.append(Row("random", f"{name} float32 n={n:.0e}, {nthreads} thr",
                                t.pop("fastscope"), t, goal=goal if nthreads == 2 else "",
                                note=f"{rate:.0f} M/s; torch 2 thr; numpy 1 thr; "
                                + _missing(torch, tf)))
    return rows


def run(quick=False) -> list:
    """All kernel rows; quick mode (about a minute) trims sizes and thread counts."""
    torch, tf = _torch(), _tf()
    rows = []
    rows += bench_random(quick, torch, tf)
    rows += bench_matmul(quick, torch, tf)
    rows += bench_conv2d(quick, torch, tf)
    rows += bench_pool(quick, torch, tf)
    return rows


if __name__ == "__main__":
    import argparse
    import sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from bench._harness import render
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    print(render(run(quick=ap.parse_args().quick)))
