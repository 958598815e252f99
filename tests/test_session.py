"""Session.run: fetch structures, feeds, variable state, errors."""
import collections

import numpy as np
import pytest

import fastscope as tf


def test_fetch_structures_and_types():
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    s = tf.constant(3.0)
    P = collections.namedtuple("P", "x y")
    with tf.Session() as sess:
        out = sess.run({"a": a, "b": [s, (a,)], "p": P(s, a)})
        assert isinstance(out["b"][0], np.float32) and out["b"][0] == 3.0
        np.testing.assert_array_equal(out["b"][1][0], [[1, 2], [3, 4]])
        assert isinstance(out["p"], P) and out["p"].x == 3.0
        assert sess.run("Const:0").tolist() == [[1, 2], [3, 4]]
        assert sess.run(a.op) is None
        with pytest.raises(TypeError):
            sess.run(3)
        with pytest.raises(TypeError):
            sess.run(None)


def test_placeholder_feeds_and_errors():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    y = x * 2.0
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: np.ones((2, 3))}), 2 * np.ones((2, 3)))
        np.testing.assert_array_equal(sess.run(y, {"x:0": np.ones((2, 3))}), 2 * np.ones((2, 3)))
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="You must feed a value for placeholder tensor 'x' with dtype "
                                 "float and shape \\[2,3\\]"):
            sess.run(y)
        with pytest.raises(ValueError, match=r"Cannot feed value of shape \(3,\) for Tensor x:0, "
                                             r"which has shape \(2, 3\)"):
            sess.run(y, {x: np.ones(3)})
        with pytest.raises(TypeError, match="The value of a feed cannot be a tf.Tensor"):
            sess.run(y, {x: y})


def test_placeholder_with_default_and_partial_shapes():
    d = tf.placeholder_with_default(tf.constant([1.0, 2.0]), shape=[None])
    p = tf.placeholder(tf.float32, [None, 3])
    assert str(p.shape) == "(?, 3)"
    with tf.Session() as sess:
        assert sess.run(d).tolist() == [1.0, 2.0]
        assert sess.run(d, {d: [5.0, 6.0, 7.0]}).tolist() == [5.0, 6.0, 7.0]
        assert sess.run(tf.reduce_sum(p), {p: np.ones((4, 3))}) == 12.0


def test_variables_live_in_sessions():
    v = tf.Variable([1.0, 2.0], name="v")
    inc = v.assign_add([1.0, 1.0])
    s1, s2 = tf.Session(), tf.Session()
    with pytest.raises(tf.errors.FailedPreconditionError,
                       match="Attempting to use uninitialized value v"):
        s1.run(v)
    s1.run(tf.global_variables_initializer())
    s1.run(inc)
    assert s1.run(v).tolist() == [2.0, 3.0]
    with pytest.raises(tf.errors.FailedPreconditionError):
        s2.run(v.value())
    s2.run(v.initializer)
    assert s2.run(v).tolist() == [1.0, 2.0]
    fetched = s1.run(v)
    fetched[0] = 100.0
    assert s1.run(v).tolist() == [2.0, 3.0]   # a fetch is a copy, not the variable's storage
    with s1.as_default():
        assert v.eval().tolist() == [2.0, 3.0]
        v.load([7.0, 8.0])
        assert (v + 1.0).eval().tolist() == [8.0, 9.0]


def test_assign_shape_mismatch_and_uninitialized_report():
    v = tf.Variable(tf.zeros([2]), validate_shape=True, name="w")
    with pytest.raises(ValueError):
        v.assign([1.0, 2.0, 3.0])
    with tf.Session() as sess:
        assert sess.run(tf.report_uninitialized_variables()).tolist() == [b"w"]
        sess.run(tf.global_variables_initializer())
        assert sess.run(tf.is_variable_initialized(v)) is np.True_ or sess.run(
            tf.is_variable_initialized(v)) == True  # noqa: E712


def test_closed_session_and_default_session_rules():
    c = tf.constant(1.0)
    sess = tf.Session()
    sess.close()
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(c)
    with pytest.raises(ValueError, match="No default session"):
        c.eval()
    inter = tf.InteractiveSession()
    assert c.eval() == 1.0
    inter.close()


def test_arithmetic_dtypes_and_errors():
    i = tf.constant([1, 2])
    f = tf.constant([1.0, 2.0])
    with pytest.raises(TypeError, match="Input 'y' of 'Add' Op has type float32 that does not "
                                        "match type int32 of argument 'x'"):
        i + f
    with pytest.raises(TypeError, match="Expected int32"):
        i * 2.5
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 2"):
        tf.matmul(tf.ones([2, 3]), tf.ones([2, 3]))
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 2 and 3"):
        tf.ones([2, 3]) + tf.ones([3, 2])
    with pytest.raises(ValueError, match="Cannot reshape a tensor with 6 elements to shape"):
        tf.reshape(tf.ones([2, 3]), [4])
    with tf.Session() as sess:
        assert sess.run(i / i).dtype == np.float64   # int truediv -> float64, as TF
        assert sess.run(tf.reduce_mean(tf.constant([1, 2]))) == 1   # integer mean truncates
        assert sess.run(2.0 * f).tolist() == [2.0, 4.0]
        m = np.arange(6, dtype=np.float32).reshape(2, 3)
        np.testing.assert_allclose(sess.run(tf.matmul(m, m, transpose_b=True)), m @ m.T)
        np.testing.assert_array_equal(sess.run(tf.constant(m)[:, 1:]), m[:, 1:])
        np.testing.assert_array_equal(sess.run(tf.concat([m, m], axis=1)),
                                      np.concatenate([m, m], 1))


def test_seeded_random_ops_repeat_across_sessions_and_advance_within():
    tf.set_random_seed(7)
    r = tf.random_normal([4], seed=1)
    u = tf.random_uniform([4])
    s1, s2 = tf.Session(), tf.Session()
    a1, a2 = s1.run(r), s1.run(r)
    b1 = s2.run(r)
    assert a1.tolist() == b1.tolist() and a1.tolist() != a2.tolist()
    assert s1.run(u).tolist() == s2.run(u).tolist()


def test_op_seed_from_name_is_stable_when_unrelated_ops_are_added():
    def values(extra):
        g = tf.Graph()
        with g.as_default():
            tf.set_random_seed(3)
            for k in range(extra):
                tf.constant(k)
            v = tf.get_variable("w", [5])
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                return sess.run(v).tolist()
    assert values(0) == values(7)


def test_unseeded_random_differs_between_sessions():
    r = tf.random_uniform([8])
    assert tf.Session().run(r).tolist() != tf.Session().run(r).tolist()


def test_config_proto_threads_are_used():
    cfg = tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
    with tf.Session(config=cfg) as sess:
        assert sess.intra_threads == 1
        assert sess.run(tf.constant(2.0) * 2.0) == 4.0


def test_run_time_shape_errors_use_tensorflow_words():
    a = tf.placeholder(tf.float32, [None, None])
    b = tf.placeholder(tf.float32, [None, None])
    feed = {a: np.ones((2, 3)), b: np.ones((3, 2))}
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"^Incompatible shapes: \[2, 3\] vs. \[3, 2\]"):
            sess.run(a + b, feed)
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"^Matrix size-incompatible: "
                                                                 r"In\[0\]: \[2, 3\]"):
            sess.run(tf.matmul(a, a), {a: np.ones((2, 3))})
