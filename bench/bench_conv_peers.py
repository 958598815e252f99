"""conv2d and pooling against TensorFlow and PyTorch, each in its own worker process.

TensorFlow and PyTorch usually live in different environments, and TensorFlow
fixes its intra-op thread count at start-up, so one process cannot hold all
contestants at every thread count. Here each (contestant, threads) pair is a
worker process; the parent asks them in turn (round-robin, shape by shape) to
time one block of calls, and reports medians. Contestants:

  fastscope            this tree, the environment's OPENBLAS_CORETYPE
  fastscope-skx        this tree with OPENBLAS_CORETYPE=SkylakeX (AVX-512 GEMM)
  tensorflow           tf.nn.conv2d / max_pool / avg_pool in a tf.function
  torch                F.conv2d on channels_last tensors (NHWC memory) / pools

Usage (from the repository root, after building in place):
  python bench/bench_conv_peers.py [--threads 1,2] [--repeats 5] [--pool]
      [--tf-python /tmp/tfvenv/bin/python] [--torch-python /tmp/peers/bin/python]
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CONV_SHAPES = [  # (batch, H, W, Cin, k, Cout, stride, padding)
    (1, 224, 224, 3, 7, 64, 2, "SAME"), (8, 56, 56, 64, 3, 64, 1, "SAME"),
    (32, 28, 28, 128, 3, 128, 1, "SAME"), (8, 14, 14, 256, 3, 256, 1, "SAME"),
    (1, 32, 32, 32, 5, 32, 1, "VALID"), (16, 32, 32, 32, 5, 32, 1, "SAME"),
]
POOL_SHAPES = [  # (kind, batch, H, W, C, k, stride, padding)
    ("max", 8, 112, 112, 64, 3, 2, "SAME"), ("avg", 8, 112, 112, 64, 3, 2, "SAME"),
    ("max", 32, 28, 28, 128, 2, 2, "VALID"), ("avg", 16, 32, 32, 32, 3, 1, "SAME"),
]


def _case_flops(case):
    if case[0] == "conv":
        nb, h, w, c, k, o, s, pad = case[1]
        oh = -(-h // s) if pad == "SAME" else (h - k) // s + 1
        ow = -(-w // s) if pad == "SAME" else (w - k) // s + 1
        return 2.0 * nb * oh * ow * o * k * k * c
    return 0.0


# ---------------------------------------------------------------- worker side

def _make_fn(kind, case, nthreads):
    import numpy as np
    rng = np.random.default_rng(0)
    if case[0] == "conv":
        nb, h, w, c, k, o, s, pad = case[1]
        x = rng.standard_normal((nb, h, w, c)).astype(np.float32)
        f = rng.standard_normal((k, k, c, o)).astype(np.float32)
    else:
        op, nb, h, w, c, k, s, pad = case[1]
        x = rng.standard_normal((nb, h, w, c)).astype(np.float32)
    if kind.startswith("fastscope"):
        from fastscope import _kernels as K
        if case[0] == "conv":
            return lambda: K.conv2d(x, f, (s, s), pad, nthreads=nthreads)
        pool = getattr(K, "pool2d", None)
        if pool is None:
            return None
        return lambda: pool(x, op, (k, k), (s, s), pad, "NHWC", nthreads)
    if kind == "tensorflow":
        import tensorflow as tf
        xt = tf.constant(x)
        if case[0] == "conv":
            ft = tf.constant(f)
            fn = tf.function(lambda: tf.nn.conv2d(xt, ft, s, pad))
        else:
            p = tf.nn.max_pool2d if op == "max" else tf.nn.avg_pool2d
            fn = tf.function(lambda: p(xt, k, s, pad))
        return fn
    if kind == "torch":
        import torch
        F = torch.nn.functional
        torch.set_num_threads(nthreads)
        xt = torch.from_numpy(x).permute(0, 3, 1, 2)     # NCHW view of NHWC memory
        oh = -(-h // s) if pad == "SAME" else (h - k) // s + 1
        ow = -(-w // s) if pad == "SAME" else (w - k) // s + 1
        ph = max((oh - 1) * s + k - h, 0) if pad == "SAME" else 0
        pw = max((ow - 1) * s + k - w, 0) if pad == "SAME" else 0
        if case[0] == "conv":
            ft = torch.from_numpy(f).permute(3, 2, 0, 1).contiguous(
                memory_format=torch.channels_last)
            if ph % 2 or pw % 2:   # TF's SAME puts the odd row/column at the end
                return lambda: F.conv2d(F.pad(xt, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2)),
                                        ft, stride=s)
            return lambda: F.conv2d(xt, ft, stride=s, padding=(ph // 2, pw // 2))
        if op == "max":   # -inf padding is what max_pool's padding means
            return lambda: F.max_pool2d(
                F.pad(xt, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2), value=-math.inf)
                if ph or pw else xt, k, s)
        # avg over valid cells: torch's count_include_pad=False, symmetric pads only
        if ph % 2 or pw % 2:
            return None
        return lambda: F.avg_pool2d(xt, k, s, padding=(ph // 2, pw // 2), count_include_pad=False)
    raise ValueError(kind)


def worker(kind, nthreads):
    if kind.startswith("fastscope"):
        sys.path.insert(0, ROOT)
    if kind == "tensorflow":
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(nthreads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    fns = {}
    print("ready", flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        key = json.dumps(req["case"])
        if key not in fns:
            fns[key] = _make_fn(kind, req["case"], nthreads)
            if fns[key] is not None:
                fns[key]()
        fn = fns[key]
        if fn is None:
            print("null", flush=True)
            continue
        n, t0 = 0, time.perf_counter()
        while True:
            fn()
            n += 1
            el = time.perf_counter() - t0
            if el >= req["block"]:
                break
        print(json.dumps(el / n), flush=True)


# ---------------------------------------------------------------- parent side

class Worker:
    def __init__(self, label, python, kind, nthreads, env=None):
        e = dict(os.environ)
        e.update(env or {})
        e["OMP_NUM_THREADS"] = str(nthreads)
        self.label = label
        self.p = subprocess.Popen([python, os.path.abspath(__file__), "--worker", kind,
                                   str(nthreads)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, env=e, cwd="/tmp")
        if self.p.stdout.readline().strip() != "ready":
            raise RuntimeError(f"{label}: worker failed to start")

    def time(self, case, block):
        self.p.stdin.write(json.dumps({"case": case, "block": block}) + "\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def _workers(args, nthreads):
    ws = [Worker("fastscope", sys.executable, "fastscope", nthreads)]
    if not args.no_skx:
        ws.append(Worker("fastscope-skx", sys.executable, "fastscope-skx", nthreads,
                         {"OPENBLAS_CORETYPE": "SkylakeX"}))
    for label, py in (("tensorflow", args.tf_python), ("torch", args.torch_python)):
        if py and os.path.exists(py):
            try:
                ws.append(Worker(label, py, label, nthreads))
            except RuntimeError as e:
                print(e, file=sys.stderr)
    return ws


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", nargs=2)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--block", type=float, default=0.08, help="seconds per timed block")
    ap.add_argument("--shapes", default=None, help="comma-separated indices into CONV_SHAPES")
    ap.add_argument("--pool", action="store_true", help="pooling rows instead of conv2d")
    ap.add_argument("--no-skx", action="store_true")
    ap.add_argument("--tf-python", default="/tmp/tfvenv/bin/python")
    ap.add_argument("--torch-python", default="/tmp/peers/bin/python")
    args = ap.parse_args()
    if args.worker:
        return worker(args.worker[0], int(args.worker[1]))
    if args.pool:
        cases = [("pool", s) for s in POOL_SHAPES]
    else:
        idx = range(len(CONV_SHAPES)) if args.shapes is None else map(int, args.shapes.split(","))
        cases = [("conv", CONV_SHAPES[i]) for i in idx]
    for nthreads in map(int, args.threads.split(",")):
        ws = _workers(args, nthreads)
        labels = [w.label for w in ws]
        peers = [lb for lb in labels if not lb.startswith("fastscope")]
        mines = [lb for lb in labels if lb.startswith("fastscope")]
        print(f"\n{nthreads} thread(s); times in ms (GFLOP/s); ratio = peer time / fastscope time")
        print(f"{'case':38s}" + "".join(f"{lb:>22s}" for lb in labels)
              + "".join(f"{m[10:] or 'fs'}/{p[:5]:>10s}" for p in peers for m in mines))
        ratios = {}
        for case in cases:
            samples = {w.label: [] for w in ws}
            for _ in range(args.repeats):
                for w in ws:
                    time.sleep(0.05)   # let the previous worker's spinning threads sleep
                    t = w.time(case, args.block)
                    if t is not None:
                        samples[w.label].append(t)
            med = {k: statistics.median(v) for k, v in samples.items() if v}
            fl = _case_flops(case)
            cells = ""
            for lb in labels:
                if lb not in med:
                    cells += f"{'-':>22s}"
                    continue
                gf = f" ({fl / med[lb] / 1e9:.0f})" if fl else ""
                cells += f"{med[lb] * 1e3:>16.3f}{gf:>6s}"
            for p in peers:
                for mine in mines:
                    if p in med and mine in med:
                        r = med[p] / med[mine]
                        ratios.setdefault((mine, p), []).append(r)
                        cells += f"{r:>10.2f}x"
                    else:
                        cells += f"{'-':>11s}"
            print(f"{' '.join(map(str, case[1])):38s}" + cells, flush=True)
        for (mine, p), rs in sorted(ratios.items()):
            g = math.exp(sum(map(math.log, rs)) / len(rs))
            print(f"  gmean {p}/{mine}: {g:.2f}x  (min {min(rs):.2f}x)")
        for w in ws:
            w.close()


if __name__ == "__main__":
    main()
