"""Fuzz specs of the shape and array ops: dynamic shapes, fills, slicing, stacking, padding.

Index arguments (shapes, begin/end/strides, perms, multiples, paddings, axes) are fed
through placeholders in half of the cases, so the kernels' own checks are exercised, and
given as Python lists in the others, so the shape functions' checks are. The oracles are
numpy (``a[...]`` indexing for slices, ``np.pad``, ``np.stack``...), in float64, or
``Reject`` where TensorFlow refuses the inputs.
"""
import numpy as np

import fastscope as tf
from fastscope._src.framework.op_builder import build_op
import fuzz_inputs as I
from fuzz_specs import Case, Reject, _pick, _tf


def _index_dtype(rng, bad=0.05):
    if rng.random() < bad:
        return np.float32
    return _pick(rng, (np.int32, np.int64))


class _Args:
    """Case values plus index arguments that are either fed (placeholders) or Python lists."""

    def __init__(self, rng, *values):
        self.rng = rng
        self.values = list(values)
        self.refused = False
        self.fixed = None   # the index dtype the first index argument fixed (TF's rule)

    def index(self, vec, fed=None, dtype=None):
        """A builder ``p -> argument`` for the int vector (or scalar) ``vec``."""
        dtype = dtype or _index_dtype(self.rng)
        if np.dtype(dtype).kind == "f":
            self.refused = True
        if fed is None:
            fed = self.rng.random() < 0.5
        # Index arguments share one type attribute: the first fixes it (a Python list converts
        # to int32), and a later fed tensor of another dtype is TensorFlow's TypeError.
        if self.fixed is None:
            self.fixed = np.dtype(dtype) if fed else np.dtype(np.int32)
        elif fed and np.dtype(dtype) != self.fixed:
            self.refused = True
        if fed:
            self.values.append(np.asarray(vec, dtype))
            k = len(self.values) - 1
            return lambda p: p[k]
        if np.dtype(dtype).kind == "f":
            return lambda p: np.asarray(vec, dtype)
        return lambda p: vec


def _data(rng, min_rank=0, max_rank=4, dtype=None):
    dt = dtype or _pick(rng, I.ALL)
    return I.values(rng, I.shape(rng, min_rank=min_rank, max_rank=max_rank), dt)


def _check_refused(args):
    if args.refused:
        raise Reject("index dtype")


# -- reshape, fill, shape ------------------------------------------------------------------------
def _reshape(rng):
    x = _data(rng)
    args = _Args(rng, x)
    n = x.size
    dims = list(rng.permutation(list(x.shape))) if x.ndim else []
    if rng.random() < 0.3:
        dims = [n]
    dims = [int(d) for d in dims]
    if dims and rng.random() < 0.4:
        dims[int(rng.integers(len(dims)))] = -1
    r = rng.random()
    if r < 0.08:
        dims = dims + [2]
    elif r < 0.12:
        dims = dims + [-1, -1]
    elif r < 0.15:
        dims = [-2] + dims
    shape = args.index(dims)

    def oracle(a, *unused):
        _check_refused(args)
        if dims.count(-1) > 1 or any(d < -1 for d in dims):
            raise Reject("sizes")
        known = int(np.prod([d for d in dims if d != -1]))
        out = list(dims)
        if -1 in dims:
            if known:
                if a.size % known:
                    raise Reject("not a multiple")
                out[dims.index(-1)] = a.size // known
            elif a.size:
                raise Reject("zero sizes")
            else:
                nonzero_out = int(np.prod([d for d in dims if d > 0]))
                out[dims.index(-1)] = int(np.prod([d for d in a.shape if d])) // nonzero_out
        elif known != a.size:
            raise Reject("size")
        return a.reshape(out)
    return Case(args.values, lambda p: tf.reshape(p[0], shape(p)), oracle, note=dims)


def _fill(rng):
    dt = _pick(rng, I.ALL)
    dims = [int(d) for d in I.shape(rng)]
    if dims and rng.random() < 0.15:
        dims[0] = -1
    value = I.values(rng, (), dt)
    args = _Args(rng, value)
    d = args.index(dims)

    def oracle(v, *unused):
        _check_refused(args)
        if any(k < 0 for k in dims):
            raise Reject("negative")
        return np.full(dims, v)
    return Case(args.values, lambda p: tf.fill(d(p), p[0]), oracle, note=dims)


def _static_fill(rng):
    dt = _pick(rng, I.ALL)
    sh = list(I.shape(rng))
    one = rng.random() < 0.5

    def oracle():
        return np.full(sh, bool(one) if dt == np.bool_ else int(one), dtype=dt)
    return Case([], lambda p: (tf.ones if one else tf.zeros)(sh, _tf(dt)), oracle)


def _zeros_like(rng):
    x = _data(rng)
    dt = _pick(rng, (None, np.float32, np.int32))

    def build(p):
        if dt is None:
            return build_op("ZerosLike", (p[0],))._outputs[0]
        return tf.zeros_like(p[0], dtype=_tf(dt))
    return Case([x], build, lambda a: np.zeros(a.shape, dt or x.dtype), known_shape=False)


def _shape_like(op_type):
    def make(rng):
        x = _data(rng)
        out = _pick(rng, (np.int32, np.int64))
        attrs = {} if op_type == "Rank" else {"out_type": _tf(out)}
        fn = {"Shape": lambda a: np.array(a.shape, out), "Size": lambda a: np.array(a.size, out),
              "Rank": lambda a: np.array(a.ndim, np.int32)}[op_type]
        return Case([x], lambda p: build_op(op_type, (p[0],), dict(attrs))._outputs[0], fn,
                    known_shape=False)
    return make


# -- slicing -------------------------------------------------------------------------------------------
def _slice(rng):
    x = _data(rng, min_rank=1)
    begin = [int(rng.integers(0, d + 1)) for d in x.shape]
    size = [int(rng.integers(0, d - b + 1)) for d, b in zip(x.shape, begin)]
    if rng.random() < 0.3:
        size[int(rng.integers(len(size)))] = -1
    if rng.random() < 0.1:
        begin[0] += int(x.shape[0]) + 1
    args = _Args(rng, x)
    it = _index_dtype(rng)
    b, s = args.index(begin, dtype=it), args.index(size, dtype=it)

    def oracle(a, *unused):
        _check_refused(args)
        index = []
        for d, bi, ni in zip(a.shape, begin, size):
            ni = d - bi if ni == -1 else ni
            if not (0 <= bi <= d and 0 <= ni <= d - bi):
                raise Reject("range")
            index.append(slice(bi, bi + ni))
        return a[tuple(index)]
    return Case(args.values, lambda p: tf.slice(p[0], b(p), s(p)), oracle, note=(begin, size))


def _slice_spec(rng, rank):
    """A random TensorFlow slice spec and the numpy index it means."""
    n = int(rng.integers(1, rank + 2))
    begin, end, strides, masks = [], [], [], [0] * 5
    key = []
    ellipsis_at = int(rng.integers(n)) if rng.random() < 0.3 else -1
    for i in range(n):
        kind = "e" if i == ellipsis_at else _pick(rng, "ssssiin")
        b, e = int(rng.integers(-6, 7)), int(rng.integers(-6, 7))
        s = _pick(rng, [1, 1, 2, -1, -2, 3]) if rng.random() > 0.03 else 0
        bm, em = rng.random() < 0.3, rng.random() < 0.3
        begin.append(b)
        end.append(e)
        strides.append(s if kind == "s" else 1 if rng.random() < 0.9 else s)
        if kind == "e":
            masks[2] |= 1 << i
            key.append(Ellipsis)
        elif kind == "n":
            masks[3] |= 1 << i
            key.append(None)
        elif kind == "i":
            masks[4] |= 1 << i
            key.append(("int", b, strides[-1]))
        else:
            masks[0] |= bm << i
            masks[1] |= em << i
            key.append(slice(None if bm else b, None if em else e, s))
    return begin, end, strides, masks, key


def _strided_slice(rng):
    x = _data(rng, min_rank=1)
    begin, end, strides, masks, key = _slice_spec(rng, x.ndim)
    args = _Args(rng, x)
    it = _pick(rng, (np.int32, np.int64))
    b, e, s = args.index(begin, dtype=it), args.index(end, dtype=it), args.index(strides, dtype=it)

    def oracle(a, *unused):
        index = []
        for k in key:
            if isinstance(k, tuple):
                if k[2] <= 0:
                    raise Reject("stride of an index")
                k = k[1]
            elif isinstance(k, slice) and k.step == 0:
                raise Reject("zero stride")
            index.append(k)
        try:
            return a[tuple(index)]
        except IndexError:
            raise Reject("index") from None
    names = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")
    return Case(args.values, lambda p: tf.strided_slice(p[0], b(p), e(p), s(p), **dict(
        zip(names, masks))), oracle, note=(begin, end, strides, masks))


def _getitem(rng):
    """``x[...]`` with Python and tensor bounds (also a StridedSlice case)."""
    x = _data(rng, min_rank=1)
    _, _, _, _, key = _slice_spec(rng, x.ndim)
    values = [x]
    spec = []
    it = _pick(rng, (np.int32, np.int64))   # (TensorFlow 1.x refuses to pack int32 with int64)
    for k in key:
        if isinstance(k, tuple):
            if rng.random() < 0.5:
                values.append(np.asarray(k[1], it))
                spec.append(("fed", len(values) - 1))
            else:
                spec.append(k[1])
        elif isinstance(k, slice) and k.start is not None and rng.random() < 0.4:
            values.append(np.asarray(k.start, it))
            spec.append(("slice", len(values) - 1, k.stop, k.step))
        else:
            spec.append(k)

    def build(p):
        out = []
        for k in spec:
            if isinstance(k, tuple) and k[0] == "fed":
                out.append(p[k[1]])
            elif isinstance(k, tuple):
                out.append(slice(p[k[1]], k[2], k[3]))
            else:
                out.append(k)
        return p[0][tuple(out)]

    def oracle(a, *unused):
        index = [k[1] if isinstance(k, tuple) else k for k in key]
        if any(isinstance(k, slice) and k.step == 0 for k in index):
            raise Reject("zero stride")
        try:
            return a[tuple(index)]
        except IndexError:
            raise Reject("index") from None
    return Case(values, build, oracle, note=key)


def _reverse(rng):
    x = _data(rng, min_rank=1)
    r = x.ndim
    axes = [int(a) - (r if rng.random() < 0.3 else 0)
            for a in rng.permutation(r)[:int(rng.integers(0, r + 1))]]
    if rng.random() < 0.1:
        axes.append(_pick(rng, [r, axes[0] if axes else -r - 1]))
    args = _Args(rng, x)
    ax = args.index(axes if axes else np.zeros(0, np.int32))

    def oracle(a, *unused):
        _check_refused(args)
        norm = [k % r for k in axes if -r <= k < r]
        if len(norm) != len(axes) or len(set(norm)) != len(norm):
            raise Reject("axes")
        return np.flip(a, axis=tuple(norm)) if norm else a
    return Case(args.values, lambda p: tf.reverse(p[0], ax(p)), oracle, note=axes)


# -- shape manipulation ---------------------------------------------------------------------------------
def _expand_dims(rng):
    x = _data(rng)
    axis = int(rng.integers(-x.ndim - 2, x.ndim + 2))
    args = _Args(rng, x)
    a = args.index(axis)

    def oracle(v, *unused):
        _check_refused(args)
        if not -v.ndim - 1 <= axis <= v.ndim:
            raise Reject("axis")
        return np.expand_dims(v, axis)
    return Case(args.values, lambda p: tf.expand_dims(p[0], a(p)), oracle, note=axis)


def _squeeze(rng):
    dt = _pick(rng, I.ALL)
    shape = tuple(1 if rng.random() < 0.4 else d for d in I.shape(rng))
    x = I.values(rng, shape, dt)
    r = x.ndim
    ones = [i for i, d in enumerate(shape) if d == 1]
    axes = [] if rng.random() < 0.3 or not ones else [
        i - (r if rng.random() < 0.3 else 0) for i in ones if rng.random() < 0.7]
    if r and rng.random() < 0.15:
        axes.append(_pick(rng, [r, int(rng.integers(r))]))

    def oracle(a):
        if not axes:
            return a.reshape([d for d in a.shape if d != 1])
        if any(not -r <= k < r for k in axes) or any(a.shape[k] != 1 for k in axes):
            raise Reject("axis")
        return np.squeeze(a, axis=tuple(sorted({k % r for k in axes})))
    return Case([x], lambda p: tf.squeeze(p[0], axes), oracle, note=axes,
                known_shape=bool(rng.random() < 0.7))


def _transpose(conjugate):
    def make(rng):
        dt = _pick(rng, I.COMPLEX) if conjugate and rng.random() < 0.7 else _pick(rng, I.ALL)
        x = _data(rng, dtype=dt)
        perm = [int(v) for v in rng.permutation(x.ndim)]
        r = rng.random()
        if perm and r < 0.1:
            perm[0] = perm[-1] if len(perm) > 1 else x.ndim
        elif r < 0.15:
            perm = perm + [0]
        elif perm and r < 0.3:
            perm = [v - x.ndim for v in perm]
        args = _Args(rng, x)
        pm = args.index(perm if perm else np.zeros(0, np.int32))

        def oracle(a, *unused):
            _check_refused(args)
            norm = [v % a.ndim for v in perm if -a.ndim <= v < a.ndim] if a.ndim else perm
            if len(perm) != a.ndim or sorted(norm) != list(range(a.ndim)):
                raise Reject("perm")
            out = np.transpose(a, norm)
            return np.conj(out) if conjugate else out

        def build(p):
            if conjugate:
                return build_op("ConjugateTranspose", (p[0], pm(p)))._outputs[0]
            return tf.transpose(p[0], pm(p))
        return Case(args.values, build, oracle, note=perm)
    return make


def _tile(rng):
    x = _data(rng, max_rank=3)
    mult = [int(rng.integers(0, 4)) for _ in range(x.ndim)]
    r = rng.random()
    if mult and r < 0.1:
        mult[0] = -1
    elif r < 0.15:
        mult = mult + [1]
    args = _Args(rng, x)
    m = args.index(mult if mult else np.zeros(0, np.int32))

    def oracle(a, *unused):
        _check_refused(args)
        if len(mult) != a.ndim or any(k < 0 for k in mult):
            raise Reject("multiples")
        return np.tile(a, mult) if a.ndim else a
    return Case(args.values, lambda p: tf.tile(p[0], m(p)), oracle, note=mult)


def _broadcast_to(rng):
    x = _data(rng, max_rank=3)
    target = [int(rng.integers(1, 4)) for _ in range(int(rng.integers(0, 2)))]
    target += [int(rng.integers(0, 4)) if d == 1 else d for d in x.shape]
    if target and rng.random() < 0.15:
        target[-1] += 1
    args = _Args(rng, x)
    t = args.index(target if target else np.zeros(0, np.int32))

    def oracle(a, *unused):
        _check_refused(args)
        try:
            return np.broadcast_to(a, target)
        except ValueError:
            raise Reject("shapes") from None
    return Case(args.values, lambda p: tf.broadcast_to(p[0], t(p)), oracle, note=target)


def _pad(op_type):
    def make(rng):
        # (PadV2's Python constant_values: TensorFlow refuses an int for a bool tensor)
        x = _data(rng, max_rank=3, dtype=_pick(rng, [d for d in I.ALL if d is not np.bool_])
                  if op_type == "PadV2" else None)
        mode = {"Pad": "CONSTANT", "PadV2": "CONSTANT",
                "MirrorPad": _pick(rng, ("REFLECT", "SYMMETRIC", "reflect"))}[op_type]
        pads = [[int(rng.integers(0, 3)), int(rng.integers(0, 3))] for _ in range(x.ndim)]
        if pads and rng.random() < 0.1:
            pads[0][0] = -1
        args = _Args(rng, x)
        pd = args.index(pads if pads else np.zeros((0, 2), np.int32))
        value = int(rng.integers(1, 4))

        def oracle(a, *unused):
            _check_refused(args)
            if any(v < 0 for pr in pads for v in pr):
                raise Reject("negative")
            if op_type != "MirrorPad":
                c = value if op_type == "PadV2" else 0
                return np.pad(a, pads, constant_values=c) if a.ndim else a
            limit = 0 if mode.upper() == "REFLECT" else 1
            if any(max(pr) > d - 1 + limit for pr, d in zip(pads, a.shape)):
                raise Reject("mirror padding too large")
            return np.pad(a, pads, mode=mode.lower()) if a.ndim else a

        def build(p):
            if op_type == "PadV2":
                return tf.pad(p[0], pd(p), constant_values=value)
            return tf.pad(p[0], pd(p), mode=mode)
        return Case(args.values, build, oracle, note=(pads, mode))
    return make


# -- stack, unstack, split ------------------------------------------------------------------------------
def _pack(rng):
    dt = _pick(rng, I.ALL)
    shape = I.shape(rng, max_rank=3)
    k = int(rng.integers(1, 4))
    xs = [I.values(rng, shape, dt) for _ in range(k)]
    if rng.random() < 0.1:
        xs.append(I.values(rng, shape + (2,), dt))
    axis = int(rng.integers(-len(shape) - 2, len(shape) + 2))

    def oracle(*a):
        try:
            return np.stack(a, axis=axis)
        except (ValueError, np.exceptions.AxisError):
            raise Reject("shapes/axis") from None
    return Case(xs, lambda p: tf.stack(list(p), axis=axis), oracle, note=axis)


def _unpack(rng):
    x = _data(rng, min_rank=1)
    axis = int(rng.integers(-x.ndim - 1, x.ndim + 1))

    def oracle(a):
        if not -a.ndim <= axis < a.ndim:
            raise Reject("axis")
        return [np.take(a, i, axis=axis) for i in range(a.shape[axis])]
    return Case([x], lambda p: tf.unstack(p[0], axis=axis), oracle, note=axis)


def _split(rng):
    x = _data(rng, min_rank=1)
    axis = int(rng.integers(-x.ndim, x.ndim))
    d = x.shape[axis]
    num = _pick(rng, [k for k in range(1, 5) if d % k == 0] or [1]) if rng.random() < 0.85 \
        else int(rng.integers(1, 5))
    args = _Args(rng, x)
    ax = args.index(axis, dtype=np.int32)

    def oracle(a, *unused):
        if a.shape[axis] % num:
            raise Reject("uneven")
        return np.split(a, num, axis=axis)
    return Case(args.values, lambda p: tf.split(p[0], num, axis=ax(p)), oracle,
                note=(num, axis))


def _split_v(rng):
    x = _data(rng, min_rank=1)
    axis = int(rng.integers(-x.ndim, x.ndim))
    d = int(x.shape[axis])
    cuts = sorted(int(c) for c in rng.integers(0, d + 1, int(rng.integers(0, 3))))
    sizes = [b - a for a, b in zip([0] + cuts, cuts + [d])]
    r = rng.random()
    if r < 0.3:
        sizes[int(rng.integers(len(sizes)))] = -1
    elif r < 0.4:
        sizes[0] += 1
    elif r < 0.45 and len(sizes) > 1:
        sizes[0], sizes[1] = -1, -1
    args = _Args(rng, x)
    sz = args.index(sizes, dtype=_pick(rng, (np.int32, np.int64)), fed=bool(rng.random() < 0.3))

    def oracle(a, *unused):
        s = list(sizes)
        if s.count(-1) > 1:
            raise Reject("two -1")
        if -1 in s:
            s[s.index(-1)] = d - sum(v for v in s if v != -1)
        if any(v < 0 for v in s) or sum(s) != d:
            raise Reject("sizes")
        return np.split(a, np.cumsum(s)[:-1], axis=axis)
    return Case(args.values, lambda p: tf.split(p[0], sz(p), axis=axis, num=len(sizes)), oracle,
                note=(sizes, axis))


SPECS = {
    "Reshape": _reshape, "Fill": _fill, "StaticFill": _static_fill, "ZerosLike": _zeros_like,
    "Shape": _shape_like("Shape"), "Size": _shape_like("Size"), "Rank": _shape_like("Rank"),
    "Slice": _slice, "StridedSlice": lambda rng: (_strided_slice if rng.random() < 0.6
                                                  else _getitem)(rng),
    "ReverseV2": _reverse, "ExpandDims": _expand_dims, "Squeeze": _squeeze,
    "Transpose": _transpose(False), "ConjugateTranspose": _transpose(True), "Tile": _tile,
    "BroadcastTo": _broadcast_to, "Pad": _pad("Pad"), "PadV2": _pad("PadV2"),
    "MirrorPad": _pad("MirrorPad"), "Pack": _pack, "Unpack": _unpack, "Split": _split,
    "SplitV": _split_v,
}
