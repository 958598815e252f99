"""Building ops: the one path from an op request to a node in the graph.

``build_op(op_type, inputs, attrs, name)`` reads the op's registered
definition and does, in order, what TensorFlow's op-definition library does:
picks the graph (the inputs' graph, else the default one), converts Python and
numpy inputs to constants named after the input (``Add/y``), checks input
dtypes against the op's type attributes with TensorFlow's words, infers the
output shapes with the op's shape function, takes the op's unique name and
adds it. Nothing reaches the graph when a check fails.

This module also holds tensor conversion (``convert_to_tensor``, constants):
conversion builds ``Const`` ops, and building converts inputs.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     a = tf.constant(1.0)
...     s = tf.add(a, 2.0)
...     print(s.name, [t.name for t in s.op.inputs])
Add:0 ['Const:0', 'Add/y:0']
"""
import math
import numbers

import numpy as np

from fastscope import _names
from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import registry
from fastscope._src.framework.graph import get_default_graph, graph_of, valid_op_name
from fastscope._src.framework.registry import _REGISTRY
from fastscope._src.framework.shape_inference import constant_value  # noqa: F401 (re-export)
from fastscope._src.framework.tensor import Operation, Tensor
from fastscope._src.framework.tensor_shape import TensorShape, as_shape


# -- naming ---------------------------------------------------------------------------------
def op_name(g, name, default):
    """The unique full name of a new op (``name`` or ``default`` under the name scope).

    A name ending in ``/`` is taken as the full name, as is (TensorFlow's rule).

    Raises:
      TypeError: a name that is not a string.
      ValueError: a name that is not a valid op name.
    """
    if name is None or name == "":
        return g._names.unique(g._local.name_stack, default, True)
    if not isinstance(name, str):
        raise TypeError("op name must be a string, got %r" % (name,))
    if name[-1] == "/":
        return name[:-1]
    if not valid_op_name(name):
        raise ValueError("'%s' is not a valid scope name" % name)
    return g._names.unique(g._local.name_stack, name, True)


def preview_name(g, name, default):
    """The name an op would get, without taking it (for build-time error messages)."""
    if name and name[-1] == "/":
        return name[:-1]
    return g._names.unique(g._local.name_stack, name or default, False)


Node = _names.Node   # what a shape function sees: graph, type, inputs, attrs, name


# -- building -------------------------------------------------------------------------------
def _is_tensorish(v):
    return isinstance(v, Tensor) or _hook_for(v) is not None


def _dtype_of(v):
    if isinstance(v, Tensor):
        return v._dtype.base_dtype
    if _hook_for(v) is not None:
        return _dt.as_dtype(v.dtype).base_dtype
    return None


def _python_dtype(v):
    """The dtype a Python or numpy value converts to by itself (None: leave it to conversion)."""
    if holds_tensor(v) or (isinstance(v, (list, tuple)) and not v):
        return None     # an empty list's dtype is the op's to choose (an index type)
    try:
        arr = numpy_value(v, None)
    except (TypeError, ValueError):
        return None     # converting it again reports the error with the op's context
    return _dt.string if arr.dtype == object else _dt.as_dtype(arr.dtype)


def _group_dtypes(op_def, args, attrs):
    """type attribute -> the DType its Python inputs convert to (None: infer from the value)."""
    chosen = {}
    for i, spec in enumerate(op_def.inputs):
        ta = spec.type_attr
        if ta is None or chosen.get(ta) is not None:
            continue
        forced = attrs.get(ta) if attrs else None
        if isinstance(forced, _dt.DType):
            chosen[ta] = forced.base_dtype
            continue
        chosen.setdefault(ta, None)
        if spec.is_list:
            values = args[i]
            for v in values:   # a list takes the dtype of its first tensor
                dt = _dtype_of(v)
                if dt is not None:
                    chosen[ta] = dt
                    break
        else:   # the first input of a type attribute fixes it, whatever it is
            values = (args[i],)
            chosen[ta] = _dtype_of(args[i]) or _python_dtype(args[i])
        allowed = op_def.type_attrs.get(ta)
        if chosen[ta] is None and allowed and _dt.float32 not in allowed and all(
                isinstance(v, (list, tuple)) and not v for v in values):
            # an empty list is an empty index vector (TensorFlow's default index type)
            chosen[ta] = _dt.int32 if _dt.int32 in allowed else allowed[0]
    return chosen


def _convert_one(g, op_type, full, spec, value, dtype, label):
    """One input as a tensor; Python values become ``full/label`` constants."""
    if isinstance(value, Tensor):
        return value
    hook = _hook_for(value)
    if hook is not None:
        with g.name_scope(full + "/"):
            return hook(value, None, label)
    if holds_tensor(value):
        if dtype is None and _dt.int32 in (_REGISTRY[op_type].type_attrs.get(spec.type_attr)
                                           or ()):
            kinds = {_dtype_of(t) for t in _flat_tensors(value, [])}
            if len(kinds) > 1:
                dtype = _dt.int32   # int32 and int64 index tensors: the default index type
        with g.name_scope(full + "/"):
            return autopack(g, value, dtype, label)
    try:
        return _make_constant(g, value, dtype, g._names.unique(full, label) + "/")
    except (TypeError, ValueError) as e:
        if dtype is None:
            raise
        raise TypeError("Expected %s passed to parameter '%s' of op '%s', got %r of type '%s' "
                        "instead. Error: %s" % (dtype.name, spec.name, op_type, value,
                                                type(value).__name__, e)) from None


def _check_types(op_def, flat, groups):
    """TypeErrors, in TensorFlow's words, for inputs whose dtypes the op does not take."""
    seen = {}
    pos = 0
    for spec, count in groups:
        ts = flat[pos:pos + count]
        pos += count
        ta = spec.type_attr
        if ta is None:
            continue
        for t in ts:
            dt = t._dtype.base_dtype
            first = seen.get(ta)
            if first is None:
                seen[ta] = (dt, spec.name)
                allowed = op_def.type_attrs.get(ta)
                if allowed is not None and dt not in allowed:
                    raise TypeError("Value passed to parameter '%s' has DataType %s not in list "
                                    "of allowed values: %s" % (spec.name, dt.name, ", ".join(
                                        d.name for d in allowed)))
            elif dt is not first[0]:
                if spec.is_list and first[1] == spec.name:
                    raise TypeError("Tensors in list passed to '%s' of '%s' Op have types [%s] "
                                    "that don't all match." % (spec.name, op_def.type, ", ".join(
                                        x._dtype.base_dtype.name for x in ts)))
                raise TypeError("Input '%s' of '%s' Op has type %s that does not match type %s "
                                "of argument '%s'." % (spec.name, op_def.type, dt.name,
                                                       first[0].name, first[1]))


def _needs_conversion(op_def, args):
    for spec, a in zip(op_def.inputs, args):
        if spec.is_list:
            if any(not isinstance(v, Tensor) for v in a):
                return True
        elif not isinstance(a, Tensor) and not spec.is_ref:
            return True
    return False


def _ref_tensor(value, spec, op_type):
    ref = getattr(value, "_ref", None)
    if ref is not None:
        return ref()
    if isinstance(value, Tensor) and value._dtype._is_ref:
        return value
    raise TypeError("'%s' Op requires that input '%s' be a mutable tensor (e.g.: a tf.Variable), "
                    "got %r" % (op_type, spec.name, value))


def build_op(op_type, inputs=(), attrs=None, name=None, default_name=None, control_inputs=(),
             graph=None):
    """Creates one op of registered type ``op_type``; returns the Operation.

    Args:
      op_type: a registered op type.
      inputs: one entry per declared input (a list for list inputs); Tensors,
        Variables, or Python/numpy values (converted to constants named after the
        input, ``Add/y``).
      attrs: the op's attributes (a dict; kept by the op).
      name: the op's name (uniquified in the name scope; ``"a/"`` is taken as is).
      default_name: the name when ``name`` is None (default: the op type).
      control_inputs: extra control inputs (the ``control_dependencies`` in effect
        are added too).
      graph: the graph (default: the inputs' graph, else the default graph).

    Raises:
      TypeError: inputs of the wrong number or dtypes (TensorFlow's messages).
      ValueError: shapes the op cannot take, or inputs from two graphs.
    """
    op_def = _REGISTRY.get(op_type) or registry.get_op_def(op_type)
    if attrs is None:
        attrs = {}
    if op_def.simple and len(inputs) == op_def.n_inputs:
        # Fast path: every input is already a Tensor of one graph.
        g = graph
        for x in inputs:
            if type(x) is not Tensor:
                break
            if g is None:
                g = x._op._graph
            elif x._op._graph is not g and graph is None:
                break
        else:
            if g is None:
                g = get_default_graph()
            if op_def.check_types and not _types_ok(op_def, inputs):
                _check_types(op_def, inputs, [(spec, 1) for spec in op_def.inputs])
            default = default_name or op_type
            inputs = inputs if type(inputs) is tuple else tuple(inputs)
            specs = op_def.shape(Node(g, op_type, inputs, attrs, name, default))
            if name and name[-1] == "/":
                full = name[:-1]
            else:
                full = op_name(g, name, default)
            return g._add_op(op_def, full, inputs, specs, attrs, control_inputs)
    return _build_general(op_def, inputs, attrs, name, default_name or op_type, control_inputs,
                          graph)


def _types_ok(op_def, inputs):
    for _, allowed, idx in op_def.groups:
        first = inputs[idx[0]]._dtype._base
        if allowed is not None and id(first) not in allowed:
            return False
        for i in idx[1:]:
            if inputs[i]._dtype._base is not first:
                return False
    return True


def _build_general(op_def, inputs, attrs, name, default, control_inputs, graph):
    if len(inputs) != op_def.n_inputs:
        raise TypeError("%s takes %d inputs, got %d" % (op_def.type, op_def.n_inputs,
                                                         len(inputs)))
    flat_args = []
    for spec, a in zip(op_def.inputs, inputs):
        if spec.is_list:
            flat_args.extend(a)
        else:
            flat_args.append(a)
    g = graph or graph_of(flat_args)
    if not _needs_conversion(op_def, inputs):
        return _finish(g, op_def, inputs, attrs, name, default, control_inputs, None)
    with g.transaction():
        full = op_name(g, name, default)
        return _finish(g, op_def, inputs, attrs, full + "/", default, control_inputs, full)


def _finish(g, op_def, args, attrs, name, default, control_inputs, full):
    """Converts (when ``full``, the op's name, is taken), checks types and shapes, adds."""
    flat = []
    groups = []
    dtypes = _group_dtypes(op_def, args, attrs) if full is not None else None
    for spec, a in zip(op_def.inputs, args):
        values = a if spec.is_list else (a,)
        for i, v in enumerate(values):
            if spec.is_ref:
                flat.append(_ref_tensor(v, spec, op_def.type))
            elif full is not None and not isinstance(v, Tensor):
                label = "%s_%d" % (spec.name, i) if spec.is_list else spec.name
                flat.append(_convert_one(g, op_def.type, full, spec, v,
                                         dtypes.get(spec.type_attr), label))
            else:
                flat.append(v)
        groups.append((spec, len(values)))
    _check_types(op_def, flat, groups)
    node = Node(g, op_def.type, tuple(flat), attrs, name, default)
    specs = op_def.shape(node)
    if full is None:
        full = op_name(g, name, default)
    return g._add_op(op_def, full, tuple(flat), specs, attrs, control_inputs)


# -- conversion -----------------------------------------------------------------------------
_conversion_hooks = []   # (type, fn(value, dtype, name) -> Tensor), for Variable etc.


def register_conversion(cls, fn):
    """Makes ``convert_to_tensor`` accept instances of ``cls``: ``fn(value, dtype, name)``."""
    _conversion_hooks.append((cls, fn))


def _hook_for(value):
    if isinstance(value, (Tensor, int, float, list, tuple, np.ndarray, str, bytes)):
        return None
    for cls, fn in _conversion_hooks:
        if isinstance(value, cls):
            return fn
    return None


# -- lists holding tensors: one Pack op (TensorFlow's autopacking) ---------------------------
def holds_tensor(value):
    """Whether ``value`` is a tensor (or variable), or a (nested) list holding one."""
    if isinstance(value, (list, tuple)):
        return any(holds_tensor(v) for v in value)
    return _is_tensorish(value)


def _flat_tensors(value, out):
    for v in value:
        if isinstance(v, (list, tuple)):
            _flat_tensors(v, out)
        elif _is_tensorish(v):
            out.append(v)
    return out


def _cast_elements(g, value, dtype):
    out = []
    for v in value:
        if isinstance(v, (list, tuple)):
            v = _cast_elements(g, v, dtype)
        elif _is_tensorish(v) and _dtype_of(v) is not dtype:
            v = build_op("Cast", (v,), {"DstT": dtype}, graph=g)._outputs[0]
        out.append(v)
    return out


def _pack(g, value, dtype, name):
    with g.name_scope(name) as scope:
        elems = []
        for i, v in enumerate(value):
            if isinstance(v, (list, tuple)) and holds_tensor(v):
                v = _pack(g, v, dtype, str(i))
            elif isinstance(v, Tensor) or _hook_for(v) is not None:
                t = convert_to_tensor(v)
                if t._dtype.base_dtype is not dtype:
                    raise TypeError("Cannot convert a list containing a tensor of dtype %s to "
                                    "%s (Tensor is: %r)" % (t._dtype.name, dtype.name, t))
                v = t
            else:
                if isinstance(v, (list, tuple)):
                    with g.name_scope(str(i)):
                        pass   # TensorFlow looks into a nested list in a scope of its own
                v = _make_constant(g, v, dtype, str(i))
            elems.append(v)
        return build_op("Pack", (elems,), {"axis": 0}, scope, graph=g)._outputs[0]


def autopack(g, value, dtype, name):
    """A (nested) list holding tensors as a ``Pack`` op named ``name`` (TensorFlow's autopacking).

    Its other elements become constants named by position (``name/1``); tensors of
    another dtype than ``dtype`` are cast first (None: the first tensor's dtype).

    Raises:
      TypeError: tensors of different dtypes when no dtype is asked for.
    """
    tensors = _flat_tensors(value, [])
    if dtype is None:
        dtype = _dtype_of(tensors[0])
        for t in tensors:
            if _dtype_of(t) is not dtype:
                raise TypeError("Cannot convert a list containing a tensor of dtype %s to %s "
                                "(Tensor is: %r)" % (_dtype_of(t).name, dtype.name, t))
    elif any(_dtype_of(t) is not dtype for t in tensors):
        value = _cast_elements(g, value, dtype)
    return _pack(g, value, dtype, name)


def _check_int_range(arr, target, dtype):
    if arr.dtype.kind in "iu" and target.kind in "iu" and arr.size:
        info = np.iinfo(target)
        if arr.min() < info.min or arr.max() > info.max:
            raise ValueError("Can't convert Python int to %s: value out of range" % dtype.name)


_ACCEPTS = {   # target dtype kind -> the Python element types a value of it may hold (TF1)
    "i": numbers.Integral, "u": numbers.Integral, "f": numbers.Real, "c": numbers.Complex,
    "b": (bool, np.bool_),
}


def _first_mismatch(value, accepts):
    """The first element of a nested Python value that is not an ``accepts`` instance."""
    if isinstance(value, (list, tuple)):
        for v in value:
            bad = _first_mismatch(v, accepts)
            if bad is not None:
                return bad
        return None
    return None if isinstance(value, accepts) else (value,)


def _numpy_as(value, dtype):
    """``value`` as a numpy array of ``dtype``, with TensorFlow 1.x's checks.

    numpy values are cast as numpy casts them (TensorFlow's rule); Python values must hold
    elements of the dtype's kind (no float for an integer dtype, no int for bool) and ints
    within its range.
    """
    if dtype is _dt.string:
        return np.array(value, dtype=object)
    target = dtype._np
    if isinstance(value, (np.ndarray, np.generic)):
        if value.dtype.kind in "OSU":
            raise TypeError("Expected %s, got %r of type '%s' instead."
                            % (dtype.name, value, type(value).__name__))
        if value.dtype.kind == "c" and target.kind != "c":
            value = value.real
        with np.errstate(invalid="ignore", over="ignore"):
            return np.asarray(value).astype(target, copy=False)
    arr = np.asarray(value)
    if arr.dtype == object:
        raise TypeError("Failed to convert elements of %r to Tensor." % (value,))
    accepts = _ACCEPTS.get(target.kind)
    bad = _first_mismatch(value, accepts) if accepts is not None and arr.size else None
    if bad is not None or arr.dtype.kind in "SU":
        v = bad[0] if bad is not None else value
        raise TypeError("Expected %s, got %r of type '%s' instead."
                        % (dtype.name, v, type(v).__name__))
    _check_int_range(arr, target, dtype)
    return arr.astype(target, copy=False)


def numpy_value(value, dtype):
    """``value`` as a numpy array with TensorFlow's default dtypes and checks.

    Raises:
      TypeError: a value that cannot be a tensor (of ``dtype``).
      ValueError: an integer out of ``dtype``'s range.
    """
    if isinstance(value, np.ndarray) and not value.dtype.isnative:
        value = value.astype(value.dtype.newbyteorder("="))   # kernels read native order
    if dtype is not None:
        return _numpy_as(value, _dt.as_dtype(dtype).base_dtype)
    if isinstance(value, np.ndarray):
        return value.astype(object) if value.dtype.kind in "SU" else value
    if isinstance(value, np.generic):
        return np.asarray(value)
    arr = np.asarray(value)
    kind = arr.dtype.kind
    if kind == "f":
        arr = arr.astype(np.float32)
    elif kind == "i":
        wide = arr.size and (arr.min() < -2**31 or arr.max() >= 2**31)
        arr = arr.astype(np.int64 if wide else np.int32)
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
    hook = _hook_for(value)
    if hook is not None:
        return hook(value, dtype, name)
    if isinstance(value, Operation):
        raise TypeError("Can't convert Operation '%s' to Tensor (target dtype=%s, name=%s, "
                        "as_ref=False)" % (value.name, dtype, name))
    if holds_tensor(value):
        g = graph_of(_flat_tensors(value, []))
        with g.as_default():
            return autopack(g, value, None if dtype is None else _dt.as_dtype(dtype),
                            name or "packed")
    hint = preferred_dtype or dtype_hint
    if dtype is None and hint is not None:
        try:
            return constant(value, dtype=hint, name=name or "Const")
        except (TypeError, ValueError):
            pass
    return constant(value, dtype=dtype, name=name or "Const")


def _const_shape(node):
    return [(node.attrs["dtype"], TensorShape(node.attrs["value"].shape))]


def _const_kernel(ctx, op):
    return op._attrs["value"]


registry.register_op("Const", shape=_const_shape, kernel=_const_kernel, tf_attrs=("value", "dtype"))


def _shaped(arr, shape, verify_shape):
    shape = as_shape(shape).as_list()
    n = math.prod(shape)
    if verify_shape and list(arr.shape) != shape:
        raise TypeError("Expected Tensor's shape: %s, got %s." % (tuple(shape), arr.shape))
    if arr.size == n:
        return arr.reshape(shape)
    if arr.size == 1:
        # One value for all: a read-only broadcast view, materialised only where a kernel
        # needs it (an Assign copies it into the variable), as TensorFlow's one-value
        # TensorProto is expanded at run time.
        return np.broadcast_to(arr.reshape(()), shape)
    if 0 < arr.size < n:
        # TF pads a short list with its last value.
        flat = arr.reshape(-1)
        return np.concatenate([flat, np.full(n - flat.size, flat[-1], flat.dtype)]).reshape(shape)
    raise TypeError("Too many elements provided. Needed at most %d, but received %d"
                    % (n, arr.size))


_MAX_CONSTANT_BYTES = (1 << 31) - 1


def _make_constant(g, value, dtype, name, shape=None, verify_shape=False):
    if type(value) is float and dtype is None and shape is None:
        arr, dt = np.array(value, np.float32), _dt.float32   # the commonest constant
    else:
        arr = numpy_value(value, dtype)
        if not arr.flags.c_contiguous or not arr.flags.aligned:
            if math.prod(arr.shape) * arr.itemsize > _MAX_CONSTANT_BYTES:
                raise ValueError("Cannot create a tensor proto whose content is larger than 2GB.")
            arr = arr.copy()   # (np.ascontiguousarray would turn a 0-d value into 1-d)
        elif arr.flags.writeable and arr is value:
            arr = arr.copy()   # the graph keeps its own read-only copy of a user's array
        if arr.nbytes > _MAX_CONSTANT_BYTES:
            raise ValueError("Cannot create a tensor proto whose content is larger than 2GB.")
        if shape is not None:
            arr = _shaped(arr, shape, verify_shape)
        dt = _dt.as_dtype(arr.dtype) if arr.dtype != object else _dt.string
    arr.flags.writeable = False
    return build_op("Const", (), {"value": arr, "dtype": dt}, name, "Const", graph=g)._outputs[0]


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """A constant tensor (``tf.constant``).

    Raises:
      TypeError: a value that cannot be a tensor of ``dtype``, or one that does not
        fit ``shape``.

    >>> import fastscope as tf
    >>> tf.Session().run(tf.constant(1.5, shape=[2]))
    array([1.5, 1.5], dtype=float32)
    """
    return _make_constant(get_default_graph(), value, dtype, name, shape, verify_shape)

