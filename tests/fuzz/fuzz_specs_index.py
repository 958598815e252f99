"""Fuzz specs for the indexing and generating ops (gather, scatter, where, range, ...).

Merged into ``fuzz_specs.SPECS`` by one import line there. Each oracle computes the
expected value in float64 numpy, position by position where the kernel vectorises, and
raises ``Reject`` where TensorFlow refuses the inputs (out-of-range indices, bad axes,
dtypes the op does not take, shapes that do not fit).
"""
import itertools
import math

import numpy as np

import fastscope as tf
import fuzz_inputs as I
from fuzz_specs import Case, Reject, _pick, _tf, _tol

_IDX = (np.int32, np.int64, np.int16)
_INTS = (np.int32, np.int64)


def _indices(rng, shape, n, dtypes=_IDX, bad=0.1):
    """Random indices in [0, n), now and then one outside, now and then of a refused dtype."""
    lo, hi = (-1, n + 1) if rng.random() < bad else (0, max(n, 1))
    idx = rng.integers(lo, hi, shape)
    dt = _pick(rng, dtypes) if rng.random() < 0.95 else _pick(rng, (np.float32, np.uint8))
    return idx.astype(dt)


def _out_of_range(idx, n):
    return idx.size and (idx.min() < 0 or idx.max() >= n)


def _positions(shape):
    return itertools.product(*[range(d) for d in shape])


# -- GatherV2 ------------------------------------------------------------------------------------
def _gather(rng):
    dt = _pick(rng, I.ALL)
    params = I.values(rng, I.shape(rng, min_rank=0 if rng.random() < 0.05 else 1, max_rank=3),
                      dt)
    r = params.ndim
    axis = int(rng.integers(-r - 1, r + 1)) if rng.random() < 0.2 or not r else \
        int(rng.integers(-r, r))
    bd = int(rng.integers(0, 2)) if r >= 2 and rng.random() < 0.4 else 0
    a = axis % r if r and -r <= axis < r else 0
    n = params.shape[a] if r else 1
    ishape = params.shape[:bd] + I.shape(rng, max_rank=2) if bd else I.shape(rng, max_rank=2)
    idx = _indices(rng, ishape, n)
    eff_bd = 0 if axis == 0 else bd    # tf.gather drops batch_dims on axis 0

    def oracle(p, i):
        if i.dtype.kind not in "i" or i.dtype == np.int8:
            raise Reject("indices dtype")
        if r == 0 or not -r <= axis < r or eff_bd > axis % r or _out_of_range(i, n):
            raise Reject("rank/axis/batch_dims/index")
        ax = axis % r
        out_shape = p.shape[:ax] + i.shape[eff_bd:] + p.shape[ax + 1:]
        out = np.zeros(out_shape, p.dtype)
        k = i.ndim - eff_bd
        for pos in _positions(out_shape):
            b, pre, ip, post = pos[:eff_bd], pos[eff_bd:ax], pos[ax:ax + k], pos[ax + k:]
            out[pos] = p[b + pre + (int(i[b + ip]),) + post]
        return out
    return Case([params, idx], lambda q: tf.gather(q[0], q[1], axis=axis, batch_dims=bd),
                oracle, note=(axis, bd))


# -- GatherNd ------------------------------------------------------------------------------------
def _gather_nd(rng):
    dt = _pick(rng, I.ALL)
    params = I.values(rng, I.shape(rng, min_rank=1, max_rank=3), dt)
    bd = 1 if params.ndim >= 2 and rng.random() < 0.3 else 0
    depth = int(rng.integers(0, params.ndim - bd + (2 if rng.random() < 0.1 else 1)))
    lead = params.shape[:bd] + I.shape(rng, max_rank=2)
    cols = [_indices(rng, lead, params.shape[bd + j] if bd + j < params.ndim else 1,
                     dtypes=(np.int64,), bad=0.05) for j in range(depth)]
    idx = (np.stack(cols, -1) if depth else np.zeros(lead + (0,), np.int64)).astype(
        _pick(rng, _IDX))

    def oracle(p, i):
        if depth > p.ndim - bd:
            raise Reject("depth")
        lim = p.shape[bd:bd + depth]
        out = np.zeros(i.shape[:-1] + p.shape[bd + depth:], p.dtype)
        for pos in _positions(i.shape[:-1]):
            t = tuple(int(v) for v in i[pos])
            if any(not 0 <= v < m for v, m in zip(t, lim)):
                raise Reject("index")
            out[pos] = p[pos[:bd] + t]
        return out
    return Case([params, idx], lambda q: tf.gather_nd(q[0], q[1], batch_dims=bd), oracle,
                note=(bd, depth))


# -- ScatterNd -----------------------------------------------------------------------------------
def _scatter_nd(rng):
    dt = _pick(rng, (np.float32, np.float64, np.int32, np.int64, np.complex64, np.float16,
                     np.bool_, np.uint8))
    shape = list(I.shape(rng, min_rank=1, max_rank=3))
    depth = int(rng.integers(1, len(shape) + 1))
    lead = I.shape(rng, max_rank=2)
    cols = [_indices(rng, lead, shape[j], dtypes=(np.int64,), bad=0.05) for j in range(depth)]
    idx = np.stack(cols, -1).astype(_pick(rng, _INTS))
    ushape = lead + tuple(shape[depth:])
    if rng.random() < 0.1:
        ushape = ushape + (2,)
    upd = I.values(rng, ushape, dt)

    def oracle(i, u):
        if u.shape != lead + tuple(shape[depth:]):
            raise Reject("updates shape")
        if not math.prod(shape) and u.size:
            raise Reject("empty output")
        out = np.zeros(shape, bool if dt == np.bool_ else u.dtype)
        for pos in _positions(lead):
            t = tuple(int(v) for v in i[pos])
            if any(not 0 <= v < m for v, m in zip(t, shape)):
                raise Reject("index")
            out[t] = (out[t] | u[pos]) if dt == np.bool_ else out[t] + u[pos]
        if np.dtype(dt).kind in "iu":   # integer sums wrap, as the kernel's do
            out = out.astype(dt)
        return out
    return Case([idx, upd], lambda q: tf.scatter_nd(q[0], q[1], shape), oracle, tol=_tol(dt),
                note=shape)


# -- OneHot --------------------------------------------------------------------------------------
def _one_hot(rng):
    idt = _pick(rng, (np.int32, np.int64, np.uint8, np.int8)) if rng.random() < 0.9 else \
        _pick(rng, (np.int16, np.float32))
    depth = int(rng.integers(-1 if rng.random() < 0.05 else 0, 6))
    idx = rng.integers(0 if np.dtype(idt).kind == "u" else -1, depth + 2,
                       I.shape(rng, max_rank=3)).astype(idt)
    r = idx.ndim
    axis = _pick(rng, [-1, -1, -2] + list(range(r + 2)))
    dt = _pick(rng, (None, tf.float64, tf.int32, tf.bool, tf.float16))
    on, off = {None: (1.0, 0.0), tf.float64: (2.5, -1.0), tf.int32: (7, 3),
               tf.bool: (True, False), tf.float16: (1.5, 0.5)}[dt]

    def oracle(i):
        if np.dtype(idt) in (np.int16, np.float32):
            raise Reject("indices dtype")
        if axis < -1 or axis > r or depth < 0:
            raise Reject("axis/depth")
        out = np.full(i.shape + (depth,), off, np.float64)
        for pos in _positions(i.shape):
            if 0 <= i[pos] < depth:
                out[pos + (int(i[pos]),)] = on
        return out if axis == -1 else np.moveaxis(out, -1, axis)
    return Case([idx], lambda q: tf.one_hot(q[0], depth, on_value=on, off_value=off, axis=axis,
                                            dtype=dt), oracle, note=(depth, axis, dt))


# -- Where, Select, SelectV2 ---------------------------------------------------------------------
def _where(rng):
    dt = _pick(rng, I.ALL)
    x = I.values(rng, I.shape(rng, min_rank=0 if rng.random() < 0.1 else 1), dt)
    if dt in I.FLOATS and x.size and rng.random() < 0.3:
        x.reshape(-1)[0] = np.nan

    def oracle(a):
        if a.ndim == 0:
            raise Reject("scalar")
        return np.array([p for p in _positions(a.shape) if a[p]], np.int64).reshape(-1, a.ndim)
    return Case([x], lambda q: tf.where(q[0]), oracle)


def _select(rng):
    dt = _pick(rng, I.ALL)
    shape = I.shape(rng, max_rank=3)
    kind = rng.random()
    cshape = () if kind < 0.2 else (shape[:1] if kind < 0.5 and shape else shape)
    if rng.random() < 0.1:
        cshape = cshape + (2,)
    c = rng.random(cshape) < 0.5
    x, y = I.values(rng, shape, dt), I.values(rng, shape if rng.random() < 0.92 else shape + (1,),
                                              dt)

    def oracle(cc, a, b):
        if a.shape != b.shape:
            raise Reject("x/y shapes")
        if cc.ndim and cc.shape != a.shape and not (cc.ndim == 1 and a.ndim > 1
                                                    and cc.shape[0] == a.shape[0]):
            raise Reject("condition shape")
        out = np.empty(a.shape, a.dtype)
        for p in _positions(a.shape):
            v = cc if cc.ndim == 0 else (cc[p[0]] if cc.ndim == 1 and a.ndim > 1 else cc[p])
            out[p] = a[p] if v else b[p]
        return out
    return Case([c, x, y], lambda q: tf.where(q[0], q[1], q[2]), oracle)


def _select_v2(rng):
    dt = _pick(rng, I.ALL)
    base = I.shape(rng, max_rank=3)
    shapes = [tuple(1 if rng.random() < 0.3 else d for d in base[int(rng.integers(len(base) + 1)):])
              for _ in range(3)]
    if rng.random() < 0.1:
        shapes[int(rng.integers(3))] += (3,)
    c = rng.random(shapes[0]) < 0.5
    x, y = I.values(rng, shapes[1], dt), I.values(rng, shapes[2], dt)

    def oracle(cc, a, b):
        try:
            np.broadcast_shapes(cc.shape, a.shape, b.shape)
        except ValueError:
            raise Reject("shapes") from None
        return np.where(cc, a, b)
    return Case([c, x, y], lambda q: tf.where_v2(q[0], q[1], q[2]), oracle)


# -- Range, LinSpace -----------------------------------------------------------------------------
def _range(rng):
    dt = _pick(rng, (np.int32, np.int64, np.float32, np.float64, np.int16, np.float16,
                     np.uint16, np.uint8))
    kind = np.dtype(dt).kind
    lo = 0 if kind == "u" else -6
    start, limit = int(rng.integers(lo, 7)), int(rng.integers(lo, 7))
    delta = int(rng.integers(lo // 2 - (kind != "u"), 4))
    if rng.random() < 0.7:   # mostly a step towards the limit
        delta = int(rng.integers(1, 4)) * (-1 if limit < start and kind != "u" else 1)
    if kind == "f" and rng.random() < 0.5:
        start, limit, delta = start / 2, limit / 3, delta / 2
    vals = [np.asarray(v, dt) for v in (start, limit, delta)]
    const = rng.random() < 0.3

    def build(q):
        return tf.range(*(vals if const else q), dtype=_tf(dt))

    def oracle(s, l, d):
        if dt == np.uint8:
            raise Reject("dtype")
        s, l, d = (float(v) for v in (s, l, d))
        if d == 0 or (d > 0 and s > l) or (d < 0 and s < l):
            raise Reject("empty or infinite range")
        t = np.dtype(dt).type
        n = math.ceil(abs((l - s) / d)) if kind != "f" else int(np.ceil(np.abs((t(l) - t(s)) /
                                                                               t(d))))
        return np.array([s + k * d for k in range(n)])
    return Case([] if const else vals, build, (lambda: oracle(*vals)) if const else oracle,
                tol=max(_tol(dt), 1e-6), known_shape=False, note=(start, limit, delta))


def _linspace(rng):
    dt = _pick(rng, (np.float32, np.float64, np.float16) if rng.random() < 0.95 else (np.int32,))
    num = int(rng.integers(-1 if rng.random() < 0.1 else 1, 8))
    start, stop = (np.asarray(rng.uniform(-3, 3), dt) for _ in range(2))
    nv = np.asarray(num, _pick(rng, _INTS))

    def oracle(s, e, n):
        if dt == np.int32 or int(n) <= 0:
            raise Reject("dtype or num")
        return np.linspace(float(s), float(e), int(n))
    return Case([start, stop, nv], lambda q: tf.linspace(q[0], q[1], q[2]), oracle,
                tol=max(_tol(dt), 1e-6), known_shape=False)


# -- ArgMax, ArgMin ------------------------------------------------------------------------------
def _arg(op_type):
    def make(rng):
        dt = _pick(rng, I.ALL)
        x = I.values(rng, I.shape(rng, min_rank=0 if rng.random() < 0.05 else 1), dt)
        if dt in I.FLOATS + I.HALF and x.size and rng.random() < 0.3:
            x.reshape(-1)[int(rng.integers(x.size))] = np.nan
        r = x.ndim
        axis = int(rng.integers(-r - 1, r + 1)) if rng.random() < 0.2 or not r else \
            int(rng.integers(-r, r))
        ot = _pick(rng, (tf.int64, tf.int32))
        fn = tf.argmax if op_type == "ArgMax" else tf.argmin

        def oracle(a):
            if a.dtype.kind == "c" or not -r <= axis < r or a.shape[axis] == 0:
                raise Reject("dtype/axis/empty")
            m = np.moveaxis(a.astype(np.float64), axis, -1)
            out = np.zeros(m.shape[:-1], np.int64)
            for pos in _positions(m.shape[:-1]):
                best, at = None, 0
                for k, v in enumerate(m[pos]):
                    if not np.isnan(v) and (best is None or (v > best if op_type == "ArgMax"
                                                             else v < best)):
                        best, at = v, k
                out[pos] = at
            return out
        return Case([x], lambda q: fn(q[0], axis, output_type=ot), oracle, note=axis)
    return make


# -- Unique --------------------------------------------------------------------------------------
def _unique(rng):
    dt = _pick(rng, (np.int32, np.int64, np.float32, np.float64, np.bool_, np.uint8, np.float16,
                     np.int8))
    x = I.values(rng, (int(rng.integers(0, 12)),) if rng.random() < 0.93 else (2, 2), dt)
    if dt in I.FLOATS and x.size and rng.random() < 0.3:
        x.reshape(-1)[0] = np.nan
    oi = _pick(rng, (tf.int32, tf.int64))

    def oracle(a):
        if a.ndim != 1:
            raise Reject("rank")
        y, idx, seen = [], [], {}
        for k, v in enumerate(a.tolist()):
            key = ("nan", k) if v != v else v
            if key not in seen:
                seen[key] = len(y)
                y.append(v)
            idx.append(seen[key])
        return [np.array(y, a.dtype), np.array(idx)]
    return Case([x], lambda q: list(tf.unique(q[0], out_idx=oi)), oracle)


# -- SequenceMask --------------------------------------------------------------------------------
def _sequence_mask(rng):
    ldt = _pick(rng, (np.int32, np.int64, np.float32))
    lengths = rng.integers(-1, 6, I.shape(rng, max_rank=2)).astype(ldt)
    if ldt == np.float32:
        lengths = lengths + 0.5
    maxlen = None if ldt != np.float32 and rng.random() < 0.3 else int(rng.integers(-1, 6))
    dt = _pick(rng, (tf.bool, tf.float32, tf.int32))

    def oracle(ln):
        if maxlen is not None and maxlen < 0:
            raise Reject("negative maxlen")
        m = maxlen if maxlen is not None else max(0, int(ln.max(initial=0)))
        cut = np.trunc(ln) if maxlen is not None else ln   # lengths cast to maxlen's int dtype
        out = np.zeros(ln.shape + (m,), bool)
        for pos in _positions(ln.shape):
            for j in range(m):
                out[pos + (j,)] = j < cut[pos]
        return out
    return Case([lengths], lambda q: tf.sequence_mask(q[0], maxlen, dtype=dt), oracle)


# -- BooleanMask ---------------------------------------------------------------------------------
def _boolean_mask(rng):
    dt = _pick(rng, I.ALL)
    x = I.values(rng, I.shape(rng, min_rank=1, max_rank=3), dt)
    a = int(rng.integers(0, x.ndim))
    k = int(rng.integers(1, x.ndim - a + 1))
    mshape = x.shape[a:a + k] if rng.random() < 0.9 else x.shape[a:a + k] + (2,)
    mask = (rng.random(mshape) < 0.5).astype(_pick(rng, (np.bool_, np.bool_, np.int32)))
    axis = a if rng.random() < 0.7 else a - x.ndim

    def oracle(t, m):
        if m.shape != t.shape[axis:axis + m.ndim]:
            raise Reject("mask shape")
        lead, tail = t.shape[:a], t.shape[a + m.ndim:]
        flat = t.reshape(lead + (m.size,) + tail)
        keep = [i for i, v in enumerate(m.reshape(-1)) if v]
        return np.take(flat, np.array(keep, np.int64), axis=a)
    return Case([x, mask], lambda q: tf.boolean_mask(q[0], q[1], axis=axis), oracle,
                note=(axis, mshape))


# -- MatrixEye -----------------------------------------------------------------------------------
def _eye(rng):
    rows = int(rng.integers(-1 if rng.random() < 0.05 else 0, 5))
    cols = None if rng.random() < 0.3 else int(rng.integers(0, 5))
    batch = None if rng.random() < 0.5 else [int(rng.integers(0, 3)) for _ in range(
        int(rng.integers(0, 3)))]
    dt = _pick(rng, (tf.float32, tf.float64, tf.int32, tf.bool, tf.complex64, tf.float16))
    fed = rng.random() < 0.5
    values = [np.asarray(rows, np.int32)] if fed else []

    def build(q):
        return tf.eye(q[0] if fed else rows, cols, batch_shape=batch, dtype=dt)

    def oracle(*_):
        if rows < 0:
            raise Reject("negative")
        c = rows if cols is None else cols
        return np.broadcast_to(np.eye(rows, c), tuple(batch or ()) + (rows, c))
    return Case(values, build, oracle, known_shape=False)


SPECS = {
    "GatherV2": _gather, "GatherNd": _gather_nd, "ScatterNd": _scatter_nd, "OneHot": _one_hot,
    "Where": _where, "Select": _select, "SelectV2": _select_v2, "Range": _range,
    "LinSpace": _linspace, "ArgMax": _arg("ArgMax"), "ArgMin": _arg("ArgMin"),
    "Unique": _unique, "SequenceMask": _sequence_mask, "BooleanMask": _boolean_mask,
    "MatrixEye": _eye,
}
