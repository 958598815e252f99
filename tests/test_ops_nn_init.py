"""Graph-level wiring of the kernels: nn ops, random ops and initialisers (float64 references)."""
import math

import numpy as np
import pytest

import fastscope as tf


def _conv_ref(x, w, stride, padding):
    x = x.astype(np.float64)
    w = w.astype(np.float64)
    kh, kw = w.shape[:2]
    n, h, wd, c = x.shape
    if padding == "SAME":
        oh, ow = -(-h // stride), -(-wd // stride)
        ph, pw = max((oh - 1) * stride + kh - h, 0), max((ow - 1) * stride + kw - wd, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    else:
        oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    out = np.zeros((n, oh, ow, w.shape[3]))
    for i in range(kh):
        for j in range(kw):
            patch = x[:, i:i + stride * oh:stride, j:j + stride * ow:stride, :]
            out += patch @ w[i, j]
    return out


@pytest.mark.parametrize("shape,k,cout,stride,padding", [
    ((2, 7, 9, 3), 3, 4, 1, "SAME"), ((1, 8, 8, 2), 5, 3, 2, "VALID"), ((3, 5, 5, 4), 1, 6, 1, "SAME"),
    ((0, 6, 6, 2), 3, 2, 1, "SAME")])
def test_conv2d_op_matches_float64_reference(shape, k, cout, stride, padding):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(np.float32)
    w = rng.standard_normal((k, k, shape[3], cout)).astype(np.float32)
    y = tf.nn.conv2d(tf.constant(x), tf.constant(w), strides=[1, stride, stride, 1],
                     padding=padding)
    got = tf.Session().run(y)
    ref = _conv_ref(x, w, stride, padding)
    assert tuple(y.shape.as_list()) == ref.shape == got.shape
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4)


def test_conv2d_build_time_errors():
    x = tf.placeholder(tf.float32, [1, 8, 8, 3])
    with pytest.raises(ValueError):
        tf.nn.conv2d(x, tf.ones([3, 3, 4, 2]), strides=[1, 1, 1, 1], padding="SAME")
    with pytest.raises(ValueError):
        tf.nn.conv2d(x, tf.ones([3, 3, 3, 2]), strides=[1, 0, 1, 1], padding="SAME")
    with pytest.raises(ValueError):
        tf.nn.conv2d(tf.ones([8, 8, 3]), tf.ones([3, 3, 3, 2]), strides=[1, 1, 1, 1],
                     padding="SAME")


def test_image_filter_runs_end_to_end():
    def conv_relu(inp, kernel_shape, bias_shape):
        weights = tf.get_variable("weights", kernel_shape,
                                  initializer=tf.random_normal_initializer())
        biases = tf.get_variable("biases", bias_shape, initializer=tf.constant_initializer(0.0))
        conv = tf.nn.conv2d(inp, weights, strides=[1, 1, 1, 1], padding="SAME")
        return tf.nn.relu(conv + biases)

    def my_image_filter(img):
        with tf.variable_scope("conv1"):
            relu1 = conv_relu(img, [5, 5, 3, 4], [4])
        with tf.variable_scope("conv2"):
            return conv_relu(relu1, [5, 5, 4, 4], [4])

    img1 = tf.placeholder(tf.float32, [1, 10, 10, 3])
    img2 = tf.placeholder(tf.float32, [1, 10, 10, 3])
    with tf.variable_scope("image_filters") as scope:
        r1 = my_image_filter(img1)
        scope.reuse_variables()
        r2 = my_image_filter(img2)
    assert len(tf.trainable_variables()) == 4
    data = np.random.default_rng(1).standard_normal((1, 10, 10, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b = sess.run([r1, r2], {img1: data, img2: data})
    np.testing.assert_array_equal(a, b)   # shared weights: same input, same output
    assert a.shape == (1, 10, 10, 4) and (a >= 0).all() and a.max() > 0


def test_activations_pooling_bias():
    x = np.array([[[[-1.0], [2.0]], [[3.0], [8.0]]]], dtype=np.float32)   # 1x2x2x1
    with tf.Session() as sess:
        assert sess.run(tf.nn.relu(x)).ravel().tolist() == [0, 2, 3, 8]
        assert sess.run(tf.nn.relu6(x)).ravel().tolist() == [0, 2, 3, 6]
        assert sess.run(tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")).item() == 8.0
        assert sess.run(tf.nn.avg_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")).item() == 3.0
        np.testing.assert_allclose(sess.run(tf.nn.softmax([[1.0, 1.0]])), [[0.5, 0.5]])
        assert sess.run(tf.nn.bias_add(x, [1.0])).ravel().tolist() == [0, 3, 4, 9]
        np.testing.assert_allclose(sess.run(tf.nn.sigmoid([0.0])), [0.5])


@pytest.mark.parametrize("init, check", [
    (tf.zeros_initializer(), lambda v: (v == 0).all()),
    (tf.ones_initializer(), lambda v: (v == 1).all()),
    (tf.constant_initializer([1.0, 2.0]), lambda v: v.ravel().tolist()[:3] == [1.0, 2.0, 2.0]),
    (tf.random_uniform_initializer(-0.5, 0.5), lambda v: (abs(v) <= 0.5).all() and v.std() > 0.1),
    (tf.random_normal_initializer(1.0, 0.1), lambda v: abs(v.mean() - 1.0) < 0.05),
    (tf.truncated_normal_initializer(0.0, 1.0), lambda v: (abs(v) <= 2.0).all()),
    (tf.glorot_normal_initializer(), lambda v: (abs(v) <= 2 * math.sqrt(2 / 120) / 0.8796).all()),
    (tf.variance_scaling_initializer(2.0, "fan_in", "uniform"),
     lambda v: (abs(v) <= math.sqrt(6.0 / 60)).all()),
    (tf.orthogonal_initializer(), lambda v: np.allclose(v.T @ v, np.eye(60), atol=1e-4)),
])
def test_initializers_values(init, check):
    v = tf.get_variable("v", [60, 60], initializer=init)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert check(sess.run(v))


def test_fans_of_conv_kernels_and_identity():
    from fastscope._src.variables.initializers import compute_fans
    assert compute_fans([3, 3, 16, 32]) == (144, 288)
    assert compute_fans([]) == (1, 1) and compute_fans([7]) == (7, 7)
    v = tf.get_variable("eye", [3, 3], initializer=tf.identity_initializer(2.0))
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(v), 2 * np.eye(3))


def test_random_op_arguments_and_errors():
    with pytest.raises(ValueError, match="Must specify maxval for integer dtype"):
        tf.random_uniform([2], dtype=tf.int32)
    with pytest.raises(TypeError):
        tf.random_normal([2], dtype=tf.int32)
    with pytest.raises(ValueError, match="finite"):
        tf.random_normal([2], stddev=float("nan"))
    with pytest.raises(ValueError):
        tf.random_normal([-1, 2])
    bad = tf.random_uniform([2], 5, 3, dtype=tf.int32)
    ints = tf.random_uniform([1000], 3, 7, dtype=tf.int64, seed=1)
    r16 = tf.random.normal([3], dtype=tf.float16)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Need minval < maxval"):
            sess.run(bad)
        got = sess.run(ints)
        assert got.dtype == np.int64 and set(got.tolist()) == {3, 4, 5, 6}
        assert sess.run(r16).dtype == np.float16
    assert tf.random_normal([2, 3]).name == "random_normal_1:0"


def test_get_seed_follows_tensorflow():
    assert tf.get_seed(None) == (None, None)
    assert tf.get_seed(5) == (87654321, 5)
    tf.set_random_seed(0)
    assert tf.get_seed(0) == (0, 2 ** 31 - 1)
