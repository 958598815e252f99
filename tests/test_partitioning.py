"""Partitioners, PartitionedVariable and get_variable(partitioner=...): TensorFlow's behaviour.

Expected names, shapes, partition lists and messages were taken from TensorFlow
1.x graph mode (tensorflow-cpu 2.21, compat.v1).
"""
import numpy as np
import pytest

import fastscope as tf
from fastscope._src.variables.partitioned import PartitionedVariable
from fastscope._src.variables.partitioners import PartitionInfo, SaveSliceInfo
from fastscope._src.variables.store import get_default_store

S = tf.TensorShape


# -- partitioner arithmetic ----------------------------------------------------------------------
@pytest.mark.parametrize("args, shape, dtype, expected", [
    ((1000,), [1000, 10], tf.float32, [40, 1]),
    ((4000, 0, 16, 2), [1000, 10], tf.float32, [2, 1]),
    ((100, 1), [1000, 10], tf.float32, [1, 10]),
    ((1.5,), [1000, 10], tf.float32, [1000, 1]),
    ((1000,), [100, 10], tf.string, [17, 1]),
    ((1000, 1), [100, 10], tf.float32, [1, 5]),
])
def test_variable_axis_size_partitioner_matches_tensorflow(args, shape, dtype, expected):
    assert tf.variable_axis_size_partitioner(*args)(shape=S(shape), dtype=dtype) == expected


@pytest.mark.parametrize("args, shape, dtype, expected", [
    ((), [1000, 10], tf.float64, [1, 1]),
    ((4, 0, 1000), [1000, 10], tf.float64, [4, 1]),
    ((100, 0, 4), [1000, 10], tf.float64, [100, 1]),
    ((3, 1, 100), [1000, 10], tf.float64, [1, 3]),
    ((8, 0, 100), [1000, 10], tf.string, [8, 1]),
])
def test_min_max_variable_partitioner_matches_tensorflow(args, shape, dtype, expected):
    assert tf.min_max_variable_partitioner(*args)(shape=S(shape), dtype=dtype) == expected


@pytest.mark.parametrize("num, axis, shape, expected", [
    (4, 1, [3, 10], [1, 4]), (4, 1, [3, 2], [1, 2]), (3, 0, [10, 4], [3, 1]), (5, 0, [3, 4], [3, 1]),
])
def test_fixed_size_partitioner_caps_at_dimension(num, axis, shape, expected):
    assert tf.fixed_size_partitioner(num, axis)(S(shape)) == expected


def test_partitioner_construction_errors():
    with pytest.raises(ValueError, match="Both max_shard_bytes and bytes_per_string_element "
                                         "must be positive"):
        tf.variable_axis_size_partitioner(0)
    with pytest.raises(ValueError, match="max_shards must be positive"):
        tf.variable_axis_size_partitioner(100, max_shards=-1)
    with pytest.raises(TypeError, match="max_shard_bytes must be a number"):
        tf.variable_axis_size_partitioner("100")
    with pytest.raises(ValueError, match="min_slice_size must be positive"):
        tf.min_max_variable_partitioner(4, 0, 0)
    with pytest.raises(ValueError, match="shape is not a TensorShape"):
        tf.variable_axis_size_partitioner(1000)(shape=[100, 10], dtype=tf.float32)
    with pytest.raises(ValueError, match=r"shape is not fully defined: \(\?, 10\)"):
        tf.variable_axis_size_partitioner(1000)(shape=S([None, 10]), dtype=tf.float32)
    with pytest.raises(IndexError, match="axis 5 is out of range"):
        tf.fixed_size_partitioner(4, 5)(S([3, 2]))


# -- shards ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dim, k", [(10, 3), (10, 1), (7, 7), (9, 2), (13, 4)])
@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("dtype", [tf.float32, tf.float64, tf.int32])
def test_shards_follow_tensorflow_split(dim, k, axis, dtype):
    shape = [dim, 5] if axis == 0 else [5, dim]
    pv = tf.get_variable("w", shape, dtype=dtype,
                         partitioner=tf.fixed_size_partitioner(k, axis))
    sizes = [v.shape.as_list()[axis] for v in pv]
    assert sizes == [dim // k + (i < dim % k) for i in range(k)]
    assert [v.name for v in pv] == ["w/part_%d:0" % i for i in range(k)]
    assert len(pv) == k and pv.name == "w" and pv.get_shape() == S(shape)
    assert pv.dtype == dtype and pv._get_partitions() == [k if a == axis else 1 for a in (0, 1)]
    assert tf.global_variables() == list(pv) == pv._get_variable_list()
    offsets = [v._get_save_slice_info().var_offset[axis] for v in pv]
    assert offsets == list(np.cumsum([0] + sizes[:-1]))


def test_tensorflow_names_ops_and_slice_specs():
    with tf.variable_scope("s"):
        pv = tf.get_variable("w", [10, 4], partitioner=tf.fixed_size_partitioner(3))
    assert [v._get_save_slice_info().spec for v in pv] == \
        ["10 4 0,4:0,4", "10 4 4,3:0,4", "10 4 7,3:0,4"]
    info = list(pv)[1]._get_save_slice_info()
    assert (info.full_name, info.full_shape, info.var_offset, info.var_shape) == \
        ("s/w", [10, 4], [4, 0], [3, 4])
    t, t2, t3 = pv.as_tensor(), pv.as_tensor(), tf.convert_to_tensor(pv)
    assert (t.name, t2.name, t3.name) == ("s/w:0", "s/w_1:0", "s/w_2:0")
    assert t.op.type == "Identity" and t.op.inputs[0].op.name == "s/w/ConcatPartitions/concat"
    assert tf.get_default_graph().get_tensor_by_name("s/w/part_2/read:0") is not None
    one = tf.get_variable("one", [4, 2], partitioner=tf.fixed_size_partitioner(1))
    assert len(one) == 1 and one.as_tensor().name == "one:0"
    assert "partitions=[3, 1]" in repr(pv) and "'s/w'" in repr(pv)


def test_value_initializer_is_sliced_per_shard():
    full = np.arange(12.0, dtype=np.float32).reshape(6, 2)
    pv = tf.get_variable("t", initializer=tf.constant(full), partitioner=tf.fixed_size_partitioner(4))
    names = [op.name for op in tf.get_default_graph().get_operations()
             if op.name.startswith("t/part_0")]
    # the Slice op and its begin/size constants (TensorFlow's Slice takes them as inputs)
    assert [n for n in names if "Slice" in n] == ["t/part_0/PartitionedInitializer/Slice/begin",
                                                  "t/part_0/PartitionedInitializer/Slice/size",
                                                  "t/part_0/PartitionedInitializer/Slice"]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(s.run(pv), full)
        np.testing.assert_array_equal(s.run(list(pv)[3]), full[5:])


def test_session_run_and_conversion_give_the_full_value():
    pv = tf.get_variable("w", [5, 3], partitioner=tf.fixed_size_partitioner(2),
                         initializer=tf.ones_initializer())
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(s.run(pv), np.ones((5, 3), np.float32))
        np.testing.assert_array_equal(s.run(tf.reduce_sum(pv)), 15.0)
        np.testing.assert_array_equal(s.run(tf.identity(pv) * 2), np.full((5, 3), 2.0))
        s.run(pv.assign(np.arange(15.0).reshape(5, 3)))
        np.testing.assert_array_equal(s.run(list(pv)[1]), np.arange(9.0, 15.0).reshape(2, 3))
    with pytest.raises(ValueError, match="Incompatible type conversion requested to type "
                                         "'int32' for variable of type 'float32'"):
        tf.convert_to_tensor(pv, dtype=tf.int32)


def test_regularizer_one_loss_per_shard_and_collections():
    with tf.variable_scope("reg"):
        tf.get_variable("w", [5, 2], partitioner=tf.fixed_size_partitioner(2),
                        regularizer=lambda v: tf.reduce_sum(v))
    assert [t.name for t in tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)] == \
        ["reg/w/part_0/Regularizer/Sum:0", "reg/w/part_1/Regularizer/Sum:0"]
    tf.get_variable("n", [5, 2], partitioner=tf.fixed_size_partitioner(2), trainable=False,
                    collections=["mine", tf.GraphKeys.GLOBAL_VARIABLES])
    assert [v.name for v in tf.get_collection("mine")] == ["n/part_0:0", "n/part_1:0"]
    assert all(not v.name.startswith("n/") for v in tf.trainable_variables())


def test_scalar_with_partitioner_is_a_plain_variable():
    v = tf.get_variable("sc", [], partitioner=tf.fixed_size_partitioner(2))
    assert isinstance(v, tf.Variable) and v.name == "sc:0"


def test_custom_getter_sees_the_partitioner():
    seen = []

    def getter(next_getter, name, *args, **kwargs):
        seen.append((name, kwargs["partitioner"] is not None, kwargs["shape"]))
        return next_getter(name, *args, **kwargs)
    with tf.variable_scope("cg", custom_getter=getter,
                           partitioner=tf.fixed_size_partitioner(2)):
        pv = tf.get_variable("w", [4, 2])
    assert isinstance(pv, PartitionedVariable)
    assert seen == [("cg/w", True, [4, 2])]


def test_partitioner_called_with_keywords_shape_and_dtype():
    calls = []

    def part(**kw):
        calls.append((sorted(kw), type(kw["shape"]), kw["dtype"]))
        return [2, 1]
    tf.get_variable("kw", [4, 4], partitioner=part)
    assert calls == [(["dtype", "shape"], tf.TensorShape, tf.float32)]


# -- reuse ---------------------------------------------------------------------------------------------
def test_reuse_returns_the_same_object():
    with tf.variable_scope("s"):
        pv = tf.get_variable("w", [10, 4], partitioner=tf.fixed_size_partitioner(3))
    with tf.variable_scope("s", reuse=True):
        assert tf.get_variable("w") is pv
        assert tf.get_variable("w", [10, 4], partitioner=tf.fixed_size_partitioner(3)) is pv
    with tf.variable_scope("a", reuse=tf.AUTO_REUSE):
        a = tf.get_variable("w", [4, 2], partitioner=tf.fixed_size_partitioner(2))
        assert tf.get_variable("w", [4, 2], partitioner=tf.fixed_size_partitioner(2)) is a


@pytest.mark.parametrize("scope_reuse, kwargs, message", [
    (True, dict(shape=[10, 4], partitioner=tf.fixed_size_partitioner(2)),
     "Trying to reuse partitioned variable s/w, but specified partitions [2, 1] and found "
     "partitions [3, 1]."),
    (True, dict(shape=[10, 5]), "Trying to reuse partitioned variable s/w, but specified shape "
     "(10, 5) and found shape (10, 4)."),
    (True, dict(dtype=tf.float64), "Trying to reuse partitioned variable s/w, but specified dtype "
     "float64 and found dtype float32."),
    (True, dict(partitioner=tf.fixed_size_partitioner(3)), "Shape of a new partitioned variable "
     "must be fully defined, but instead was <unknown>."),
    (None, dict(shape=[10, 4], partitioner=tf.fixed_size_partitioner(3)),
     "Partitioned variable with name s/w already exists. Did you mean to set reuse=True or "
     "reuse=tf.AUTO_REUSE in VarScope?"),
    (None, dict(shape=[10, 4]), "No partitioner was provided, but a partitioned version of the "
     "variable was found: s/w/part_0. Perhaps a variable of the same name was already created "
     "with partitioning?"),
])
def test_reuse_errors_match_tensorflow(scope_reuse, kwargs, message):
    with tf.variable_scope("s"):
        tf.get_variable("w", [10, 4], partitioner=tf.fixed_size_partitioner(3))
    with tf.variable_scope("s", reuse=scope_reuse):
        with pytest.raises(ValueError) as e:
            tf.get_variable("w", **kwargs)
    assert str(e.value).startswith(message)


def test_missing_and_unpartitioned_errors():
    with tf.variable_scope("s", reuse=True):
        with pytest.raises(ValueError, match="PartitionedVariable s/nope does not exist, or was "
                                             "not created with tf.get_variable()"):
            tf.get_variable("nope", [3], partitioner=tf.fixed_size_partitioner(2))
    tf.get_variable("u", [10, 4])
    with pytest.raises(ValueError, match="A partitioner was provided, but an unpartitioned "
                                         "version of the variable was found: u."):
        tf.get_variable("u", [10, 4], partitioner=tf.fixed_size_partitioner(3))


def test_shard_count_disagreeing_with_existing_shards():
    store = get_default_store()
    tf.get_variable("m", [6, 2], partitioner=tf.fixed_size_partitioner(3))
    del store._partitioned_vars["m"]   # shards exist, their group does not
    with pytest.raises(ValueError, match="Partitioner returned 2 shards, and shard m/part_0 was "
                                         "found, but so was the extra shard m/part_2"):
        tf.get_variable("m", [6, 2], partitioner=tf.fixed_size_partitioner(2))
    with pytest.raises(ValueError, match="Partitioner returned 4 shards, and shard m/part_0 was "
                                         "found, but m/part_3 was not"):
        tf.get_variable("m", [6, 2], partitioner=tf.fixed_size_partitioner(4))


# -- bad partitioners leave nothing behind --------------------------------------------------------------
def _state():
    tf.get_variable_scope()   # created on first use; not part of what a creation may change
    g = tf.get_default_graph()
    store = get_default_store()
    return (len(g.get_operations()), dict((k, len(v)) for k, v in g._collections.items() if v),
            sorted(store._vars), sorted(store._partitioned_vars), g.unique_name("bad", False),
            g.unique_name("bad/part_0", False))


@pytest.mark.parametrize("part, exc, message", [
    (lambda shape, dtype: [2], ValueError, "Partitioner returned a partition list that does not "
     "match the Variable's rank: [2] vs. (4, 4) (variable bad)"),
    (lambda shape, dtype: [0, 1], ValueError, "Partitioner returned zero partitions for some "
     "axes: [0, 1] (variable bad"),
    (lambda shape, dtype: [-1, 1], ValueError, "Partitioner returned zero partitions for some "
     "axes: [-1, 1] (variable bad"),
    (lambda shape, dtype: [2, 2], ValueError, "Can only slice a variable along one dimension: "
     "shape: (4, 4), partitioning: [2, 2] (variable bad)"),
    (lambda shape, dtype: 2, ValueError, "Partitioner must return a sequence, but saw: 2 "
     "(variable bad)"),
    (lambda shape, dtype: [2.0, 1], TypeError, "Partitioner returned non-integer partitions: "
     "[2.0, 1] (variable bad"),
    (lambda shape, dtype: [5, 1], ValueError, "Expected 0 <= offset < shape but found offset=4, "
     "shape=4"),
    (3, ValueError, "Partitioner must be callable, but received: 3"),
])
def test_bad_partitioner_raises_and_leaves_store_unchanged(part, exc, message):
    tf.get_variable("ok", [3, 3], partitioner=tf.fixed_size_partitioner(2))
    before = _state()
    with pytest.raises(exc) as e:
        tf.get_variable("bad", [4, 4], partitioner=part)
    assert str(e.value).startswith(message)
    assert _state() == before


def test_failure_in_a_later_shard_rolls_back_earlier_shards():
    before = _state()
    calls = []

    def init(shape, dtype=None, partition_info=None):
        calls.append(partition_info.var_offset)
        if len(calls) == 3:
            raise RuntimeError("boom in shard 2")
        return tf.zeros(shape, dtype)
    with pytest.raises(RuntimeError, match="boom in shard 2"):
        tf.get_variable("bad", [6, 2], initializer=init,
                        partitioner=tf.fixed_size_partitioner(3))
    assert calls == [[0, 0], [2, 0], [4, 0]]
    assert _state() == before
    pv = tf.get_variable("bad", [6, 2], partitioner=tf.fixed_size_partitioner(3))
    assert [v.name for v in pv] == ["bad/part_0:0", "bad/part_1:0", "bad/part_2:0"]


def test_unknown_shape_is_rejected_with_the_name():
    with pytest.raises(ValueError, match=r"must be fully defined, but instead was \(\?, 4\)\. "
                                         r"\(variable unk\)"):
        tf.get_variable("unk", [None, 4], partitioner=tf.fixed_size_partitioner(2))


# -- PartitionInfo, SaveSliceInfo, create_partitioned_variables -------------------------------------------
def test_partition_info_matches_tensorflow():
    pi = PartitionInfo([10, 4], [3, 0])
    assert pi.single_offset([2, 4]) == 3 and pi.single_slice_dim([2, 4]) == 0
    with pytest.raises(ValueError, match="would exceed self.full_shape"):
        pi.single_slice_dim([10, 4])
    with pytest.raises(ValueError, match="Expected equal length"):
        PartitionInfo([10, 4], [3])
    with pytest.raises(TypeError, match="`full_shape` must be a sequence"):
        PartitionInfo(10, [3])
    assert SaveSliceInfo("w", [4, 6], [0, 4], [4, 2]).spec == "4 6 0,4:4,2"


def test_user_initializer_receives_partition_info():
    got = []

    def init(shape, dtype=None, partition_info=None):
        got.append((shape, partition_info.full_shape, partition_info.var_offset))
        return tf.zeros(shape, dtype)
    tf.get_variable("p", [5, 2], initializer=init, partitioner=tf.fixed_size_partitioner(2))
    assert got == [([3, 2], [5, 2], [0, 0]), ([2, 2], [5, 2], [3, 0])]


def test_create_partitioned_variables():
    vs = tf.create_partitioned_variables([10, 4], [1, 2], tf.zeros_initializer())
    assert [v.name for v in vs] == ["PartitionedVariable/part_0:0", "PartitionedVariable/part_1:0"]
    assert [v.shape.as_list() for v in vs] == [[10, 2], [10, 2]]
    full = np.arange(40.0, dtype=np.float32).reshape(10, 4)
    cv = tf.create_partitioned_variables([10, 4], [3, 1], full, name="cv")
    assert [v.shape.as_list() for v in cv] == [[4, 4], [3, 4], [3, 4]]
    assert [v._get_save_slice_info().full_name for v in cv] == ["cv"] * 3
    with tf.variable_scope("r"):
        x = tf.create_partitioned_variables([10, 4], [2, 1], tf.zeros_initializer(), name="x")
    with tf.variable_scope("r"):
        again = tf.create_partitioned_variables([10, 4], [2, 1], None, name="x", reuse=True)
        assert again == x
        with pytest.raises(ValueError, match="Partitioned variable with name r/x already exists"):
            tf.create_partitioned_variables([10, 4], [2, 1], tf.zeros_initializer(), name="x")
    with pytest.raises(ValueError, match="The 'shape' and 'slicing' of a partitioned Variable "
                                         "must have the length"):
        tf.create_partitioned_variables([10, 4], [3], tf.zeros_initializer())
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(np.concatenate([s.run(v) for v in cv]), full)
