"""tf.cond, tf.case, tf.while_loop, TensorArray, map_fn/scan/foldl/foldr: TF1 semantics,
values against numpy, errors as TensorFlow's."""
import collections

import numpy as np
import pytest

import fastscope as tf


def _run(fetches, feed=None):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        return s.run(fetches, feed)


# -- cond ------------------------------------------------------------------------------------------
def test_cond_runs_only_the_taken_branch():
    v = tf.Variable(0.0, name="v")
    p = tf.placeholder(tf.bool, [])
    r = tf.cond(p, lambda: v.assign_add(1.0), lambda: v.assign_add(10.0))
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(r, {p: True}) == 1.0
        assert s.run(r, {p: False}) == 11.0
        assert s.run(r, {p: True}) == 12.0


def test_cond_names_and_structures_follow_tensorflow():
    p = tf.placeholder(tf.bool, [])
    x = tf.constant(2.0)
    r = tf.cond(p, lambda: x * 2, lambda: x + 1)
    assert r.name == "cond/Merge:0"
    Pair = collections.namedtuple("Pair", "a b")
    r2 = tf.cond(p, lambda: (x, [x * 2], {"k": Pair(x, x)}), lambda: (x, [x], {"k": Pair(x, x)}))
    assert r2[0].name == "cond_1/Merge:0" and r2[1][0].name == "cond_1/Merge_1:0"
    assert isinstance(r2[2]["k"], Pair)
    with tf.Session() as s:
        got = s.run(r2, {p: True})
        assert got[1] == [4.0] and got[2]["k"] == Pair(2.0, 2.0)


def test_cond_shapes_that_differ_become_unknown():
    p = tf.placeholder(tf.bool, [])
    r = tf.cond(p, lambda: tf.zeros([2, 3]), lambda: tf.zeros([2, 4]))
    assert r.shape.as_list() == [2, None]
    r = tf.cond(p, lambda: tf.zeros([2]), lambda: tf.zeros([2, 1]))
    assert r.shape.ndims is None
    assert _run(r, {p: False}).shape == (2, 1)


def test_cond_errors_are_tensorflows():
    x = tf.constant(1.0)
    with pytest.raises(TypeError, match="Input 'pred' of 'Switch' Op has type int32"):
        tf.cond(tf.constant(1), lambda: x, lambda: x)
    with pytest.raises(ValueError, match="must have the same type\\(s\\). Received float32 from "
                                         "'true_fn' and int32 from 'false_fn'"):
        tf.cond(tf.constant(True), lambda: x, lambda: tf.constant(1))
    with pytest.raises(TypeError, match="callable"):
        tf.cond(tf.constant(True), x, lambda: x)
    with pytest.raises(ValueError, match="same structure"):
        tf.cond(tf.constant(True), lambda: (x, x), lambda: x)


def test_nested_conds_and_captures_from_several_levels():
    p = tf.placeholder(tf.bool, [])
    q = tf.placeholder(tf.bool, [])
    a, b = tf.constant(3.0), tf.constant(5.0)
    r = tf.cond(p, lambda: tf.cond(q, lambda: a * b, lambda: a - b), lambda: b)
    with tf.Session() as s:
        assert [s.run(r, {p: P, q: Q}) for P, Q in ((1, 1), (1, 0), (0, 1))] == [15.0, -2.0, 5.0]


def test_group_and_control_dependencies_inside_a_branch():
    v = tf.Variable(0.0)
    p = tf.placeholder(tf.bool, [])

    def branch():
        with tf.control_dependencies([v.assign_add(2.0)]):
            return tf.identity(v.read_value())
    r = tf.cond(p, branch, lambda: tf.identity(v.read_value()))
    op = tf.cond(p, lambda: tf.group(v.assign_add(100.0)), lambda: tf.no_op())
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(r, {p: True}) == 2.0 and s.run(r, {p: False}) == 2.0
        s.run(op, {p: False})
        assert s.run(v) == 2.0
        s.run(op, {p: True})
        assert s.run(v) == 102.0


def test_a_tensor_made_in_a_branch_cannot_be_used_outside():
    kept = []

    def branch():
        kept.append(tf.constant(1.0) * 2)
        return kept[-1]
    tf.cond(tf.constant(True), branch, lambda: tf.constant(0.0))
    with pytest.raises(ValueError, match="defined inside a tf.cond branch"):
        kept[0] + 1.0


def test_case_picks_the_first_true_and_checks_exclusivity():
    x = tf.placeholder(tf.int32, [])
    r = tf.case([(x < 0, lambda: tf.constant(-1)), (x < 1, lambda: tf.constant(0))],
                default=lambda: tf.constant(1))
    ex = tf.case([(x > 0, lambda: tf.constant(1)), (x > 1, lambda: tf.constant(2))],
                 default=lambda: tf.constant(0), exclusive=True)
    with tf.Session() as s:
        assert [s.run(r, {x: v}) for v in (-5, 0, 7)] == [-1, 0, 1]
        assert s.run(ex, {x: 1}) == 1
        with pytest.raises(tf.errors.InvalidArgumentError, match="more than one predicate"):
            s.run(ex, {x: 5})


# -- while_loop --------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 10, 10000])
def test_while_loop_counts(n):
    i, s = tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + tf.cast(i, tf.float64)),
                         (tf.constant(0), tf.constant(0.0, tf.float64)))
    assert i.name == "while/Exit:0" and s.name == "while/Exit_1:0"
    assert _run([i, s]) == [n, n * (n - 1) / 2]


def test_while_loop_names_its_values_as_tensorflow():
    seen = []

    def body(i):
        seen.append(i.name)
        return i + 1
    r = tf.while_loop(lambda i: i < 3, body, [tf.constant(0)], name="loop")
    assert seen == ["loop/Identity:0"] and r.name == "loop/Exit:0"


def test_while_loop_reads_variables_and_nests_structures():
    w = tf.Variable(np.array([[2.0]]), name="w")
    State = collections.namedtuple("State", "x count")

    def body(st):
        return [State(tf.matmul(st.x, w), st.count + 1)]
    out = tf.while_loop(lambda st: st.count < 5, body,
                        [State(tf.constant([[1.0]], tf.float64), tf.constant(0))])
    got = _run(out)
    assert got.x.tolist() == [[32.0]] and got.count == 5


def test_shape_invariants_are_checked_as_tensorflow_checks_them():
    x = tf.constant([1])
    with pytest.raises(ValueError, match="enters the loop with shape \\(1,\\), but has shape "
                                         "\\(2,\\) after one iteration"):
        tf.while_loop(lambda v: tf.reduce_sum(v) < 10, lambda v: tf.concat([v, v], 0), [x])
    grown = tf.while_loop(lambda v: tf.shape(v)[0] < 8, lambda v: tf.concat([v, v], 0), [x],
                          shape_invariants=[tf.TensorShape([None])])
    assert grown.shape.as_list() == [None] and _run(grown).tolist() == [1] * 8
    with pytest.raises(TypeError, match="Input 'input' of 'LoopCond' Op has type int32"):
        tf.while_loop(lambda v: v, lambda v: v + 1, [tf.constant(1)])


def test_maximum_iterations_stops_the_loop():
    r = tf.while_loop(lambda i: i < 100, lambda i: i + 1, [tf.constant(0)], maximum_iterations=7)
    assert _run(r) == 7


def test_cond_inside_while_and_while_inside_cond():
    def body(i, s):
        return i + 1, tf.cond(i % 2 < 1, lambda: s + i, lambda: s - i)
    _, s = tf.while_loop(lambda i, s: i < 6, body, (tf.constant(0), tf.constant(0)))
    p = tf.placeholder(tf.bool, [])
    r = tf.cond(p, lambda: tf.while_loop(lambda i: i < 5, lambda i: i + 2, [tf.constant(0)]),
                lambda: tf.constant(-1))
    with tf.Session() as sess:
        assert sess.run(s) == 0 - 1 + 2 - 3 + 4 - 5
        assert sess.run(r, {p: True}) == 6 and sess.run(r, {p: False}) == -1


def test_variables_created_in_a_loop_body_live_outside_it():
    def body(i, acc):
        with tf.variable_scope("cell", reuse=tf.AUTO_REUSE):
            w = tf.get_variable("w", [], initializer=tf.constant_initializer(3.0))
        return i + 1, acc + w
    _, acc = tf.while_loop(lambda i, a: i < 4, body, (tf.constant(0), tf.constant(0.0)))
    assert [v.name for v in tf.global_variables()] == ["cell/w:0"]
    assert _run(acc) == 12.0


# -- TensorArray and the functional ops --------------------------------------------------------------
def test_tensor_array_in_a_loop_stacks_what_it_wrote():
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)

    def body(i, ta):
        return i + 1, ta.write(i, tf.cast(i, tf.float32) * tf.ones([2]))
    _, ta = tf.while_loop(lambda i, ta: i < 4, body, (tf.constant(0), ta))
    got = _run([ta.stack(), ta.size()])
    np.testing.assert_array_equal(got[0], np.arange(4)[:, None] * np.ones(2))
    assert got[1] == 4


def test_tensor_array_api():
    ta = tf.TensorArray(tf.float64, size=3).unstack(tf.constant(np.arange(6.0).reshape(3, 2)))
    assert ta.element_shape.as_list() == [2]
    g = ta.gather([2, 0])
    cat = tf.TensorArray(tf.float64, size=2, infer_shape=False).write(0, [1.0]).write(
        1, [2.0, 3.0]).concat()
    sp = tf.TensorArray(tf.float64, size=2, infer_shape=False).split(
        tf.constant([1.0, 2.0, 3.0], tf.float64), [2, 1])
    got = _run([g, cat, sp.read(1)])
    assert got[0].tolist() == [[4.0, 5.0], [0.0, 1.0]] and got[1].tolist() == [1.0, 2.0, 3.0]
    assert got[2].tolist() == [3.0]


def test_tensor_array_errors():
    fixed = tf.TensorArray(tf.float32, size=1)
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match="not resizeable"):
            s.run(fixed.write(3, 1.0).stack())
        with pytest.raises(tf.errors.InvalidArgumentError, match="already been written"):
            s.run(fixed.write(0, 1.0).write(0, 2.0).stack())
        once = fixed.write(0, 1.0)
        with pytest.raises(tf.errors.InvalidArgumentError, match="cleared after a previous read"):
            s.run([once.read(0), tf.identity(once.read(0))])
    with pytest.raises(ValueError, match="Inconsistent shapes"):
        tf.TensorArray(tf.float32, size=2).write(0, [1.0]).write(1, [1.0, 2.0])


@pytest.mark.parametrize("n", [1, 5, 1000])
def test_map_fn_scan_foldl_foldr_match_numpy(n):
    x = np.random.default_rng(n).standard_normal(n)
    t = tf.constant(x)
    got = _run([tf.map_fn(lambda v: v * v + 1, t), tf.scan(lambda a, v: a + v, t),
                tf.foldl(lambda a, v: a * 0.5 + v, t, initializer=tf.constant(0.0, tf.float64)),
                tf.foldr(lambda a, v: a * 0.5 + v, t)])
    np.testing.assert_allclose(got[0], x * x + 1)
    np.testing.assert_allclose(got[1], np.cumsum(x))
    acc = 0.0
    for v in x:
        acc = acc * 0.5 + v
    np.testing.assert_allclose(got[2], acc)
    acc = x[-1]
    for v in x[-2::-1]:
        acc = acc * 0.5 + v
    np.testing.assert_allclose(got[3], acc)


def test_map_fn_over_a_structure_with_another_output_dtype():
    a, b = tf.constant([1, 2, 3]), tf.constant([10.0, 20.0, 30.0])
    out = tf.map_fn(lambda e: tf.cast(e[0], tf.float32) + e[1], (a, b), dtype=tf.float32)
    assert _run(out).tolist() == [11.0, 22.0, 33.0]
