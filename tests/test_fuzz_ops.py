"""Fuzzes every registered op through the graph, in a worker process that may crash or hang.

Each op type gets ``CASES_PER_OP`` derandomised cases from ``tests/fuzz/specs.py``
(random shapes, empty dimensions, dtypes TensorFlow takes and refuses, attributes, and
feeds in odd memory layouts). The parent watches the worker: a case that kills it is a
crash, one that outlasts ``CASE_TIMEOUT`` a hang; the worker is restarted after either.
Outcomes other than "ok" (matches the float64 oracle) and "rejected" (an error of
TensorFlow's type where TensorFlow refuses too) fail the test, and each op must reach
the oracle in at least ``MIN_OK_SHARE`` of its cases, so a kernel that rejects
everything cannot pass.
"""
import json
import os
import pathlib
import selectors
import subprocess
import sys
import time

import pytest

from fastscope._src.framework import registry

WORKER = pathlib.Path(__file__).resolve().parent / "fuzz" / "fuzz_worker.py"
SEED = int(os.environ.get("FASTSCOPE_FUZZ_SEED", "20261201"))
CASES_PER_OP = int(os.environ.get("FASTSCOPE_FUZZ_CASES", "24"))
CASE_TIMEOUT = 30.0
MIN_OK_SHARE = 0.3


def _worker_env():
    # the fastscope under test, never a source tree that happens to be the working directory
    import fastscope
    return dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(fastscope.__file__)))


def _start_worker(*args):
    return subprocess.Popen([sys.executable, str(WORKER), *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_worker_env(), cwd=str(WORKER.parent))


def _run_all(case_ids):
    """case id -> result, running the cases in workers restarted after a crash or a hang."""
    results = {}
    pending = list(case_ids)
    while pending:
        proc = _start_worker(str(SEED))
        proc.stdin.write("\n".join(pending) + "\n")
        proc.stdin.close()
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        current, deadline = None, time.monotonic() + CASE_TIMEOUT * 4   # start-up
        while True:
            if not sel.select(timeout=max(0.0, deadline - time.monotonic())):
                proc.kill()
                results[current or pending[0]] = {"outcome": "hang"}
                break
            line = proc.stdout.readline()
            if not line:
                proc.wait()
                if current is not None and current not in results:
                    results[current] = {"outcome": "crash", "returncode": proc.returncode,
                                        "stderr": proc.stderr.read()[-1500:]}
                elif current is None:
                    pytest.fail("fuzz worker failed to start: %s" % proc.stderr.read()[-3000:])
                break
            if line.startswith("START "):
                current = line[6:].strip()
                deadline = time.monotonic() + CASE_TIMEOUT
            elif line.startswith("RESULT "):
                r = json.loads(line[7:])
                results[r["case"]] = r
        pending = [c for c in pending if c not in results]
    return results


@pytest.fixture(scope="module")
def fuzz_results():
    listing = subprocess.run([sys.executable, str(WORKER), "--list"], capture_output=True,
                             text=True, env=_worker_env(), cwd=str(WORKER.parent))
    assert listing.returncode == 0, listing.stderr[-3000:]
    specs = set(json.loads(listing.stdout))
    ops = sorted(registry.registered_ops())
    missing = [t for t in ops if t not in specs]
    assert not missing, "ops without a fuzz spec in tests/fuzz/specs.py: %s" % missing
    ids = ["%s:%d" % (t, i) for t in ops for i in range(CASES_PER_OP)]
    return _run_all(ids)


def test_no_crash_hang_wrong_value_or_foreign_exception(fuzz_results):
    bad = {k: v for k, v in fuzz_results.items() if v["outcome"] not in ("ok", "rejected")}
    assert not bad, json.dumps(bad, indent=1)[:8000]


def test_every_op_reaches_the_oracle(fuzz_results):
    per_op = {}
    for case, r in fuzz_results.items():
        per_op.setdefault(case.rsplit(":", 1)[0], []).append(r["outcome"] == "ok")
    low = {op: "%d/%d" % (sum(v), len(v)) for op, v in per_op.items()
           if sum(v) < MIN_OK_SHARE * len(v)}
    assert not low, "ops whose cases rarely reach the oracle: %s" % low
    total = [ok for v in per_op.values() for ok in v]
    assert sum(total) >= 0.6 * len(total)
