"""Partitioned variables: create + initialise a ~1 GiB variable, peak memory, embedding_lookup.

Each (library, partitioning, threads) configuration runs in a fresh subprocess,
so thread pools fixed at start-up (TensorFlow's) and the allocator's state do
not leak between configurations, and peak resident memory is the process's
``VmHWM`` (minus the value after imports). The time is graph building +
Session + ``global_variables_initializer`` for a (rows x 256) float32 variable
with the default (glorot uniform) initialiser, median over subprocesses.
TensorFlow 1.x graph mode (``tensorflow.compat.v1``) is a peer when importable.

Run: ``python -m bench.bench_partitioning [--quick]`` (or ``bench/run.py``).
"""
import json
import os
import statistics
import subprocess
import sys

import numpy as np

from bench._harness import Row, render, time_interleaved

COLS = 256
_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _high_water_kib():
    """This process's peak resident memory in KiB.

    ``VmHWM`` belongs to the address space that ``exec`` created, whereas Linux
    carries ``ru_maxrss`` over from the parent: run after the other suites, a
    child's ru_maxrss baseline already exceeds its own peak.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _worker(lib, rows, shards, threads):
    """Runs in the subprocess: prints {"seconds", "peak_mib"} as JSON."""
    import time
    if lib == "tensorflow":
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
    else:
        import fastscope as tf
    base = _high_water_kib()
    t0 = time.perf_counter()
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(1)
        part = tf.fixed_size_partitioner(shards) if shards > 1 else None
        tf.get_variable("embedding", [rows, COLS], partitioner=part)
        init = tf.global_variables_initializer()
        cfg = tf.ConfigProto(intra_op_parallelism_threads=threads,
                             inter_op_parallelism_threads=threads)
        sess = tf.Session(config=cfg)
        sess.run(init)
    seconds = time.perf_counter() - t0
    peak = _high_water_kib()
    print(json.dumps({"seconds": seconds, "peak_mib": (peak - base) / 1024.0}))
    sess.close()


def _spawn(lib, rows, shards, threads, python):
    # As in bench/run.py: the repository only provides ``bench`` (appended last), so the
    # worker imports the installed fastscope, never the uncompiled source tree.
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", OMP_NUM_THREADS=str(threads))
    code = ("import sys; sys.path.append(%r); import bench.bench_partitioning as b; "
            "b._worker(%r, %d, %d, %d)" % (_REPO, lib, rows, shards, threads))
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env,
                         cwd=os.path.abspath(os.sep), timeout=600)
    if out.returncode != 0:
        raise RuntimeError("%s worker failed: %s" % (lib, out.stderr[-2000:]))
    return json.loads(out.stdout.strip().splitlines()[-1])


def _have_tensorflow(python):
    probe = subprocess.run([python, "-c", "import tensorflow.compat.v1"], capture_output=True,
                           env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    return probe.returncode == 0


def _embedding_rows(rows, quick):
    import fastscope as tf
    rng = np.random.default_rng(0)
    ids = rng.integers(0, rows, size=100_000).astype(np.int64)
    out = []
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        pv = tf.get_variable("embedding", [rows, COLS], partitioner=tf.fixed_size_partitioner(8))
        look = tf.nn.embedding_lookup(pv, ids, partition_strategy="div")
        sessions = {t: tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=t))
                    for t in (1, 2)}
        init = tf.global_variables_initializer()
        for s in sessions.values():   # the same seeded values in both
            s.run(init)
        full = np.concatenate([sessions[1].run(v) for v in pv])
        for s in sessions.values():
            np.testing.assert_array_equal(s.run(look), full[ids])
        cases = {"numpy": lambda: full[ids]}
        cases.update({t: (lambda s=s: s.run(look)) for t, s in sessions.items()})
        t = time_interleaved(cases, repeats=5 if quick else 11, max_seconds=10)
        for s in sessions.values():
            s.close()
        del full
    for threads in (1, 2):
        out.append(Row("partitioning", "embedding_lookup 100k ids, %dx%d, 8 shards (div), %d "
                       "thread%s" % (rows, COLS, threads, "s"[threads == 1:]), t[threads],
                       {"numpy": t["numpy"]}, goal="faster than numpy fancy indexing",
                       note="numpy: concatenated array[ids]"))
    return out


def run(quick=False):
    """Benchmark rows (see module docstring). ``quick``: 250,000 rows, two subprocesses each."""
    rows = 250_000 if quick else 1_000_000
    repeats = 2 if quick else 3
    python = os.environ.get("FASTSCOPE_BENCH_PYTHON", sys.executable)
    have_tf = _have_tensorflow(python)
    size_mib = rows * COLS * 4 / 2 ** 20
    # Not timed: touch 3x the variable's memory once, so that no contestant pays the
    # virtual machine's first-touch cost of never-used guest pages (seen: 5-10x slower fills).
    subprocess.run([python, "-c", "import numpy as np; np.ones(%d, np.float32)" % (3 * rows * COLS)],
                   check=True)
    libs = ("fastscope", "tensorflow") if have_tf else ("fastscope",)
    samples = {}
    for rep in range(repeats):
        for shards in (1, 8):
            for threads in (1, 2):
                for lib in libs if rep % 2 == 0 else libs[::-1]:
                    samples.setdefault((lib, shards, threads), []).append(
                        _spawn(lib, rows, shards, threads, python))
    results = {k: (statistics.median(r["seconds"] for r in v), max(r["peak_mib"] for r in v))
               for k, v in samples.items()}
    note = "" if have_tf else "tensorflow not importable by %s" % python
    out = []
    for shards in (1, 8):
        label = "unpartitioned" if shards == 1 else "fixed_size_partitioner(8)"
        for threads in (1, 2):
            fs = results["fastscope", shards, threads][0]
            peers = {"tensorflow": results["tensorflow", shards, threads][0]} if have_tf else {}
            goal = ">=4x tensorflow" if threads == 2 else ""
            if threads == 2:
                one = results["fastscope", shards, 1][0]
                extra = "2 threads %.2fx faster than 1" % (one / fs)
            else:
                extra = ""
            out.append(Row("partitioning", "create+init %dx%d f32 (%.0f MiB), %s, %d thread%s"
                           % (rows, COLS, size_mib, label, threads, "s"[threads == 1:]),
                           fs, peers, goal=goal + ("; 2 thr >=1.7x 1 thr" if threads == 2 else ""),
                           note="; ".join(x for x in (extra, note) if x)))
        for threads in (1, 2):
            peak = results["fastscope", shards, threads][1]
            peers = {"tensorflow": results["tensorflow", shards, threads][1]} if have_tf else {}
            out.append(Row("partitioning", "peak RSS over imports, %s, %d thread%s"
                           % (label, threads, "s"[threads == 1:]), peak, peers, unit="MiB",
                           goal="<%.0f MiB (1.3x variable)" % (1.3 * size_mib),
                           note="%.2fx the variable" % (peak / size_mib)))
    out.extend(_embedding_rows(rows, quick))
    return out


if __name__ == "__main__":
    print(render(run(quick="--quick" in sys.argv)))
