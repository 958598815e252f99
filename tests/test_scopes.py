"""variable_scope: reuse inheritance, re-entry, default names, inherited defaults, getters."""
import numpy as np
import pytest

import fastscope as tf


def test_default_name_uniquifies_and_name_does_not():
    with tf.variable_scope(None, default_name="layer") as a:
        pass
    with tf.variable_scope(None, default_name="layer") as b:
        pass
    with tf.variable_scope("fixed") as c:
        pass
    with tf.variable_scope("fixed") as d:
        pass
    assert (a.name, b.name, c.name, d.name) == ("layer", "layer_1", "fixed", "fixed")
    assert (a.original_name_scope, b.original_name_scope) == ("layer/", "layer_1/")
    assert (c.original_name_scope, d.original_name_scope) == ("fixed/", "fixed_1/")


def test_reentering_a_captured_scope():
    with tf.variable_scope("outer") as outer:
        v = tf.get_variable("v", [1])
    with tf.variable_scope("other"):
        with tf.variable_scope(outer, reuse=True) as again:
            assert again.name == "outer"
            assert tf.get_variable("v", [1]) is v
            # TF opens a name scope from the captured scope's last component, here under
            # the current name scope.
            assert tf.constant(1).name == "other/outer/Const:0"
            with tf.variable_scope("inner") as inner:
                assert inner.name == "outer/inner"
    with tf.variable_scope(outer, auxiliary_name_scope=False) as s:
        assert s.name == "outer"
        assert tf.constant(1).name == "Const:0"


def test_auxiliary_name_scope_false_keeps_the_name_scope():
    with tf.name_scope("ns"):
        with tf.variable_scope("vs", auxiliary_name_scope=False):
            v = tf.get_variable("w", [1])
            c = tf.constant(1.0)
    assert (v.name, c.name) == ("vs/w:0", "ns/Const:0")


def test_reuse_true_sticks_in_subscopes_and_false_means_inherit():
    with tf.variable_scope("a"):
        tf.get_variable("w", [1])
    with tf.variable_scope("a", reuse=True):
        with tf.variable_scope("b", reuse=False):
            assert tf.get_variable_scope().reuse is True
    with tf.variable_scope("x", reuse=tf.AUTO_REUSE):
        with tf.variable_scope("y"):
            assert tf.get_variable_scope().reuse is tf.AUTO_REUSE


@pytest.mark.parametrize("bad", [1, "yes", 0.5])
def test_bad_reuse_value(bad):
    with pytest.raises(ValueError, match="The reuse parameter must be True or False or None"):
        tf.variable_scope("s", reuse=bad)


def test_reuse_true_without_name_and_missing_names():
    with pytest.raises(ValueError, match="reuse=True cannot be used without a name_or_scope"):
        with tf.variable_scope(None, default_name="d", reuse=True):
            pass
    with pytest.raises(TypeError, match="If default_name is None then name_or_scope is required"):
        tf.variable_scope(None)
    with pytest.raises(TypeError, match="must be a string or VariableScope"):
        tf.variable_scope(3)


def test_scope_defaults_are_inherited_and_overridden():
    with tf.variable_scope("s", initializer=tf.constant_initializer(2.0), dtype=tf.float64):
        a = tf.get_variable("a", [2])
        with tf.variable_scope("t", initializer=tf.constant_initializer(3.0)):
            b = tf.get_variable("b", [2])
            c = tf.get_variable("c", [2], initializer=tf.constant_initializer(4.0))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert [sess.run(v).tolist() for v in (a, b, c)] == [[2.0, 2.0], [3.0, 3.0], [4.0, 4.0]]
    assert a.dtype == tf.float64._as_ref and b.dtype.base_dtype == tf.float64


def test_regularizer_inherited_and_no_regularizer_switches_it_off():
    with tf.variable_scope("r", regularizer=lambda w: tf.reduce_sum(w)):
        tf.get_variable("a", [2])
        tf.get_variable("b", [2], regularizer=tf.no_regularizer)
        with tf.variable_scope("inner"):
            tf.get_variable("c", [2])
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert [l.name.split("/Regularizer")[0] for l in losses] == ["r/a", "r/inner/c"]


def test_custom_getters_nest_inner_first_and_direct_one_replaces():
    calls = []

    def outer_getter(getter, name, *args, **kwargs):
        calls.append("outer")
        return getter(name, *args, **kwargs)

    def inner_getter(getter, name, *args, **kwargs):
        calls.append("inner")
        return getter(name, *args, **kwargs)

    def direct(getter, name, *args, **kwargs):
        calls.append("direct")
        return getter(name + "_d", *args, **kwargs)

    with tf.variable_scope("o", custom_getter=outer_getter):
        with tf.variable_scope("i", custom_getter=inner_getter):
            tf.get_variable("v", [1])
            assert calls == ["inner", "outer"]
            calls.clear()
            v = tf.get_variable("w", [1], custom_getter=direct)
    assert calls == ["direct"] and v.name == "o/i/w_d:0"


def test_getter_without_constraint_keyword_still_works():
    seen = {}

    def getter(getter, name, shape=None, dtype=None, initializer=None, regularizer=None,
               reuse=None, trainable=None, collections=None, caching_device=None,
               partitioner=None, validate_shape=True, use_resource=None, synchronization=None,
               aggregation=None):
        seen["shape"] = shape
        return getter(name, shape=shape, dtype=dtype, initializer=initializer)

    with tf.variable_scope("g", custom_getter=getter):
        v = tf.get_variable("v", [3])
    assert seen["shape"] == [3] and v.shape.as_list() == [3]


def test_scope_collection_helpers():
    with tf.variable_scope("m") as m:
        tf.get_variable("a", [1])
        tf.get_variable("b", [1], trainable=False)
    tf.get_variable("other", [1])
    assert [v.name for v in m.global_variables()] == ["m/a:0", "m/b:0"]
    assert [v.name for v in m.trainable_variables()] == ["m/a:0"]


def test_initializer_as_array_and_tensor_takes_its_shape():
    a = tf.get_variable("arr", initializer=np.arange(6, dtype=np.float32).reshape(2, 3))
    t = tf.get_variable("ten", initializer=tf.constant([1, 2, 3]))
    assert a.shape.as_list() == [2, 3] and t.shape.as_list() == [3] and t.dtype.base_dtype == tf.int32
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(a), np.arange(6).reshape(2, 3))
        np.testing.assert_array_equal(sess.run(t), [1, 2, 3])
