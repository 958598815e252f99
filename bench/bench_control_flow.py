"""Control-flow rows: a while_loop of small matmuls and map_fn, fastscope vs TensorFlow.

Both run the same graph in their own Session, timed round-robin in one process.
"""
import numpy as np

from bench._harness import Row, time_interleaved

GOAL = ">= tensorflow"


def _tf():
    try:
        import tensorflow.compat.v1 as tf1
        tf1.disable_resource_variables()
        return tf1
    except Exception:   # not installed, or broken: the column is skipped
        return None


def _loop_case(mod, n, body_kind):
    g = mod.Graph()
    with g.as_default():
        w = mod.constant(np.eye(4, dtype=np.float32) * 0.5)
        x0 = mod.constant(np.ones((4, 4), np.float32))
        if body_kind == "matmul":
            def body(i, x):
                return i + 1, mod.matmul(x, w) + 1.0
        else:
            def body(i, x):
                return i + 1, x
        out = mod.while_loop(lambda i, x: i < n, body, (mod.constant(0), x0))
    sess = mod.Session(graph=g)
    sess.run(out)
    return lambda: sess.run(out)


def _map_case(mod, n):
    g = mod.Graph()
    with g.as_default():
        x = mod.constant(np.arange(n * 8, dtype=np.float32).reshape(n, 8))
        out = mod.map_fn(lambda v: mod.reduce_sum(v * v), x)
    sess = mod.Session(graph=g)
    sess.run(out)
    return lambda: sess.run(out)


def run(quick=False):
    import fastscope as fs
    tf = _tf()
    note = "" if tf is not None else "tensorflow not installed"
    n = 1000 if quick else 10000
    rows = []
    for kind, label in (("matmul", "while_loop: %d iterations of a 4x4 matmul + add" % n),
                        ("trivial", "while_loop: %d iterations of i + 1 (per-iteration cost)" % n)):
        cases = {"fastscope": _loop_case(fs, n, kind)}
        if tf is not None:
            cases["tensorflow"] = _loop_case(tf, n, kind)
        t = time_interleaved(cases, repeats=3 if quick else 5, max_seconds=60)
        peers = {"tensorflow": t["tensorflow"]} if "tensorflow" in t else {}
        per = "fastscope %.1f us per iteration" % (t["fastscope"] / n * 1e6)
        if peers:
            per += ", tensorflow %.1f us" % (t["tensorflow"] / n * 1e6)
        rows.append(Row("control", label, t["fastscope"], peers, GOAL, per + "; " + note))
    m = 200 if quick else 1000
    cases = {"fastscope": _map_case(fs, m)}
    if tf is not None:
        cases["tensorflow"] = _map_case(tf, m)
    t = time_interleaved(cases, repeats=3 if quick else 5, max_seconds=60)
    peers = {"tensorflow": t["tensorflow"]} if "tensorflow" in t else {}
    rows.append(Row("control", "map_fn over %d elements of 8 (reduce_sum(v*v))" % m,
                    t["fastscope"], peers, GOAL, note))
    return rows
