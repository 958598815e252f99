"""Partition-invariant values: a sharded variable holds exactly the unpartitioned values.

Differs from TensorFlow (whose shards draw independent values): with the same
graph seed and variable name, any number of shards along any axis gives the
values the unpartitioned variable would have.
"""
import numpy as np
import pytest

import fastscope as tf

INITIALIZERS = {
    "random_normal": lambda: tf.random_normal_initializer(0.5, 2.0),
    "truncated_normal": lambda: tf.truncated_normal_initializer(0.0, 1.5),
    "random_uniform": lambda: tf.random_uniform_initializer(-3.0, 1.0),
    "glorot_uniform": lambda: tf.glorot_uniform_initializer(),
    "glorot_normal": lambda: tf.glorot_normal_initializer(),
    "default": lambda: None,
    "variance_scaling_fan_out_uniform": lambda: tf.variance_scaling_initializer(
        2.0, "fan_out", "uniform"),
    "variance_scaling_fan_avg_untruncated": lambda: tf.variance_scaling_initializer(
        0.5, "fan_avg", "untruncated_normal"),
    "variance_scaling_fan_in_normal": lambda: tf.variance_scaling_initializer(1.0, "fan_in",
                                                                              "normal"),
    "he_normal": lambda: tf.initializers.he_normal(),
    "he_uniform": lambda: tf.initializers.he_uniform(),
    "lecun_normal": lambda: tf.initializers.lecun_normal(),
    "lecun_uniform": lambda: tf.initializers.lecun_uniform(),
}


def _value(init_name, shape, dtype, partitioner, op_seed=None):
    with tf.Graph().as_default():
        tf.set_random_seed(1234)
        init = INITIALIZERS[init_name]()
        if op_seed is not None and init is not None:
            init.seed = op_seed
        with tf.variable_scope("layer"):
            v = tf.get_variable("w", shape, dtype=dtype, initializer=init,
                                partitioner=partitioner)
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            return s.run(v)


@pytest.mark.parametrize("init_name", sorted(INITIALIZERS))
@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("shards", [1, 3, 7])
def test_shards_hold_the_unpartitioned_values(init_name, axis, shards):
    shape = [23, 19]
    whole = _value(init_name, shape, tf.float32, None)
    parts = _value(init_name, shape, tf.float32, tf.fixed_size_partitioner(shards, axis))
    assert parts.shape == tuple(shape)
    np.testing.assert_array_equal(parts, whole)
    assert np.std(whole) > 0   # not trivially equal


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
@pytest.mark.parametrize("partitioner", [tf.variable_axis_size_partitioner(40 * 8, axis=0),
                                         tf.min_max_variable_partitioner(5, 1, 64)])
def test_invariance_for_other_partitioners_dtypes_and_op_seeds(dtype, partitioner):
    shape = [17, 5, 3]
    whole = _value("truncated_normal", shape, dtype, None, op_seed=7)
    parts = _value("truncated_normal", shape, dtype, partitioner, op_seed=7)
    assert parts.dtype == np.dtype(dtype.name)
    np.testing.assert_array_equal(parts, whole)


def test_fans_come_from_the_full_shape():
    # glorot uniform's limit depends on fan_in + fan_out of the full [400, 600] shape.
    v = _value("glorot_uniform", [400, 600], tf.float32, tf.fixed_size_partitioner(4))
    limit = np.sqrt(6.0 / 1000)
    assert np.abs(v).max() <= limit and np.abs(v).max() > 0.95 * limit


def test_same_values_across_thread_counts():
    def run(threads):
        with tf.Graph().as_default():
            tf.set_random_seed(5)
            v = tf.get_variable("w", [300, 256], partitioner=tf.fixed_size_partitioner(3))
            cfg = tf.ConfigProto(intra_op_parallelism_threads=threads,
                                 inter_op_parallelism_threads=threads)
            with tf.Session(config=cfg) as s:
                s.run(tf.global_variables_initializer())
                return s.run(v)
    np.testing.assert_array_equal(run(1), run(2))
