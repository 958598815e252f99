"""Times the store/session benchmark rows of two fastscope builds, interleaved.

Usage: python tools/compare_builds.py OLD_TREE NEW_TREE [--rounds 5] [--quick]

Each tree is a source checkout with its extensions built in place
(``python setup.py build_ext --inplace``). Every round runs one fresh process
per tree (old, new, old, new, ...), each process timing every row once after
a warm-up, so both builds see the same machine noise. Prints the median of
the rounds per row and new/old (above 1.00: the new build is slower).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

WORKLOAD = r'''
import gc, json, sys, time
import fastscope as tf
N_SCOPES, PER_SCOPE = %(n_scopes)d, %(per_scope)d

def create():
    with tf.Graph().as_default():
        for i in range(N_SCOPES):
            with tf.variable_scope("s%%d" %% i):
                for j in range(PER_SCOPE):
                    tf.get_variable("v%%d" %% j, [4, 4])

reuse_graph = tf.Graph()
with reuse_graph.as_default():
    with tf.variable_scope("r"):
        for j in range(100):
            tf.get_variable("v%%d" %% j, [4, 4])

def reuse():
    with reuse_graph.as_default():
        with tf.variable_scope("r", reuse=True):
            for _ in range(N_SCOPES):
                for j in range(min(PER_SCOPE, 100)):
                    tf.get_variable("v%%d" %% j, [4, 4])

def name_scopes():
    with tf.Graph().as_default():
        for _ in range(N_SCOPES * PER_SCOPE):
            with tf.name_scope("ns"):
                pass

def variables():
    with tf.Graph().as_default():
        for _ in range(N_SCOPES * PER_SCOPE // 10):
            tf.Variable(1.0, name="v")

def session(kind):
    g = tf.Graph()
    with g.as_default():
        if kind == "matmul":
            a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
            fetch = tf.matmul(a, a)
        else:
            x = tf.placeholder(tf.float32, [2, 2])
            fetch = tf.add(tf.matmul(x, x), 1.0)
    sess = tf.Session(graph=g)
    feed = None if kind == "matmul" else {x: [[1.0, 2.0], [3.0, 4.0]]}
    sess.run(fetch, feed)
    def fn():
        for _ in range(10000):
            sess.run(fetch, feed)
    return fn

cases = {"create": create, "reuse": reuse, "name_scope": name_scopes, "Variable": variables,
         "run matmul (10k)": session("matmul"), "run fed (10k)": session("feed")}
out = {}
for k, fn in cases.items():
    fn()
    best = []
    for _ in range(3):
        gc.collect()
        t0 = time.perf_counter(); fn(); best.append(time.perf_counter() - t0)
    out[k] = sorted(best)[1]
print(json.dumps(out))
'''


def run_tree(tree, code):
    env = dict(os.environ, PYTHONPATH=os.path.abspath(tree))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd="/")
    if res.returncode:
        sys.exit("run in %s failed:\n%s" % (tree, res.stderr[-3000:]))
    return json.loads(res.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    sizes = dict(n_scopes=20, per_scope=100) if args.quick else dict(n_scopes=100, per_scope=100)
    code = WORKLOAD % sizes
    samples = {"old": [], "new": []}
    for r in range(args.rounds):
        for which, tree in (("old", args.old), ("new", args.new)):
            samples[which].append(run_tree(tree, code))
        print("round %d done" % (r + 1), file=sys.stderr)
    print("%-20s %12s %12s %9s" % ("row", "old", "new", "new/old"))
    for key in samples["old"][0]:
        old = statistics.median(s[key] for s in samples["old"])
        new = statistics.median(s[key] for s in samples["new"])
        print("%-20s %10.2f ms %10.2f ms %8.3f" % (key, old * 1e3, new * 1e3, new / old))


if __name__ == "__main__":
    main()
