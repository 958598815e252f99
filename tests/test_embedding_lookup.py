"""nn.embedding_lookup: TensorFlow's shard assignment (mod/div), shapes, names and errors.

Expected values for the mixed cases were produced by TensorFlow 1.x graph mode.
"""
import numpy as np
import pytest

import fastscope as tf

TABLE = np.arange(30.0, dtype=np.float32).reshape(10, 3)


def _reference(table, sizes, ids, strategy):
    """Row of each id under TensorFlow's assignment of ids to shards of ``sizes`` rows."""
    n, total = len(sizes), sum(sizes)
    starts = np.cumsum([0] + list(sizes[:-1]))
    out = []
    for i in np.asarray(ids).reshape(-1):
        if strategy == "mod":
            shard, row = i % n, i // n
        else:
            per, extras = total // n, total % n
            shard = max(i // (per + 1), (i - extras) // per) if per else i
            row = i % (per + 1) if shard < extras else (i - extras) % max(per, 1)
        out.append(table[starts[shard] + row])
    return np.array(out).reshape(np.shape(ids) + table.shape[1:])


@pytest.fixture
def pv():
    return tf.get_variable("emb", initializer=tf.constant(TABLE),
                           partitioner=tf.fixed_size_partitioner(3))


def _run(*fetches):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        return s.run(list(fetches))


def test_matches_tensorflow_values_and_names(pv):
    ids = tf.constant([[0, 9], [4, 5]])
    e_mod = tf.nn.embedding_lookup(pv, ids)
    e_div = tf.nn.embedding_lookup(pv, ids, partition_strategy="div")
    e_clip = tf.nn.embedding_lookup(list(pv), tf.constant([1, 2]), max_norm=5.0)
    single = tf.nn.embedding_lookup(tf.constant(TABLE[:4]), [1, 3])
    assert (e_mod.name, e_div.name, e_clip.name, single.name) == (
        "embedding_lookup/Reshape_1:0", "embedding_lookup_1/Reshape_1:0",
        "embedding_lookup_2/clip_by_norm:0", "embedding_lookup_3/Identity:0")
    mod, div, clip, one = _run(e_mod, e_div, e_clip, single)
    assert mod.tolist() == [[[0, 1, 2], [9, 10, 11]], [[15, 16, 17], [24, 25, 26]]]
    assert div.tolist() == [[[0, 1, 2], [27, 28, 29]], [[12, 13, 14], [15, 16, 17]]]
    np.testing.assert_allclose(clip, [[2.6594534, 2.8810744, 3.1026955],
                                      [2.7536397, 2.8847654, 3.0158911]], rtol=1e-6)
    assert one.tolist() == TABLE[[1, 3]].tolist()


@pytest.mark.parametrize("strategy", ["mod", "div"])
@pytest.mark.parametrize("sizes", [[10], [4, 3, 3], [3, 3, 3, 1], [5, 5], [2, 2, 2, 2, 1]])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_shard_lists_follow_tensorflow_assignment(strategy, sizes, dtype):
    total = sum(sizes)
    table = np.arange(total * 2, dtype=dtype).reshape(total, 2)
    starts = np.cumsum([0] + sizes[:-1])
    # Build the shard list the strategy expects: contiguous for div, strided for mod.
    if strategy == "div":
        # "div" assumes TensorFlow's split: the first total % n shards one row larger.
        n = len(sizes)
        sizes = [total // n + (i < total % n) for i in range(n)]
        starts = np.cumsum([0] + sizes[:-1])
        shards = [table[s:s + n] for s, n in zip(starts, sizes)]
    else:
        shards = [table[p::len(sizes)] for p in range(len(sizes))]
        sizes = [len(s) for s in shards]
        starts = np.cumsum([0] + sizes[:-1])
    rng = np.random.default_rng(0)
    ids = rng.integers(0, total, size=(4, 5))
    out = tf.nn.embedding_lookup([tf.constant(s) for s in shards], ids,
                                 partition_strategy=strategy)
    assert out.shape.as_list() == [4, 5, 2]
    got = tf.Session().run(out)
    flat_shards = np.concatenate(shards)
    np.testing.assert_array_equal(got, _reference(flat_shards, sizes, ids, strategy))
    if strategy == "mod" or len(sizes) == 1:
        np.testing.assert_array_equal(got, table[ids])


def test_div_reads_a_partitioned_variable_as_if_whole(pv):
    ids = np.array([[9, 0, 3], [4, 7, 6]])
    got, = _run(tf.nn.embedding_lookup(pv, ids, partition_strategy="div"))
    np.testing.assert_array_equal(got, TABLE[ids])


def test_shapes_at_build_time(pv):
    ph = tf.placeholder(tf.int64, [None])
    e = tf.nn.embedding_lookup(pv, ph)
    assert e.shape.as_list() == [None, 3] and e.dtype == tf.float32
    scalar = tf.nn.embedding_lookup(pv, 3)
    assert scalar.shape.as_list() == [3]
    cube = tf.nn.embedding_lookup(tf.zeros([5, 2, 4]), [[1, 2]])
    assert cube.shape.as_list() == [1, 2, 2, 4]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(e, {ph: [3, 7]}).tolist() == [[3, 4, 5], [18, 19, 20]]
        assert s.run(scalar).tolist() == [3.0, 4.0, 5.0]


@pytest.mark.parametrize("params_kind", ["single", "partitioned"])
@pytest.mark.parametrize("bad", [7, 10, 30, -1])
def test_out_of_range_ids_raise_invalid_argument_naming_the_id(pv, params_kind, bad):
    params = tf.constant(TABLE[:7]) if params_kind == "single" else pv
    rows = 7 if params_kind == "single" else 10
    out = tf.nn.embedding_lookup(params, [1, bad, 2])
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        if 0 <= bad < rows:
            s.run(out)
            return
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"indices\[1\] = %d is not in \[0, %d\)" % (bad, rows)):
            s.run(out)


def test_uneven_mod_shards_report_the_shard_row():
    shards = [tf.constant(np.zeros((1, 2), np.float32)), tf.constant(np.ones((3, 2), np.float32))]
    out = tf.nn.embedding_lookup(shards, [2])   # id 2 -> shard 0, row 1, which has 1 row
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"indices\[0\] = 2 .*row 1 of shard 0, which has 1 rows"):
        tf.Session().run(out)


def test_build_time_errors(pv):
    with pytest.raises(ValueError, match="Unrecognized partition strategy: foo.Must be one of "
                                         "either `mod` or `div`."):
        tf.nn.embedding_lookup(pv, [1], partition_strategy="foo")
    with pytest.raises(ValueError, match="Length of params is currently 0"):
        tf.nn.embedding_lookup([], [1])
    with pytest.raises(ValueError, match="params must be specified"):
        tf.nn.embedding_lookup(None, [1])
    with pytest.raises(TypeError, match="Value passed to parameter 'indices' has DataType "
                                        "float32 not in list of allowed values"):
        tf.nn.embedding_lookup(pv, [1.0])
    with pytest.raises(TypeError, match="same dtype"):
        tf.nn.embedding_lookup([tf.zeros([2, 2]), tf.zeros([2, 2], tf.float64)], [1])
    with pytest.raises(ValueError, match="different row shapes"):
        tf.nn.embedding_lookup([tf.zeros([2, 2]), tf.zeros([2, 3])], [1])


def test_max_norm_only_shrinks_long_rows():
    table = np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0]], np.float32)
    got = tf.Session().run(tf.nn.embedding_lookup(tf.constant(table), [0, 1, 2], max_norm=1.0))
    np.testing.assert_allclose(got, [[0.6, 0.8], [0.3, 0.4], [0.0, 0.0]], rtol=1e-6)


def test_variable_params_and_session_reuse():
    v = tf.get_variable("v", initializer=tf.constant(TABLE))
    out = tf.nn.embedding_lookup(v, [[2], [5]], name="look")
    assert out.name == "look/Identity:0"
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(s.run(out), TABLE[[[2], [5]]])
        s.run(v.assign(TABLE * 2))
        np.testing.assert_array_equal(s.run(out), 2 * TABLE[[[2], [5]]])
