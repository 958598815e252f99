"""Math ops: broadcasting binary ops, unary ops, cast, reductions and matmul.

Elementwise kernels are numpy (one pass, no copies beyond the result); matmul
runs the compiled kernel (fastscope's own GEMM or BLAS, see ``_kernels.pyx``).

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     m = tf.matmul(tf.ones([2, 3]), tf.ones([3, 4]))
...     print(m.name, m.shape, (m + 1.0).name)
MatMul:0 (2, 4) add:0
"""
import numbers

import numpy as np

from fastscope._src import kernels
from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import errors as _errors
from fastscope._src.framework.graph import graph_of
from fastscope._src.framework.op_builder import build_op, convert_to_tensor
from fastscope._src.framework.registry import NUMPY_FP, register_op
from fastscope._src.framework.tensor import Tensor
from fastscope._src.framework.tensor_shape import TensorShape, shape_str, unknown_shape


# -- broadcasting ------------------------------------------------------------------------------
def broadcast_shape(sx, sy, what):
    """Static broadcast of two shapes; ``what()`` gives the error text's op description.

    Raises:
      ValueError: dimensions that cannot broadcast.
    """
    if sx.ndims is None or sy.ndims is None:
        return unknown_shape()
    a, b = sx.as_list(), sy.as_list()
    n = max(len(a), len(b))
    a = [1] * (n - len(a)) + a
    b = [1] * (n - len(b)) + b
    out = []
    for da, db in zip(a, b):
        if da == 1:
            out.append(db)
        elif db == 1:
            out.append(da)
        elif da is None or db is None:
            out.append(da if db is None else db)
        elif da == db:
            out.append(da)
        else:
            raise ValueError("Dimensions must be equal, but are %d and %d for %s with input "
                             "shapes: %s, %s." % (da, db, what(), shape_str(sx), shape_str(sy)))
    return TensorShape(out)


def _binary_node_text(node):
    x, y = node.inputs
    return "'{{node %s}} = %s[T=%s](%s, %s)'" % (node.name, node.type, x._dtype.enum_name,
                                                 x._op._name, y._op._name)


def _binary_shape(out_dtype):
    def shape(node):
        x, y = node.inputs
        s = broadcast_shape(x._shape, y._shape, lambda: _binary_node_text(node))
        return [(out_dtype(x._dtype.base_dtype), s)]
    return shape


def _truediv(x, y):
    if x.dtype.kind in "iu":
        wide = np.float64 if x.dtype.itemsize > 2 else np.float32
        return np.true_divide(x, y, dtype=wide)
    return np.true_divide(x, y)


def _binary_kernel(fn):
    def kernel(ctx, op, x, y):
        try:
            return fn(x, y)
        except _errors.OpError as e:
            raise type(e)(None, op, e.message) from None
        except ValueError:
            raise _errors.InvalidArgumentError(
                None, op, "Incompatible shapes: %s vs. %s"
                % (list(np.shape(x)), list(np.shape(y)))) from None
    return kernel


def _same(dt):
    return dt


def _boolean(dt):
    return _dt.bool


def _div_result(dt):
    if dt.is_integer:
        return _dt.float64 if dt.size > 2 else _dt.float32
    return dt


# TensorFlow's type lists (its op definitions' "T" attributes)
_D = _dt
_REAL_FLOAT = (_D.float16, _D.float32, _D.float64)
_SIGNED_INT = (_D.int8, _D.int16, _D.int32, _D.int64)
_UNSIGNED_INT = (_D.uint8, _D.uint16, _D.uint32, _D.uint64)
_COMPLEX = (_D.complex64, _D.complex128)
REAL_NUMBER = _REAL_FLOAT + _SIGNED_INT + _UNSIGNED_INT
NUMBER = REAL_NUMBER + _COMPLEX
_FLOATING = _REAL_FLOAT + _COMPLEX
_ANY = NUMBER + (_D.bool, _D.string)
_BINARY_TYPES = {
    "Add": NUMBER + (_D.string,), "Sub": NUMBER, "Mul": NUMBER, "RealDiv": NUMBER,
    "FloorDiv": REAL_NUMBER, "FloorMod": _REAL_FLOAT + _SIGNED_INT + _UNSIGNED_INT,
    "Pow": _REAL_FLOAT + _SIGNED_INT + _COMPLEX, "Maximum": REAL_NUMBER,
    "Minimum": REAL_NUMBER, "Less": REAL_NUMBER, "LessEqual": REAL_NUMBER,
    "Greater": REAL_NUMBER, "GreaterEqual": REAL_NUMBER, "Equal": _ANY, "NotEqual": _ANY,
    "LogicalAnd": (_D.bool,), "LogicalOr": (_D.bool,),
}


def _int_division(fn, what):
    """Integer ``fn`` (floor division, modulo) that fails on a zero divisor, as TensorFlow."""
    def kernel_fn(x, y):
        if np.asarray(y).dtype.kind in "iu" and not np.all(y):
            raise _errors.InvalidArgumentError(None, None, "Integer division by zero")
        return fn(x, y)
    kernel_fn.__name__ = what
    return kernel_fn


def _power(x, y):
    if np.asarray(x).dtype.kind in "iu" and np.any(np.asarray(y) < 0):
        raise _errors.InvalidArgumentError(
            None, None, "Integers to negative integer powers are not allowed")
    return np.power(x, y)


_BINARY = {
    # type: (numpy function, result dtype rule)
    "Add": (np.add, _same), "Sub": (np.subtract, _same), "Mul": (np.multiply, _same),
    "RealDiv": (_truediv, _div_result),
    "FloorDiv": (_int_division(np.floor_divide, "floor_divide"), _same),
    "FloorMod": (_int_division(np.mod, "mod"), _same), "Pow": (_power, _same),
    "Maximum": (np.maximum, _same),
    "Minimum": (np.minimum, _same), "Less": (np.less, _boolean),
    "LessEqual": (np.less_equal, _boolean), "Greater": (np.greater, _boolean),
    "GreaterEqual": (np.greater_equal, _boolean), "Equal": (np.equal, _boolean),
    "NotEqual": (np.not_equal, _boolean), "LogicalAnd": (np.logical_and, _same),
    "LogicalOr": (np.logical_or, _same),
}
for _type, (_fn, _rule) in _BINARY.items():
    # NUMPY_FP: the session runs them with numpy's floating-point warnings off (TF has none)
    register_op(_type, ("x: T", "y: T"), _binary_shape(_rule), _binary_kernel(_fn),
                traits=(NUMPY_FP,), type_attrs={"T": _BINARY_TYPES[_type]}, tf_attrs=("T",))


def binary_op(op_type, x, y, name, default_name):
    """A broadcasting binary op of ``op_type`` (``Add``, ``Mul``...)."""
    return build_op(op_type, (x, y), None, name, default_name)._outputs[0]


def add(x, y, name=None):
    """x + y elementwise with broadcasting (op name ``Add``)."""
    return binary_op("Add", x, y, name, "Add")


def subtract(x, y, name=None):
    return binary_op("Sub", x, y, name, "Sub")


def multiply(x, y, name=None):
    return binary_op("Mul", x, y, name, "Mul")


def divide(x, y, name=None):
    """x / y (true division; op name ``truediv`` unless ``name`` is given)."""
    return binary_op("RealDiv", x, y, name, "truediv")


def truediv(x, y, name=None):
    return binary_op("RealDiv", x, y, name, "truediv")


def floordiv(x, y, name=None):
    return binary_op("FloorDiv", x, y, name, "floordiv")


def maximum(x, y, name=None):
    return binary_op("Maximum", x, y, name, "Maximum")


def minimum(x, y, name=None):
    return binary_op("Minimum", x, y, name, "Minimum")


def pow(x, y, name=None):  # noqa: A001 - TF's name
    return binary_op("Pow", x, y, name, "Pow")


# -- unary -------------------------------------------------------------------------------------
def _sigmoid(x):
    return (1 / (1 + np.exp(-x))).astype(x.dtype, copy=False)


_UNARY = {
    "Neg": np.negative, "Abs": np.abs, "Square": np.square, "Sqrt": np.sqrt, "Exp": np.exp,
    "Log": np.log, "Tanh": np.tanh, "Sign": np.sign, "LogicalNot": np.logical_not,
    "Reciprocal": np.reciprocal, "Floor": np.floor, "Ceil": np.ceil, "Round": np.round,
    "Rsqrt": lambda x: 1 / np.sqrt(x), "Sigmoid": _sigmoid,
    "Relu": lambda v: np.maximum(v, 0).astype(v.dtype, copy=False),
    "Relu6": lambda v: np.clip(v, 0, 6).astype(v.dtype, copy=False),
}
_UNARY_INPUT = {"Relu": "features", "Relu6": "features"}
_UNARY_TYPES = {
    "Neg": _REAL_FLOAT + _SIGNED_INT + _COMPLEX, "Abs": _REAL_FLOAT + _SIGNED_INT,
    "Square": NUMBER, "Sqrt": _FLOATING, "Rsqrt": _FLOATING, "Exp": _FLOATING,
    "Log": _FLOATING, "Tanh": _FLOATING, "Sigmoid": _FLOATING,
    "Sign": _REAL_FLOAT + _SIGNED_INT + _COMPLEX, "LogicalNot": (_D.bool,),
    "Reciprocal": _FLOATING, "Floor": _REAL_FLOAT, "Ceil": _REAL_FLOAT,
    "Round": _REAL_FLOAT + _SIGNED_INT, "Relu": REAL_NUMBER, "Relu6": REAL_NUMBER,
}


def _unary_shape(node):
    x = node.inputs[0]
    return [(x._dtype.base_dtype, x._shape)]


def _unary_kernel(fn):
    return lambda ctx, op, x: fn(x)


for _type, _fn in _UNARY.items():
    register_op(_type, ("%s: T" % _UNARY_INPUT.get(_type, "x"),), _unary_shape,
                _unary_kernel(_fn), traits=(NUMPY_FP,), type_attrs={"T": _UNARY_TYPES[_type]},
                tf_attrs=("T",))


def unary_op(op_type, x, name, default_name=None):
    return build_op(op_type, (x,), None, name, default_name)._outputs[0]


def negative(x, name=None):
    return unary_op("Neg", x, name)


def abs(x, name=None):  # noqa: A001
    return unary_op("Abs", x, name)


def square(x, name=None):
    return unary_op("Square", x, name)


def sqrt(x, name=None):
    return unary_op("Sqrt", x, name)


def exp(x, name=None):
    return unary_op("Exp", x, name)


def log(x, name=None):
    return unary_op("Log", x, name)


def _cast_shape(node):
    return [(node.attrs["DstT"], node.inputs[0]._shape)]


def _cast_kernel(ctx, op, v):
    return np.asarray(v).astype(op._attrs["DstT"]._np)


register_op("Cast", ("x: SrcT",), _cast_shape, _cast_kernel, tf_attrs=("SrcT", "DstT"))


def cast(x, dtype, name=None):
    """Casts to ``dtype`` (op ``Cast``); a tensor already of ``dtype`` passes through."""
    dt = _dt.as_dtype(dtype).base_dtype
    g = graph_of((x,))
    with g.as_default(), g.name_scope(name or "Cast") as scope:
        x = convert_to_tensor(x, name="x")
        if x._dtype.base_dtype is dt:
            return x
        return build_op("Cast", (x,), {"DstT": dt}, scope)._outputs[0]


# -- reductions --------------------------------------------------------------------------------
def _axes(axis, ndims):
    if axis is None:
        return None
    axes = [axis] if isinstance(axis, numbers.Integral) else list(axis)
    out = []
    for a in axes:
        a = int(a)
        if ndims is not None:
            if not -ndims <= a < ndims:
                raise ValueError("Invalid reduction dimension %d for input with %d dimensions."
                                 % (a, ndims))
            a %= ndims
        if a not in out:   # TensorFlow reduces over a repeated axis once
            out.append(a)
    return tuple(out)


def _reduce_shape(node):
    x = node.inputs[0]
    nd = x._shape.ndims
    axes = _axes(node.attrs["axis"], nd)
    node.attrs["axis"] = axes
    keepdims = node.attrs["keep_dims"]
    if nd is None:
        return [(x._dtype.base_dtype, unknown_shape())]
    dims = x._shape.as_list()
    red = set(range(nd)) if axes is None else set(axes)
    shape = TensorShape([1 if i in red else d for i, d in enumerate(dims)] if keepdims
                        else [d for i, d in enumerate(dims) if i not in red])
    return [(x._dtype.base_dtype, shape)]


def _sum(v, axes, keepdims):
    return np.sum(v, axis=axes, keepdims=keepdims, dtype=v.dtype)


def _mean(v, axes, keepdims):
    if v.dtype.kind in "iu":
        s = np.sum(v, axis=axes, keepdims=keepdims, dtype=np.int64)
        n = v.size // max(s.size, 1) if v.size else 1
        return (np.sign(s) * (np.abs(s) // max(n, 1))).astype(v.dtype)
    return np.mean(v, axis=axes, keepdims=keepdims, dtype=v.dtype)


def _max(v, axes, keepdims):
    # TensorFlow reduces an empty set to the lowest value: -inf, or the integer minimum
    low = -np.inf if v.dtype.kind == "f" else np.iinfo(v.dtype).min
    return np.max(v, axis=axes, keepdims=keepdims, initial=low)


def _reduce_kernel(fn):
    return lambda ctx, op, v: fn(v, op._attrs["axis"], op._attrs["keep_dims"])


for _type, _fn, _allowed in (("Sum", _sum, NUMBER), ("Mean", _mean, NUMBER),
                             ("Max", _max, REAL_NUMBER)):
    register_op(_type, ("input: T",), _reduce_shape, _reduce_kernel(_fn),
                type_attrs={"T": _allowed}, tf_attrs=("T", "keep_dims"))


def _reduce(op_type, input_tensor, axis, keepdims, name, reduction_indices, keep_dims):
    if reduction_indices is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'reduction_indices'.")
        axis = reduction_indices
    if keep_dims is not None:
        keepdims = keep_dims
    if isinstance(axis, Tensor):
        raise NotImplementedError("fastscope: reductions over a Tensor axis are not supported yet")
    attrs = {"axis": axis, "keep_dims": bool(keepdims)}
    return build_op(op_type, (input_tensor,), attrs, name)._outputs[0]


def reduce_sum(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Sum over ``axis`` (all axes if None); op ``Sum``."""
    return _reduce("Sum", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_mean(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    """Mean over ``axis`` (integer inputs: truncated, as TensorFlow); op ``Mean``."""
    return _reduce("Mean", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_max(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    return _reduce("Max", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


# -- matmul ------------------------------------------------------------------------------------
_MATMUL_TYPES = (_dt.float16, _dt.float32, _dt.float64, _dt.int32, _dt.int64, _dt.complex64,
                 _dt.complex128)


def _matmul_kernel(ctx, op, a, b):
    at = op._attrs
    K = kernels.compiled()
    # real dtypes only reach matmul_small, so adjoint is transpose there
    small = K.matmul_small(a, b, at["transpose_a"] or at["adjoint_a"],
                           at["transpose_b"] or at["adjoint_b"])
    if small is not None:
        return small
    m = a.shape[-2] if a.ndim >= 2 else 1
    n = b.shape[-1] if b.ndim >= 2 else 1
    k = a.shape[-1] if a.ndim >= 2 else 1
    nthreads = kernels.threads(ctx, 2 * m * n * k, kernels.GRAIN_GEMM,
                               blas=a.ndim == 2 and b.ndim == 2)
    return kernels.call(op, K.matmul, a, b, at["transpose_a"], at["transpose_b"],
                        at["adjoint_a"], at["adjoint_b"], nthreads)


def _matmul_shape(node):
    a, b = node.inputs
    sa, sb = a._shape, b._shape
    for s in (sa, sb):
        if s.ndims is not None and s.ndims < 2:
            raise ValueError("Shape must be at least rank 2 but is rank %d for '{{node %s}} = "
                             "%s' with input shapes: %s, %s." % (
                                 s.ndims, node.name, node.type, shape_str(sa), shape_str(sb)))
    if sa.ndims is None or sb.ndims is None:
        return [(a._dtype.base_dtype, unknown_shape())]
    at = node.attrs
    ta = at["transpose_a"] or at["adjoint_a"]
    tb = at["transpose_b"] or at["adjoint_b"]
    la, lb = sa.as_list(), sb.as_list()
    m, ka = (la[-1], la[-2]) if ta else (la[-2], la[-1])
    kb, n = (lb[-1], lb[-2]) if tb else (lb[-2], lb[-1])
    if ka is not None and kb is not None and ka != kb:
        raise ValueError("Dimensions must be equal, but are %d and %d for '{{node %s}} = "
                         "%s[T=%s, transpose_a=%s, transpose_b=%s](%s, %s)' with input "
                         "shapes: %s, %s." % (
                             ka, kb, node.name, node.type, a._dtype.enum_name, str(ta).lower(),
                             str(tb).lower(), a._op._name, b._op._name, shape_str(sa),
                             shape_str(sb)))
    batch = broadcast_shape(TensorShape(la[:-2]), TensorShape(lb[:-2]),
                            lambda: "'{{node %s}} = %s'" % (node.name, node.type))
    return [(a._dtype.base_dtype, batch.concatenate([m, n]))]


for _type in ("MatMul", "BatchMatMulV2"):
    register_op(_type, ("a: T", "b: T"), _matmul_shape, _matmul_kernel,
                type_attrs={"T": _MATMUL_TYPES}, tf_attrs=("T", "transpose_a", "transpose_b"))


def _rank(x):
    nd = getattr(getattr(x, "shape", None), "ndims", None)
    return nd if nd is not None else np.ndim(x) if not isinstance(x, Tensor) else 2


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
    op_type = "BatchMatMulV2" if _rank(a) > 2 or _rank(b) > 2 else "MatMul"
    attrs = {"transpose_a": bool(transpose_a), "transpose_b": bool(transpose_b),
             "adjoint_a": bool(adjoint_a), "adjoint_b": bool(adjoint_b)}
    return build_op(op_type, (a, b), attrs, name, "MatMul")._outputs[0]
