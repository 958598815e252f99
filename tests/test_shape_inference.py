"""Static shape inference of the shape and array ops, as TensorFlow 1.x's shape functions do it.

Every row was recorded from TensorFlow (tf.compat.v1 graph mode): the expression, built
on placeholders of partially known shapes and index tensors of unknown value, and the
static shapes TensorFlow gives its outputs (or the exception type it raises). The
rest pins down the framework helpers the shape functions use (constant_value,
partial_value, constant_value_as_shape, autopacking of lists holding tensors).
"""
import numpy as np
import pytest

import fastscope as tf
from fastscope._src.framework import shape_inference as si

# (expression, the static shapes of its outputs, or the exception TensorFlow raises)
# p: (?, 3), q: unknown rank, x: (?, 3, 4), i: int32 scalar, d: int32 (?,), d2/d3: int32
# (2,)/(3,), pp: int32 (2, 2), pq: int32 of unknown shape; ph(*dims) a float placeholder.
STATIC = [
    ('tf.reshape(ph(None, 6), [-1, 2, 3])', '(?, 2, 3)'),
    ('tf.reshape(ph(None, 6), [3, -1])', '(3, ?)'),
    ('tf.reshape(ph(None, 2, 3), [-1, 6])', '(?, 6)'),
    ('tf.reshape(ph(None, 3), [6])', '(6,)'),
    ('tf.reshape(ph(None, 0), [-1, 5])', '(0, 5)'),
    ('tf.reshape(ph(None, 3), [0, -1])', '(0, ?)'),
    ('tf.reshape(ph(None, 3), [i, 3])', '(?, 3)'),
    ('tf.reshape(ph(2, 3), [i, 2])', '(3, 2)'),
    ('tf.reshape(ph(2, 3), [i, -1])', '(?, ?)'),
    ('tf.reshape(ph(2, 3), [i, 4, -1])', '(?, 4, ?)'),
    ('tf.reshape(ph(2, 0), [5, -1])', '(5, 0)'),
    ('tf.reshape(ph(0, 3), [0, -1])', '(0, ?)'),
    ('tf.reshape(ph(None, 3), [-1, -1])', '(?, ?)'),
    ('tf.reshape(q, [-1, 2])', '(?, 2)'),
    ('tf.reshape(q, tf.concat([tf.shape(p), [4]], 0))', '(?, 3, 4)'),
    ('tf.reshape(q, tf.cast(tf.shape(p), tf.int64))', '(?, 3)'),
    ('tf.reshape(q, tf.shape(p)[1:])', '(3,)'),
    ('tf.reshape(q, tf.stack([tf.shape(p)[1], 2, i]))', '(3, 2, ?)'),
    ('tf.reshape(q, tf.stack([tf.shape(p)[1] * 2, 4]))', '(6, 4)'),
    ('tf.reshape(p, d3)', '(?, ?, ?)'),
    ('tf.reshape(p, d)', '<unknown>'),
    ('tf.reshape(q, tf.shape(p)[-1:])', '(3,)'),
    ('tf.reshape(q, tf.stack([tf.shape(p)[0], -1]))', '(?, ?)'),
    ('tf.zeros(tf.fill([2], 3))', '(3, 3)'),
    ('tf.zeros(tf.stack([tf.size(tf.zeros([2, 3])), 2]))', '(6, 2)'),
    ('tf.zeros(d)', '<unknown>'),
    ('tf.zeros(tf.shape(q))', '<unknown>'),
    ('tf.zeros(i)', '(?,)'),
    ('tf.zeros([tf.shape(p)[0], 3])', '(?, 3)'),
    ('tf.ones(tf.shape(x), tf.int32)', '(?, 3, 4)'),
    ('tf.fill(d, 1.0)', '<unknown>'),
    ('tf.fill(tf.shape(p), 2)', '(?, 3)'),
    ('tf.zeros_like(q)', '<unknown>'),
    ('tf.ones_like(p)', '(?, 3)'),
    ('tf.zeros_like(p, tf.int32)', '(?, 3)'),
    ('tf.tile(x, [1, 2, 3])', '(?, 6, 12)'),
    ('tf.tile(x, tf.shape(x))', '(?, 9, 16)'),
    ('tf.tile(q, [2, 3])', '(?, ?)'),
    ('tf.tile(ph(None), [0])', '(0,)'),
    ('tf.tile(p, tf.stack([i, 2]))', '(?, 6)'),
    ('tf.tile(tf.zeros([2, 3]), [1, -1])', '(2, ?)'),
    ('tf.tile(p, d)', '(?, ?)'),
    ('tf.tile(ph(None, 0), [i, 2])', '(?, 0)'),
    ('tf.slice(p, [1, 1], [-1, -1])', '(?, 2)'),
    ('tf.slice(p, d, [1, 2])', '(1, 2)'),
    ('tf.slice(p, [0, 0], d)', '(?, ?)'),
    ('tf.slice(p, d, [-1, 2])', '(?, 2)'),
    ('tf.slice(q, [0, 1], [2, -1])', '(2, ?)'),
    ('tf.slice(x, [0, 1, 1], [1, -1, 2])', '(1, 2, 2)'),
    ('p[1:, ::2]', '(?, 2)'),
    ('p[:, None, 1]', '(?, 1)'),
    ('q[1:, 2]', '<unknown>'),
    ('tf.shape(p)[1:]', '(1,)'),
    ('x[1:, ..., tf.newaxis, 2]', '(?, 3, 1)'),
    ('x[i]', '(3, 4)'),
    ('x[i:, :i]', '(?, ?, 4)'),
    ('x[::-1, -1]', '(?, 4)'),
    ('x[..., 0]', '(?, 3)'),
    ('x[tf.newaxis, ..., tf.newaxis]', '(1, ?, 3, 4, 1)'),
    ('tf.shape(p)[0]', '()'),
    ('tf.shape(x)[::2]', '(2,)'),
    ('x[:, i:i + 2]', '(?, ?, 4)'),
    ('x[0, 1, 2]', '()'),
    ('x[..., 1:3, :]', '(?, 2, 4)'),
    ('tf.strided_slice(x, [0, 2], [2, 0], [1, -1], begin_mask=1)', '(?, 2, 4)'),
    ('tf.strided_slice(x, [0, 0], [1, 2], d2)', '<unknown>'),
    ('tf.strided_slice(x, d2, d2, [1, 1])', '(?, ?, 4)'),
    ('tf.strided_slice(x, d2, d2, [1, 1], begin_mask=2, end_mask=2)', '(?, 3, 4)'),
    ('tf.strided_slice(x, d2, d2, [1, 1], shrink_axis_mask=1)', '(?, 4)'),
    ('tf.expand_dims(p, -1)', '(?, 3, 1)'),
    ('tf.expand_dims(p, i)', '<unknown>'),
    ('tf.expand_dims(q, 0)', '<unknown>'),
    ('tf.expand_dims(p, [1])', '(?, 1, 3)'),
    ('tf.expand_dims(p, -3)', '(1, ?, 3)'),
    ('tf.squeeze(p)', '<unknown>'),
    ('tf.squeeze(p, [0])', '(3,)'),
    ('tf.squeeze(tf.ones([1, 2, 1]))', '(2,)'),
    ('tf.squeeze(q, [0])', '<unknown>'),
    ('tf.squeeze(ph(1, None, 1), [-1])', '(1, ?)'),
    ('tf.transpose(x)', '(4, 3, ?)'),
    ('tf.transpose(p, d2)', '(?, ?)'),
    ('tf.transpose(tf.zeros([2, 3]), [0, 0])', '(2, 2)'),
    ('tf.transpose(x, [-1, 0, 1])', '(4, ?, 3)'),
    ('tf.transpose(q, [1, 0])', '(?, ?)'),
    ('tf.broadcast_to(p, [4, 2, 3])', '(4, 2, 3)'),
    ('tf.broadcast_to(tf.zeros([1, 3]), tf.stack([i, 3]))', '(?, 3)'),
    ('tf.broadcast_to(tf.zeros([2, 3]), d)', '<unknown>'),
    ('tf.broadcast_to(tf.zeros([2, 3]), [-1, 3])', '(2, 3)'),
    ('tf.broadcast_to(q, [2, 3])', '(2, 3)'),
    ('tf.broadcast_to(p, tf.shape(x))', 'ValueError'),
    ('tf.pad(p, [[1, 1], [0, 2]])', '(?, 5)'),
    ('tf.pad(q, [[1, 1], [0, 2]])', '(?, ?)'),
    ('tf.pad(p, pp)', '(?, ?)'),
    ('tf.pad(q, pq)', '<unknown>'),
    ("tf.pad(p, [[1, 1], [0, 2]], mode='REFLECT')", '(?, 5)'),
    ('tf.pad(p, [[1, 1], [0, 2]], constant_values=3)', '(?, 5)'),
    ('tf.pad(p, pp, constant_values=3)', '(?, ?)'),
    ('tf.split(p, 2, axis=0)', '(?, 3) (?, 3)'),
    ('tf.split(p, [1, -1], axis=0)', '(1, 3) (?, 3)'),
    ('tf.split(p, tf.constant([1, 2]), axis=1)', '(?, 1) (?, 2)'),
    ('tf.split(tf.zeros([2, 3]), 3, axis=i)', '(?, ?) (?, ?) (?, ?)'),
    ('tf.split(p, d, axis=1, num=2)', '(?, ?) (?, ?)'),
    ('tf.split(q, 2)', '<unknown> <unknown>'),
    ('tf.split(x, [1, 1, 2], axis=-1)', '(?, 3, 1) (?, 3, 1) (?, 3, 2)'),
    ('tf.split(q, [1, 2], axis=1)', '<unknown> <unknown>'),
    ('tf.stack([p, tf.zeros([2, 3])])', '(2, 2, 3)'),
    ('tf.stack([p])', '(1, ?, 3)'),
    ('tf.stack([p, p], axis=-1)', '(?, 3, 2)'),
    ('tf.stack([q, p], axis=1)', '(?, 2, 3)'),
    ('tf.unstack(p, axis=1)', '(?,) (?,) (?,)'),
    ('tf.unstack(x, num=2)', '(3, 4) (3, 4)'),
    ('tf.unstack(q, num=2)', '<unknown> <unknown>'),
    ('tf.reverse(x, [1])', '(?, 3, 4)'),
    ('tf.reverse(q, [0])', '<unknown>'),
    ('tf.reverse(p, d)', '(?, 3)'),
    ('tf.shape(q)', '(?,)'),
    ('tf.shape(p)', '(2,)'),
    ('tf.size(p)', '()'),
    ('tf.rank(q)', '()'),
]


def _env():
    ph = lambda *s: tf.placeholder(tf.float32, list(s))   # noqa: E731
    return {"tf": tf, "ph": ph, "p": ph(None, 3), "q": tf.placeholder(tf.float32, None),
            "x": ph(None, 3, 4), "i": tf.placeholder(tf.int32, []),
            "d": tf.placeholder(tf.int32, [None]), "d2": tf.placeholder(tf.int32, [2]),
            "d3": tf.placeholder(tf.int32, [3]), "pp": tf.placeholder(tf.int32, [2, 2]),
            "pq": tf.placeholder(tf.int32, None)}


@pytest.mark.parametrize("code,want", STATIC, ids=[c for c, _ in STATIC])
def test_static_shape_is_what_tensorflow_infers(code, want):
    env = _env()
    if want in ("ValueError", "TypeError"):
        with pytest.raises({"ValueError": ValueError, "TypeError": TypeError}[want]):
            eval(code, env)
        return
    out = eval(code, env)
    out = out if isinstance(out, list) else [out]
    assert " ".join(str(t.shape) for t in out) == want


# -- the helpers ---------------------------------------------------------------------------------
def test_constant_value_of_constants_static_facts_and_small_folds():
    x = tf.placeholder(tf.float32, [None, 3])
    z = tf.zeros([2, 3])
    assert si.constant_value(tf.constant([1, 2])).tolist() == [1, 2]
    assert si.constant_value(tf.shape(x)) is None
    assert si.constant_value(tf.shape(x)[1]).tolist() == 3          # one known dimension
    assert si.constant_value(tf.shape(x)[0]) is None
    assert si.constant_value(tf.size(tf.placeholder(tf.float32, [None, 0]))).tolist() == 0
    assert si.constant_value(tf.rank(x)).tolist() == 2
    folded = tf.stack([tf.shape(x)[1] * 2, tf.size(z)])
    assert si.constant_value(folded).tolist() == [6, 6]
    assert si.constant_value(tf.reverse(tf.cast(tf.shape(z), tf.int64), [0])).tolist() == [3, 2]
    assert si.constant_value(tf.fill([2], 7)).tolist() == [7, 7]
    assert si.constant_value(z).tolist() == [[0, 0, 0], [0, 0, 0]]


def test_constant_value_never_materialises_large_values_or_feedable_ones():
    big = tf.zeros([1 << 20])
    assert si.constant_value(big) is None
    assert si.constant_value(tf.placeholder_with_default([1, 2], [2])) is None
    assert si.constant_value(tf.placeholder(tf.int32, [2])) is None
    t = tf.constant([1, 2])
    for _ in range(si.MAX_DEPTH + 5):
        t = tf.identity(t)
    assert si.constant_value(t) is None   # beyond the tracing depth: unknown, not an error


def test_partial_value_keeps_known_elements():
    x = tf.placeholder(tf.float32, [None, 3, None])
    i = tf.placeholder(tf.int32, [])
    s = tf.shape(x)
    assert si.partial_value(s) == [None, 3, None]
    assert si.partial_value(s[1:]) == [3, None]
    assert si.partial_value(s[::-1]) == [None, 3, None]
    assert si.partial_value(tf.stack([s[1], i, 4])) == [3, None, 4]
    assert si.partial_value(tf.concat([s, [7]], 0)) == [None, 3, None, 7]
    assert si.partial_value(tf.cast(s, tf.int64)) == [None, 3, None]
    assert si.partial_value(tf.placeholder(tf.int32, [2])) == [None, None]
    assert si.partial_value(tf.placeholder(tf.int32, [None])) is None
    assert si.partial_value(i) is None


def test_constant_value_as_shape():
    x = tf.placeholder(tf.float32, [None, 3])
    assert si.constant_value_as_shape(tf.constant([2, -1])).as_list() == [2, None]
    assert si.constant_value_as_shape(tf.shape(x)).as_list() == [None, 3]
    assert si.constant_value_as_shape(tf.placeholder(tf.int32, [3])).as_list() == [None] * 3
    assert si.constant_value_as_shape(tf.placeholder(tf.int32, None)).ndims is None
    assert si.constant_value_as_shape(tf.constant(5)).ndims is None
    with pytest.raises(ValueError, match="Invalid value in tensor used for shape: -2"):
        si.constant_value_as_shape(tf.constant([2, -2]))


# -- lists holding tensors: one Pack ------------------------------------------------------------
def test_a_list_holding_tensors_becomes_one_pack_named_after_the_input():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.reshape(x, [tf.shape(x)[0], 2, [2][0]])
    shape = y.op.inputs[1]
    assert (shape.name, shape.op.type) == ("Reshape/shape:0", "Pack")
    assert [t.name for t in shape.op.inputs] == ["strided_slice:0", "Reshape/shape/1:0",
                                                 "Reshape/shape/2:0"]
    nested = tf.convert_to_tensor([[1, tf.shape(x)[1]], [3, 4]])
    assert nested.name == "packed:0" and nested.shape.as_list() == [2, 2]
    assert [t.name for t in nested.op.inputs] == ["packed/0:0", "packed/1_1:0"]   # (as TF)
    assert [t.op.type for t in nested.op.inputs] == ["Pack", "Const"]
    with tf.Session() as s:
        assert s.run(nested, {x: np.zeros((1, 4))}).tolist() == [[1, 4], [3, 4]]


def test_autopacking_dtypes():
    n64 = tf.placeholder(tf.int64, [])
    n32 = tf.placeholder(tf.int32, [])
    x = tf.placeholder(tf.float32, [None, 3])
    assert tf.reshape(x, [n64, -1]).op.inputs[1].dtype == tf.int64
    mixed = tf.reshape(x, [n64, n32]).op.inputs[1]      # TensorFlow's default index type
    assert mixed.dtype == tf.int32 and mixed.op.inputs[0].op.type == "Cast"
    assert tf.convert_to_tensor([n64, 2], dtype=tf.int32).dtype == tf.int32
    with pytest.raises(TypeError, match="Cannot convert a list containing a tensor of dtype"):
        tf.convert_to_tensor([n64, n32])
    assert tf.zeros([n64, 3]).op.inputs[0].dtype == tf.int32   # zeros asks for int32
