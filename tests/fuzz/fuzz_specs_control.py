"""Fuzz cases for control flow: If, While (and its LoopVar), case, TensorArray ops."""
import numpy as np

import fastscope as tf
import fuzz_inputs as I
from fuzz_specs import Case, Reject, _pick


def _if(rng):
    x = I.values(rng, I.shape(rng), _pick(rng, I.FLOATS + I.INTS))
    p = np.asarray(rng.random() < 0.5)
    return Case([p, x], lambda ph: tf.cond(ph[0], lambda: ph[1] * 2, lambda: ph[1] - 1),
                lambda pp, xx: xx * 2 if pp else xx - 1)


def _while(rng):
    n, limit = int(rng.integers(0, 20)), int(rng.integers(5, 30))
    x = I.values(rng, I.shape(rng, max_rank=2), np.float64)

    def build(ph):
        return list(tf.while_loop(lambda i, v: i < n, lambda i, v: (i + 1, v * 0.5 + 1.0),
                                  (tf.constant(0), ph[0]), maximum_iterations=limit))

    def oracle(xx):
        v = xx
        for _ in range(min(n, limit)):
            v = v * 0.5 + 1.0
        return [np.asarray(min(n, limit)), v]
    return Case([x], build, oracle)


def _case(rng):
    x = np.asarray(int(rng.integers(-3, 4)), np.int32)
    exclusive = bool(rng.random() < 0.5)

    def build(ph):
        return tf.case([(ph[0] > 0, lambda: tf.constant(1)), (ph[0] > 1, lambda: tf.constant(2))],
                       default=lambda: tf.constant(0), exclusive=exclusive)

    def oracle(xx):
        if exclusive and xx > 1:
            raise Reject("two true predicates")
        return np.asarray(1 if xx > 0 else 0)
    return Case([x], build, oracle)


def _ta(kind):
    def make(rng):
        dt = _pick(rng, (np.float32, np.float64, np.int32))
        x = I.values(rng, (int(rng.integers(1, 5)),) + I.shape(rng, max_rank=2), dt)
        n = x.shape[0]
        idx = rng.integers(0, n + (rng.random() < 0.1), int(rng.integers(0, n + 1)))

        def build(ph):
            ta = tf.TensorArray(tf.as_dtype(dt), size=n, clear_after_read=False).unstack(ph[0])
            if kind == "read":
                return ta.read(int(idx[0]) if idx.size else 0)
            if kind == "gather":
                return ta.gather(idx.astype(np.int32))
            if kind == "size":
                return ta.size()
            if kind == "concat":
                return ta.concat() if x.ndim > 1 else ta.stack()
            if kind == "split":
                return tf.TensorArray(tf.as_dtype(dt), size=n, infer_shape=False).split(
                    ph[0], [1] * n).concat()
            return ta.stack()

        def oracle(xx):
            if kind == "read":
                i = int(idx[0]) if idx.size else 0
                if i >= n:
                    raise Reject("index")
                return xx[i]
            if kind == "gather":
                if idx.size and idx.max() >= n:
                    raise Reject("index")
                return xx[idx] if idx.size else np.zeros((0,) + xx.shape[1:])
            if kind == "size":
                return np.asarray(n, np.int32)
            if kind == "concat" and x.ndim > 1:
                return np.concatenate(list(xx))
            return xx
        return Case([x], build, oracle)
    return make


SPECS = {"If": _if, "While": _while, "LoopVar": _while, "CaseExclusive": _case,
         "TensorArrayV3": _ta("stack"), "TensorArrayWriteV3": _ta("stack"),
         "TensorArrayReadV3": _ta("read"), "TensorArrayGatherV3": _ta("gather"),
         "TensorArrayScatterV3": _ta("stack"), "TensorArraySplitV3": _ta("split"),
         "TensorArrayConcatV3": _ta("concat"), "TensorArraySizeV3": _ta("size"),
         "TensorArrayIndices": _ta("stack"), "LeadingRange": _ta("stack")}
