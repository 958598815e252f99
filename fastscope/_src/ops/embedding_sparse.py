"""``tf.nn.embedding_lookup_sparse`` and ``tf.nn.safe_embedding_lookup_sparse``.

TensorFlow builds these from dozens of ops (Unique, a sharded lookup, segment
sums, SparseFillEmptyRows, Where, Reshape ...). fastscope builds one op: the
rows are gathered by ``embedding_ops.lookup_rows`` (the compiled shard-routing
gather) and combined per batch row with vectorised numpy (``reduceat`` over the
runs of equal row ids). The output is named as TensorFlow's final op.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     params = tf.constant([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
...     ids = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], tf.constant([0, 2, 1], tf.int64), [3, 2])
...     out = tf.nn.embedding_lookup_sparse(params, ids, None, combiner="sum")
...     print(tf.Session().run(out).tolist())
[[4.0, 6.0], [0.0, 0.0], [2.0, 3.0]]
"""
import numpy as np

from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import errors as _errors
from fastscope._src.framework.graph import graph_of
from fastscope._src.framework.op_builder import build_op, constant_value
from fastscope._src.framework.registry import register_op
from fastscope._src.framework.sparse_tensor import SparseTensor
from fastscope._src.framework.tensor_shape import TensorShape, unknown_shape
from fastscope._src.ops import embedding_ops as _emb

_COMBINERS = ("mean", "sqrtn", "sum")


def _check_combiner(combiner):
    if combiner not in _COMBINERS:
        raise ValueError("combiner must be one of 'mean', 'sqrtn' or 'sum', got %s" % (combiner,))


def _check_ids(ids):
    if ids.dtype.base_dtype not in (_dt.int32, _dt.int64):
        raise TypeError("Value passed to parameter 'indices' has DataType %s not in list of "
                        "allowed values: int32, int64" % ids.dtype.base_dtype.name)


def _combine(emb, seg, nrows, weights, combiner):
    """Per-row ``combiner`` of the embeddings ``emb`` whose batch rows are ``seg`` (sorted).

    Rows without ids are zeros; a zero denominator gives zeros (TensorFlow's div_no_nan).
    """
    tail = emb.shape[1:]
    out = np.zeros((nrows,) + tail, dtype=emb.dtype)
    n = seg.size
    if n == 0:
        return out
    bcast = (-1,) + (1,) * len(tail)
    if weights is not None:
        weights = weights.astype(emb.dtype, copy=False)
        emb = emb * weights.reshape(bcast)
    starts = np.flatnonzero(np.concatenate(([True], seg[1:] != seg[:-1])))
    rows = seg[starts]
    sums = np.add.reduceat(emb, starts, axis=0)
    if combiner == "sum":
        out[rows] = sums
        return out
    if weights is None:
        denom = np.diff(np.append(starts, n)).astype(emb.dtype)
    elif combiner == "mean":
        denom = np.add.reduceat(weights, starts)
    else:
        denom = np.add.reduceat(weights * weights, starts)
    if combiner == "sqrtn":
        denom = np.sqrt(denom)
    denom = np.broadcast_to(denom.reshape(bcast), sums.shape)
    out[rows] = np.divide(sums, denom, out=np.zeros_like(sums), where=denom != 0)
    return out


def _check_parts(op, indices, ids, weights):
    if indices.ndim != 2 or indices.shape[0] != ids.shape[0] or (
            weights is not None and weights.shape != ids.shape):
        raise _errors.InvalidArgumentError(
            None, op, "sparse ids have indices of shape %s, values of shape %s%s"
            % (indices.shape, ids.shape,
               "" if weights is None else " and weights of shape %s" % (weights.shape,)))


def _flat_ids(ids):
    return ids if ids.dtype in (np.int32, np.int64) else ids.astype(np.int64)


def _lookup_sparse_kernel(ctx, op, indices, ids, *rest):
    a = op._attrs
    strategy, combiner, max_norm = a["partition_strategy"], a["combiner"], a["max_norm"]
    has_weights = a["has_weights"]
    weights = rest[0] if has_weights else None
    tables = rest[1:] if has_weights else rest
    _check_parts(op, indices, ids, weights)
    _emb.check_row_shapes(op, tables)
    seg = indices[:, 0]
    if seg.size and (seg[0] < 0 or np.any(seg[1:] < seg[:-1])):
        raise _errors.InvalidArgumentError(
            None, op, "segment ids are not increasing or are negative: the row ids "
            "(indices[:, 0]) of sp_ids must be sorted and >= 0")
    nrows = int(seg[-1]) + 1 if seg.size else 0
    emb = _emb.lookup_rows(ctx, op, _flat_ids(ids), tables, strategy, max_norm)
    return _combine(emb, seg, nrows, weights, combiner)


def _safe_kernel(ctx, op, indices, ids, *rest):
    a = op._attrs
    strategy, combiner, max_norm = a["partition_strategy"], a["combiner"], a["max_norm"]
    has_weights, default_id = a["has_weights"], a["default_id"]
    weights = rest[0] if has_weights else None
    dense_shape = rest[1] if has_weights else rest[0]
    tables = rest[2:] if has_weights else rest[1:]
    _check_parts(op, indices, ids, weights)
    _emb.check_row_shapes(op, tables)
    outer = tuple(int(d) for d in dense_shape[:-1])
    nrows = int(np.prod(outer, dtype=np.int64))
    try:
        seg = (np.ravel_multi_index(tuple(indices[:, :-1].T), outer) if outer
               else np.zeros(ids.shape[0], np.int64))
    except ValueError as e:
        raise _errors.InvalidArgumentError(
            None, op, "sparse ids: indices outside dense_shape %s: %s"
            % (list(dense_shape), e)) from None
    keep = ids >= 0
    if weights is not None:
        if combiner != "sum":
            keep &= weights > 0
        weights = weights[keep]
    seg, ids = seg[keep], ids[keep]
    if seg.size and np.any(seg[1:] < seg[:-1]):
        order = np.argsort(seg, kind="stable")
        seg, ids = seg[order], ids[order]
        weights = weights[order] if weights is not None else None
    flat = _flat_ids(ids)
    if default_id is not None:
        flat = np.append(flat, np.asarray(default_id, flat.dtype))
    emb = _emb.lookup_rows(ctx, op, flat, tables, strategy, max_norm)
    out = _combine(emb[:seg.size], seg, nrows, weights, combiner)
    if default_id is not None:
        empty = np.ones(nrows, dtype=bool)
        empty[seg] = False
        out[empty] = emb[-1]
    return out.reshape(outer + out.shape[1:])


def _check_sparse_args(ids, weights, ids_arg, weights_msg, dim_check):
    """TypeErrors for ids/weights that are not SparseTensors, in each function's TF words."""
    if not isinstance(ids, SparseTensor):
        raise TypeError("%s must be SparseTensor, got %s" % (ids_arg, type(ids)))
    if weights is not None:
        if not isinstance(weights, SparseTensor):
            raise TypeError(weights_msg % type(weights))
        _check_weights(ids, weights, dim_check=dim_check)


def _check_weights(ids, weights, dim_check):
    """TensorFlow's static checks that ``weights`` matches ``ids`` (ValueError)."""
    if dim_check:
        ids.indices.shape[0].merge_with(weights.indices.shape[0])
        ids.values.shape[0].merge_with(weights.values.shape[0])
    else:
        ids.values.shape.assert_is_compatible_with(weights.values.shape)
        ids.indices.shape.assert_is_compatible_with(weights.indices.shape)
        ids.dense_shape.shape.assert_is_compatible_with(weights.dense_shape.shape)


def embedding_lookup_sparse(params, sp_ids, sp_weights, partition_strategy="mod", name=None,
                            combiner=None, max_norm=None):
    """Combined embeddings for each row of sparse ids (``tf.nn.embedding_lookup_sparse``).

    Row ``r`` of the output combines the embeddings of the ids whose index starts
    with ``r`` (``sp_ids.indices[:, 0]``, which must be sorted), each weighted by
    ``sp_weights`` (1 when None).

    Args:
      params: a tensor, a list of shards or a PartitionedVariable (as embedding_lookup).
      sp_ids: a SparseTensor of int32/int64 ids, in row-major order.
      sp_weights: None or a SparseTensor of weights with sp_ids' indices.
      partition_strategy: ``"mod"`` or ``"div"``.
      name: the op name (default ``embedding_lookup_sparse``).
      combiner: ``"sum"``, ``"mean"`` (weighted sum / sum of weights; the default) or
        ``"sqrtn"`` (weighted sum / sqrt of the sum of squared weights).
      max_norm: if set, each embedding is clipped to this L2 norm before combining.

    Returns:
      ``[max row id + 1] + params.shape[1:]``; rows with no ids are zeros, as are
      rows whose denominator is 0.

    Raises:
      ValueError: an unknown combiner or strategy; weights whose shape differs from the ids'.
      TypeError: sp_ids or sp_weights not SparseTensors; non-integer ids.
      InvalidArgumentError (at run time): an id outside the table, unsorted rows.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     ids = tf.SparseTensor([[0, 0], [0, 1]], tf.constant([0, 1], tf.int64), [1, 2])
    ...     w = tf.SparseTensor([[0, 0], [0, 1]], [1.0, 3.0], [1, 2])
    ...     out = tf.nn.embedding_lookup_sparse(tf.constant([[4.0], [8.0]]), ids, w)
    ...     print(out.name, tf.Session().run(out).tolist())
    embedding_lookup_sparse:0 [[7.0]]
    """
    if combiner is None:
        combiner = "mean"
    _check_combiner(combiner)
    params = _emb.params_list(params)
    # (TF's message lacks the space after the comma)
    _check_sparse_args(sp_ids, sp_weights, "sp_ids",
                       "sp_weights must be either None or SparseTensor,got %s", dim_check=False)
    g = graph_of(params + [sp_ids, sp_weights])
    with g.as_default(), g.name_scope(name or "embedding_lookup_sparse") as scope:
        tables = _emb.params_tensors(params)
        _check_ids(sp_ids.values)
        _emb.check_strategy(len(tables), partition_strategy)
        inputs = [sp_ids.indices, sp_ids.values]
        if sp_weights is not None:
            inputs.append(sp_weights.values)
        attrs = {"partition_strategy": partition_strategy, "combiner": combiner,
                 "max_norm": max_norm, "num_shards": len(tables), "scope": scope,
                 "has_weights": sp_weights is not None}
        return build_op("EmbeddingLookupSparse", (inputs + tables,), attrs,
                        scope)._outputs[0]


def _safe_out_name(has_weights, combiner, default_id):
    """The Reshape TensorFlow's safe lookup ends with (counted within its name scope)."""
    if has_weights:
        return "Reshape_3" if combiner == "sum" else "Reshape_5"
    return "Reshape_1" if default_id is not None else "Reshape_2"


def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None,
                                 combiner="mean", default_id=None, name=None,
                                 partition_strategy="div", max_norm=None):
    """embedding_lookup_sparse that skips invalid ids and fills empty rows.

    Ids < 0 (and, with weights and a combiner other than ``"sum"``, entries of
    weight <= 0) are dropped; rows left
    without ids get ``default_id``'s embedding, or zeros when it is None.
    ``sparse_ids`` may have any rank >= 1: the last axis holds the ids of one entry.

    Args:
      embedding_weights: a tensor, a list of shards or a PartitionedVariable.
      sparse_ids: a SparseTensor of int32/int64 ids, ``dense_shape`` ``[d0, ..., dn]``.
      sparse_weights: None or a SparseTensor of weights (params' dtype) with the same indices.
      combiner: ``"sum"``, ``"mean"`` (default) or ``"sqrtn"``.
      default_id: the id whose embedding fills empty rows (None: zeros).
      name: the name scope (default ``embedding_lookup``).
      partition_strategy: ``"div"`` (default) or ``"mod"``.
      max_norm: if set, each embedding is clipped to this L2 norm before combining.

    Returns:
      ``[d0, ..., d(n-1)] + params.shape[1:]``.

    Raises:
      ValueError: no params, an unknown combiner, weights of another dtype or shape.
      TypeError: non-integer ids.
      InvalidArgumentError (at run time): an id outside the table, indices outside the shape.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     ids = tf.SparseTensor([[0, 0], [0, 1]], tf.constant([1, -1], tf.int64), [2, 2])
    ...     out = tf.nn.safe_embedding_lookup_sparse(tf.constant([[4.0], [8.0]]), ids)
    ...     print(out.shape, tf.Session().run(out).tolist())
    (2, 1) [[8.0], [0.0]]
    """
    if embedding_weights is None:
        raise ValueError("Missing embedding_weights %s." % (embedding_weights,))
    params = _emb.params_list(embedding_weights)
    _check_combiner(combiner)
    _check_sparse_args(sparse_ids, sparse_weights, "sparse_ids",
                       "sparse_weights must be either None or SparseTensor, got %s",
                       dim_check=True)
    dtype = sparse_weights.dtype if sparse_weights is not None else None
    g = graph_of(params + [sparse_ids, sparse_weights])
    with g.as_default(), g.name_scope(name or "embedding_lookup") as scope:
        tables = _emb.params_tensors(params, dtype=dtype)
        _check_ids(sparse_ids.values)
        _emb.check_strategy(len(tables), partition_strategy)
        inputs = [sparse_ids.indices, sparse_ids.values]
        if sparse_weights is not None:
            inputs.append(sparse_weights.values)
        inputs.append(sparse_ids.dense_shape)
        attrs = {"partition_strategy": partition_strategy, "combiner": combiner,
                 "max_norm": max_norm, "num_shards": len(tables), "scope": scope,
                 "has_weights": sparse_weights is not None,
                 "default_id": None if default_id is None else int(default_id)}
        out_name = _safe_out_name(sparse_weights is not None, combiner, default_id)
        return build_op("SafeEmbeddingLookupSparse", (inputs + tables,), attrs,
                        out_name)._outputs[0]


def _n_parts(node):
    return 3 if node.attrs["has_weights"] else 2


def _lookup_sparse_shape(node):
    tables = node.inputs[_n_parts(node):]
    tail = _emb.row_shape(tables, node.attrs["scope"])
    shape = TensorShape([None]).concatenate(tail) if tail is not None else unknown_shape()
    return [(tables[0]._dtype.base_dtype, shape)]


def _safe_lookup_shape(node):
    k = _n_parts(node)
    dense_shape, tables = node.inputs[k], node.inputs[k + 1:]
    tail = _emb.row_shape(tables, node.attrs["scope"])
    return [(tables[0]._dtype.base_dtype, _safe_shape(dense_shape, tail))]


def _safe_shape(dense_shape, tail):
    if tail is None:
        return unknown_shape()
    dense = constant_value(dense_shape)
    if dense is not None:
        return TensorShape([int(d) for d in dense[:-1]]).concatenate(tail)
    rank = dense_shape.shape[0].value if dense_shape.shape.ndims else None
    if rank is None:
        return unknown_shape()
    return unknown_shape(rank - 1).concatenate(tail)


# One fused op each: TensorFlow builds these from dozens of ops (written as those when a
# GraphDef is exported).
register_op("EmbeddingLookupSparse", ("parts: *",), _lookup_sparse_shape, _lookup_sparse_kernel)
register_op("SafeEmbeddingLookupSparse", ("parts: *",), _safe_lookup_shape, _safe_kernel)


__all__ = ["embedding_lookup_sparse", "safe_embedding_lookup_sparse"]
