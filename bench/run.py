"""The benchmark suite: fastscope against its peers, one readable table.

Usage: python bench/run.py [--quick] [--only core,kernels,partitioning] [--json FILE]

Peers are numpy/scipy always, TensorFlow (tensorflow-cpu) and PyTorch when
they are installed; their columns are left empty, with a note, when not.
Ratios are peer time / fastscope time: above 1 means fastscope is faster.
"""
import argparse
import importlib
import json
import os
import sys
import time

# The installed fastscope must win over the source tree, so the repository
# root goes at the end of the path (it only provides the ``bench`` package).
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(__file__)]
sys.path.append(_ROOT)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bench._harness import render  # noqa: E402

SUITES = ("core", "kernels", "partitioning", "control_flow")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, about a minute a suite")
    ap.add_argument("--only", default=",".join(SUITES), help="comma-separated suites")
    ap.add_argument("--json", help="also write the rows as JSON to this file")
    args = ap.parse_args(argv)
    import fastscope
    print("fastscope %s from %s" % (fastscope.__version__, os.path.dirname(fastscope.__file__)))
    rows = []
    for name in args.only.split(","):
        try:
            mod = importlib.import_module("bench.bench_%s" % name)
        except ModuleNotFoundError as e:
            print("suite %s unavailable: %s" % (name, e))
            continue
        t0 = time.perf_counter()
        suite_rows = mod.run(quick=args.quick)
        print("suite %s: %d rows in %.0f s" % (name, len(suite_rows), time.perf_counter() - t0),
              flush=True)
        rows.extend(suite_rows)
    print()
    print(render(rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump([r.__dict__ for r in rows], f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
