"""Parallel initialisation: large independent fills run on the inter-op pool, in budget,
with the values, ordering and errors of a sequential run."""
import threading

import numpy as np
import pytest

import fastscope as tf
from fastscope._src.client import executor

BIG = [256, 300]          # 76,800 elements: above executor.MIN_UNIT_ELEMENTS per shard / 1


def _cfg(intra, inter):
    return tf.ConfigProto(intra_op_parallelism_threads=intra, inter_op_parallelism_threads=inter)


def _plan(sess, fetch):
    return sess._plan(fetch, (), True)


def test_partitioned_init_gets_a_parallel_schedule_small_graphs_do_not():
    pv = tf.get_variable("w", [4 * 70000, 1], partitioner=tf.fixed_size_partitioner(4))
    small = tf.get_variable("s", [3, 3])
    init = tf.global_variables_initializer()
    with tf.Session() as s:
        sched = _plan(s, init).parallel
        assert sched is not None and sched.n_units == 4
        assert _plan(s, small.initializer).parallel is None
        assert _plan(s, tf.constant(1.0) + 1.0).parallel is None
        s.run(init)
        assert s.run(pv).shape == (280000, 1)


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_parallel_values_equal_sequential(threads):
    def run(intra, inter):
        with tf.Graph().as_default():
            tf.set_random_seed(11)
            a = tf.get_variable("a", [9 * 40000, 2], partitioner=tf.fixed_size_partitioner(9))
            b = tf.get_variable("b", BIG, initializer=tf.truncated_normal_initializer())
            c = tf.get_variable("c", BIG, initializer=tf.zeros_initializer())
            with tf.Session(config=_cfg(intra, inter)) as s:
                s.run(tf.global_variables_initializer())
                return s.run([a, b, c])
    seq = run(1, 1)
    par = run(threads, threads)
    for x, y in zip(seq, par):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("intra, inter, units, expected", [
    (2, 2, 8, (2, 1)), (4, 2, 8, (2, 2)), (1, 1, 8, (1, 1)), (2, 4, 2, (2, 1)), (3, 2, 1, (1, 3)),
])
def test_thread_plan_splits_the_intra_op_budget(intra, inter, units, expected):
    with tf.Session(config=_cfg(intra, inter)) as s:
        assert executor.thread_plan(s, units) == expected


def test_workers_run_units_concurrently_within_budget(monkeypatch):
    seen = []
    active = [0, 0]     # now, max
    lock = threading.Lock()
    barrier = threading.Barrier(2, timeout=5)
    real = executor._run_unit

    def spy(ctx, steps, unit, vals):
        with lock:
            active[0] += 1
            active[1] = max(active[1], active[0])
            seen.append((threading.get_ident(), ctx.intra_threads))
        try:
            if unit[0] < 2:
                barrier.wait()      # the first two units must be in flight together
            return real(ctx, steps, unit, vals)
        finally:
            with lock:
                active[0] -= 1
    monkeypatch.setattr(executor, "_run_unit", spy)
    tf.get_variable("w", [6 * 70000, 1], partitioner=tf.fixed_size_partitioner(6))
    with tf.Session(config=_cfg(2, 2)) as s:
        s.run(tf.global_variables_initializer())
    assert len(seen) == 6
    assert active[1] == 2                       # two at once, never more than inter-op threads
    assert {t for t, _ in seen} and all(n == 1 for _, n in seen)   # 2 intra threads / 2 units
    assert threading.get_ident() not in {t for t, _ in seen}


def test_initial_value_reading_another_variable_sees_it_initialised():
    a = tf.get_variable("a", BIG, initializer=tf.random_uniform_initializer(1.0, 2.0))
    b = tf.get_variable("b", BIG, initializer=tf.random_normal_initializer())
    tf.get_variable("e", BIG)
    # Reads a without a control dependency: only creation order makes this well defined.
    c = tf.Variable(a.value() + 1.0, name="c")
    d = tf.Variable(b.initialized_value() * 2.0, name="d")
    with tf.Session(config=_cfg(2, 2)) as s:
        assert _plan(s, tf.global_variables_initializer()).parallel is not None
        for _ in range(3):
            s.run(tf.global_variables_initializer())
            va, vb, vc, vd = s.run([a, b, c, d])
            np.testing.assert_array_equal(vc, va + 1.0)
            np.testing.assert_array_equal(vd, vb * 2.0)


def test_worker_error_surfaces_as_the_same_op_error():
    ok = tf.get_variable("ok", BIG)
    tf.get_variable("bad", BIG, dtype=tf.int32,
                    initializer=tf.random_uniform_initializer(5, 3, dtype=tf.int32))
    init = tf.global_variables_initializer()
    with tf.Session(config=_cfg(2, 2)) as s:
        assert _plan(s, init).parallel is not None
        with pytest.raises(tf.errors.InvalidArgumentError, match="Need minval < maxval: 5 >= 3") as e:
            s.run(init)
        assert e.value.op.name.startswith("bad/Initializer")
        s.run(ok.initializer)     # the session still works
        assert s.run(ok).shape == tuple(BIG)


def test_fetching_a_unit_value_and_assign_output():
    v = tf.get_variable("v", BIG, initializer=tf.ones_initializer())
    w = tf.get_variable("w", BIG, initializer=tf.random_uniform_initializer())
    with tf.Session(config=_cfg(2, 2)) as s:
        ones, _ = s.run([v.initializer.outputs[0], w.initializer])
        np.testing.assert_array_equal(ones, np.ones(BIG, np.float32))
        ones[0, 0] = 5.0                           # a fetched value is the caller's copy
        assert s.run(v)[0, 0] == 1.0
