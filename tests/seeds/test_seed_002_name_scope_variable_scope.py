"""Seed 002 (huangyongye): placeholder/Variable/get_variable naming, name vs variable scope,
and the shared conv weights of my_image_filter."""
import pytest

import fastscope as tf


def test_placeholder_names_and_repr():
    config = tf.ConfigProto()
    config.gpu_options.allow_growth = True
    tf.Session(config=config)
    v1 = tf.placeholder(tf.float32, shape=[2, 3, 4])
    assert v1.name == "Placeholder:0"
    v1 = tf.placeholder(tf.float32, shape=[2, 3, 4], name="ph")
    assert v1.name == "ph:0"
    v1 = tf.placeholder(tf.float32, shape=[2, 3, 4], name="ph")
    assert v1.name == "ph_1:0"
    assert type(v1) is tf.Tensor
    assert repr(v1) == 'Tensor("ph_1:0", shape=(2, 3, 4), dtype=float32)'


def test_variable_names_and_get_variable_clash():
    v2 = tf.Variable([1, 2], dtype=tf.float32)
    assert v2.name == "Variable:0"
    v2 = tf.Variable([1, 2], dtype=tf.float32, name="V")
    assert v2.name == "V:0"
    v2 = tf.Variable([1, 2], dtype=tf.float32, name="V")
    assert v2.name == "V_1:0"
    assert repr(v2.value()) == 'Tensor("V_1/read:0", shape=(2,), dtype=float32)'
    v3 = tf.get_variable(name="gv", shape=[])
    assert v3.name == "gv:0"
    with pytest.raises(ValueError) as err:
        tf.get_variable(name="gv", shape=[2])
    assert str(err.value).startswith("Variable gv already exists, disallowed. Did you mean to "
                                     "set reuse=True")
    assert "Originally defined at" in str(err.value) and __file__ in str(err.value)
    assert repr(v3.value()) == 'Tensor("gv/read:0", shape=(), dtype=float32)'
    reads = [v.value().name for v in tf.trainable_variables()]
    assert reads == ["Variable/read:0", "V/read:0", "V_1/read:0", "gv/read:0"]


def test_name_scope_vs_variable_scope():
    with tf.name_scope("nsc1"):
        v1 = tf.Variable([1], name="v1")
        with tf.variable_scope("vsc1"):
            v2 = tf.Variable([1], name="v2")
            v3 = tf.get_variable(name="v3", shape=[])
    assert (v1.name, v2.name, v3.name) == ("nsc1/v1:0", "nsc1/vsc1/v2:0", "vsc1/v3:0")
    with tf.name_scope("nsc1"):
        v4 = tf.Variable([1], name="v4")
    assert v4.name == "nsc1_1/v4:0"


def test_image_filter_with_variable_creates_two_sets():
    def my_image_filter():
        tf.Variable(tf.random_normal([5, 5, 32, 32]), name="conv1_weights")
        tf.Variable(tf.zeros([32]), name="conv1_biases")
        tf.Variable(tf.random_normal([5, 5, 32, 32]), name="conv2_weights")
        tf.Variable(tf.zeros([32]), name="conv2_biases")
    my_image_filter()
    my_image_filter()
    vs = tf.trainable_variables()
    assert len(vs) == 8
    assert [repr(v.value()) for v in vs] == [
        'Tensor("conv1_weights/read:0", shape=(5, 5, 32, 32), dtype=float32)',
        'Tensor("conv1_biases/read:0", shape=(32,), dtype=float32)',
        'Tensor("conv2_weights/read:0", shape=(5, 5, 32, 32), dtype=float32)',
        'Tensor("conv2_biases/read:0", shape=(32,), dtype=float32)',
        'Tensor("conv1_weights_1/read:0", shape=(5, 5, 32, 32), dtype=float32)',
        'Tensor("conv1_biases_1/read:0", shape=(32,), dtype=float32)',
        'Tensor("conv2_weights_1/read:0", shape=(5, 5, 32, 32), dtype=float32)',
        'Tensor("conv2_biases_1/read:0", shape=(32,), dtype=float32)']


def test_image_filter_with_get_variable_shares_weights():
    def conv_relu(kernel_shape, bias_shape):
        tf.get_variable("weights", kernel_shape, initializer=tf.random_normal_initializer())
        tf.get_variable("biases", bias_shape, initializer=tf.constant_initializer(0.0))

    def my_image_filter():
        with tf.variable_scope("conv1"):
            conv_relu([5, 5, 32, 32], [32])
        with tf.variable_scope("conv2"):
            return conv_relu([5, 5, 32, 32], [32])

    with tf.variable_scope("image_filters") as scope:
        my_image_filter()
        scope.reuse_variables()
        my_image_filter()
    vs = tf.trainable_variables()
    assert [repr(v.value()) for v in vs] == [
        'Tensor("image_filters/conv1/weights/read:0", shape=(5, 5, 32, 32), dtype=float32)',
        'Tensor("image_filters/conv1/biases/read:0", shape=(32,), dtype=float32)',
        'Tensor("image_filters/conv2/weights/read:0", shape=(5, 5, 32, 32), dtype=float32)',
        'Tensor("image_filters/conv2/biases/read:0", shape=(32,), dtype=float32)']
