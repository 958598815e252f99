"""Threads building one graph and running one session: no lost update, no duplicate name,
no spurious error, every thread done within its time bound.
"""
import threading

import numpy as np
import pytest

import fastscope as tf

TIMEOUT = 60


def _run_threads(n, target, *args):
    errors = []
    barrier = threading.Barrier(n, timeout=TIMEOUT)

    def body(k):
        try:
            barrier.wait()
            target(k, *args)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
    threads = [threading.Thread(target=body, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a thread did not finish in time"
    assert not errors, errors


def test_threads_naming_ops_in_one_graph_never_share_a_name():
    g = tf.Graph()

    def work(k):
        with g.as_default():
            for i in range(300):
                with tf.name_scope("s"):
                    tf.constant(float(i), name="c")
                tf.add(1.0, 2.0)
    _run_threads(8, work)
    names = [op.name for op in g.get_operations()]
    assert len(names) == len(set(names)) == 8 * 300 * 4


@pytest.mark.parametrize("partitioned", [False, True])
def test_threads_auto_reusing_one_new_variable_all_get_the_same_object(partitioned):
    g = tf.Graph()
    got = [[] for _ in range(8)]
    part = tf.fixed_size_partitioner(3) if partitioned else None

    def work(k):
        with g.as_default(), tf.variable_scope("shared", reuse=tf.AUTO_REUSE):
            for i in range(40):
                got[k].append(tf.get_variable("v%d" % i, [9, 2], partitioner=part))
    _run_threads(8, work)
    for i in range(40):
        assert all(got[k][i] is got[0][i] for k in range(8))
    with g.as_default():
        assert len(tf.global_variables()) == 40 * (3 if partitioned else 1)
        names = [op.name for op in g.get_operations()]
        assert len(names) == len(set(names))


def test_threads_creating_distinct_variables_in_their_own_scopes():
    g = tf.Graph()

    def work(k):
        with g.as_default(), tf.variable_scope("t%d" % k):
            for i in range(100):
                v = tf.get_variable("v%d" % i, [2])
                assert v.name == "t%d/v%d:0" % (k, i)
    _run_threads(6, work)
    with g.as_default():
        assert len(tf.global_variables()) == 600


def test_locked_assign_add_from_many_threads_loses_no_update():
    v = tf.Variable(0.0, name="counter")
    inc = v.assign_add(1.0, use_locking=True)
    with tf.Session() as s:
        s.run(v.initializer)

        def work(k):
            for _ in range(1500):
                s.run(inc)
        _run_threads(4, work)
        assert s.run(v) == 6000.0


def test_readers_see_whole_values_while_writers_assign():
    v = tf.Variable(np.zeros(1000, np.float32), name="vec")
    ones = v.assign(tf.ones([1000]) * tf.cast(tf.random_uniform([], 1, 100, tf.int32),
                                              tf.float32), use_locking=True)
    with tf.Session() as s:
        s.run(v.initializer)
        seen = []

        def work(k):
            for _ in range(300):
                if k % 2:
                    s.run(ones)
                else:
                    x = s.run(v)
                    seen.append(bool((x == x[0]).all()))
        _run_threads(4, work)
    assert seen and all(seen)


def test_each_thread_has_its_own_default_graph():
    main = tf.get_default_graph()
    graphs, reset_done, built = {}, threading.Event(), threading.Event()

    def builder():
        g = tf.get_default_graph()
        tf.constant(1.0, name="mine")
        built.set()
        reset_done.wait(TIMEOUT)
        tf.constant(2.0, name="after")
        graphs["builder"] = (g, tf.get_default_graph())

    def resetter():
        built.wait(TIMEOUT)
        tf.reset_default_graph()
        graphs["resetter"] = tf.get_default_graph()
        reset_done.set()
    ts = [threading.Thread(target=builder), threading.Thread(target=resetter)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(TIMEOUT)
    g0, g1 = graphs["builder"]
    assert g0 is g1 and g0 is not main and g0 is not graphs["resetter"]
    assert [op.name for op in g0.get_operations()] == ["mine", "after"]
    assert tf.get_default_graph() is main


def test_sessions_in_threads_run_one_graph_independently():
    x = tf.placeholder(tf.float32, [3])
    y = tf.matmul(tf.reshape(x, [1, 3]), tf.ones([3, 3]))
    with tf.Session() as s:
        def work(k):
            for i in range(200):
                got = s.run(y, {x: [k, i, 1.0]})
                assert got.tolist() == [[k + i + 1.0] * 3]
        _run_threads(6, work)
