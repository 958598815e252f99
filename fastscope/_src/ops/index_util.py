"""What the indexing and generating ops share: constant inputs, TensorFlow's error texts, checks.

Shape functions read constant inputs (an ``axis``, a ``depth``, a ``shape``) with
``const_value``; build-time errors carry TensorFlow's node description and input
shapes (``shape_error``); kernels word bad indices as TensorFlow does
(``index_text``: ``indices[1,2]``), read scalar inputs with ``scalar`` and refuse,
before allocating, an output that no memory could hold (``check_output``).

>>> index_text((1, 2), (3, 4)), index_text((), ())
('indices[1,2]', 'indices')
"""
import numbers

import numpy as np

from fastscope._src import kernels
from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import errors as _errors
from fastscope._src.framework.op_builder import constant_value
from fastscope._src.framework.tensor import Tensor

INDEX_TYPES = (_dt.int32, _dt.int64)
INDEX_TYPES_16 = (_dt.int16, _dt.int32, _dt.int64)


def const_value(t):
    """The value of tensor ``t`` when it is a constant (a numpy array), else None.

    A Cast of a constant is a constant too (``range(0.5, 3)`` casts its limit), as
    TensorFlow's shape inference folds it.
    """
    if not isinstance(t, Tensor):
        return None
    if t._op._def.type == "Cast":
        inner = const_value(t._op._inputs[0])
        dst = t._op._attrs["DstT"]
        if inner is None or dst._np is None or inner.dtype.kind not in "biuf":
            return None
        return inner.astype(dst._np)
    return constant_value(t)


def const_int(t):
    """The value of a constant single-element integer tensor as an int, else None."""
    v = const_value(t)
    if v is None or v.size != 1 or v.dtype.kind not in "iu":
        return None
    return int(v.reshape(-1)[0])


def shape_error(node, text, computed=None):
    """A ValueError in TensorFlow's shape-function words: ``text for '{{node N}} = T' ...``."""
    tail = " and with computed input tensors: %s" % computed if computed else ""
    return ValueError("%s for %s with input shapes: %s%s." % (text, node.describe(),
                                                              node.input_shapes(), tail))


def rank_at_least(node, shape, rank, computed=None):
    """Raises TensorFlow's "Shape must be at least rank" ValueError when ``shape`` is smaller."""
    if shape.ndims is not None and shape.ndims < rank:
        raise shape_error(node, "Shape must be at least rank %d but is rank %d"
                          % (rank, shape.ndims), computed)


def rank_exactly(node, shape, rank, what=None):
    """Raises TensorFlow's "Shape must be rank" ValueError when ``shape`` has another rank."""
    if shape.ndims is not None and shape.ndims != rank:
        text = "Shape must be rank %d but is rank %d" % (rank, shape.ndims)
        if what:
            text += "\n\t for '%s'" % what
        raise shape_error(node, text)


def index_text(pos, shape):
    """``indices[1,2]``: TensorFlow's name for the element at flat position ``pos`` or index."""
    if isinstance(pos, numbers.Integral):
        pos = np.unravel_index(int(pos), shape) if shape else ()
    if not len(pos):
        return "indices"
    return "indices[%s]" % ",".join(str(int(p)) for p in pos)


def first_bad(values, limit):
    """The flat position of the first value outside ``[0, limit)``, or None."""
    if not values.size:
        return None
    flat = values.reshape(-1)
    bad = (flat < 0) | (flat >= limit)
    if not bad.any():
        return None
    return int(np.argmax(bad))


def check_indices(op, indices, limit):
    """Raises TensorFlow's InvalidArgumentError for the first index outside ``[0, limit)``."""
    pos = first_bad(indices, limit)
    if pos is not None:
        raise _errors.InvalidArgumentError(
            None, op, "%s = %d is not in [0, %d)" % (index_text(pos, indices.shape),
                                                     int(indices.reshape(-1)[pos]), limit))


def scalar(op, value, what, allow_one=False):
    """``value`` (a kernel's input) as a Python number; it must be a scalar.

    Raises:
      InvalidArgumentError: a value with another shape (``allow_one``: one element of any
        shape is taken, as TensorFlow's Range does).
    """
    v = np.asarray(value)
    if v.ndim and not (allow_one and v.size == 1):
        raise _errors.InvalidArgumentError(
            None, op, "%s must be a scalar, but received tensor of shape: %s"
            % (what, shape_str_of(v.shape)))
    return v.reshape(()).item()


def shape_str_of(dims):
    """``[2,3]`` for a tuple of ints (TensorFlow's way of printing shapes in messages)."""
    return "[%s]" % ",".join(str(int(d)) for d in dims)


def check_output(op, shape, dtype):
    """Raises ResourceExhaustedError when an output of ``shape`` cannot fit in memory.

    Kernels whose output size comes from input values (a range's limit, a depth, a
    shape) call this before allocating, so a huge request fails as TensorFlow's OOM
    rather than by exhausting the machine.
    """
    n = 1
    for d in shape:
        n *= int(d)
    itemsize = np.dtype(dtype).itemsize if dtype is not object else 8
    if n * itemsize > kernels.memory_bytes():
        raise _errors.ResourceExhaustedError(
            None, op, "OOM when allocating tensor with shape%s and type %s"
            % (shape_str_of(shape), np.dtype(dtype).name))


def int_arg(value, what):
    """A Python int for an argument that must be an integer (not a bool or float).

    Raises:
      TypeError: anything else.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError("%s must be an int, got %r of type %s"
                        % (what, value, type(value).__name__))
    return int(value)


def int_or_constant(value, what):
    """``value`` (an int or a constant integer scalar tensor) as an int, or None if dynamic.

    Raises:
      TypeError: a value that is neither an integer nor an integer tensor.
    """
    if isinstance(value, Tensor):
        if not value.dtype.base_dtype.is_integer:
            raise TypeError("%s must be an int or an integer tensor, got %s" % (what, value))
        return const_int(value)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    return int_arg(value, what)
