"""What the array-op families share: index dtypes and run-time checks in TensorFlow's words.

Kernels of ops that take shapes, sizes or indices as tensors validate those values here
before touching data, so a bad feed is an InvalidArgumentError naming the op (and an
output larger than memory a ResourceExhaustedError), never a numpy error or a huge
allocation.

>>> index_vector(None, np.array([2, 3], np.int64), "dims")
[2, 3]
"""
import math

import numpy as np

from fastscope._src import kernels
from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import errors as _errors

INDEX_TYPES = (_dt.int32, _dt.int64)


def invalid(op, message):
    """An InvalidArgumentError raised by ``op``."""
    return _errors.InvalidArgumentError(None, op, message)


def index_vector(op, value, what):
    """A 1-D integer input's value as a list of Python ints.

    Raises:
      InvalidArgumentError: the value is not a vector.
    """
    v = np.asarray(value)
    if v.ndim != 1:
        raise invalid(op, "%s must be a vector, got shape %s" % (what, list(v.shape)))
    return v.tolist() if v.dtype.kind in "iu" else [int(e) for e in v]


def index_scalar(op, value, what):
    """A scalar (or one-element) integer input's value as a Python int.

    Raises:
      InvalidArgumentError: the value has more than one element.
    """
    v = np.asarray(value)
    if v.size != 1:
        raise invalid(op, "%s must be a scalar, got shape %s" % (what, list(v.shape)))
    return int(v.reshape(-1)[0])


def check_output_size(op, shape, dtype):
    """Refuses an output of ``shape`` that cannot fit in this machine's memory.

    Raises:
      ResourceExhaustedError: TensorFlow's OOM words.
    """
    itemsize = np.dtype(dtype).itemsize if dtype is not object else 8
    if math.prod(shape) * itemsize > kernels.memory_bytes():
        raise _errors.ResourceExhaustedError(
            None, op, "OOM when allocating tensor with shape[%s] and type %s"
            % (",".join(str(d) for d in shape), np.dtype(dtype).name))


def fill_value_of(dtype, value):
    """``value`` (0 or 1) as a fill value of ``dtype`` (TensorFlow's zeros of strings: b"").

    Raises:
      TypeError: ones of strings (TensorFlow's words).
    """
    if dtype is _dt.string:
        if value != 0:
            raise TypeError("Expected string, but got %r of type '%s'." % (value,
                                                                          type(value).__name__))
        return b""
    if dtype is _dt.bool:
        return bool(value)
    return value
