"""SparseTensor, nn.embedding_lookup_sparse and nn.safe_embedding_lookup_sparse.

Values are checked against a float64 numpy reference written from TensorFlow's documented
semantics; names, shapes and the corner cases (empty rows, zero weight sums, the "sum"
combiner keeping non-positive weights in the safe lookup) were observed in TensorFlow 2.21's
compat.v1 graph mode (tests/parity/embedding_sparse.py compares the two directly).
"""
import numpy as np
import pytest

import fastscope as tf

ROWS, DIM = 11, 4
TABLE = (np.arange(ROWS * DIM, dtype=np.float64).reshape(ROWS, DIM) - 20.0) / 7.0


def _clip(e, max_norm):
    if max_norm is None:
        return e
    n = np.sqrt(np.sum(e * e))
    return e * max_norm / max(n, max_norm)


def _combine(embs, weights, combiner):
    if not embs:
        return np.zeros(DIM)
    embs, weights = np.array(embs), np.array(weights, dtype=np.float64)
    total = (embs * weights[:, None]).sum(axis=0)
    if combiner == "sum":
        return total
    denom = weights.sum() if combiner == "mean" else np.sqrt((weights * weights).sum())
    return total / denom if denom != 0 else np.zeros(DIM)


def _reference(indices, ids, weights, combiner, max_norm, nrows, table=TABLE):
    """Row r: the combined (clipped) embeddings of the ids in row r, one Python loop per id."""
    weights = np.ones(len(ids)) if weights is None else weights
    out = []
    for r in range(nrows):
        sel = [i for i in range(len(ids)) if indices[i][0] == r]
        out.append(_combine([_clip(table[ids[i]], max_norm) for i in sel],
                            [weights[i] for i in sel], combiner))
    return np.array(out).reshape(nrows, DIM)


def _sparse(seed, nrows=6, width=5):
    """Sorted indices with some empty rows (never the last), ids in range, signed weights."""
    rng = np.random.default_rng(seed)
    indices = []
    for r in range(nrows):
        if r < nrows - 1 and rng.random() < 0.3:
            continue
        for c in sorted(rng.choice(width, size=rng.integers(1, width), replace=False)):
            indices.append([r, c])
    ids = rng.integers(0, ROWS, size=len(indices))
    weights = rng.uniform(-1.0, 2.0, size=len(indices))
    return np.array(indices, np.int64), ids, weights, [nrows, width]


def _seen_table(kind):
    """The table as a lookup sees it: "mod" over a variable's contiguous shards (4, 4, 3 rows)
    reads id i from row i // 3 of shard i % 3, as TensorFlow does."""
    if kind != "pv_mod":
        return TABLE
    starts = [0, 4, 8]
    return TABLE[[starts[i % 3] + i // 3 for i in range(ROWS)]]


def _params(kind, dtype):
    table = TABLE.astype(dtype)
    if kind == "tensor":
        return tf.constant(table), "mod"
    if kind in ("list_div", "list_mod"):
        if kind == "list_div":
            return [tf.constant(table[:4]), tf.constant(table[4:8]), tf.constant(table[8:])], "div"
        return [tf.constant(table[i::3]) for i in range(3)], "mod"
    pv = tf.get_variable("emb", initializer=tf.constant(table),
                         partitioner=tf.fixed_size_partitioner(3))
    return pv, kind.split("_")[1]


def _run(*fetches):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        return s.run(list(fetches))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", ["tensor", "list_div", "list_mod", "pv_div", "pv_mod"])
@pytest.mark.parametrize("max_norm", [None, 1.5])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
def test_lookup_sparse_matches_reference(combiner, weighted, max_norm, kind, dtype):
    indices, ids, weights, shape = _sparse(seed=len(combiner) + 2 * weighted)
    params, strategy = _params(kind, dtype)
    sp_ids = tf.SparseTensor(indices, tf.constant(ids, tf.int64), shape)
    sp_w = tf.SparseTensor(indices, weights.astype(dtype), shape) if weighted else None
    out = tf.nn.embedding_lookup_sparse(params, sp_ids, sp_w, partition_strategy=strategy,
                                        combiner=combiner, max_norm=max_norm)
    got, = _run(out)
    want = _reference(indices, ids, weights if weighted else None, combiner, max_norm,
                      int(indices[-1][0]) + 1, _seen_table(kind))
    assert got.dtype == dtype and out.shape.as_list() == [None, DIM]
    np.testing.assert_allclose(got, want, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-5)


def test_lookup_sparse_output_has_max_row_plus_one_rows_and_empty_rows_are_zero():
    sp = tf.SparseTensor([[1, 0], [1, 1], [3, 0]], tf.constant([2, 3, 4], tf.int64), [9, 2])
    out = tf.nn.embedding_lookup_sparse(tf.constant(TABLE), sp, None, combiner="sum")
    got, = _run(out)
    assert got.shape == (4, DIM)
    np.testing.assert_allclose(got[[0, 2]], 0.0)
    np.testing.assert_allclose(got[1], TABLE[2] + TABLE[3])


def test_lookup_sparse_default_combiner_is_mean_and_names_follow_tensorflow():
    sp = tf.SparseTensor([[0, 0], [0, 1]], tf.constant([1, 3], tf.int64), [1, 2])
    a = tf.nn.embedding_lookup_sparse(tf.constant(TABLE), sp, None)
    b = tf.nn.embedding_lookup_sparse(tf.constant(TABLE), sp, None, name="foo")
    c = tf.nn.embedding_lookup_sparse(tf.constant(TABLE), sp, None)
    assert (a.name, b.name, c.name) == ("embedding_lookup_sparse:0", "foo:0",
                                        "embedding_lookup_sparse_1:0")
    np.testing.assert_allclose(_run(a)[0][0], (TABLE[1] + TABLE[3]) / 2)


def test_lookup_sparse_zero_weight_sum_gives_zeros_not_nan():
    sp = tf.SparseTensor([[0, 0], [0, 1]], tf.constant([2, 2], tf.int64), [1, 2])
    w = tf.SparseTensor([[0, 0], [0, 1]], tf.constant([1.0, -1.0], tf.float64), [1, 2])
    got = _run(*[tf.nn.embedding_lookup_sparse(tf.constant(TABLE), sp, w, combiner=c)
                 for c in ("mean", "sqrtn")])
    for g in got:
        np.testing.assert_array_equal(g, np.zeros((1, DIM)))


def test_lookup_sparse_no_ids_and_rank_one_ids():
    empty = tf.SparseTensor(np.zeros((0, 2), np.int64), tf.constant([], tf.int64), [3, 4])
    rank1 = tf.SparseTensor([[1], [1]], tf.constant([1, 2], tf.int32), [3])
    a, b = _run(tf.nn.embedding_lookup_sparse(tf.constant(TABLE), empty, None),
                tf.nn.embedding_lookup_sparse(tf.constant(TABLE), rank1, None, combiner="sum"))
    assert a.shape == (0, DIM)
    np.testing.assert_allclose(b, [np.zeros(DIM), TABLE[1] + TABLE[2]])


def test_lookup_sparse_run_time_errors_name_the_problem():
    unsorted = tf.SparseTensor([[1, 0], [0, 0]], tf.constant([1, 2], tf.int64), [2, 1])
    far = tf.SparseTensor([[0, 0]], tf.constant([ROWS], tf.int64), [1, 1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not increasing"):
        _run(tf.nn.embedding_lookup_sparse(tf.constant(TABLE), unsorted, None))
    with pytest.raises(tf.errors.InvalidArgumentError, match="is not in"):
        _run(tf.nn.embedding_lookup_sparse(tf.constant(TABLE), far, None))


@pytest.mark.parametrize("call, error, match", [
    (lambda p, sp: tf.nn.embedding_lookup_sparse(p, sp, None, combiner="max"),
     ValueError, "combiner must be one of"),
    (lambda p, sp: tf.nn.embedding_lookup_sparse(p, tf.constant([1, 2]), None),
     TypeError, "sp_ids must be SparseTensor"),
    (lambda p, sp: tf.nn.embedding_lookup_sparse(p, sp, tf.constant([1.0])),
     TypeError, "sp_weights must be either None or SparseTensor"),
    (lambda p, sp: tf.nn.embedding_lookup_sparse(p, sp, tf.SparseTensor([[0, 0]], [1.0], [2, 3])),
     ValueError, "are incompatible"),
    (lambda p, sp: tf.nn.embedding_lookup_sparse(
        p, tf.SparseTensor([[0, 0]], [1.5], [2, 3]), None),
     TypeError, "not in list of allowed values: int32, int64"),
    (lambda p, sp: tf.nn.embedding_lookup_sparse([], sp, None),
     ValueError, "Need at least one param"),
    (lambda p, sp: tf.nn.embedding_lookup_sparse([p, p], sp, None, partition_strategy="x"),
     ValueError, "Unrecognized partition strategy"),
    (lambda p, sp: tf.nn.safe_embedding_lookup_sparse(p, sp, combiner="max"),
     ValueError, "combiner must be one of"),
    (lambda p, sp: tf.nn.safe_embedding_lookup_sparse(p, sp, tf.SparseTensor([[0, 0]], [1.0],
                                                                              [2, 3])),
     ValueError, "Dimensions 2 and 1 are not compatible"),
    (lambda p, sp: tf.nn.safe_embedding_lookup_sparse(
        tf.constant(TABLE.astype(np.float32)), sp,
        tf.SparseTensor(sp.indices, tf.constant([1.0, 2.0], tf.float64), sp.dense_shape)),
     ValueError, "Tensor conversion requested dtype float64"),
])
def test_build_time_errors_have_tensorflow_types(call, error, match):
    sp = tf.SparseTensor([[0, 0], [1, 0]], tf.constant([1, 2], tf.int64), [2, 3])
    with pytest.raises(error, match=match):
        call(tf.constant(TABLE), sp)


# -- safe_embedding_lookup_sparse ---------------------------------------------------------------
def _safe_reference(indices, ids, weights, dense_shape, combiner, default_id, max_norm,
                    table=TABLE):
    outer = dense_shape[:-1]
    nrows = int(np.prod(outer))
    rows = [np.ravel_multi_index(tuple(i[:-1]), outer) if outer else 0 for i in indices]
    weights = np.ones(len(ids)) if weights is None else weights
    keep = [k for k in range(len(ids))
            if ids[k] >= 0 and (combiner == "sum" or weights[k] > 0)]
    out = []
    for r in range(nrows):
        sel = [k for k in keep if rows[k] == r]
        if not sel and default_id is not None:
            out.append(_clip(table[default_id], max_norm))
            continue
        out.append(_combine([_clip(table[ids[k]], max_norm) for k in sel],
                            [weights[k] for k in sel], combiner))
    return np.array(out).reshape(tuple(outer) + (DIM,))


@pytest.mark.parametrize("kind", ["tensor", "list_div", "list_mod", "pv_div", "pv_mod"])
@pytest.mark.parametrize("max_norm", [None, 2.0])
@pytest.mark.parametrize("default_id", [None, 5])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
@pytest.mark.parametrize("rank", [2, 3])
def test_safe_lookup_matches_reference(rank, combiner, weighted, default_id, max_norm, kind):
    indices, ids, weights, shape = _sparse(seed=rank + 3 * weighted, nrows=6)
    ids = np.where(np.arange(ids.size) % 4 == 1, -1, ids)     # some invalid ids
    if rank == 3:    # the same entries as [3, 2, width]
        indices = np.column_stack([indices[:, 0] // 2, indices[:, 0] % 2, indices[:, 1]])
        shape = [3, 2, shape[1]]
    params, strategy = _params(kind, np.float64)
    sp_ids = tf.SparseTensor(indices, tf.constant(ids, tf.int64), shape)
    sp_w = tf.SparseTensor(indices, weights, shape) if weighted else None
    out = tf.nn.safe_embedding_lookup_sparse(params, sp_ids, sp_w, combiner=combiner,
                                             default_id=default_id,
                                             partition_strategy=strategy, max_norm=max_norm)
    got, = _run(out)
    want = _safe_reference(indices, ids, weights if weighted else None, shape, combiner,
                           default_id, max_norm, _seen_table(kind))
    assert out.shape.as_list() == shape[:-1] + [DIM]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_safe_lookup_names_follow_tensorflow():
    sp = tf.SparseTensor([[0, 0]], tf.constant([1], tf.int64), [2, 2])
    w = tf.SparseTensor([[0, 0]], [1.0], [2, 2])
    p = tf.constant(TABLE.astype(np.float32))
    names = [tf.nn.safe_embedding_lookup_sparse(p, sp).name,
             tf.nn.safe_embedding_lookup_sparse(p, sp, default_id=0).name,
             tf.nn.safe_embedding_lookup_sparse(p, sp, w, combiner="sum").name,
             tf.nn.safe_embedding_lookup_sparse(p, sp, w, combiner="sqrtn", name="bar").name]
    assert names == ["embedding_lookup/Reshape_2:0", "embedding_lookup_1/Reshape_1:0",
                     "embedding_lookup_2/Reshape_3:0", "bar/Reshape_5:0"]


def test_safe_lookup_with_fed_dense_shape_has_partly_known_shape():
    shape = tf.placeholder(tf.int64, [3])
    sp = tf.SparseTensor([[0, 1, 0]], tf.constant([2], tf.int64), shape)
    out = tf.nn.safe_embedding_lookup_sparse(tf.constant(TABLE), sp)
    assert out.shape.as_list() == [None, None, DIM]
    with tf.Session() as s:
        got = s.run(out, {shape: [2, 2, 3]})
    assert got.shape == (2, 2, DIM)
    np.testing.assert_allclose(got[0, 1], TABLE[2])


# -- SparseTensor --------------------------------------------------------------------------------
def test_sparse_tensor_parts_properties_and_names():
    st = tf.SparseTensor([[0, 1], [2, 0]], [1.5, 2.5], [3, 4])
    assert (st.indices.name, st.values.name, st.dense_shape.name) == (
        "SparseTensor/indices:0", "SparseTensor/values:0", "SparseTensor/dense_shape:0")
    assert st.indices.dtype == tf.int64 and st.dense_shape.dtype == tf.int64
    assert st.dtype == tf.float32 and st.op is st.values.op
    assert st.shape.as_list() == [3, 4] and st.get_shape().as_list() == [3, 4]
    assert st.graph is tf.get_default_graph()
    fed = tf.SparseTensor([[0, 1]], [1], tf.placeholder(tf.int64, [2]))
    assert fed.shape.as_list() == [None, None] and fed.dtype == tf.int32


def test_session_fetches_and_feeds_sparse_tensor_values():
    shape = tf.placeholder(tf.int64, [2])
    st = tf.SparseTensor([[0, 1], [2, 0]], [1.5, 2.5], shape)
    with tf.Session() as s:
        v = s.run(st, {shape: [3, 4]})
        assert isinstance(v, tf.SparseTensorValue)
        assert v.indices.tolist() == [[0, 1], [2, 0]] and v.values.tolist() == [1.5, 2.5]
        assert v.dense_shape.tolist() == [3, 4] and v.indices.dtype == np.int64
        nested = s.run({"a": [st]}, {shape: [5, 5]})
        assert nested["a"][0].dense_shape.tolist() == [5, 5]
        fed = s.run(st.values, {st: tf.SparseTensorValue([[0, 0], [1, 1]], [7.0, 8.0], [2, 2])})
        assert fed.tolist() == [7.0, 8.0]
        fed = s.run(st.dense_shape, {st: ([[0, 0], [1, 1]], [7.0, 8.0], [6, 6])})
        assert fed.tolist() == [6, 6]
        assert st.eval({shape: [3, 3]}, session=s).dense_shape.tolist() == [3, 3]


def test_sparse_tensor_rejects_parts_of_the_wrong_rank():
    with pytest.raises(ValueError):
        tf.SparseTensor([0, 1], [1.0], [2, 3])
    with pytest.raises(ValueError):
        tf.SparseTensor([[0, 1]], [1.0, 2.0], [2, 3])
    with pytest.raises(ValueError):
        tf.SparseTensor([[0, 1]], [1.0], [2, 3, 4])
