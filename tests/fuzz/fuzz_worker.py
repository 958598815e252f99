"""Runs fuzz cases named on stdin (``OpType:index`` per line), one JSON result per case.

Before each case it prints ``START <id>`` and flushes, so the parent knows which case a
crash or a hang belongs to. Run by ``tests/test_fuzz_ops.py``; by hand:

    echo "MatMul:3" | python tests/fuzz/fuzz_worker.py 1234

``--list`` prints the op types that have a spec.
"""
import json
import os
import sys
import warnings
import zlib

# the reference implementations live beside the kernel tests, one directory up
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

import fastscope as tf
import fuzz_inputs as I   # noqa: E402
from fuzz_specs import SPECS, Reject   # noqa: E402

BUILD_ERRORS = (ValueError, TypeError, NotImplementedError)


def _close(got, want, tol):
    if isinstance(got, bytes) or isinstance(want, bytes):
        return None if got == want else "bytes differ"
    got, want = np.asarray(got), np.asarray(want)
    # the result's own precision bounds the tolerance (an int16 division gives float32)
    tol = max(tol, {np.dtype(np.float32): 2e-5, np.dtype(np.complex64): 2e-5,
                    np.dtype(np.float16): 2e-2}.get(got.dtype, 0))
    if got.shape != want.shape:
        return "shape %s, expected %s" % (got.shape, want.shape)
    if want.dtype == object or got.dtype == object:
        return None if got.tolist() == want.tolist() else "values differ"
    if got.dtype.kind == "b" or want.dtype.kind == "b":
        return None if np.array_equal(got.astype(bool), want.astype(bool)) else "values differ"
    g = got.astype(np.complex128 if got.dtype.kind == "c" else np.float64)
    w = want.astype(np.complex128 if want.dtype.kind == "c" else np.float64)
    if np.allclose(g, w, rtol=tol, atol=tol, equal_nan=True):
        return None
    bad = ~np.isclose(g, w, rtol=tol, atol=tol, equal_nan=True)
    return "values differ at %d of %d, e.g. %r vs %r" % (bad.sum(), bad.size, g[bad][:3],
                                                        w[bad][:3])


def _placeholders(case, rng):
    phs, feed, layouts = [], {}, []
    for v in case.values:
        name, arr = I.layout(rng, v)
        layouts.append(name)
        native = v.dtype.newbyteorder("=")
        shape = v.shape if case.known_shape or rng.random() < 0.5 else None
        p = tf.placeholder(tf.as_dtype(native), shape)
        phs.append(p)
        feed[p] = arr
    return phs, feed, layouts


def _compare(case, got, want, out):
    """A complaint about ``got`` (the fetched value(s)), or None."""
    tol = case.tol or 1e-10
    if case.check is not None:
        return case.check(got, case.values)
    if want is None:
        return None
    if isinstance(got, list):
        for g, w, t in zip(got, want, out):
            if w is not None:
                complaint = _close(g, w, tol) or _dtype_complaint(t, g)
                if complaint:
                    return complaint
        return None
    return _close(got, want, tol) or _dtype_complaint(out, got)


def _dtype_complaint(t, got):
    dt = getattr(t, "dtype", None)
    if dt is None or not hasattr(dt, "as_numpy_dtype") or dt.base_dtype == tf.string:
        return None
    want = np.dtype(dt.base_dtype.as_numpy_dtype)
    got = np.asarray(got)
    if got.dtype != want:
        return "fetched dtype %s, the tensor says %s" % (got.dtype, want)
    if t.shape.ndims is not None and not t.shape.is_compatible_with(got.shape):
        return "fetched shape %s, static shape %s" % (got.shape, t.shape)
    return None


def run_case(op_type, index, seed):
    """One case's outcome: ok, rejected (as TensorFlow would), or a complaint."""
    rng = np.random.default_rng([seed, zlib.crc32(op_type.encode()), index])
    case = SPECS[op_type](rng)
    try:
        want, reject = case.oracle(*[I.as_f64(v) for v in case.values]), None
    except Reject as e:
        want, reject = None, str(e)
    with tf.Graph().as_default():
        phs, feed, layouts = _placeholders(case, rng)
        try:
            out = case.build(phs)
        except BUILD_ERRORS as e:
            return _rejected(reject, "build", e, layouts)
        except Exception as e:   # noqa: BLE001 - the point is to catch anything else
            return {"outcome": "bad_exception", "where": "build", "error": repr(e)[:300]}
        try:
            with tf.Session() as s:
                got = s.run(out, feed)
        except tf.errors.OpError as e:
            return _rejected(reject, "run", e, layouts)
        except Exception as e:   # noqa: BLE001
            return {"outcome": "bad_exception", "where": "run", "error": repr(e)[:300],
                    "layouts": layouts}
    if reject is not None:
        return {"outcome": "accepted", "why": reject, "layouts": layouts}
    complaint = _compare(case, got, want, out)
    if complaint:
        return {"outcome": "wrong", "complaint": complaint, "layouts": layouts,
                "note": repr(case.note)}
    return {"outcome": "ok"}


def _rejected(reject, where, e, layouts):
    if reject is not None:
        return {"outcome": "rejected", "where": where}
    return {"outcome": "unexpected_error", "where": where, "error": repr(e)[:300],
            "layouts": layouts}


def main():
    if sys.argv[1] == "--list":
        print(json.dumps(sorted(SPECS)))
        return
    seed = int(sys.argv[1])
    warnings.simplefilter("ignore")
    for line in sys.stdin:
        case_id = line.strip()
        if not case_id:
            continue
        print("START " + case_id, flush=True)
        op_type, index = case_id.rsplit(":", 1)
        result = run_case(op_type, int(index), seed)
        result["case"] = case_id
        print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
