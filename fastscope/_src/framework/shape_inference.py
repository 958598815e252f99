"""What is known at build time about the values of (small, integer) tensors.

Shape functions of ops that take a shape, a size or indices as an input tensor ask here
what they can know of its value, as TensorFlow's shape inference does:

- ``constant_value(t)``: the whole value, when it can be computed without running the
  graph: a ``Const``; ``Shape``/``Size``/``Rank`` of a tensor whose static shape tells;
  or a small pure op (``Pack``, ``Cast``, ``StridedSlice``, ``Fill``, arithmetic, ...)
  whose inputs all have constant values, folded by running its kernel.
- ``partial_value(t)``: for an integer scalar, its value or None; for an integer vector,
  a list with an int where the element is known and None where not (``tf.shape(x)`` of
  an ``x`` of shape ``(?, 3)`` gives ``[None, 3]``; ``Pack``, ``ConcatV2`` along axis
  0, ``Cast``, ``Identity`` and ``StridedSlice`` of such vectors keep what is known),
  or None when not even its length is known.
- ``constant_value_as_shape(t)``: a 1-D shape tensor as a partially known TensorShape
  (-1 and unknown elements are unknown dimensions).

Nothing is added to the graph and nothing runs in a session; a fold whose kernel fails
gives "unknown", and the failure surfaces when the op runs.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     x = tf.placeholder(tf.float32, [None, 3])
...     n = tf.stack([tf.shape(x)[1] * 2, 4])
...     print(partial_value(tf.shape(x)), partial_value(n), constant_value_as_shape(n))
[None, 3] [6, 4] (6, 4)
"""
import numpy as np

from fastscope._src.framework import slicing
from fastscope._src.framework.tensor_shape import TensorShape, shape_str, unknown_shape

# Folding computes values of at most this many elements (shape vectors are tiny; a
# large constant tensor is never materialised at build time).
MAX_FOLD_ELEMENTS = 1 << 12
# How far back through the graph a value is traced.
MAX_DEPTH = 48

# Op types whose kernels are pure, cheap functions of their input values (no session,
# no state, no randomness): these fold when all their inputs have constant values.
FOLDABLE = frozenset((
    "Identity", "Cast", "Pack", "Unpack", "ConcatV2", "StridedSlice", "Slice", "Fill",
    "StaticFill", "ZerosLike", "Reshape", "ExpandDims", "Squeeze", "Tile", "Transpose",
    "ReverseV2", "BroadcastTo", "Pad", "PadV2", "Split", "SplitV", "Add", "AddV2", "Sub",
    "Mul", "FloorDiv", "FloorMod", "Maximum", "Minimum", "Neg", "Abs", "Sum", "Prod", "Max",
    "Min", "Range", "GatherV2",
))


def _is_int(dtype):
    return dtype.base_dtype.is_integer


class _Tracer:
    """One question's walk through the graph, remembering what it has worked out."""

    __slots__ = ("values", "partials")

    def __init__(self):
        self.values = {}
        self.partials = {}

    def value(self, t, depth=0):
        if t in self.values:
            return self.values[t]
        v = self._value(t, depth)
        self.values[t] = v
        return v

    def _value(self, t, depth):
        op = t._op
        op_type = op._def.type
        if op_type == "Const":
            return np.asarray(op._attrs["value"])
        if depth >= MAX_DEPTH:
            return None
        if op_type in ("Shape", "Size", "Rank"):
            return _static_fact(op_type, op)
        if (op_type == "StridedSlice" and t._shape.ndims == 0
                and op._inputs[0]._op._def.type == "Shape"):
            # one known dimension of a partly known shape (TensorFlow folds this one too)
            p = self._sliced(op, depth)
            if isinstance(p, int):
                return np.asarray(p, t._dtype.as_numpy_dtype)
        if op_type not in FOLDABLE or op._def.stateful or op._ref_inputs:
            return None
        for out in op._outputs:
            if not out._shape.is_fully_defined() or out._shape.num_elements() > MAX_FOLD_ELEMENTS:
                return None
        args = []
        for x in op._inputs:
            v = self.value(x, depth + 1)
            if v is None:
                return None
            args.append(v)
        try:
            res = op._def.kernel(None, op, *args)
        except Exception:   # noqa: BLE001 - a fold is best effort; the op reports at run time
            return None
        if len(op._outputs) > 1:
            res = res[t._value_index]
        res = np.asarray(res)
        return res if list(res.shape) == t._shape.as_list() else None

    def partial(self, t, depth=0):
        if t in self.partials:
            return self.partials[t]
        p = self._partial(t, depth)
        self.partials[t] = p
        return p

    def _partial(self, t, depth):
        v = self.value(t, depth)
        if v is not None and v.dtype.kind in "iu" and v.ndim <= 1:
            return int(v) if v.ndim == 0 else [int(e) for e in v]
        nd = t._shape.ndims
        if v is None and depth < MAX_DEPTH and nd is not None and nd <= 1:
            p = self._traced(t, depth)
            if p is not None:
                return p
        if nd == 1 and t._shape.dims[0].value is not None:
            return [None] * t._shape.dims[0].value
        return None

    def _traced(self, t, depth):
        op = t._op
        op_type = op._def.type
        ins = op._inputs
        if op_type == "Shape":
            s = ins[0]._shape
            return None if s.ndims is None else s.as_list()
        if op_type == "Identity" or (op_type == "Cast" and _is_int(ins[0]._dtype)
                                     and _is_int(t._dtype)):
            return self.partial(ins[0], depth + 1)
        if op_type == "Pack" and t._shape.ndims == 1:
            parts = [self.partial(x, depth + 1) for x in ins]
            return [p if isinstance(p, int) else None for p in parts]
        if op_type == "ConcatV2" and op._attrs.get("axis") == 0:
            out = []
            for x in ins:
                p = self.partial(x, depth + 1)
                if not isinstance(p, list):
                    return None
                out.extend(p)
            return out
        if op_type == "StridedSlice":
            return self._sliced(op, depth)
        return None

    def _sliced(self, op, depth):
        vec = self.partial(op._inputs[0], depth + 1)
        idx = [self.value(x, depth + 1) for x in op._inputs[1:]]
        if not isinstance(vec, list) or any(v is None or v.ndim != 1 for v in idx):
            return None
        a = op._attrs
        try:
            plan = slicing.slice_plan([len(vec)], *[v.tolist() for v in idx],
                                      begin_mask=a["begin_mask"], end_mask=a["end_mask"],
                                      ellipsis_mask=a["ellipsis_mask"],
                                      new_axis_mask=a["new_axis_mask"],
                                      shrink_axis_mask=a["shrink_axis_mask"])
        except slicing.SliceSpecError:
            return None
        entries = [e for e in plan.index if e is not None]
        if len(entries) != len(plan.index) or len(entries) != 1:
            return None   # new axes: not a vector any more
        return vec[entries[0]]


def _static_fact(op_type, op):
    s = op._inputs[0]._shape
    dtype = op._outputs[0]._dtype.as_numpy_dtype
    if op_type == "Rank":
        return None if s.ndims is None else np.asarray(s.ndims, dtype)
    if s.ndims is None:
        return None
    dims = s.as_list()
    if op_type == "Shape":
        return np.asarray(dims, dtype) if None not in dims else None
    if 0 in dims:
        return np.asarray(0, dtype)
    n = s.num_elements()
    return None if n is None else np.asarray(n, dtype)


def constant_value(t):
    """The value of tensor ``t`` as a numpy array when it is known at build time, else None.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     print(constant_value(tf.shape(tf.zeros([2, 3]))[1:] + 1))
    [4]
    """
    return _Tracer().value(t)


def partial_value(t):
    """What is known of an integer scalar's or vector's value (see the module's docstring)."""
    return _Tracer().partial(t)


def constant_value_as_shape(t):
    """The TensorShape a 1-D shape tensor ``t`` stands for, as far as it is known.

    A scalar ``t`` stands for a shape of unknown rank; -1 elements are unknown
    dimensions.

    Differs from TensorFlow: a slice of a shape vector with a negative stride
    (``tf.shape(x)[::-1]``) keeps its known elements (TensorFlow 2.x raises).

    Raises:
      ValueError: an element below -1 (TensorFlow's "Invalid value in tensor used for
        shape").
    """
    if t._shape.ndims == 0:
        return unknown_shape()
    vals = partial_value(t)
    if not isinstance(vals, list):
        n = t._shape.dims[0].value if t._shape.ndims == 1 else None
        return unknown_shape(n)
    dims = []
    for v in vals:
        if v is not None and v < -1:
            raise ValueError("Invalid value in tensor used for shape: %d" % v)
        dims.append(None if v is None or v == -1 else v)
    return TensorShape(dims)


# -- TensorFlow's words for shape-function failures ---------------------------------------
def node_error(node, text):
    """A ValueError as TensorFlow's shape functions word it: what, then the op and its inputs.

    ``node`` is the op being built (``op_builder.Node``).
    """
    shapes = ", ".join(shape_str(t._shape) for t in node.inputs)
    return ValueError("%s for '{{node %s}} = %s' with input shapes: %s." % (
        text, node.name, node.type, shapes))


def with_rank(node, t, rank):
    """Raises ``node_error`` unless tensor ``t``'s rank is ``rank`` or unknown."""
    nd = t._shape.ndims
    if nd is not None and nd != rank:
        raise node_error(node, "Shape must be rank %d but is rank %d" % (rank, nd))
