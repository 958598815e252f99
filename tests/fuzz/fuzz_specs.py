"""What the op fuzzer generates for each registered op type, and what it expects.

``SPECS[op_type](rng)`` returns a ``Case``: input values (fed through placeholders, each
in a random memory layout), a ``build`` that makes the op from the placeholders, and an
``oracle`` computing the expected value in float64 numpy from the same values (or
raising ``Reject`` when TensorFlow refuses the inputs). Every registered op type must
have a spec: a new op without one fails ``test_fuzz_ops``.
"""
import dataclasses
from typing import Any, Callable, List, Optional

import numpy as np

import fastscope as tf
from fastscope._src.framework.op_builder import build_op
import fuzz_inputs as I


class Reject(Exception):
    """The oracle's word that TensorFlow raises for these inputs (at build or at run)."""


@dataclasses.dataclass
class Case:
    values: List[np.ndarray]
    build: Callable
    oracle: Optional[Callable] = None      # float64 inputs -> expected (or raises Reject)
    check: Optional[Callable] = None       # (got, inputs) -> None or a complaint
    tol: float = None
    known_shape: bool = True
    note: Any = None


def _tol(dtype):
    return {np.float16: 2e-2, np.float32: 2e-5, np.complex64: 2e-5}.get(np.dtype(dtype).type,
                                                                         1e-10)


def _pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def _tf(dtype):
    return tf.as_dtype(np.dtype(dtype))


# -- elementwise -------------------------------------------------------------------------------
def _tfl(types):
    return {np.dtype(t.as_numpy_dtype) for t in types}


def _binary(op_type, fn, allowed, out=None):
    def make(rng):
        dt = _pick(rng, I.ALL) if rng.random() < 0.25 else _pick(rng, sorted(allowed, key=str))
        sx = I.shape(rng, max_rank=3)
        sy = sx[int(rng.integers(len(sx) + 1)):] if rng.random() < 0.7 else I.shape(rng, max_rank=3)
        if sy and rng.random() < 0.3:
            sy = tuple(1 if rng.random() < 0.5 else d for d in sy)
        x, y = I.values(rng, sx, dt), I.values(rng, sy, dt)

        def oracle(a, b):
            if np.dtype(dt) not in allowed:
                raise Reject("dtype")
            try:
                np.broadcast_shapes(a.shape, b.shape)
            except ValueError:
                raise Reject("shapes") from None
            with np.errstate(all="ignore"):
                return fn(a, b)
        return Case([x, y], lambda p: build_op(op_type, (p[0], p[1]))._outputs[0], oracle,
                    tol=_tol(dt))
    return make


def _div_oracle(fn):
    def f(a, b):
        if a.dtype.kind in "iu" and not np.all(b):
            raise Reject("Integer division by zero")
        return fn(a, b)
    return f


def _pow(a, b):
    if a.dtype.kind in "iu" and np.any(b < 0):
        raise Reject("negative integer power")
    return np.power(a, b)


def _truediv(a, b):
    if a.dtype.kind in "iu":
        return np.true_divide(a.astype(np.float64), b)
    return np.true_divide(a, b)


def _unary(op_type, fn, allowed):
    def make(rng):
        dt = _pick(rng, I.ALL) if rng.random() < 0.25 else _pick(rng, sorted(allowed, key=str))
        x = I.values(rng, I.shape(rng), dt)

        def oracle(a):
            if np.dtype(dt) not in allowed:
                raise Reject("dtype")
            with np.errstate(all="ignore"):
                return fn(a)
        return Case([x], lambda p: build_op(op_type, (p[0],))._outputs[0], oracle, tol=_tol(dt))
    return make


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _round_half_even(a):
    return np.round(a)


# -- reductions, cast ------------------------------------------------------------------------------
def _reduction(op_type, fn, allowed):
    def make(rng):
        dt = _pick(rng, I.ALL) if rng.random() < 0.2 else _pick(rng, sorted(allowed, key=str))
        x = I.values(rng, I.shape(rng), dt)
        r = x.ndim
        axis = None if rng.random() < 0.3 else [int(rng.integers(-r - 1, r + 1))
                                                for _ in range(int(rng.integers(1, 3)))]
        keep = bool(rng.random() < 0.5)

        def oracle(a):
            if np.dtype(dt) not in allowed:
                raise Reject("dtype")
            if axis is not None and any(not -r <= ax < r for ax in axis):
                raise Reject("axis")
            axes = None if axis is None else tuple(sorted({ax % r for ax in axis}))
            return fn(a, axes, keep)
        return Case([x], lambda p: {"Sum": tf.reduce_sum, "Mean": tf.reduce_mean,
                                    "Max": tf.reduce_max}[op_type](p[0], axis, keep),
                    oracle, tol=max(_tol(dt), 1e-6), note=(axis, keep))
    return make


def _mean(a, axes, keep):
    if a.dtype.kind in "iu":
        s = np.sum(a, axis=axes, keepdims=keep, dtype=np.int64)
        n = a.size // max(s.size, 1) if a.size else 1
        return np.sign(s) * (np.abs(s) // max(n, 1))
    return np.mean(a, axis=axes, keepdims=keep)


def _max(a, axes, keep):
    low = -np.inf if a.dtype.kind == "f" else np.iinfo(a.dtype).min
    return np.max(a, axis=axes, keepdims=keep, initial=low)


def _cast(rng):
    src, dst = _pick(rng, I.ALL), _pick(rng, I.ALL)
    x = I.values(rng, I.shape(rng), src)

    def oracle(a):
        if np.dtype(dst).kind in "iub" and a.dtype.kind == "c":
            return a.real.astype(dst)
        return a.astype(dst)
    return Case([x], lambda p: tf.cast(p[0], _tf(dst)), oracle, tol=_tol(dst))


# -- matmul, conv, pool ------------------------------------------------------------------------------
def _matmul(batched):
    def make(rng):
        dt = _pick(rng, (np.float32, np.float64, np.int32, np.int64, np.complex64,
                         np.float16, np.int8))
        m, k, n = (int(rng.integers(0, 7)) for _ in range(3))
        batch = tuple(int(rng.integers(1, 3)) for _ in range(int(rng.integers(1, 3)))) \
            if batched else ()
        ta, tb = bool(rng.random() < 0.4), bool(rng.random() < 0.4)
        if rng.random() < 0.1:
            k2 = k + 1
        else:
            k2 = k
        a = I.values(rng, batch + ((k, m) if ta else (m, k)), dt)
        b = I.values(rng, ((n, k2) if tb else (k2, n)), dt)

        def oracle(x, y):
            if np.dtype(dt) == np.int8:
                raise Reject("dtype")
            if k2 != k:
                raise Reject("inner dims")
            xx = np.swapaxes(x, -1, -2) if ta else x
            yy = np.swapaxes(y, -1, -2) if tb else y
            return np.matmul(xx, yy)
        return Case([a, b], lambda p: tf.matmul(p[0], p[1], transpose_a=ta, transpose_b=tb),
                    oracle, tol=max(_tol(dt), 1e-4))
    return make


def _conv2d(rng):
    from test_kernels_conv2d import reference_conv2d
    dt = _pick(rng, (np.float32, np.float64, np.float32, np.int32))
    n, h, w, c = (int(rng.integers(1, 4)), int(rng.integers(1, 8)), int(rng.integers(1, 8)),
                  int(rng.integers(1, 4)))
    kh, kw, o = int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(1, 4))
    s = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    d = (1, 1) if rng.random() < 0.6 else (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    pad = _pick(rng, ["SAME", "VALID", "VALID", "same", [[0, 0], [1, 0], [0, 2], [0, 0]]])
    cf = c if rng.random() < 0.9 else c + 1
    x, f = I.values(rng, (n, h, w, c), dt), I.values(rng, (kh, kw, cf, o), dt)

    def oracle(a, b):
        if dt == np.int32 or pad == "same" or cf != c:
            raise Reject("dtype/padding/depth")
        eh, ew = (kh - 1) * d[0] + 1, (kw - 1) * d[1] + 1
        p = pad if isinstance(pad, str) else ((1, 0), (0, 2))
        ph = h + (sum(p[0]) if not isinstance(p, str) else 0)
        pw = w + (sum(p[1]) if not isinstance(p, str) else 0)
        if pad != "SAME":
            # TensorFlow's output size, with C's truncating division
            oh, ow = int((ph - eh + s[0]) / s[0]), int((pw - ew + s[1]) / s[1])
            if oh < 0 or ow < 0:
                raise Reject("negative output")
            if oh == 0 or ow == 0:
                return np.zeros((n, oh, ow, o))
        return reference_conv2d(a, b, s, p, d)
    return Case([x, f], lambda q: tf.nn.conv2d(q[0], q[1], [1, s[0], s[1], 1], pad,
                                               dilations=[1, d[0], d[1], 1]), oracle, tol=1e-4)


def _pool(op_type):
    def make(rng):
        from test_kernels_pool import reference_pool
        dt = _pick(rng, (np.float32, np.float64, np.float16, np.int32))
        x = I.values(rng, (int(rng.integers(1, 3)), int(rng.integers(1, 7)),
                           int(rng.integers(1, 7)), int(rng.integers(1, 4))), dt)
        if dt != np.int32 and rng.random() < 0.2:
            x.reshape(-1)[:: 3] = np.nan
        k = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        s = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        pad = _pick(rng, ["SAME", "VALID"])
        fn = tf.nn.max_pool if op_type == "MaxPool" else tf.nn.avg_pool

        def oracle(a):
            if op_type == "AvgPool" and dt == np.int32:
                raise Reject("dtype")
            if pad == "VALID" and (a.shape[1] < k[0] or a.shape[2] < k[1]):
                raise Reject("negative output")
            got = reference_pool(a.astype(dt), "max" if op_type == "MaxPool" else "avg", k, s,
                                 pad)
            return got
        return Case([x], lambda p: fn(p[0], [1, k[0], k[1], 1], [1, s[0], s[1], 1], pad),
                    oracle, tol=max(_tol(dt), 1e-5))
    return make


def _bias_add(rng):
    dt = _pick(rng, (np.float32, np.float64, np.int32))
    x = I.values(rng, I.shape(rng, min_rank=2), dt)
    c = x.shape[-1] if rng.random() < 0.9 else x.shape[-1] + 1
    b = I.values(rng, (c,), dt)

    def oracle(a, bb):
        if c != x.shape[-1]:
            raise Reject("channels")
        return a + bb
    return Case([x, b], lambda p: tf.nn.bias_add(p[0], p[1]), oracle, tol=_tol(dt))


def _softmax(rng):
    dt = _pick(rng, (np.float32, np.float64))
    x = I.values(rng, I.shape(rng, min_rank=1), dt, -20, 20)

    def oracle(a):
        e = np.exp(a - np.max(a, axis=-1, keepdims=True, initial=-np.inf))
        return e / np.sum(e, axis=-1, keepdims=True)
    return Case([x], lambda p: tf.nn.softmax(p[0]), oracle, tol=1e-5)


# -- array ops -------------------------------------------------------------------------------------
def _reshape(rng):
    dt = _pick(rng, I.ALL)
    x = I.values(rng, I.shape(rng), dt)
    n = x.size
    target = [n] if rng.random() < 0.3 else list(np.random.default_rng(int(rng.integers(99)))
                                                 .permutation(x.shape)) if x.ndim else []
    if target and rng.random() < 0.3:
        target[int(rng.integers(len(target)))] = -1
    if rng.random() < 0.15:
        target = target + [2]

    def oracle(a):
        try:
            return a.reshape(target)
        except ValueError:
            raise Reject("size") from None
    return Case([x], lambda p: tf.reshape(p[0], target), oracle, note=target)


def _concat(rng):
    dt = _pick(rng, I.ALL)
    base = I.shape(rng, min_rank=1)
    axis = int(rng.integers(-len(base), len(base)))
    parts = []
    for _ in range(int(rng.integers(2, 4))):
        sh = list(base)
        sh[axis] = int(rng.integers(0, 4))
        parts.append(I.values(rng, tuple(sh), dt))
    if rng.random() < 0.1:
        parts.append(I.values(rng, base + (1,), dt))

    def oracle(*xs):
        try:
            return np.concatenate(xs, axis=axis)
        except ValueError:
            raise Reject("shapes") from None
    return Case(parts, lambda p: tf.concat(list(p), axis), oracle)


def _strided_slice(rng):
    dt = _pick(rng, I.ALL)
    x = I.values(rng, I.shape(rng, min_rank=1), dt)
    key = []
    for d in x.shape[:int(rng.integers(1, x.ndim + 1))]:
        r = rng.random()
        if r < 0.3:
            key.append(int(rng.integers(-d - 1, d + 1)) if d else 0)
        elif r < 0.9:
            key.append(slice(int(rng.integers(-d - 1, d + 2)), int(rng.integers(-d - 1, d + 2)),
                             _pick(rng, [None, 1, 2, -1, -2])))
        else:
            key.append(None)
    key = tuple(key)

    def oracle(a):
        try:
            return a[key]
        except IndexError:
            raise Reject("index") from None
    return Case([x], lambda p: p[0][key], oracle, note=key)


def _slice(rng):
    dt = _pick(rng, I.ALL)
    x = I.values(rng, I.shape(rng, min_rank=1), dt)
    begin = [int(rng.integers(0, d + 1)) for d in x.shape]
    size = [int(rng.integers(0, d - b + 1)) for d, b in zip(x.shape, begin)]
    return Case([x], lambda p: tf.slice(p[0], begin, size),
                lambda a: a[tuple(slice(b, b + n) for b, n in zip(begin, size))])


def _identity_like(op_type):
    def make(rng):
        dt = _pick(rng, I.ALL)
        x = I.values(rng, I.shape(rng), dt)
        if op_type == "Identity":
            return Case([x], lambda p: tf.identity(p[0]), lambda a: a)
        return Case([x], lambda p: tf.placeholder_with_default(p[0], x.shape), lambda a: a)
    return make


def _shape_op(rng):
    x = I.values(rng, I.shape(rng), np.float32)
    return Case([x], lambda p: tf.shape(p[0]), lambda a: np.array(a.shape, np.int32))


def _fill(rng):
    dt = _pick(rng, I.ALL)
    sh = list(I.shape(rng))
    one = rng.random() < 0.5
    fn = tf.ones if one else tf.zeros

    def oracle():
        if dt == np.bool_:
            return np.full(sh, one)
        return np.full(sh, 1 if one else 0, dtype=dt)
    return Case([], lambda p: fn(sh, _tf(dt)), oracle)


def _eye(rng):
    r, c = int(rng.integers(0, 6)), int(rng.integers(0, 6))
    r0, c0 = int(rng.integers(0, r + 1)), int(rng.integers(0, c + 1))
    rr, cc = int(rng.integers(0, r - r0 + 1)), int(rng.integers(0, c - c0 + 1))
    from fastscope._src.ops.array_ops import eye_block
    return Case([], lambda p: eye_block((r, c), (r0, c0), (rr, cc), 1.5, tf.float32),
                lambda: 1.5 * np.eye(r, c)[r0:r0 + rr, c0:c0 + cc])


def _const(rng):
    dt = _pick(rng, I.ALL)
    _, x = I.layout(rng, I.values(rng, I.shape(rng), dt))
    return Case([], lambda p: tf.constant(x), lambda: I.as_f64(x))


def _placeholder(rng):
    dt = _pick(rng, I.ALL)
    x = I.values(rng, I.shape(rng), dt)
    if rng.random() < 0.3:
        return Case([], lambda p: tf.placeholder(_tf(dt), x.shape),
                    lambda: (_ for _ in ()).throw(Reject("unfed")))
    return Case([x], lambda p: p[0], lambda a: a)


# -- random ------------------------------------------------------------------------------------------
def _random(op_type):
    def make(rng):
        sh = list(I.shape(rng))
        dt = _pick(rng, (np.int32, np.int64, np.int8) if op_type == "RandomUniformInt" else
                   (np.float32, np.float64, np.float16, np.int8))
        lo, hi = float(rng.integers(-3, 2)), float(rng.integers(-1, 4))
        seed = int(rng.integers(0, 5))

        def build(p):
            if op_type == "RandomUniform":
                return tf.random_uniform(sh, lo, hi, _tf(dt), seed=seed)
            if op_type == "RandomUniformInt":
                return tf.random_uniform(sh, int(lo), int(hi), _tf(dt), seed=seed)
            fn = tf.random_normal if op_type == "RandomStandardNormal" else tf.truncated_normal
            return fn(sh, lo, abs(hi) + 0.5, _tf(dt), seed=seed)

        def check(got, _):
            if list(got.shape) != sh or got.dtype != np.dtype(dt):
                return "shape/dtype %s %s" % (got.shape, got.dtype)
            if op_type.startswith("RandomUniform") and got.size and not (
                    (got >= min(lo, hi)).all() and (got <= max(lo, hi)).all()):
                return "out of [%s, %s)" % (lo, hi)
            if op_type == "TruncatedNormal" and got.size and (
                    np.abs(got.astype(np.float64) - lo) > 2 * (abs(hi) + 0.5) + 1e-2).any():
                return "beyond two stddevs"
            return None

        def oracle():
            if dt == np.int8:
                raise Reject("dtype")
            if op_type == "RandomUniformInt" and int(lo) >= int(hi):
                raise Reject("minval >= maxval")
            return None
        return Case([], build, oracle, check=check)
    return make


def _qr(rng):
    r, c = int(rng.integers(2, 7)), int(rng.integers(2, 7))

    def check(got, _):
        q = got.astype(np.float64).reshape(r, c)
        gram = q @ q.T if r <= c else q.T @ q
        return None if np.allclose(gram, np.eye(min(r, c)), atol=1e-5) else "not orthogonal"
    return Case([], lambda p: tf.orthogonal_initializer()([r, c]), lambda: None, check=check)


# -- state, summaries, lookups -----------------------------------------------------------------------
def _state(op_type):
    def make(rng):
        dt = _pick(rng, (np.float32, np.float64, np.int32))
        x0 = I.values(rng, I.shape(rng, max_rank=3), dt)
        delta = I.values(rng, x0.shape if rng.random() < 0.9 else x0.shape + (2,), dt)

        def build(p):
            v = tf.Variable(x0, name="v")
            if op_type == "VariableV2":
                return [v.initializer, v.value()]
            if op_type == "IsVariableInitialized":
                return [tf.is_variable_initialized(v)]
            if op_type == "ReportUninitialized":
                return [tf.report_uninitialized_variables([v]), v.initializer]
            update = {"Assign": v.assign, "AssignAdd": v.assign_add,
                      "AssignSub": v.assign_sub}[op_type](p[0], use_locking=bool(rng.random() < .5))
            return [v.initializer, update]

        def oracle(d):
            if op_type in ("VariableV2",):
                return [None, x0]
            if op_type == "IsVariableInitialized":
                return [np.asarray(False)]
            if op_type == "ReportUninitialized":
                return [np.array([b"v"], object), None]
            if d.shape != x0.shape:
                raise Reject("shape")
            new = {"Assign": d, "AssignAdd": x0 + d, "AssignSub": x0 - d}[op_type]
            return [None, new]
        return Case([delta], build, oracle, tol=_tol(dt))
    return make


def _noop(rng):
    return Case([], lambda p: tf.no_op(), lambda: None)


def _summary(op_type):
    def make(rng):
        dt = _pick(rng, (np.float32, np.float64, np.int32, np.bool_))
        x = I.values(rng, () if rng.random() < 0.8 else (2,), dt)

        def build(p):
            s = tf.summary.scalar("loss", p[0])
            return tf.summary.merge([s]) if op_type == "MergeSummary" else s

        def oracle(a):
            if dt == np.bool_:
                raise Reject("dtype")
            if a.shape != ():
                raise Reject("not a scalar")
            from fastscope._src.summary import event_file as ef
            return ef.scalar_summary("loss", a)
        return Case([x], build, oracle)
    return make


def _embedding(rng):
    dt = _pick(rng, (np.float32, np.float64, np.int32))
    rows = int(rng.integers(1, 9))
    shards = int(rng.integers(1, 4))
    table = I.values(rng, (rows, int(rng.integers(1, 4))), dt)
    ids = rng.integers(-1 if rng.random() < 0.1 else 0, rows + (rng.random() < 0.1), I.shape(
        rng, max_rank=2)).astype(_pick(rng, (np.int32, np.int64)))
    strategy = _pick(rng, ["mod", "div"])
    parts = [table[i::shards] for i in range(shards)] if strategy == "mod" else \
        np.array_split(table, shards)
    parts = [p for p in parts if p.shape[0]] or [table]

    def oracle(idx, *tabs):
        if idx.size and (idx.min() < 0 or idx.max() >= rows):
            raise Reject("id out of range")
        return table[idx] if len(parts) > 1 or rows else tabs[0][idx]
    return Case([ids] + parts, lambda p: tf.nn.embedding_lookup(list(p[1:]), p[0],
                                                                partition_strategy=strategy),
                oracle, known_shape=True)


def _embedding_sparse(safe):
    def make(rng):
        rows, dim = int(rng.integers(1, 7)), int(rng.integers(1, 4))
        table = I.values(rng, (rows, dim), np.float64)
        batch = int(rng.integers(1, 5))
        entries = sorted({(int(rng.integers(batch)), int(rng.integers(3)))
                          for _ in range(int(rng.integers(0, 7)))})
        idx = np.array(entries, np.int64).reshape(-1, 2)
        ids = rng.integers(-1 if safe else 0, rows, len(entries)).astype(np.int64)
        combiner = _pick(rng, ["sum", "mean", "sqrtn"])

        def build(p):
            st = tf.SparseTensor(p[0], p[1], [batch, 3])
            if safe:
                return tf.nn.safe_embedding_lookup_sparse(tf.constant(table), st,
                                                          combiner=combiner)
            return tf.nn.embedding_lookup_sparse(tf.constant(table), st, None, combiner=combiner)

        def oracle(i, v):
            nrows = batch if safe else (int(i[:, 0].max()) + 1 if len(i) else 0)
            out = np.zeros((nrows, dim))
            for r in range(nrows):
                sel = [table[int(v[k])] for k in range(len(v)) if i[k, 0] == r and v[k] >= 0]
                if sel:
                    s = np.sum(sel, axis=0)
                    out[r] = {"sum": s, "mean": s / len(sel), "sqrtn": s / np.sqrt(len(sel))}[
                        combiner]
            return out
        return Case([idx, ids], build, oracle, known_shape=True)
    return make


# -- the table ---------------------------------------------------------------------------------
def _specs():
    from fastscope._src.ops import math_ops as M
    specs = {}
    binary_fns = {
        "Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "RealDiv": _truediv,
        "FloorDiv": _div_oracle(np.floor_divide), "FloorMod": _div_oracle(np.mod), "Pow": _pow,
        "Maximum": np.maximum, "Minimum": np.minimum, "Less": np.less, "LessEqual": np.less_equal,
        "Greater": np.greater, "GreaterEqual": np.greater_equal, "Equal": np.equal,
        "NotEqual": np.not_equal, "LogicalAnd": np.logical_and, "LogicalOr": np.logical_or}
    for t, fn in binary_fns.items():
        specs[t] = _binary(t, fn, _tfl(M._BINARY_TYPES[t]) - {np.dtype(object)})
    unary_fns = {
        "Neg": np.negative, "Abs": np.abs, "Square": np.square, "Sqrt": np.sqrt, "Exp": np.exp,
        "Log": np.log, "Tanh": np.tanh, "Sign": np.sign, "LogicalNot": np.logical_not,
        "Reciprocal": np.reciprocal, "Floor": np.floor, "Ceil": np.ceil,
        "Round": _round_half_even, "Rsqrt": lambda a: 1 / np.sqrt(a), "Sigmoid": _sigmoid,
        "Relu": lambda a: np.maximum(a, 0), "Relu6": lambda a: np.clip(a, 0, 6)}
    for t, fn in unary_fns.items():
        specs[t] = _unary(t, fn, _tfl(M._UNARY_TYPES[t]))
    specs.update({
        "Sum": _reduction("Sum", lambda a, ax, k: np.sum(a, axis=ax, keepdims=k),
                          _tfl(M.NUMBER)),
        "Mean": _reduction("Mean", _mean, _tfl(M.NUMBER)),
        "Max": _reduction("Max", _max, _tfl(M.REAL_NUMBER)),
        "Cast": _cast, "MatMul": _matmul(False), "BatchMatMulV2": _matmul(True),
        "Conv2D": _conv2d, "MaxPool": _pool("MaxPool"), "AvgPool": _pool("AvgPool"),
        "BiasAdd": _bias_add, "Softmax": _softmax, "Reshape": _reshape, "ConcatV2": _concat,
        "StridedSlice": _strided_slice, "Slice": _slice, "Identity": _identity_like("Identity"),
        "PlaceholderWithDefault": _identity_like("PlaceholderWithDefault"), "Shape": _shape_op,
        "Fill": _fill, "Eye": _eye, "Const": _const, "Placeholder": _placeholder, "Qr": _qr,
        "NoOp": _noop, "ScalarSummary": _summary("ScalarSummary"),
        "MergeSummary": _summary("MergeSummary"), "EmbeddingLookup": _embedding,
        "EmbeddingLookupSparse": _embedding_sparse(False),
        "SafeEmbeddingLookupSparse": _embedding_sparse(True),
    })
    for t in ("RandomUniform", "RandomUniformInt", "RandomStandardNormal", "TruncatedNormal"):
        specs[t] = _random(t)
    for t in ("VariableV2", "Assign", "AssignAdd", "AssignSub", "IsVariableInitialized",
              "ReportUninitialized"):
        specs[t] = _state(t)
    return specs


SPECS = _specs()
# Each area's specs live in a file of their own, merged here.
for _area in ("fuzz_specs_control", "fuzz_specs_shapes", "fuzz_specs_index"):
    SPECS.update(__import__(_area).SPECS)
