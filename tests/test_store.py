"""get_variable errors keep TensorFlow's types and words; failures leave no trace."""
import threading

import pytest

import fastscope as tf


def _state():
    g = tf.get_default_graph()
    return ([o.name for o in g.get_operations()],
            {k: list(g.get_collection(k)) for k in g.get_all_collection_keys()},
            dict(tf.get_collection(("__variable_store",))[0]._vars)
            if tf.get_collection(("__variable_store",)) else {},
            g.unique_name("probe", mark_as_used=False))


def test_exists_error_names_the_definition_site():
    tf.get_variable("v", [1])
    with pytest.raises(ValueError) as e:
        tf.get_variable("v", [1])
    msg = str(e.value)
    assert msg.startswith("Variable v already exists, disallowed. Did you mean to set "
                          "reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:")
    assert "test_store.py" in msg


def test_shape_and_dtype_mismatch_on_reuse():
    tf.get_variable("gv", [2, 3])
    with tf.variable_scope("", reuse=True):
        with pytest.raises(ValueError, match=r"Trying to share variable gv, but specified shape "
                                             r"\(2, 4\) and found shape \(2, 3\)"):
            tf.get_variable("gv", [2, 4])
        with pytest.raises(ValueError, match="specified dtype int32 and found dtype float32_ref"):
            tf.get_variable("gv", [2, 3], dtype=tf.int32)
        with pytest.raises(ValueError, match="specified dtype float32 and found dtype int32"):
            with tf.variable_scope("ints", reuse=tf.AUTO_REUSE):
                tf.get_variable("i", [1], dtype=tf.int32)
                tf.get_variable("i", [1])


@pytest.mark.parametrize("call, exc, words", [
    (lambda: tf.get_variable("noshape"), ValueError, "did not get an initializer, so its `shape`"),
    (lambda: tf.get_variable("c1", shape=[2], initializer=[1.0, 2.0]), ValueError,
     "If initializer is a constant, do not specify shape."),
    (lambda: tf.get_variable("c2", initializer=[1.0, 2.0], dtype=tf.float64), ValueError,
     "Initializer type"),
    (lambda: tf.get_variable("cx", shape=[2], dtype=tf.complex64), ValueError,
     "An initializer for variable cx of <dtype: 'complex64'> is required"),
    (lambda: tf.get_variable("bad", [2], initializer=lambda *a, **k: 1 / 0), ZeroDivisionError,
     "division by zero"),
    (lambda: tf.get_variable("neg", [-1]), ValueError, "must be >= 0"),
    (lambda: tf.get_variable("cg", [1], custom_getter=3), ValueError, "not callable"),
])
def test_failed_creation_leaves_everything_as_it_was(call, exc, words):
    tf.get_variable("keep", [1])
    before = _state()
    with pytest.raises(exc, match=words):
        call()
    assert _state() == before


def test_missing_variable_under_reuse():
    with tf.variable_scope("r", reuse=True):
        with pytest.raises(ValueError, match="Variable r/nothere does not exist, or was not "
                                             "created with tf.get_variable()"):
            tf.get_variable("nothere", [1])


def test_default_initializers_by_dtype():
    i = tf.get_variable("i", [3], dtype=tf.int32)
    b = tf.get_variable("b", [2], dtype=tf.bool)
    f = tf.get_variable("f", [50, 50])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(i).tolist() == [0, 0, 0] and sess.run(b).tolist() == [False, False]
        vals = sess.run(f)
        assert abs(vals).max() <= (6 / 100) ** 0.5 and vals.std() > 0.05


def test_trainable_and_collections_arguments():
    a = tf.get_variable("a", [1], trainable=False)
    b = tf.get_variable("b", [1], collections=["mine"])
    c = tf.get_local_variable("c", [1])
    assert tf.trainable_variables() == [b]
    assert tf.global_variables() == [a]
    assert tf.get_collection("mine") == [b]
    assert tf.local_variables() == [c]


def test_threads_build_one_graph_without_duplicate_names():
    g = tf.Graph()
    errors = []
    made = {}

    def worker(k):
        try:
            with g.as_default():
                with tf.variable_scope("t%d" % k):
                    for j in range(200):
                        with tf.name_scope("ns"):
                            tf.constant(j)
                        made.setdefault(k, []).append(tf.get_variable("v%d" % j, [1]))
                with tf.variable_scope("shared", reuse=tf.AUTO_REUSE):
                    for j in range(50):
                        tf.get_variable("s%d" % j, [1])
        except Exception as e:  # noqa: BLE001 - surfaced below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    names = [o.name for o in g.get_operations()]
    assert len(names) == len(set(names))
    with g.as_default():
        assert len(tf.global_variables()) == 4 * 200 + 50
        assert [v.name for v in made[2][:2]] == ["t2/v0:0", "t2/v1:0"]


def test_successful_creations_stop_journaling():
    g = tf.get_default_graph()
    tf.get_variable("plain", [2])
    tf.get_variable("parted", [8, 2], partitioner=tf.fixed_size_partitioner(2))
    tf.Variable(1.0)
    assert g._local.journal is None


def test_failing_regularizer_rolls_back_the_whole_variable():
    tf.get_variable("first", [1])   # the stores exist before the baseline
    before = _state()

    def bad(w):
        raise RuntimeError("boom")
    with pytest.raises(RuntimeError, match="boom"):
        tf.get_variable("r", [2], regularizer=bad)
    assert _state() == before
    assert tf.get_default_graph()._local.journal is None


def test_read_value_is_a_plain_tensor():
    v = tf.Variable(1.0, name="rv")
    r = v.read_value() + 1.0
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(r) == 2.0
