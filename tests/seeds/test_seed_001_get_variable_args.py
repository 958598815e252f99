"""Seed 001 (tf.compat.v1.get_variable usage page): AUTO_REUSE and the custom getter example."""
import fastscope as tf


def test_auto_reuse_creates_then_gets():
    def foo():
        with tf.variable_scope("foo", reuse=tf.AUTO_REUSE):
            v = tf.get_variable("v", [1])
        return v
    v1 = foo()  # Creates v.
    v2 = foo()  # Gets the same, existing v.
    assert v1 == v2
    assert v1.name == "foo/v:0"
    assert len(tf.global_variables()) == 1


def test_suffix_custom_getter_renames_the_variable():
    def custom_getter(getter, name, *args, **kwargs):
        return getter(name + "_suffix", *args, **kwargs)
    with tf.variable_scope("scope", custom_getter=custom_getter):
        v = tf.get_variable("w", [2])
    assert v.name == "scope/w_suffix:0"


def test_default_initializer_is_glorot_uniform_and_regularizer_adds_a_loss():
    with tf.variable_scope("s", regularizer=lambda w: tf.reduce_sum(w * w)):
        w = tf.get_variable("w", [30, 20])
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 1 and losses[0].name.startswith("s/w/Regularizer/")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        value = sess.run(w)
        limit = (6.0 / (30 + 20)) ** 0.5
        assert value.shape == (30, 20) and abs(value).max() <= limit
        assert value.std() > limit / 3   # really random, not zeros
        assert abs(sess.run(losses[0]) - (value.astype("float64") ** 2).sum()) < 1e-3


def test_partitioner_and_constraint_arguments_are_accepted():
    constraint = lambda x: x  # noqa: E731
    v = tf.get_variable("c", [3], constraint=constraint)
    assert v.constraint is constraint
