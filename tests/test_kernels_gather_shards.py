"""_kernels.gather_shards (embedding_lookup's routing + copy) against a numpy reference."""
import numpy as np
import pytest

from fastscope import _kernels as K


def _reference(tables, ids, strategy):
    """TensorFlow's routing, written out per id in plain Python."""
    n = len(tables)
    total = sum(t.shape[0] for t in tables)
    per, extras = divmod(total, n)
    rows = []
    for v in ids.ravel().tolist():
        if strategy == K.GATHER_MOD:
            s, r = v % n, v // n
        elif strategy == K.GATHER_ONE:
            s, r = 0, v
        elif per == 0:
            s, r = v, 0
        elif v < extras * (per + 1):
            s, r = divmod(v, per + 1)
        else:
            s, r = extras + (v - extras * (per + 1)) // per, (v - extras) % per
        rows.append(tables[s][r])
    tail = tables[0].shape[1:]
    return np.array(rows, dtype=tables[0].dtype).reshape(ids.shape + tail)


def _split(full, n, strategy):
    if strategy == K.GATHER_MOD:
        return [np.ascontiguousarray(full[s::n]) for s in range(n)]
    return [np.ascontiguousarray(a) for a in np.array_split(full, n)]


@pytest.mark.parametrize("strategy", [K.GATHER_MOD, K.GATHER_DIV])
@pytest.mark.parametrize("total,n", [(1, 1), (7, 3), (10, 4), (3, 5), (64, 8), (101, 7)])
@pytest.mark.parametrize("itype", [np.int32, np.int64])
@pytest.mark.parametrize("nthreads", [1, 2])
def test_gather_shards_reads_the_split_table_as_the_whole_one(strategy, total, n, itype, nthreads):
    rng = np.random.default_rng(total * 10 + n)
    full = rng.standard_normal((total, 3)).astype(np.float32)
    tables = _split(full, n, strategy)
    tables = [t for t in tables if t.shape[0]] if total < n and strategy == K.GATHER_MOD else tables
    ids = rng.integers(0, total, size=(4, 5)).astype(itype)
    got = K.gather_shards(tables, ids, strategy, nthreads)
    np.testing.assert_array_equal(got, _reference(tables, ids, strategy))
    if total >= n:   # both strategies then read the whole table through its split
        np.testing.assert_array_equal(got, full[ids])


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int8, np.complex64, bool])
@pytest.mark.parametrize("tail", [(), (0,), (2, 3), (17,)])
def test_gather_shards_any_dtype_and_row_shape(dtype, tail):
    full = (np.arange(11 * int(np.prod(tail, dtype=int))) % 5).astype(dtype).reshape((11,) + tail)
    ids = np.array([10, 0, 3, 3, 7], np.int64)
    for strategy, n in ((K.GATHER_ONE, 1), (K.GATHER_MOD, 3), (K.GATHER_DIV, 4)):
        tables = _split(full, n, strategy)
        got = K.gather_shards(tables, ids, strategy, 2)
        assert got.shape == (5,) + tail and got.dtype == full.dtype
        np.testing.assert_array_equal(got, full[ids])


def test_gather_shards_unequal_user_shards_follow_tf_routing():
    # shards not in the even split: ids routed by the formula, as TensorFlow does
    tables = [np.arange(5.0)[:, None], np.arange(10.0, 12.0)[:, None], np.arange(20.0, 22.0)[:, None]]
    ids = np.array([0, 2, 3, 4, 6, 7], np.int64)   # total 9: per 3, no extras
    np.testing.assert_array_equal(K.gather_shards(tables, ids, K.GATHER_DIV),
                                  _reference(tables, ids, K.GATHER_DIV))


def test_gather_shards_empty_ids_and_given_out():
    t = [np.ones((4, 2), np.float32)]
    assert K.gather_shards(t, np.zeros((0, 3), np.int64)).shape == (0, 3, 2)
    out = np.empty((2, 2), np.float32)
    assert K.gather_shards(t, np.array([1, 2], np.int32), out=out) is out
    with pytest.raises(ValueError):
        K.gather_shards(t, np.array([1], np.int32), out=np.empty((2, 2), np.float32))


@pytest.mark.parametrize("bad,pos", [([0, 9, -1], 1), ([-1, 2], 0), ([1, 2, 8], 2)])
def test_gather_shards_reports_the_first_bad_id_position(bad, pos):
    tables = [np.zeros((3, 2)), np.zeros((3, 2)), np.zeros((2, 2))]
    with pytest.raises(IndexError) as e:
        K.gather_shards(tables, np.array(bad, np.int64), K.GATHER_MOD)
    assert e.value.args[1] == pos


def test_gather_shards_id_routed_past_a_short_shard_is_an_index_error():
    tables = [np.zeros((1, 2)), np.zeros((3, 2))]   # total 4, div: shard 0 should hold 2
    with pytest.raises(IndexError) as e:
        K.gather_shards(tables, np.array([0, 1], np.int64), K.GATHER_DIV)
    assert e.value.args[1] == 1


def test_gather_shards_validates_its_inputs():
    t = np.zeros((3, 2), np.float32)
    with pytest.raises(TypeError):
        K.gather_shards([t], np.array([0.0]))
    with pytest.raises(TypeError):
        K.gather_shards([t, t.astype(np.float64)], np.array([0]), K.GATHER_MOD)
    with pytest.raises(ValueError):
        K.gather_shards([t, np.zeros((3, 4), np.float32)], np.array([0]), K.GATHER_MOD)
    with pytest.raises(ValueError):
        K.gather_shards([t, t], np.array([0]), K.GATHER_ONE)
    with pytest.raises(ValueError):
        K.gather_shards([], np.array([0]))
    with pytest.raises(ValueError):
        K.gather_shards([np.zeros((3, 4))[:, ::2]], np.array([0]))
    with pytest.raises(TypeError):
        K.gather_shards([np.array([object()] * 3)], np.array([0]))
