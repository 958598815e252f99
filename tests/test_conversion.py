"""Input conversion as TensorFlow 1.x's op-definition library does it.

The first input of a type attribute fixes its dtype, whatever that input is (a tensor, a
numpy value or a Python value), and later Python inputs convert to it; numpy values are cast
as numpy casts them, Python values must hold elements of the dtype's kind. Expected dtypes and
messages were taken from TensorFlow.
"""
import numpy as np
import pytest

import fastscope as tf


def _c64():
    return tf.constant(1.0, tf.float64)


@pytest.mark.parametrize("a,b,dtype", [
    (lambda: 1.0, lambda: 2, tf.float32),
    (lambda: np.float64(1.5), lambda: 1.0, tf.float64),
    (lambda: np.ones(2), lambda: 1.0, tf.float64),
    (lambda: 1.0, lambda: np.ones(2), tf.float32),
    (lambda: np.ones(2, np.float32), lambda: np.ones(2), tf.float32),
    (lambda: np.int64(3), lambda: 1, tf.int64),
    (lambda: 1, lambda: np.int64(3), tf.int32),
    (lambda: 1.0, lambda: np.float16(2), tf.float32),
    (_c64, lambda: 1, tf.float64),
    (lambda: np.ones(2), _c64, tf.float64),
])
@pytest.mark.parametrize("op", [tf.add, tf.maximum])
def test_first_input_fixes_the_dtype(a, b, dtype, op):
    with tf.Graph().as_default():
        out = op(a(), b())
        assert out.dtype == dtype
        assert out.op.inputs[1].dtype == dtype


@pytest.mark.parametrize("a,b,match", [
    (lambda: 2, lambda: 1.0, "Expected int32 passed to parameter 'y' of op 'Maximum', got 1.0 "
                             "of type 'float' instead"),
    (lambda: 1.0, _c64, "Input 'y' of 'Maximum' Op has type float64 that does not match type "
                        "float32 of argument 'x'"),
    (lambda: 2.5, lambda: tf.constant(1), "Input 'y' of 'Maximum' Op has type int32 that does "
                                          "not match type float32 of argument 'x'"),
    (lambda: [1, 2], lambda: [1.5, 2], "Expected int32 passed to parameter 'y' of op 'Maximum'"),
])
def test_later_inputs_that_do_not_convert_are_type_errors(a, b, match):
    with tf.Graph().as_default() as g:
        with pytest.raises(TypeError, match=match):
            tf.maximum(a(), b())
        assert [op.type for op in g.get_operations()].count("Maximum") == 0


@pytest.mark.parametrize("value,dtype,expected", [
    (np.array([1.5, -2.7]), tf.int32, [1, -2]),        # numpy values are cast
    (np.float64(2.0), tf.int32, 2),
    (np.array([1 + 2j]), tf.float32, [1.0]),
    (True, tf.int32, 1),                               # a bool is an integral Python value
    (3, tf.float32, 3.0),
    ([1, 2.5], tf.float64, [1.0, 2.5]),
])
def test_constant_casts(value, dtype, expected):
    with tf.Graph().as_default():
        c = tf.constant(value, dtype)
        with tf.Session() as s:
            got = s.run(c)
    assert c.dtype == dtype
    assert got.dtype == dtype.as_numpy_dtype
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("value,dtype,message", [
    (1.0, tf.int32, "Expected int32, got 1.0 of type 'float' instead."),
    ([1.0, 2.0], tf.int32, "Expected int32, got 1.0 of type 'float' instead."),
    ([[1], [np.float32(2)]], tf.int64, "Expected int64, got np.float32(2.0) of type 'float32' instead."),
    (1, tf.bool, "Expected bool, got 1 of type 'int' instead."),
    (1j, tf.float32, "Expected float32, got 1j of type 'complex' instead."),
    (np.inf, tf.int32, "Expected int32, got inf of type 'float' instead."),
    ("a", tf.int32, "Expected int32, got 'a' of type 'str' instead."),
])
def test_python_values_of_another_kind_are_refused(value, dtype, message):
    with tf.Graph().as_default() as g:
        with pytest.raises(TypeError) as e:
            tf.constant(value, dtype)
        assert str(e.value) == message
        assert g.get_operations() == []
