"""Op construction: tensor conversion, constants, placeholders and array/math ops.

Every op gets TensorFlow's default name (``Add``, ``add`` for ``+``, ``Const``),
made unique in the current name scope, and a static shape inferred at build
time; shape errors are ValueErrors raised before anything is added to the graph.
Kernels are ``kernel(ctx, op, *inputs)`` and run inside ``Session.run``.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     a = tf.constant([1.0, 2.0])
...     print((a + a).name, tf.add(a, a).name)
add:0 Add:0
"""
import numbers

import numpy as np

from fastscope._src import dtypes as _dt
from fastscope._src.graph import Tensor, Operation, get_default_graph, valid_op_name
from fastscope._src.tensor_shape import TensorShape, as_shape, unknown_shape


# -- naming ---------------------------------------------------------------------------------
def op_name(g, name, default):
    """The unique full name of a new op (``name`` or ``default`` under the name scope)."""
    if name is None or name == "":
        return g.unique_name(default)
    if not isinstance(name, str):
        raise TypeError("op name must be a string, got %r" % (name,))
    if name[-1] == "/":
        return name[:-1]
    if not valid_op_name(name):
        raise ValueError("'%s' is not a valid scope name" % name)
    return g.unique_name(name)


def preview_name(g, name, default):
    """The name an op would get, without taking it (for build-time error messages)."""
    return g._names.unique(g._local.name_stack, name or default, False)


def graph_for(inputs):
    """The graph all tensor ``inputs`` belong to (the default graph if none)."""
    g = get_default_graph()
    for t in inputs:
        if isinstance(t, Tensor) and t._op._graph is not g:
            raise ValueError("Tensor %s must be from the same graph as Tensor(s) created in the "
                             "default graph (%r)." % (t, g))
    return g


# -- conversion -----------------------------------------------------------------------------
_conversion_hooks = []   # (type, fn(value, dtype, name) -> Tensor), for Variable etc.


def register_conversion(cls, fn):
    _conversion_hooks.append((cls, fn))


def _numpy_value(value, dtype):
    """``value`` as a numpy array with TensorFlow's default dtypes and checks."""
    if dtype is not None:
        dtype = _dt.as_dtype(dtype).base_dtype
        if dtype is _dt.string:
            return np.array(value, dtype=object)
        arr = np.asarray(value)
        if arr.dtype == object:
            raise TypeError("Failed to convert elements of %r to Tensor." % (value,))
        target = dtype._np
        if arr.dtype.kind == "f" and target.kind in "iub":
            if not np.all(np.isfinite(arr)) or not np.all(arr == np.trunc(arr)):
                raise TypeError("Expected %s, got %r of type '%s' instead."
                                % (dtype.name, value, type(value).__name__))
        elif arr.dtype.kind == "c" and target.kind != "c":
            raise TypeError("Expected %s, got %r of type '%s' instead."
                            % (dtype.name, value, type(value).__name__))
        elif arr.dtype.kind in "OSU":
            raise TypeError("Expected %s, got %r of type '%s' instead."
                            % (dtype.name, value, type(value).__name__))
        if arr.dtype.kind in "iu" and target.kind in "iu" and arr.size:
            info = np.iinfo(target)
            if arr.min() < info.min or arr.max() > info.max:
                raise ValueError("Can't convert Python int to %s: value out of range"
                                 % dtype.name)
        return arr.astype(target, copy=False)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SU":
            return value.astype(object)
        return value
    if isinstance(value, np.generic):
        return np.asarray(value)
    arr = np.asarray(value)
    kind = arr.dtype.kind
    if kind == "f":
        arr = arr.astype(np.float32)
    elif kind == "i":
        if arr.size and (arr.min() < -2**31 or arr.max() >= 2**31):
            arr = arr.astype(np.int64)
        else:
            arr = arr.astype(np.int32)
    elif kind == "c":
        arr = arr.astype(np.complex128)
    elif kind in "SU":
        arr = arr.astype(object)
    elif kind == "O":
        raise TypeError("Failed to convert elements of %r to Tensor. Consider casting elements "
                        "to a supported type." % (value,))
    return arr


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None, dtype_hint=None):
    """A Tensor for ``value``: tensors pass through, variables read, Python/numpy become Const.

    Raises:
      ValueError: a Tensor of another dtype than ``dtype``.
      TypeError: a value that cannot be a tensor of ``dtype``.
    """
    if isinstance(value, Tensor):
        if dtype is not None and not _dt.as_dtype(dtype).is_compatible_with(value._dtype):
            raise ValueError("Tensor conversion requested dtype %s for Tensor with dtype %s: %r"
                             % (_dt.as_dtype(dtype).name, value._dtype.name, value))
        return value
    for cls, fn in _conversion_hooks:
        if isinstance(value, cls):
            return fn(value, dtype, name)
    if isinstance(value, Operation):
        raise TypeError("Can't convert Operation '%s' to Tensor (target dtype=%s, name=%s, "
                        "as_ref=False)" % (value.name, dtype, name))
    if dtype is None and (preferred_dtype or dtype_hint) is not None:
        try:
            return constant(value, dtype=preferred_dtype or dtype_hint, name=name or "Const")
        except (TypeError, ValueError):
            pass
    return constant(value, dtype=dtype, name=name or "Const")


def convert_n(values, name):
    """Converts ``values`` to tensors of one dtype, taken from the first Tensor among them."""
    dtype = None
    for v in values:
        if isinstance(v, Tensor):
            dtype = v._dtype
            break
        for cls, _ in _conversion_hooks:
            if isinstance(v, cls):
                dtype = _dt.as_dtype(v.dtype).base_dtype
                break
        if dtype is not None:
            break
    out = []
    for i, v in enumerate(values):
        if isinstance(v, Tensor) or dtype is None:
            t = convert_to_tensor(v)
            dtype = dtype or t._dtype
        else:
            try:
                t = convert_to_tensor(v, dtype=dtype)
            except ValueError as e:
                if isinstance(v, Tensor) or any(isinstance(v, c) for c, _ in _conversion_hooks):
                    raise TypeError(str(e)) from None
                raise
            except TypeError as e:
                raise TypeError("Expected %s passed to parameter '%s' of op '%s', got %r of type "
                                "'%s' instead. Error: %s" % (dtype.name, "xy"[i] if i < 2 else i,
                                                             name, v, type(v).__name__, e)) from None
        out.append(t)
    return out


# -- constants and placeholders ---------------------------------------------------------------
def _const_kernel(ctx, op):
    return op._attrs["value"]


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """A constant tensor (``tf.constant``).

    >>> import fastscope as tf
    >>> tf.Session().run(tf.constant(1.5, shape=[2]))
    array([1.5, 1.5], dtype=float32)
    """
    arr = _numpy_value(value, dtype)
    if shape is not None:
        shape = as_shape(shape).as_list()
        n = int(np.prod(shape)) if shape else 1
        if verify_shape and list(arr.shape) != shape:
            raise TypeError("Expected Tensor's shape: %s, got %s." % (tuple(shape), arr.shape))
        if arr.size == n:
            arr = arr.reshape(shape)
        elif arr.size == 1:
            arr = np.full(shape, arr.reshape(()), dtype=arr.dtype)
        elif arr.size < n:
            # TF pads a short list with its last value.
            flat = arr.reshape(-1)
            arr = np.concatenate([flat, np.full(n - flat.size, flat[-1], flat.dtype)]).reshape(shape)
        else:
            raise TypeError("Too many elements provided. Needed at most %d, but received %d"
                            % (n, arr.size))
    if not arr.flags.c_contiguous:
        arr = arr.copy()   # (np.ascontiguousarray would turn a 0-d value into 1-d)
    elif arr.flags.writeable and arr is value:
        arr = arr.copy()   # the graph keeps its own read-only copy of a user's array
    arr.flags.writeable = False
    g = get_default_graph()
    dt = _dt.as_dtype(arr.dtype) if arr.dtype != object else _dt.string
    op = g._add_op("Const", op_name(g, name, "Const"), (), [(dt, TensorShape(arr.shape))],
                   {"value": arr, "dtype": dt}, _const_kernel)
    return op._outputs[0]


def _placeholder_kernel(ctx, op):
    raise ctx.errors.InvalidArgumentError(
        None, op, "You must feed a value for placeholder tensor '%s' with dtype %s%s"
        % (op.name, op._attrs["dtype"].name.replace("float32", "float"),
           "" if op._outputs[0]._shape.ndims is None else " and shape %s"
           % _shape_str(op._outputs[0]._shape)))


def _shape_str(shape):
    return "[%s]" % ",".join("?" if d.value is None else str(d.value) for d in shape)


def placeholder(dtype, shape=None, name=None):
    """A value to be fed in ``Session.run(..., feed_dict={...})``.

    Raises (at run time, unfed): InvalidArgumentError.
    """
    g = get_default_graph()
    dt = _dt.as_dtype(dtype).base_dtype
    sh = unknown_shape() if shape is None else as_shape(shape)
    op = g._add_op("Placeholder", op_name(g, name, "Placeholder"), (), [(dt, sh)],
                   {"dtype": dt, "shape": sh}, _placeholder_kernel)
    return op._outputs[0]


def _identity_kernel(ctx, op, x):
    return x


def placeholder_with_default(input, shape, name=None):  # noqa: A002 - TF's argument name
    """A placeholder that takes ``input``'s value when not fed."""
    g = get_default_graph()
    x = convert_to_tensor(input)
    sh = as_shape(shape)
    if not sh.is_compatible_with(x._shape):
        raise ValueError("Shapes %s and %s are incompatible" % (sh, x._shape))
    op = g._add_op("PlaceholderWithDefault", op_name(g, name, "PlaceholderWithDefault"), (x,),
                   [(x._dtype, sh)], {"dtype": x._dtype, "shape": sh}, _identity_kernel)
    return op._outputs[0]


def _fill_kernel(ctx, op):
    return np.full(op._attrs["shape"], op._attrs["fill"], dtype=op._attrs["dtype"]._np)


def _filled(shape, dtype, name, default, value):
    dt = _dt.as_dtype(dtype).base_dtype
    if isinstance(shape, Tensor):
        raise NotImplementedError("fastscope: zeros/ones with a dynamic (Tensor) shape are not "
                                  "supported yet; pass a list of ints")
    sh = as_shape(shape)
    if not sh.is_fully_defined():
        raise ValueError("Cannot create a tensor of partially known shape %s" % sh)
    g = get_default_graph()
    op = g._add_op("Fill", op_name(g, name, default), (), [(dt, sh)],
                   {"shape": tuple(sh.as_list()), "fill": value, "dtype": dt}, _fill_kernel)
    return op._outputs[0]


def zeros(shape, dtype=_dt.float32, name=None):
    """A tensor of zeros of ``shape``."""
    return _filled(shape, dtype, name, "zeros", 0)


def ones(shape, dtype=_dt.float32, name=None):
    """A tensor of ones of ``shape``."""
    return _filled(shape, dtype, name, "ones", 1)


def zeros_like(tensor, dtype=None, name=None):
    t = convert_to_tensor(tensor)
    return zeros(t._shape, dtype or t._dtype, name or "zeros_like")


def ones_like(tensor, dtype=None, name=None):
    t = convert_to_tensor(tensor)
    return ones(t._shape, dtype or t._dtype, name or "ones_like")


def identity(input, name=None):  # noqa: A002
    """Returns a tensor with the same value (op ``Identity``)."""
    x = convert_to_tensor(input)
    g = graph_for((x,))
    op = g._add_op("Identity", op_name(g, name, "Identity"), (x,), [(x._dtype, x._shape)],
                   None, _identity_kernel)
    return op._outputs[0]


# -- elementwise -------------------------------------------------------------------------------
def broadcast_shape(sx, sy, what):
    """Static broadcast of two shapes; ``what()`` gives the error text's op description."""
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
                             "shapes: %s, %s." % (da, db, what(), _shape_str(sx), _shape_str(sy)))
    return TensorShape(out)


def _truediv(x, y):
    if x.dtype.kind in "iu":
        wide = np.float64 if x.dtype.itemsize > 2 else np.float32
        return np.true_divide(x, y, dtype=wide)
    return np.true_divide(x, y)


def _floordiv(x, y):
    return np.floor_divide(x, y)


_BINARY = {
    # type: (numpy function, result dtype rule)
    "Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "RealDiv": _truediv,
    "FloorDiv": _floordiv, "FloorMod": np.mod, "Pow": np.power, "Maximum": np.maximum,
    "Minimum": np.minimum, "Less": np.less, "LessEqual": np.less_equal, "Greater": np.greater,
    "GreaterEqual": np.greater_equal, "Equal": np.equal, "NotEqual": np.not_equal,
    "LogicalAnd": np.logical_and, "LogicalOr": np.logical_or,
}
_COMPARISONS = {"Less", "LessEqual", "Greater", "GreaterEqual", "Equal", "NotEqual"}


def _make_binary_kernel(fn):
    def kernel(ctx, op, x, y):
        try:
            return fn(x, y)
        except ValueError:
            raise ctx.errors.InvalidArgumentError(
                None, op, "Incompatible shapes: %s vs. %s"
                % (list(np.shape(x)), list(np.shape(y)))) from None
    return kernel


_BINARY_KERNELS = {k: _make_binary_kernel(f) for k, f in _BINARY.items()}


def binary_op(op_type, x, y, name, default_name):
    """Creates a broadcasting binary op of ``op_type`` (``Add``, ``Mul``...)."""
    x, y = convert_n([x, y], op_type)
    if x._dtype is not y._dtype:
        raise TypeError("Input 'y' of '%s' Op has type %s that does not match type %s of "
                        "argument 'x'." % (op_type, y._dtype.name, x._dtype.name))
    g = graph_for((x, y))
    shape = broadcast_shape(x._shape, y._shape, lambda: "'{{node %s}} = %s[T=DT_%s](%s, %s)'" % (
        preview_name(g, name, default_name), op_type, x._dtype.name.upper(), x._op.name,
        y._op.name))
    if op_type in _COMPARISONS:
        out_dt = _dt.bool
    elif op_type == "RealDiv" and x._dtype.is_integer:
        out_dt = _dt.float64 if x._dtype.size > 2 else _dt.float32
    else:
        out_dt = x._dtype
    op = g._add_op(op_type, op_name(g, name, default_name), (x, y), [(out_dt, shape)], None,
                   _BINARY_KERNELS[op_type])
    return op._outputs[0]


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


_UNARY = {
    "Neg": np.negative, "Abs": np.abs, "Square": np.square, "Sqrt": np.sqrt, "Exp": np.exp,
    "Log": np.log, "Tanh": np.tanh, "Sign": np.sign, "LogicalNot": np.logical_not,
    "Reciprocal": np.reciprocal, "Floor": np.floor, "Ceil": np.ceil, "Round": np.round,
    "Rsqrt": lambda x: 1 / np.sqrt(x),
    "Sigmoid": lambda x: (1 / (1 + np.exp(-x))).astype(x.dtype, copy=False),
}
_UNARY_KERNELS = {k: (lambda f: lambda ctx, op, x: f(x))(f) for k, f in _UNARY.items()}


def unary_op(op_type, x, name, default_name=None):
    x = convert_to_tensor(x)
    g = graph_for((x,))
    op = g._add_op(op_type, op_name(g, name, default_name or op_type), (x,),
                   [(x._dtype, x._shape)], None, _UNARY_KERNELS[op_type])
    return op._outputs[0]


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


def cast(x, dtype, name=None):
    """Casts to ``dtype`` (op ``Cast``)."""
    x = convert_to_tensor(x)
    dt = _dt.as_dtype(dtype).base_dtype
    g = graph_for((x,))
    if dt is x._dtype:
        return x
    npd = dt._np

    def kernel(ctx, op, v):
        return np.asarray(v).astype(npd)
    op = g._add_op("Cast", op_name(g, name, "Cast"), (x,), [(dt, x._shape)], {"DstT": dt}, kernel)
    return op._outputs[0]


# -- reductions and shape ops ----------------------------------------------------------------------
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
        out.append(a)
    return tuple(out)


def _reduce(op_type, fn, input_tensor, axis, keepdims, name, reduction_indices, keep_dims):
    if reduction_indices is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'reduction_indices'.")
        axis = reduction_indices
    if keep_dims is not None:
        keepdims = keep_dims
    keepdims = bool(keepdims)
    x = convert_to_tensor(input_tensor)
    if isinstance(axis, Tensor):
        raise NotImplementedError("fastscope: reductions over a Tensor axis are not supported yet")
    nd = x._shape.ndims
    axes = _axes(axis, nd)
    if nd is None:
        shape = unknown_shape()
    else:
        dims = x._shape.as_list()
        red = set(range(nd)) if axes is None else set(axes)
        shape = TensorShape([1 if i in red else d for i, d in enumerate(dims)] if keepdims
                            else [d for i, d in enumerate(dims) if i not in red])
    g = graph_for((x,))

    def kernel(ctx, op, v):
        return fn(v, axes, keepdims)
    op = g._add_op(op_type, op_name(g, name, op_type), (x,), [(x._dtype, shape)],
                   {"axis": axes, "keep_dims": keepdims}, kernel)
    return op._outputs[0]


def _sum(v, axes, keepdims):
    return np.sum(v, axis=axes, keepdims=keepdims, dtype=v.dtype)


def _mean(v, axes, keepdims):
    if v.dtype.kind in "iu":
        s = np.sum(v, axis=axes, keepdims=keepdims, dtype=np.int64)
        n = v.size // max(s.size, 1) if v.size else 1
        return (np.sign(s) * (np.abs(s) // max(n, 1))).astype(v.dtype)
    return np.mean(v, axis=axes, keepdims=keepdims, dtype=v.dtype)


def reduce_sum(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Sum over ``axis`` (all axes if None); op ``Sum``."""
    return _reduce("Sum", _sum, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_mean(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    """Mean over ``axis`` (integer inputs: truncated, as TensorFlow); op ``Mean``."""
    return _reduce("Mean", _mean, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_max(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    return _reduce("Max", lambda v, a, k: np.max(v, axis=a, keepdims=k), input_tensor, axis,
                   keepdims, name, reduction_indices, keep_dims)


def reshape(tensor, shape, name=None):
    """Reshapes to ``shape`` (one entry may be -1); op ``Reshape``."""
    x = convert_to_tensor(tensor)
    if isinstance(shape, Tensor):
        raise NotImplementedError("fastscope: reshape to a Tensor shape is not supported yet")
    target = [int(d) if d is not None else -1 for d in as_shape(shape).as_list()] \
        if isinstance(shape, TensorShape) else [int(d) for d in np.asarray(shape).reshape(-1)]
    g = graph_for((x,))
    if target.count(-1) > 1:
        raise ValueError("Cannot infer multiple unknown dimensions in shape %s" % target)
    n = x._shape.num_elements()
    out = list(target)
    if -1 in target:
        known = int(np.prod([d for d in target if d != -1])) if len(target) > 1 else 1
        if n is not None:
            if known == 0 or n % known:
                raise ValueError("Cannot reshape a tensor with %d elements to shape %s for "
                                 "'{{node %s}} = Reshape'" % (n, target,
                                                              preview_name(g, name, "Reshape")))
            out[target.index(-1)] = n // known
        else:
            out[target.index(-1)] = None
    elif n is not None and int(np.prod(target)) != n:
        raise ValueError("Cannot reshape a tensor with %d elements to shape %s (%d elements) for "
                         "'{{node %s}} = Reshape' with input shapes: %s, [%d]."
                         % (n, target, int(np.prod(target)), preview_name(g, name, "Reshape"),
                            _shape_str(x._shape), len(target)))
    tgt = tuple(target)

    def kernel(ctx, op, v):
        try:
            return np.reshape(v, tgt)
        except ValueError:
            raise ctx.errors.InvalidArgumentError(
                None, op, "Input to reshape is a tensor with %d values, but the requested shape "
                "has %d" % (np.size(v), int(np.prod(tgt)))) from None
    op = g._add_op("Reshape", op_name(g, name, "Reshape"), (x,), [(x._dtype, TensorShape(out))],
                   {"shape": tgt}, kernel)
    return op._outputs[0]


def concat(values, axis, name="concat"):
    """Concatenates tensors along ``axis``; op ``concat`` (a single value passes through Identity)."""
    ts = convert_n(list(values), "ConcatV2")
    if not ts:
        raise ValueError("List argument 'values' to 'ConcatV2' Op with length 0 shorter than "
                         "minimum length 2.")
    if len(ts) == 1:
        return identity(ts[0], name=name)
    for t in ts[1:]:
        if t._dtype is not ts[0]._dtype:
            raise TypeError("Tensors in list passed to 'values' of 'ConcatV2' Op have types [%s] "
                            "that don't all match." % ", ".join(t._dtype.name for t in ts))
    axis = int(axis)
    nd = next((t._shape.ndims for t in ts if t._shape.ndims is not None), None)
    shape = unknown_shape()
    if nd is not None:
        if not -nd <= axis < nd:
            raise ValueError("Shape must be at least rank %d but is rank %d" % (axis + 1, nd))
        axis %= nd
        dims = [None] * nd
        total = 0
        for t in ts:
            if t._shape.ndims is None:
                total = None
                continue
            if t._shape.ndims != nd:
                raise ValueError("Shape must be rank %d but is rank %d for 'ConcatV2'"
                                 % (nd, t._shape.ndims))
            for i, d in enumerate(t._shape.as_list()):
                if i == axis:
                    total = None if (total is None or d is None) else total + d
                elif d is not None:
                    if dims[i] is not None and dims[i] != d:
                        raise ValueError("Dimension %d in both shapes must be equal, but are %d "
                                         "and %d for 'ConcatV2'" % (i, dims[i], d))
                    dims[i] = d
        dims[axis] = total
        shape = TensorShape(dims)
    g = graph_for(ts)

    def kernel(ctx, op, *vals):
        return np.concatenate(vals, axis=axis)
    op = g._add_op("ConcatV2", op_name(g, name, "concat"), tuple(ts), [(ts[0]._dtype, shape)],
                   {"axis": axis}, kernel)
    return op._outputs[0]


def shape_of(input, name=None, out_type=_dt.int32):  # noqa: A002
    """``tf.shape``: the dynamic shape as a 1-D int32 tensor."""
    x = convert_to_tensor(input)
    g = graph_for((x,))
    dt = _dt.as_dtype(out_type)

    def kernel(ctx, op, v):
        return np.asarray(np.shape(v), dtype=dt._np)
    op = g._add_op("Shape", op_name(g, name, "Shape"), (x,),
                   [(dt, TensorShape([x._shape.ndims]))], None, kernel)
    return op._outputs[0]


def strided_slice(x, key, name="strided_slice"):
    """``x[key]`` for ints, slices, Ellipsis and None (numpy basic indexing)."""
    x = convert_to_tensor(x)
    if not isinstance(key, tuple):
        key = (key,)
    for k in key:
        if isinstance(k, Tensor) or not (k is None or k is Ellipsis or isinstance(k, (numbers.Integral, slice))):
            raise TypeError("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) "
                            "and scalar tf.int32/tf.int64 tensors are valid indices, got %r" % (k,))
    if x._shape.is_fully_defined():
        probe = np.broadcast_to(np.empty((), bool), x._shape.as_list())
        try:
            shape = TensorShape(probe[key].shape)
        except IndexError as e:
            raise ValueError("slice index out of bounds for %s: %s" % (x.name, e)) from None
    else:
        shape = unknown_shape()
    g = graph_for((x,))

    def kernel(ctx, op, v):
        return np.array(v[key])
    op = g._add_op("StridedSlice", op_name(g, name, "strided_slice"), (x,),
                   [(x._dtype, shape)], {"key": key}, kernel)
    return op._outputs[0]


def _group_kernel(ctx, op):
    return None


def no_op(name=None):
    g = get_default_graph()
    return g._add_op("NoOp", op_name(g, name, "NoOp"), (), [], None, _group_kernel)


def group(*inputs, name=None):
    """An op that runs all ``inputs`` (a NoOp with them as control inputs)."""
    g = get_default_graph()
    deps = []
    for x in inputs:
        if isinstance(x, (list, tuple)):
            deps.extend(x)
        else:
            deps.append(x)
    ops = [d.op if isinstance(d, Tensor) else d for d in deps]
    return g._add_op("NoOp", op_name(g, name, "group_deps"), (), [], None, _group_kernel,
                     control_inputs=ops)


# -- operators ---------------------------------------------------------------------------------------
def _r(fn):
    return lambda self, other: fn(other, self)


def install_operators(cls):
    """Adds TensorFlow's operator overloads (+ - * / @ [] neg ...) to ``cls``."""
    cls.__add__ = lambda s, o: binary_op("Add", s, o, None, "add")
    cls.__radd__ = lambda s, o: binary_op("Add", o, s, None, "add")
    cls.__sub__ = lambda s, o: binary_op("Sub", s, o, None, "sub")
    cls.__rsub__ = lambda s, o: binary_op("Sub", o, s, None, "sub")
    cls.__mul__ = lambda s, o: binary_op("Mul", s, o, None, "mul")
    cls.__rmul__ = lambda s, o: binary_op("Mul", o, s, None, "mul")
    cls.__truediv__ = lambda s, o: binary_op("RealDiv", s, o, None, "truediv")
    cls.__rtruediv__ = lambda s, o: binary_op("RealDiv", o, s, None, "truediv")
    cls.__floordiv__ = lambda s, o: binary_op("FloorDiv", s, o, None, "floordiv")
    cls.__rfloordiv__ = lambda s, o: binary_op("FloorDiv", o, s, None, "floordiv")
    cls.__mod__ = lambda s, o: binary_op("FloorMod", s, o, None, "mod")
    cls.__pow__ = lambda s, o: binary_op("Pow", s, o, None, "pow")
    cls.__rpow__ = lambda s, o: binary_op("Pow", o, s, None, "pow")
    cls.__lt__ = lambda s, o: binary_op("Less", s, o, None, "Less")
    cls.__le__ = lambda s, o: binary_op("LessEqual", s, o, None, "LessEqual")
    cls.__gt__ = lambda s, o: binary_op("Greater", s, o, None, "Greater")
    cls.__ge__ = lambda s, o: binary_op("GreaterEqual", s, o, None, "GreaterEqual")
    cls.__neg__ = lambda s: unary_op("Neg", s, None)
    cls.__abs__ = lambda s: unary_op("Abs", s, None)
    cls.__getitem__ = lambda s, k: strided_slice(s, k)

    def matmul_op(a, b):
        from fastscope._src.linalg_ops import matmul
        return matmul(a, b, name="matmul")
    cls.__matmul__ = lambda s, o: matmul_op(s, o)
    cls.__rmatmul__ = lambda s, o: matmul_op(o, s)


install_operators(Tensor)
