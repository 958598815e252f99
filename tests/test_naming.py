"""Graph.unique_name and name_scope follow TensorFlow's rules exactly."""
import pytest

import fastscope as tf


def test_op_names_count_case_insensitively():
    a = tf.constant(1.0)
    names = [tf.add(a, a).name, tf.add(a, a).name, (a + a).name, tf.add(a, a).name]
    assert names == ["Add:0", "Add_1:0", "add_2:0", "Add_3:0"]


def test_composed_name_is_marked_used():
    g = tf.get_default_graph()
    assert [g.unique_name("foo"), g.unique_name("foo"), g.unique_name("foo_1")] == [
        "foo", "foo_1", "foo_1_1"]


def test_unique_name_without_marking():
    g = tf.get_default_graph()
    assert g.unique_name("x", mark_as_used=False) == "x"
    assert g.unique_name("x") == "x"


def test_operator_default_names():
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    got = [(a * a).name, (a - a).name, (a / a).name, (-a).name, (a @ a).name, a[0].name,
           tf.subtract(a, a).name, tf.multiply(a, a).name, tf.divide(a, a).name,
           tf.reduce_sum(a).name, tf.reduce_mean(a).name, tf.reshape(a, [4]).name,
           tf.concat([a, a], 0).name, tf.identity(a).name, tf.zeros([2]).name,
           tf.ones([2]).name, tf.negative(a).name, tf.matmul(a, a).name]
    # Counting is case-insensitive: tf.subtract after ``a - a`` is Sub_1 (as TF prints).
    assert got == ["mul:0", "sub:0", "truediv:0", "Neg:0", "matmul:0", "strided_slice:0",
                   "Sub_1:0", "Mul_1:0", "truediv_1:0", "Sum:0", "Mean:0", "Reshape:0",
                   "concat:0", "Identity:0", "zeros:0", "ones:0", "Neg_1:0", "MatMul_1:0"]


def test_name_scope_reentry_absolute_and_reset():
    with tf.name_scope("a") as s1:
        assert s1 == "a/"
        with tf.name_scope("b") as s2:
            assert s2 == "a/b/"
            with tf.name_scope(None) as s3:
                assert s3 == ""
                assert tf.constant(1).name == "Const:0"
            with tf.name_scope("a/") as s4:
                assert s4 == "a/"
                assert tf.constant(1).name == "a/Const:0"
    with tf.name_scope("a") as s5:
        assert s5 == "a_1/"


def test_invalid_scope_name_is_a_value_error():
    with pytest.raises(ValueError, match="not a valid scope name"):
        with tf.name_scope("bad name!"):
            pass
    with pytest.raises(ValueError, match="not a valid scope name"):
        with tf.name_scope("_leading_underscore_at_root"):
            pass
    with tf.name_scope("ok"):
        with tf.name_scope("_fine_inside"):
            assert tf.constant(1).name == "ok/_fine_inside/Const:0"


def test_name_scope_default_name_and_values():
    with tf.name_scope(None, "dflt") as s:
        assert s == "dflt/"
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1.0)
    with tf.name_scope("in_g", values=[c]):
        assert tf.get_default_graph() is g
        assert tf.constant(2.0).name == "in_g/Const:0"


def test_graph_lookups_and_errors():
    c = tf.constant(1.0, name="c")
    g = tf.get_default_graph()
    assert g.get_tensor_by_name("c:0") is c
    assert g.get_operation_by_name("c") is c.op
    with pytest.raises(ValueError, match="refers to an Operation, not a Tensor"):
        g.get_tensor_by_name("c")
    with pytest.raises(KeyError, match="does not exist"):
        g.get_tensor_by_name("nope:0")
    assert [o.name for o in g.get_operations()] == ["c"]


def test_reset_inside_nested_graph_is_an_error():
    with tf.Graph().as_default():
        with pytest.raises(AssertionError):
            tf.reset_default_graph()


def test_finalized_graph_rejects_ops():
    g = tf.Graph()
    g.finalize()
    with g.as_default(), pytest.raises(RuntimeError, match="finalized"):
        tf.constant(1)
