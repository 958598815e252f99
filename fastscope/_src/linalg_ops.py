"""``tf.matmul`` as a graph op: static shape inference, then the compiled BLAS kernel.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     m = tf.matmul(tf.ones([2, 3]), tf.ones([3, 4]))
...     print(m.name, m.shape)
MatMul:0 (2, 4)
"""
from fastscope._src import dtypes as _dt
from fastscope._src import ops as _ops
from fastscope._src.tensor_shape import TensorShape, unknown_shape

_MATMUL_TYPES = (_dt.float16, _dt.float32, _dt.float64, _dt.int32, _dt.int64, _dt.complex64,
                 _dt.complex128)


def _matmul_kernel(ctx, op, a, b):
    from fastscope import _kernels
    at = op._attrs
    # real dtypes only reach matmul_small, so adjoint is transpose there
    small = _kernels.matmul_small(a, b, at["transpose_a"] or at["adjoint_a"],
                                  at["transpose_b"] or at["adjoint_b"])
    if small is not None:
        return small
    from fastscope._src.threads import GRAIN_GEMM, threads_for
    m = a.shape[-2] if a.ndim >= 2 else 1
    n = b.shape[-1] if b.ndim >= 2 else 1
    k = a.shape[-1] if a.ndim >= 2 else 1
    nthreads = threads_for(2 * m * n * k, ctx.intra_threads, grain=GRAIN_GEMM,
                           blas=a.ndim == 2 and b.ndim == 2)
    try:
        return _kernels.matmul(a, b, at["transpose_a"], at["transpose_b"], at["adjoint_a"],
                               at["adjoint_b"], nthreads)
    except ValueError as e:
        raise ctx.errors.InvalidArgumentError(None, op, str(e)) from None


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None, output_type=None):
    """Matrix product of the last two dimensions, batch dimensions broadcast.

    Raises:
      ValueError: inner dimensions that disagree, rank < 2, or both transpose
        and adjoint for one operand.
      TypeError: operands of different or unsupported dtypes.
    """
    if transpose_a and adjoint_a:
        raise ValueError("Only one of transpose_a and adjoint_a can be True.")
    if transpose_b and adjoint_b:
        raise ValueError("Only one of transpose_b and adjoint_b can be True.")
    a, b = _ops.convert_n([a, b], "MatMul")
    if a.dtype is not b.dtype:
        raise TypeError("Input 'b' of 'MatMul' Op has type %s that does not match type %s of "
                        "argument 'a'." % (b.dtype.name, a.dtype.name))
    if a.dtype.base_dtype not in _MATMUL_TYPES:
        raise TypeError("Value passed to parameter 'a' has DataType %s not in list of allowed "
                        "values: %s" % (a.dtype.name, ", ".join(d.name for d in _MATMUL_TYPES)))
    g = _ops.graph_for((a, b))
    sa, sb = a.shape, b.shape
    batched = (sa.ndims or 2) > 2 or (sb.ndims or 2) > 2
    op_type = "BatchMatMulV2" if batched else "MatMul"
    default = "MatMul"
    for s, nm in ((sa, "a"), (sb, "b")):
        if s.ndims is not None and s.ndims < 2:
            raise ValueError("Shape must be at least rank 2 but is rank %d for '{{node %s}} = "
                             "%s' with input shapes: %s, %s." % (
                                 s.ndims, _ops.preview_name(g, name, default), op_type,
                                 _ops._shape_str(sa), _ops._shape_str(sb)))
    ta = transpose_a or adjoint_a
    tb = transpose_b or adjoint_b
    if sa.ndims is None or sb.ndims is None:
        shape = unknown_shape()
    else:
        la, lb = sa.as_list(), sb.as_list()
        m, ka = (la[-1], la[-2]) if ta else (la[-2], la[-1])
        kb, n = (lb[-1], lb[-2]) if tb else (lb[-2], lb[-1])
        if ka is not None and kb is not None and ka != kb:
            raise ValueError("Dimensions must be equal, but are %d and %d for '{{node %s}} = "
                             "%s[T=DT_%s, transpose_a=%s, transpose_b=%s](%s, %s)' with input "
                             "shapes: %s, %s." % (
                                 ka, kb, _ops.preview_name(g, name, default), op_type,
                                 a.dtype.name.upper(), str(ta).lower(), str(tb).lower(),
                                 a.op.name, b.op.name, _ops._shape_str(sa), _ops._shape_str(sb)))
        batch = _ops.broadcast_shape(TensorShape(la[:-2]), TensorShape(lb[:-2]),
                                     lambda: "'{{node %s}} = %s'" % (
                                         _ops.preview_name(g, name, default), op_type))
        shape = batch.concatenate([m, n])
    op = g._add_op(op_type, _ops.op_name(g, name, default), (a, b), [(a.dtype, shape)],
                   {"transpose_a": bool(transpose_a), "transpose_b": bool(transpose_b),
                    "adjoint_a": bool(adjoint_a), "adjoint_b": bool(adjoint_b)}, _matmul_kernel)
    return op._outputs[0]
