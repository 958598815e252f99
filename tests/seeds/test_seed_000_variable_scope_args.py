"""Seed 000 (CSDN, tf.variable_scope 参数): reuse modes and Variable vs get_variable naming."""
import pytest

import fastscope as tf


def test_reuse_true_returns_the_same_variable():
    with tf.variable_scope("foo"):
        v = tf.get_variable("v", [1], initializer=tf.constant_initializer(1.0))
    with tf.variable_scope("foo", reuse=True):
        v1 = tf.get_variable("v", [1])
    assert (v == v1) is True


def test_commented_out_lines_raise_as_the_post_says():
    with tf.variable_scope("foo"):
        tf.get_variable("v", [1], initializer=tf.constant_initializer(1.0))
    with pytest.raises(ValueError, match="Variable foo/v already exists, disallowed"):
        with tf.variable_scope("foo"):
            tf.get_variable("v", [1])
    with pytest.raises(ValueError, match="Variable bar/v does not exist"):
        with tf.variable_scope("bar", reuse=True):
            tf.get_variable("v", [1])


def test_reuse_flag_is_inherited_then_restored(capsys):
    with tf.variable_scope("root"):
        print(tf.get_variable_scope().reuse)
        with tf.variable_scope("foo", reuse=True):
            print(tf.get_variable_scope().reuse)
            with tf.variable_scope("bar"):
                print(tf.get_variable_scope().reuse)
        print(tf.get_variable_scope().reuse)
    assert capsys.readouterr().out.split() == ["False", "True", "True", "False"]


def test_variable_uniquifies_its_name():
    with tf.variable_scope("f1"):
        a1 = tf.Variable(tf.random_normal(shape=[2, 3], mean=0, stddev=1), name="a1")
        a2 = tf.Variable(tf.random_normal(shape=[2, 3], mean=0, stddev=1), name="a1")
    assert (a1.name, a2.name, a1 == a2) == ("f1/a1:0", "f1/a1_1:0", False)


def test_get_variable_ignores_name_scope_and_reentry_uniquifies_name_scope():
    with tf.variable_scope("f2"):
        a1 = tf.Variable(tf.random_normal(shape=[2, 3], mean=0, stddev=1), name="a1")
        a2 = tf.Variable(tf.random_normal(shape=[2, 3], mean=0, stddev=1), name="a1")
        a5 = tf.get_variable(name="a1", shape=[1], initializer=tf.constant_initializer(1))
    with tf.variable_scope("f2", reuse=True):
        a3 = tf.get_variable(name="a1", shape=[1], initializer=tf.constant_initializer(1))
        a4 = tf.Variable(tf.random_normal(shape=[2, 3], mean=0, stddev=1), name="a2")
    assert [a1.name, a2.name, a1 == a2, a5.name, a3.name, a4.name] == [
        "f2/a1:0", "f2/a1_1:0", False, "f2/a1_2:0", "f2/a1_2:0", "f2_1/a2:0"]
    assert a3 is a5
