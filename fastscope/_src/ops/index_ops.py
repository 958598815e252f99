"""Indexing ops: ``gather`` (GatherV2), ``gather_nd``, ``scatter_nd`` and ``boolean_mask``.

Indices are checked before anything is copied: one out of range is an
InvalidArgumentError at run time that names it in TensorFlow's words
(``indices[1,2] = 7 is not in [0, 5)``). A gather along axis 0 of a contiguous
table with rows of 64 bytes or more runs the compiled ``_kernels.gather_shards``
(rows copied in parallel, no GIL held), the one gather core the embedding lookups
use too; other gathers are one numpy ``take``.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     params = tf.constant([[1, 2], [3, 4], [5, 6]])
...     g = tf.gather(params, [2, 0])
...     print(g.name, g.shape, tf.Session().run(g).tolist())
GatherV2:0 (2, 2) [[5, 6], [1, 2]]
"""
import math

import numpy as np

from fastscope._src import kernels
from fastscope._src.framework import errors as _errors
from fastscope._src.framework.graph import graph_of
from fastscope._src.framework.op_builder import build_op, convert_to_tensor
from fastscope._src.framework.registry import register_op
from fastscope._src.framework.tensor_shape import (TensorShape, incompatibility, shape_str,
                                                   unknown_shape)
from fastscope._src.ops import index_util as U
from fastscope._src.ops.select_ops import WHERE_TYPES


def _error(op, text):
    return _errors.InvalidArgumentError(None, op, text)


# -- the gather core ----------------------------------------------------------------------------
# Rows shorter than this are copied faster by numpy's take, whose small-item copies beat a
# memcpy call per row (one thread, 200k ids: 4-16 B rows 1.4 ms compiled vs 0.2-0.3 ms
# numpy; 64 B 2.6 vs 2.0; 128 B 4.8 vs 5.7; 256 B 14.9 vs 17.8, and the compiled copy can
# use more threads).
COMPILED_MIN_ROW_BYTES = 64


def take(ctx, op, params, indices, axis, batch_dims=0):
    """``params`` gathered at ``indices`` along ``axis`` (TensorFlow's GatherV2 result).

    Axis 0 of a C-contiguous numeric table with rows of at least
    ``COMPILED_MIN_ROW_BYTES`` goes to the compiled gather, which checks
    the indices in the same pass (no GIL held); everything else is a numpy take
    (batched gathers one fancy index over all batches) after a numpy check. An index
    out of range is TensorFlow's InvalidArgumentError naming it, for ``op``.
    """
    n = params.shape[axis]
    if batch_dims:
        U.check_indices(op, indices, n)
        return _batched_take(params, indices, axis, batch_dims)
    row_bytes = params.dtype.itemsize * math.prod(params.shape[1:])
    if (axis == 0 and row_bytes >= COMPILED_MIN_ROW_BYTES and params.flags.c_contiguous
            and not params.dtype.hasobject):
        ix = indices if indices.dtype in (np.int32, np.int64) else indices.astype(np.int32)
        if not ix.flags.c_contiguous:
            ix = ix.copy()
        K = kernels.compiled()
        nthreads = kernels.threads(ctx, row_bytes * ix.size, kernels.GRAIN_GATHER)
        try:
            return K.gather_shards([params], ix, K.GATHER_ONE, nthreads)
        except IndexError:
            U.check_indices(op, indices, n)   # words the first bad index as TensorFlow does
            raise
    U.check_indices(op, indices, n)
    return np.take(params, indices, axis=axis)


def _batched_take(params, indices, axis, bd):
    batch = params.shape[:bd]
    nb = math.prod(batch)
    inner = params.reshape((nb,) + params.shape[bd:])
    idx = indices.reshape((nb,) + indices.shape[bd:])
    a = axis - bd + 1                        # the gathered axis inside ``inner``
    moved = np.moveaxis(inner, a, 1)         # (nb, n, pre..., post...)
    rows = np.arange(nb).reshape((nb,) + (1,) * (idx.ndim - 1))
    got = moved[rows, idx]                   # (nb, idx..., pre..., post...)
    k, m = idx.ndim - 1, a - 1               # index dims, dims before the axis
    if k and m:
        got = np.moveaxis(got, list(range(1, 1 + k)), list(range(1 + m, 1 + m + k)))
    return got.reshape(batch + got.shape[1:])


# -- GatherV2 ------------------------------------------------------------------------------------
def _gather_shape(node):
    params, indices, axis_t = node.inputs
    bd = node.attrs["batch_dims"]
    dt = params._dtype.base_dtype
    ps, ix = params._shape, indices._shape
    axis = U.const_int(axis_t)
    computed = None if axis is None else "input[2] = <%d>" % axis
    U.rank_at_least(node, ps, 1)
    U.rank_exactly(node, axis_t._shape, 0)
    if ix.ndims is not None:
        U.rank_at_least(node, ix, -bd if bd < 0 else bd, computed)
        bd = bd + ix.ndims if bd < 0 else bd
    if axis is None:
        if ps.ndims is None or ix.ndims is None or bd < 0:
            return [(dt, unknown_shape())]
        return [(dt, unknown_shape(ps.ndims + ix.ndims - 1 - bd))]
    U.rank_at_least(node, ps, axis + 1 if axis >= 0 else -axis, computed)
    if ps.ndims is None or ix.ndims is None:
        return [(dt, unknown_shape())]
    a = axis % ps.ndims
    if bd > a:   # TensorFlow's kernel refuses it when it runs
        return [(dt, unknown_shape())]
    return [(dt, TensorShape(ps.dims[:a] + ix.dims[bd:] + ps.dims[a + 1:]))]


def _gather_kernel(ctx, op, params, indices, axis):
    bd = op._attrs["batch_dims"]
    axis = U.scalar(op, axis, "axis")
    p = params.ndim
    if p < 1:
        raise _error(op, "params must be at least 1 dimensional")
    if not -p <= axis < p:
        raise _error(op, "Expected axis in the range [%d, %d), but got %d" % (-p, p, axis))
    axis %= p
    if bd < 0:
        bd += indices.ndim
    if not 0 <= bd <= indices.ndim:
        raise _error(op, "Expected batch_dims in the range [%d, %d], but got %d"
                     % (-indices.ndim, indices.ndim, op._attrs["batch_dims"]))
    if bd > axis:
        raise _error(op, "batch_dims (%d) must be less than or equal to axis (%d)." % (bd, axis))
    for i in range(bd):
        if params.shape[i] != indices.shape[i]:
            raise _error(op, "params.shape[%d]: %d should be equal to indices.shape[%d]: %d"
                         % (i, params.shape[i], i, indices.shape[i]))
    return take(ctx, op, params, indices, axis, bd)


register_op("GatherV2", ("params: Tparams", "indices: Tindices", "axis: Taxis"), _gather_shape,
            _gather_kernel, type_attrs={"Tindices": U.INDEX_TYPES_16, "Taxis": U.INDEX_TYPES},
            tf_attrs=("batch_dims", "Tparams", "Tindices", "Taxis"))


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0):
    """Slices of ``params`` at ``indices`` along ``axis`` (``tf.gather``; op ``GatherV2``).

    Args:
      params: a tensor of rank >= 1 (or a variable, or a value to convert).
      indices: int16/int32/int64 indices of any shape, each in ``[0, params.shape[axis])``.
      validate_indices: ignored, as in TensorFlow (indices are always checked).
      name: the op's name.
      axis: the axis to gather along (default ``batch_dims``); an int or a scalar int
        tensor; negative counts from the end.
      batch_dims: leading dimensions that params and indices share (negative counts
        from the end of indices); as in TensorFlow it is dropped when ``axis`` is 0.

    Returns:
      ``params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1:]``.

    Raises:
      ValueError: ranks that cannot fit ``axis`` or ``batch_dims``.
      TypeError: indices that are not integers.
      InvalidArgumentError (at run time): an index out of range, naming it.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     x = tf.constant([[1, 2, 3], [4, 5, 6]])
    ...     print(tf.Session().run(tf.gather(x, [[2], [0]], axis=1, batch_dims=1)).tolist())
    [[3], [4]]
    """
    del validate_indices
    bd = U.int_arg(batch_dims, "batch_dims")
    if axis is None:
        axis = bd
    if (U.int_or_constant(axis, "axis") if not isinstance(axis, (list, tuple)) else None) == 0:
        bd = 0   # TensorFlow's gather takes the axis-0 path, which drops batch_dims
    return build_op("GatherV2", (params, indices, axis), {"batch_dims": bd}, name)._outputs[0]


# -- GatherNd ------------------------------------------------------------------------------------
def _gather_nd_shape(node):
    params, indices = node.inputs
    bd = node.attrs["batch_dims"]
    dt = params._dtype.base_dtype
    ps, ix = params._shape, indices._shape
    U.rank_at_least(node, ix, 1)
    if ps.ndims is None or ix.ndims is None or ix.dims[-1].value is None:
        return [(dt, unknown_shape())]
    depth = ix.dims[-1].value
    if depth > ps.ndims - bd:
        raise U.shape_error(node, "indices.shape[-1] must be <= params.rank, but saw indices "
                            "shape: %s and params shape: %s" % (shape_str(ix), shape_str(ps)))
    lead = ix[:-1]
    if bd:
        lead = ps[:bd].merge_with(ix[:bd]).concatenate(ix[bd:-1]) \
            if ps[:bd].is_compatible_with(ix[:bd]) else lead
    return [(dt, lead.concatenate(ps[bd + depth:]))]


def _gather_nd_kernel(ctx, op, params, indices):
    bd = op._attrs["batch_dims"]
    if indices.ndim < 1:
        raise _error(op, "indices must be at least a vector")
    depth = indices.shape[-1]
    if params.ndim < bd or depth > params.ndim - bd:
        raise _error(op, "index innermost dimension length must be <= params rank; saw: %d vs. "
                     "%d" % (depth, params.ndim - bd))
    for i in range(bd):
        if params.shape[i] != indices.shape[i]:
            raise _error(op, "params.shape[%d]: %d should be equal to indices.shape[%d]: %d"
                         % (i, params.shape[i], i, indices.shape[i]))
    lead = indices.shape[:-1]
    flat = indices.reshape(-1, depth) if depth else np.zeros((math.prod(lead), 0), np.int64)
    _check_tuples(op, flat, lead, params.shape[bd:bd + depth], "param shape",
                  params.shape)
    nb = math.prod(params.shape[:bd])
    m = flat.shape[0] // nb if nb else 0
    inner = params.reshape((nb,) + params.shape[bd:])
    rest = params.shape[bd + depth:]
    if depth == 0:
        got = np.broadcast_to(inner[:, None], (nb, m) + rest)
    else:
        idx = flat.reshape(nb, m, depth)
        got = inner[(np.arange(nb).reshape(nb, 1),) + tuple(idx[..., j] for j in range(depth))]
    return got.reshape(lead + rest)


def _check_tuples(op, flat, lead, limits, what, full):
    """Raises TensorFlow's error for the first index tuple (row of ``flat``) out of range."""
    if not flat.size:
        return
    bad = ((flat < 0) | (flat >= np.asarray(limits, np.int64))).any(axis=1)
    if bad.any():
        r = int(np.argmax(bad))
        raise _error(op, "%s = [%s] does not index into %s %s"
                     % (U.index_text(r, lead), ", ".join(str(int(v)) for v in flat[r]), what,
                        U.shape_str_of(full)))


register_op("GatherNd", ("params: Tparams", "indices: Tindices"), _gather_nd_shape,
            _gather_nd_kernel, type_attrs={"Tindices": U.INDEX_TYPES_16},
            tf_attrs=("Tparams", "Tindices"))


def gather_nd(params, indices, name=None, batch_dims=0):
    """Slices of ``params`` at the index tuples in ``indices``' last axis (``tf.gather_nd``).

    Args:
      params: a tensor.
      indices: int16/int32/int64; ``indices[..., :]`` indexes the leading dimensions of
        params (after the batch dimensions).
      name: the op's name (with ``batch_dims``, the name scope: ``BatchGatherND``).
      batch_dims: leading dimensions params and indices share (a non-negative int).

    Returns:
      ``indices.shape[:-1] + params.shape[batch_dims + indices.shape[-1]:]``.

    Raises:
      ValueError: an index depth over params' rank, negative ``batch_dims`` or one not
        below indices' rank.
      InvalidArgumentError (at run time): an index tuple out of range, naming it.

    Differs from TensorFlow: with ``batch_dims`` TensorFlow builds about 30 ops; this is
    one op, named as TensorFlow's last (``BatchGatherND/Reshape_3``).

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     x = tf.constant([[1, 2], [3, 4]])
    ...     print(tf.Session().run(tf.gather_nd(x, [[1, 0], [0, 1]])).tolist())
    [3, 2]
    """
    bd = U.int_or_constant(batch_dims, "batch_dims")
    if bd is None:
        raise TypeError("batch_dims must be a Python int or a constant, got %s" % (batch_dims,))
    if bd == 0:
        return build_op("GatherNd", (params, indices), {"batch_dims": 0}, name)._outputs[0]
    if bd < 0:
        raise ValueError("tf.gather_nd does not allow negative batch_dims.")
    g = graph_of([params, indices])
    with g.as_default(), g.name_scope(name or "BatchGatherND"):
        params = convert_to_tensor(params, name="params")
        indices = convert_to_tensor(indices, name="indices")
        rank = indices.shape.ndims
        if rank is not None and bd >= rank:
            raise ValueError("Argument `batch_dims` = %d must be less than rank(`indices`) = %d"
                             % (bd, rank))
        return build_op("GatherNd", (params, indices), {"batch_dims": bd},
                        "Reshape_3")._outputs[0]


# -- ScatterNd -----------------------------------------------------------------------------------
def _scatter_out_shape(node, shape_t):
    sv = U.const_value(shape_t)
    if sv is not None:
        dims = [int(d) for d in sv.reshape(-1)]
        for d in dims:
            if d < 0:
                raise ValueError("Invalid value in tensor used for shape: %d" % d)
        return TensorShape(dims)
    s = shape_t._shape
    if s.ndims == 1 and s.dims[0].value is not None:
        return unknown_shape(s.dims[0].value)
    return unknown_shape()


def _scatter_shape(node):
    indices, updates, shape_t = node.inputs
    if indices._dtype.base_dtype not in U.INDEX_TYPES:
        raise ValueError("Input tensor must be int32 or int64, but was %s"
                         % indices._dtype.base_dtype.name)
    U.rank_at_least(node, indices._shape, 1)
    U.rank_exactly(node, shape_t._shape, 1)
    out = _scatter_out_shape(node, shape_t)
    ish, ush = indices._shape, updates._shape
    if ish.ndims is not None and ush.ndims is not None and out.ndims is not None:
        outer = ish.ndims - 1
        a, b = ish[:outer], ush[:outer]
        why = incompatibility(a, b)
        if why:
            raise U.shape_error(node, "Dimensions [0,%d) of indices[shape=%s] = %s must match "
                                "dimensions [0,%d) of updates[shape=%s] = %s: %s"
                                % (outer, shape_str(ish), shape_str(a), outer, shape_str(ush),
                                   shape_str(b), why))
        depth = ish.dims[-1].value
        if depth is not None and depth <= out.ndims:
            a, b = out[depth:], ush[outer:]
            why = incompatibility(a, b)
            if why:
                raise U.shape_error(node, "Dimensions [%d,%d) of input[shape=%s] = %s must "
                                    "match dimensions [%d,%d) of updates[shape=%s] = %s: %s"
                                    % (depth, out.ndims, shape_str(out), shape_str(a), outer,
                                       ush.ndims, shape_str(ush), shape_str(b), why))
        if out.num_elements() == 0 and (ush.num_elements() or 0) > 0:
            raise U.shape_error(node, "Indices and updates specified for empty input")
    return [(updates._dtype.base_dtype, out)]


def _scatter_check(op, indices, updates, dims):
    if indices.ndim < 1:
        raise _error(op, "indices must be at least a vector")
    outer, depth = indices.ndim - 1, indices.shape[-1]
    if updates.shape[:outer] != indices.shape[:outer]:
        raise _error(op, "Dimensions [0,%d) of indices[shape=%s] must match dimensions [0,%d) of "
                     "updates[shape=%s]" % (outer, U.shape_str_of(indices.shape), outer,
                                            U.shape_str_of(updates.shape)))
    if depth > len(dims) or updates.shape[outer:] != dims[depth:]:
        raise _error(op, "Dimensions [%d,%d) of input[shape=%s] must match dimensions [%d,%d) "
                     "of updates[shape=%s]" % (depth, len(dims), U.shape_str_of(dims), outer,
                                               updates.ndim, U.shape_str_of(updates.shape)))
    if updates.size and (math.prod(dims) == 0 or depth == 0):
        raise _error(op, "Indices and updates specified for empty output shape")


def _scatter_kernel(ctx, op, indices, updates, shape):
    if shape.ndim != 1:
        raise _error(op, "Shape must be a vector, got shape %s" % U.shape_str_of(shape.shape))
    dims = tuple(int(d) for d in shape)
    for d in dims:
        if d < 0:
            raise _error(op, "Dimension %d must be >= 0" % d)
    _scatter_check(op, indices, updates, dims)
    U.check_output(op, dims, updates.dtype)
    depth = indices.shape[-1]
    flat = indices.reshape(-1, depth)
    _check_tuples(op, flat, indices.shape[:-1], dims[:depth], "shape", dims)
    if updates.dtype.hasobject:   # strings: duplicates concatenate, as in TensorFlow
        out = np.full(dims, updates.reshape(-1)[0][:0] if updates.size else b"", dtype=object)
    else:
        out = np.zeros(dims, dtype=updates.dtype)
    if flat.shape[0]:
        key = tuple(flat[:, j] for j in range(depth))
        vals = updates.reshape((flat.shape[0],) + dims[depth:])
        (np.logical_or if out.dtype == np.bool_ else np.add).at(out, key, vals)
    return out


register_op("ScatterNd", ("indices: Tindices", "updates: T", "shape: Tindices"), _scatter_shape,
            _scatter_kernel, type_attrs={"Tindices": U.INDEX_TYPES_16},
            tf_attrs=("T", "Tindices"))


def scatter_nd(indices, updates, shape, name=None):
    """A tensor of ``shape``, zero but where ``updates`` are added in (``tf.scatter_nd``).

    Args:
      indices: int32/int64 of shape ``[..., depth]``: where each update goes.
      updates: ``indices.shape[:-1] + shape[depth:]`` values; duplicates add up (booleans:
        logical or; strings: concatenate, as in TensorFlow).
      shape: the output shape (a 1-D int list or tensor).
      name: the op's name.

    Raises:
      ValueError: shapes that do not fit, a negative dimension.
      InvalidArgumentError (at run time): an index tuple outside ``shape``, naming it.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     s = tf.scatter_nd([[1], [3], [1]], [1.0, 2.0, 5.0], [5])
    ...     print(s.name, s.shape, tf.Session().run(s).tolist())
    ScatterNd:0 (5,) [0.0, 6.0, 0.0, 2.0, 0.0]
    """
    return build_op("ScatterNd", (indices, updates, shape), None, name)._outputs[0]


# -- BooleanMask ---------------------------------------------------------------------------------
def _boolean_mask_shape(node):
    tensor, mask = node.inputs
    a, nm = node.attrs["axis"], mask._shape.ndims
    dt = tensor._dtype.base_dtype
    if tensor._shape.ndims is None:
        return [(dt, unknown_shape())]
    dims = tensor._shape.dims
    return [(dt, TensorShape(dims[:a] + [None] + dims[a + nm:]))]


def _boolean_mask_kernel(ctx, op, tensor, mask):
    a = op._attrs["axis"]
    shape = tensor.shape
    sub = shape[a:a + mask.ndim]   # Python's slicing, as TensorFlow's boolean_mask takes it
    if len(sub) != mask.ndim:
        raise _error(op, "boolean_mask: a mask of rank %d does not fit dimensions from %d of a "
                     "tensor of shape %s" % (mask.ndim, a, U.shape_str_of(shape)))
    lead, tail = shape[:a], shape[a + mask.ndim:]
    n = math.prod(sub)
    collapsed = tensor.reshape(lead + (n,) + tail)
    return take(ctx, op, collapsed, np.flatnonzero(mask), len(lead))


register_op("BooleanMask", ("tensor: T", "mask: Tmask"), _boolean_mask_shape,
            _boolean_mask_kernel, type_attrs={"Tmask": WHERE_TYPES}, tf_type="GatherV2")


def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """The slices of ``tensor`` where ``mask`` is true (``tf.boolean_mask``).

    Args:
      tensor: a tensor.
      mask: a tensor of known rank k >= 1 matching ``tensor.shape[axis:axis + k]``
        (bool, or numbers: nonzero is true).
      name: the name scope (the output is ``boolean_mask/GatherV2``).
      axis: the first masked dimension (an int or a constant; default 0).

    Returns:
      ``tensor.shape[:axis] + [number of true entries] + tensor.shape[axis + k:]``.

    Raises:
      ValueError: a mask of unknown rank, a scalar mask, or shapes that do not match.
      InvalidArgumentError (at run time): a mask with a true entry past the masked
        dimensions (a shorter mask is taken as TensorFlow takes it: over the first entries).

    Differs from TensorFlow: one op instead of TensorFlow's 29, named as its last.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     m = tf.boolean_mask([[1, 2], [3, 4], [5, 6]], [True, False, True])
    ...     print(m.name, m.shape, tf.Session().run(m).tolist())
    boolean_mask/GatherV2:0 (?, 2) [[1, 2], [5, 6]]
    """
    g = graph_of([tensor, mask])
    with g.as_default(), g.name_scope(name or "boolean_mask"):
        tensor = convert_to_tensor(tensor, name="tensor")
        mask = convert_to_tensor(mask, name="mask")
        nm = mask.shape.ndims
        if nm is None:
            raise ValueError("Number of mask dimensions must be specified, even if some "
                             "dimensions are None.  E.g. shape=[None] is ok, but shape=None "
                             "is not.")
        if nm == 0:
            raise ValueError("mask cannot be scalar.")
        a = 0 if axis is None else U.int_or_constant(axis, "axis")
        if a is None:
            raise NotImplementedError("fastscope: boolean_mask with a non-constant axis "
                                      "tensor is not provided yet; pass an int")
        tensor.shape[a:a + nm].assert_is_compatible_with(mask.shape)   # Python's slicing
        return build_op("BooleanMask", (tensor, mask), {"axis": a}, "GatherV2")._outputs[0]
