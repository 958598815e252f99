"""``tf.nn.embedding_lookup`` over a tensor, a list of shards or a PartitionedVariable.

TensorFlow builds a dozen ops for a sharded lookup (DynamicPartition, one
Gather per shard, ParallelDynamicStitch, Reshape); fastscope builds one op that
does the same arithmetic in a single kernel, and gives its output the name
TensorFlow's final op has (``embedding_lookup/Identity`` for one shard,
``embedding_lookup/Reshape_1`` for several). The compiled
``_kernels.gather_shards`` routes each id to its shard and copies its row
straight into place (one pass, in parallel, no GIL held); ids out of range
and non-numeric tables take a numpy path that words TensorFlow's error.

Ids are assigned to shards as TensorFlow does: ``"mod"`` puts id ``i`` in
shard ``i % n`` at row ``i // n``; ``"div"`` splits ``[0, total)`` into
contiguous ranges, the first ``total % n`` one id larger (the split of a
PartitionedVariable, so ``"div"`` reads a partitioned variable as if it were
whole).

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     params = tf.constant([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
...     print(tf.Session().run(tf.nn.embedding_lookup(params, [2, 0])).tolist())
[[4.0, 5.0], [0.0, 1.0]]
"""
import numpy as np

from fastscope._src import kernels
from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import errors as _errors
from fastscope._src.framework.graph import graph_of
from fastscope._src.framework.op_builder import build_op, convert_to_tensor
from fastscope._src.framework.registry import register_op
from fastscope._src.framework.tensor_shape import TensorShape, unknown_shape

_ID_DTYPES = (_dt.int16, _dt.int32, _dt.int64)


def _bad_id(op, flat, pos, total, extra=""):
    raise _errors.InvalidArgumentError(
        None, op, "indices[%d] = %d is not in [0, %d)%s" % (pos, int(flat[pos]), total, extra))


def _assign_shards(op, flat, sizes, strategy):
    """(shard of each id, row inside that shard) as TensorFlow assigns them."""
    n = len(sizes)
    total = int(sum(sizes))
    bad = np.flatnonzero((flat < 0) | (flat >= total))
    if bad.size:
        _bad_id(op, flat, int(bad[0]), total,
                " (embedding_lookup over %d shards with %d rows in all, partition_strategy=%r)"
                % (n, total, strategy))
    if strategy == "mod":
        return flat % n, flat // n
    per = total // n
    extras = total % n
    if per == 0:
        return flat, np.zeros_like(flat)
    shard = np.maximum(flat // (per + 1), (flat - extras) // per)
    row = np.where(shard < extras, flat % (per + 1), (flat - extras) % per)
    return shard, row


def _clip_rows(x, max_norm):
    """TensorFlow's clip_by_norm of each embedding (over all but the first axis)."""
    axes = tuple(range(1, x.ndim))
    l2sum = np.sum(x * x, axis=axes, keepdims=True, dtype=x.dtype)
    pos = l2sum > 0
    l2norm = np.where(pos, np.sqrt(np.where(pos, l2sum, 1)), l2sum).astype(x.dtype)
    clip = np.asarray(max_norm, dtype=x.dtype)
    return ((x * clip) / np.maximum(l2norm, clip)).astype(x.dtype, copy=False)


def _compiled_lookup(ctx, op, flat, tables, strategy):
    """The rows of ``flat`` by ``_kernels.gather_shards`` (one pass, no GIL), or None.

    None when the kernel does not apply (object or mixed dtypes); the caller then
    takes the numpy path, which also words the errors.
    """
    dtype = tables[0].dtype
    if dtype.hasobject or any(t.dtype != dtype or t.ndim == 0 for t in tables):
        return None
    K = kernels.compiled()
    row_bytes = dtype.itemsize
    for d in tables[0].shape[1:]:
        row_bytes *= d
    nthreads = kernels.threads(ctx, row_bytes * flat.size, kernels.GRAIN_GATHER)
    if len(tables) == 1:
        route = K.GATHER_ONE
    else:
        route = K.GATHER_MOD if strategy == "mod" else K.GATHER_DIV
    try:
        return K.gather_shards([np.ascontiguousarray(t) for t in tables], flat, route, nthreads)
    except IndexError:
        return None   # the numpy path below names the id and why it is out of range


def _numpy_lookup(op, flat, tables, strategy):
    """What the compiled path declines: object or mixed dtypes, and wording bad ids."""
    if len(tables) == 1:
        table = tables[0]
        rows = table.shape[0]
        bad = np.flatnonzero((flat < 0) | (flat >= rows))
        if bad.size:
            _bad_id(op, flat, int(bad[0]), rows)
        return np.take(table, flat, axis=0)
    sizes = [t.shape[0] for t in tables]
    shard, row = _assign_shards(op, flat, sizes, strategy)
    out = np.empty((flat.size,) + tables[0].shape[1:], dtype=tables[0].dtype)
    for s, table in enumerate(tables):
        where = np.flatnonzero(shard == s)
        if not where.size:
            continue
        local = row[where]
        over = np.flatnonzero(local >= table.shape[0])
        if over.size:
            pos = int(where[over[0]])
            _bad_id(op, flat, pos, int(sum(sizes)),
                    ": it maps to row %d of shard %d, which has %d rows "
                    "(partition_strategy=%r)" % (int(local[over[0]]), s, table.shape[0],
                                                 strategy))
        out[where] = np.take(table, local, axis=0)
    return out


def _lookup_kernel(ctx, op, ids, *tables):
    a = op._attrs
    ids = np.asarray(ids)
    check_row_shapes(op, tables)
    flat = ids.reshape(-1)
    if flat.dtype != np.int32 and flat.dtype != np.int64:
        flat = flat.astype(np.int64)
    out = lookup_rows(ctx, op, flat, tables, a["partition_strategy"], a["max_norm"])
    return out.reshape(ids.shape + out.shape[1:])


def _lookup_shape(node):
    ids, tables = node.inputs[0], node.inputs[1:]
    tail = row_shape(tables, node.attrs["scope"])
    shape = ids._shape.concatenate(tail) if tail is not None else unknown_shape()
    return [(tables[0]._dtype.base_dtype, shape)]


register_op("EmbeddingLookup", ("indices: Tindices", "params: *"), _lookup_shape, _lookup_kernel,
            type_attrs={"Tindices": _ID_DTYPES}, tf_type="GatherV2")


def check_row_shapes(op, tables):
    """Raises InvalidArgumentError (at run time) when shards' row shapes differ."""
    if len(tables) > 1:
        tails = {t.shape[1:] for t in tables}
        if len(tails) != 1:
            raise _errors.InvalidArgumentError(
                None, op, "embedding_lookup: shards have different row shapes: %s"
                % sorted(tails))


def lookup_rows(ctx, op, flat, tables, strategy, max_norm):
    """The rows of 1-D int32/int64 ``flat`` in the shards ``tables`` (clipped to ``max_norm``)."""
    flat = np.ascontiguousarray(flat)
    out = _compiled_lookup(ctx, op, flat, tables, strategy)
    if out is None:
        out = _numpy_lookup(op, flat.astype(np.int64, copy=False), tables, strategy)
    if max_norm is not None:
        out = _clip_rows(out, max_norm)
    return out


def params_list(params):
    """``params`` (tensor, variable, list of shards or PartitionedVariable) as a list.

    Raises:
      ValueError: no params.
    """
    if params is None:
        raise ValueError("params must be specified")
    if isinstance(params, (list, tuple)) and not params:
        raise ValueError("Length of params is currently 0. Need at least one param.")
    if hasattr(params, "_get_variable_list"):   # a PartitionedVariable: its shards
        params = list(params)
    if not isinstance(params, (list, tuple)):
        params = [params]
    return list(params)


def params_tensors(params, dtype=None):
    """Converts the shards to tensors (in the current name scope) of one dtype.

    Raises:
      TypeError: shards of different dtypes.
      ValueError: ``dtype`` given and the shards have another one.
    """
    tables = [convert_to_tensor(p, dtype=dtype, name="params") for p in params]
    for t in tables[1:]:
        if t.dtype.base_dtype is not tables[0].dtype.base_dtype:
            raise TypeError("embedding_lookup: all params must have the same dtype, got %s"
                            % ", ".join(x.dtype.base_dtype.name for x in tables))
    return tables


def check_strategy(n, partition_strategy):
    if n > 1 and partition_strategy not in ("mod", "div"):
        raise ValueError("Unrecognized partition strategy: " + str(partition_strategy)
                         + ".Must be one of either `mod` or `div`.")


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True,
                     max_norm=None):
    """Looks up rows ``ids`` in ``params`` (``tf.nn.embedding_lookup``).

    Args:
      params: a tensor or variable, a list of them (shards of one table, equal row
        shapes), or a PartitionedVariable.
      ids: int32/int64 ids of any shape.
      partition_strategy: ``"mod"`` or ``"div"`` (used with more than one shard).
      name: the name scope (default ``embedding_lookup``).
      validate_indices: accepted and ignored, as in TensorFlow (ids are always checked).
      max_norm: if set, each embedding with a larger L2 norm is scaled down to it.

    Returns:
      A tensor of shape ``ids.shape + params.shape[1:]`` and params' dtype.

    Raises:
      ValueError: no params, an unknown strategy, or shards of different row shapes.
      TypeError: non-integer ids or shards of different dtypes.
      InvalidArgumentError (at run time): an id outside the table, naming the id.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     pv = tf.get_variable("e", initializer=tf.constant([[0.], [1.], [2.], [3.], [4.]]),
    ...                          partitioner=tf.fixed_size_partitioner(2))
    ...     out = tf.nn.embedding_lookup(pv, [[4, 1]], partition_strategy="div")
    ...     s = tf.Session(); _ = s.run(tf.global_variables_initializer())
    ...     print(out.shape, s.run(out).tolist())
    (1, 2, 1) [[[4.0], [1.0]]]
    """
    params = params_list(params)
    g = graph_of(params + [ids])
    with g.as_default(), g.name_scope(name or "embedding_lookup") as scope:
        tables = params_tensors(params)
        ids_t = convert_to_tensor(ids, name="ids")
        n = len(tables)
        check_strategy(n, partition_strategy)
        if n == 1:
            out_name = "Identity"
        else:
            out_name = "clip_by_norm" if max_norm is not None else "Reshape_1"
        attrs = {"partition_strategy": partition_strategy, "max_norm": max_norm,
                 "num_shards": n, "scope": scope}
        return build_op("EmbeddingLookup", (ids_t, tables), attrs, out_name)._outputs[0]


def row_shape(tables, scope):
    """The merged static row shape (``shape[1:]``) of the shards, or None if unknown."""
    tail = None
    for t in tables:
        if t.shape.ndims is None:
            continue
        if t.shape.ndims == 0:
            raise ValueError("embedding_lookup: params must have rank at least 1, got a scalar "
                             "%s (in %s)" % (t.name, scope))
        this = TensorShape(t.shape.dims[1:])
        if tail is None:
            tail = this
        elif not tail.is_compatible_with(this):
            raise ValueError("embedding_lookup: shards have different row shapes %s and %s"
                             % (tail, this))
        else:
            tail = tail.merge_with(this)
    return tail


__all__ = ["embedding_lookup"]
