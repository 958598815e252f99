"""Store/scope/session rows (issue 2): fastscope vs TensorFlow 1.x graph mode.

Each case builds into a fresh graph of its own framework, so the two columns
do the same work; they are timed round-robin in one process.
"""
import os
import subprocess
import sys
import time

from bench._harness import Row, time_interleaved

GOAL_STORE = ">=50x tensorflow"


def _tf():
    try:
        import tensorflow.compat.v1 as tf1
        # TF1 ref variables, built inside explicit graphs (graph mode); eager stays on for
        # the other suites' tensorflow columns.
        tf1.disable_resource_variables()
        return tf1
    except Exception:   # not installed, or broken: the column is skipped
        return None


def _cases(mod, n_scopes, per_scope):
    """Zero-argument workloads for module ``mod`` (fastscope or tf.compat.v1)."""
    def create():
        with mod.Graph().as_default():
            for i in range(n_scopes):
                with mod.variable_scope("s%d" % i):
                    for j in range(per_scope):
                        mod.get_variable("v%d" % j, [4, 4])

    reuse_graph = mod.Graph()
    with reuse_graph.as_default():
        with mod.variable_scope("r"):
            for j in range(100):
                mod.get_variable("v%d" % j, [4, 4])

    def reuse():
        with reuse_graph.as_default():
            with mod.variable_scope("r", reuse=True):
                for _ in range(n_scopes):
                    for j in range(per_scope if per_scope <= 100 else 100):
                        mod.get_variable("v%d" % j, [4, 4])

    def name_scopes():
        with mod.Graph().as_default():
            for _ in range(n_scopes * per_scope):
                with mod.name_scope("ns"):
                    pass

    def variables():
        with mod.Graph().as_default():
            for _ in range(n_scopes * per_scope // 10):
                mod.Variable(1.0, name="v")

    return {"create": create, "reuse": reuse, "name_scope": name_scopes, "Variable": variables}


def _session_case(mod, kind):
    g = mod.Graph()
    with g.as_default():
        if kind == "matmul":
            a = mod.constant([[1.0, 2.0], [3.0, 4.0]])
            fetch = mod.matmul(a, a)
        else:
            x = mod.placeholder(mod.float32, [2, 2])
            fetch = mod.add(mod.matmul(x, x), 1.0)
    sess = mod.Session(graph=g)
    feed = None if kind == "matmul" else {x: [[1.0, 2.0], [3.0, 4.0]]}
    sess.run(fetch, feed)
    return lambda: sess.run(fetch, feed)


def _import_time(module):
    code = "import time, sys; t=time.perf_counter(); import %s; print(time.perf_counter()-t)" % module
    times = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             cwd="/", env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
        if out.returncode != 0:
            return None
        times.append(float(out.stdout.strip().splitlines()[-1]))
    times.sort()
    return times[len(times) // 2]


def run(quick=False):
    import fastscope as fs
    tf = _tf()
    note = "" if tf is not None else "tensorflow not installed"
    n_scopes, per_scope = (20, 100) if quick else (100, 100)
    n = n_scopes * per_scope
    fs_cases = _cases(fs, n_scopes, per_scope)
    tf_cases = _cases(tf, n_scopes, per_scope) if tf is not None else {}
    labels = {
        "create": "get_variable: create %d vars in %d scopes" % (n, n_scopes),
        "reuse": "get_variable: %d reuse look-ups" % n,
        "name_scope": "name_scope: %d enters" % n,
        "Variable": "Variable: %d uniquified creations" % (n // 10),
    }
    rows = []
    for key, label in labels.items():
        cases = {"fastscope": fs_cases[key]}
        if key in tf_cases:
            cases["tensorflow"] = tf_cases[key]
        t = time_interleaved(cases, repeats=3 if quick else 5, max_seconds=30)
        peers = {"tensorflow": t["tensorflow"]} if "tensorflow" in t else {}
        rows.append(Row("core", label, t["fastscope"], peers, GOAL_STORE, note))
    for kind, label, goal in (("matmul", "Session.run: 2x2 matmul of constants", "<5 us"),
                              ("feed", "Session.run: fed (x@x)+1, per call", "")):
        cases = {"fastscope": _session_case(fs, kind)}
        if tf is not None:
            cases["tensorflow"] = _session_case(tf, kind)
        t = time_interleaved(cases, repeats=7, number=2000 if quick else 10000, max_seconds=20)
        peers = {"tensorflow": t["tensorflow"]} if "tensorflow" in t else {}
        rows.append(Row("core", label, t["fastscope"], peers, goal, note))
    fs_import = _import_time("fastscope")
    tf_import = _import_time("tensorflow") if tf is not None else None
    rows.append(Row("core", "import (median of 5 fresh processes)", fs_import,
                    {"tensorflow": tf_import} if tf_import else {}, "<0.2 s", note))
    return rows
