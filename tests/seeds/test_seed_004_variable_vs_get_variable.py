"""Seed 004 (ko): Variable vs get_variable, reuse errors, the variable store collection."""
import pytest

import fastscope as tf


def test_reuse_errors_and_names():
    with tf.variable_scope("one"):
        a = tf.get_variable("v", [1])
    assert a.name == "one/v:0"
    with pytest.raises(ValueError, match="Variable one/v already exists"):
        with tf.variable_scope("one"):
            tf.get_variable("v", [1])
    with tf.variable_scope("one", reuse=True):
        c = tf.get_variable("v", [1])
    assert c.name == "one/v:0"
    with tf.variable_scope("two"):
        d = tf.get_variable("v", [1])
        e = tf.Variable(1, name="v", expected_shape=[1])
    assert d.name == "two/v:0" and e.name == "two/v_1:0"
    assert a is c
    assert a is not d and d is not e


def test_variable_store_collection_holds_only_get_variable_variables():
    tf.Variable(tf.constant(1.0, shape=[30522, 1024]), name="word_embeddings_1",
                dtype=tf.float32)
    e2 = tf.get_variable("word_embeddings_2", shape=[30522, 1024])
    graph = tf.get_default_graph()
    assert ("__variable_store",) in graph.collections
    stores = tf.get_collection(("__variable_store",))
    assert len(stores) == 1
    assert stores[0]._vars == {"word_embeddings_2": e2}
    assert str(stores[0]._vars) == ("{'word_embeddings_2': <tf.Variable 'word_embeddings_2:0' "
                                    "shape=(30522, 1024) dtype=float32_ref>}")
