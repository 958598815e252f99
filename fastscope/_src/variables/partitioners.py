"""Partitioners and the bookkeeping of shards: where each sits in its full variable.

A partitioner maps a variable's full shape and dtype to a number of shards per
axis (more than one on a single axis at most). ``iter_slices`` gives TensorFlow's
split along that axis (the first ``dim % k`` shards get one extra row);
``PartitionInfo`` tells an initialiser where its shard sits, ``SaveSliceInfo``
how a checkpoint stores it.

>>> import fastscope as tf
>>> tf.fixed_size_partitioner(3)(tf.TensorShape([10, 4]))
[3, 1]
>>> [shape for _, shape in iter_slices([10, 4], 3, 0)]
[[4, 4], [3, 4], [3, 4]]
"""
import collections.abc
import dataclasses
import math
import numbers

from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework.tensor_shape import TensorShape, as_shape


class PartitionInfo:
    """Where a shard sits in its full variable (TensorFlow's ``_PartitionInfo``).

    Args:
      full_shape: the unpartitioned variable's shape (list or tuple of ints).
      var_offset: the shard's offset in it, one entry per dimension.

    Raises:
      TypeError: ``full_shape`` or ``var_offset`` is not a list or tuple.
      ValueError: lengths differ, or an offset is outside ``[0, dim)``.

    >>> PartitionInfo([10, 4], [3, 0]).single_offset([2, 4])
    3
    """

    __slots__ = ("_full_shape", "_var_offset")

    def __init__(self, full_shape, var_offset):
        if not isinstance(full_shape, (list, tuple)):
            raise TypeError("`full_shape` must be a sequence (like tuple or list) instead of "
                            + type(full_shape).__name__)
        if not isinstance(var_offset, (list, tuple)):
            raise TypeError("`var_offset` must be a sequence (like tuple or list) instead of "
                            + type(var_offset).__name__)
        if len(var_offset) != len(full_shape):
            raise ValueError("Expected equal length, but `var_offset` is of length {} while "
                             "full_shape is of length {}.".format(len(var_offset), len(full_shape)))
        for offset, dim in zip(var_offset, full_shape):
            if offset < 0 or offset >= dim:
                raise ValueError("Expected 0 <= offset < shape but found offset={}, shape={} for "
                                 "var_offset={}, full_shape={}".format(offset, dim, var_offset,
                                                                       full_shape))
        self._full_shape = list(full_shape)
        self._var_offset = list(var_offset)

    full_shape = property(lambda self: self._full_shape)
    var_offset = property(lambda self: self._var_offset)

    def single_offset(self, shape):
        """The offset along the sliced dimension (0 if ``shape`` is the full shape)."""
        dim = self.single_slice_dim(shape)
        return 0 if dim is None else self._var_offset[dim]

    def single_slice_dim(self, shape):
        """The one dimension along which a shard of ``shape`` is sliced (None if not sliced).

        Raises:
          TypeError: ``shape`` is not a list or tuple.
          ValueError: wrong rank, a shard past the full shape, or two sliced dimensions.
        """
        if not isinstance(shape, (tuple, list)):
            raise TypeError("`shape` must be a sequence (like tuple or list) instead of "
                            + type(shape).__name__)
        full = self._full_shape
        if len(shape) != len(full):
            raise ValueError("Expected equal length, but received shape={} of length {} while "
                             "self.full_shape={} is of length {}.".format(shape, len(shape), full,
                                                                         len(full)))
        for i, n in enumerate(shape):
            if self._var_offset[i] + n > full[i]:
                raise ValueError("With self.var_offset={}, a partition of shape={} would exceed "
                                 "self.full_shape={} in dimension {}.".format(
                                     self._var_offset, shape, full, i))
        found = None
        for i, n in enumerate(shape):
            if n == full[i]:
                continue
            if found is not None:
                raise ValueError("Cannot use single_slice_dim() with shape={} and "
                                 "self.full_shape={} since slice dim could be either dimension "
                                 "{} or {}.".format(shape, full, i, found))
            found = i
        return found

    def __repr__(self):
        return "PartitionInfo(full_shape=%s, var_offset=%s)" % (self._full_shape, self._var_offset)


@dataclasses.dataclass
class SaveSliceInfo:
    """How a shard is saved as a slice of its full variable (``Variable.SaveSliceInfo``).

    >>> SaveSliceInfo("w", [10, 4], [4, 0], [3, 4]).spec
    '10 4 4,3:0,4'
    """
    full_name: str = None
    full_shape: list = None
    var_offset: list = None
    var_shape: list = None
    var_full_name: str = None

    @property
    def spec(self):
        """The slice spec used in checkpoints: ``"<full shape> <offset>,<len>:..."``."""
        full = " ".join("%d" % d for d in self.full_shape) + " "
        return full + ":".join("%d,%d" % (o, n) for o, n in zip(self.var_offset, self.var_shape))


# -- partitioners ------------------------------------------------------------------------------------
def _check_shape_arg(shape):
    if not isinstance(shape, TensorShape):
        raise ValueError("shape is not a TensorShape: %s" % (shape,))
    if not shape.is_fully_defined():
        raise ValueError("shape is not fully defined: %s" % (shape,))


def _element_bytes(dtype, bytes_per_string_element):
    dt = _dt.as_dtype(dtype).base_dtype
    return bytes_per_string_element if dt is _dt.string else dt.size


def _axis_dim(shape, axis):
    dims = as_shape(shape).as_list()
    if not -len(dims) <= axis < len(dims):
        raise IndexError("partitioner axis %d is out of range for a variable of rank %d "
                         "(shape %s)" % (axis, len(dims), as_shape(shape)))
    return dims, axis % len(dims)


def fixed_size_partitioner(num_shards, axis=0):
    """A partitioner making ``num_shards`` shards along ``axis`` (at most one per row).

    Args:
      num_shards: the number of shards.
      axis: the axis to split.

    Returns:
      ``partitioner(shape, dtype=None) -> list`` of shard counts per axis.

    >>> import fastscope as tf
    >>> tf.fixed_size_partitioner(4)(tf.TensorShape([10, 3]))
    [4, 1]
    """
    def _partitioner(shape, **unused_args):
        dims, ax = _axis_dim(shape, axis)
        parts = [1] * len(dims)
        parts[ax] = min(num_shards, dims[ax])
        return parts
    return _partitioner


def _check_number(value, what):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError("%s must be a number, got %r of type %s"
                        % (what, value, type(value).__name__))


def variable_axis_size_partitioner(max_shard_bytes, axis=0, bytes_per_string_element=16,
                                   max_shards=None):
    """A partitioner keeping each shard under ``max_shard_bytes`` (TensorFlow's arithmetic).

    Args:
      max_shard_bytes: the most bytes a shard should hold (a shard holds at least one slice).
      axis: the axis to split.
      bytes_per_string_element: the assumed size of one string element.
      max_shards: an upper bound on the number of shards, if any.

    Returns:
      ``partitioner(shape, dtype) -> list`` of shard counts per axis.

    Raises:
      TypeError: a non-numeric ``max_shard_bytes`` or ``bytes_per_string_element``.
      ValueError: a non-positive argument; at call time, a shape that is not a fully
        defined TensorShape.

    >>> import fastscope as tf
    >>> tf.variable_axis_size_partitioner(1000)(shape=tf.TensorShape([1000, 10]), dtype=tf.float32)
    [40, 1]
    """
    _check_number(max_shard_bytes, "max_shard_bytes")
    _check_number(bytes_per_string_element, "bytes_per_string_element")
    if max_shard_bytes < 1 or bytes_per_string_element < 1:
        raise ValueError("Both max_shard_bytes and bytes_per_string_element must be positive. "
                         "Currently, max_shard_bytes is %d and bytes_per_string_element is %d"
                         % (max_shard_bytes, bytes_per_string_element))
    if max_shards and max_shards < 1:
        raise ValueError("max_shards must be positive.")

    def _partitioner(shape, dtype):
        _check_shape_arg(shape)
        dims, ax = _axis_dim(shape, axis)
        size = _element_bytes(dtype, bytes_per_string_element)
        parts = [1] * len(dims)
        if dims[ax] == 0:
            return parts
        bytes_per_slice = 1.0 * (shape.num_elements() / dims[ax]) * size
        slices_per_shard = max(1, math.floor(max_shard_bytes / bytes_per_slice)) \
            if bytes_per_slice else dims[ax]
        shards = int(math.ceil(1.0 * dims[ax] / slices_per_shard))
        if max_shards:
            shards = min(max_shards, shards)
        parts[ax] = shards
        return parts
    return _partitioner


def min_max_variable_partitioner(max_partitions=1, axis=0, min_slice_size=256 << 10,
                                 bytes_per_string_element=16):
    """A partitioner giving shards of at least ``min_slice_size`` bytes, at most ``max_partitions``.

    Args:
      max_partitions: the most shards.
      axis: the axis to split.
      min_slice_size: the least bytes per shard (the last may be smaller).
      bytes_per_string_element: the assumed size of one string element.

    Returns:
      ``partitioner(shape, dtype) -> list`` of shard counts per axis.

    Raises:
      ValueError: a non-positive ``min_slice_size``. Differs from TensorFlow, which fails
        later with ZeroDivisionError.

    >>> import fastscope as tf
    >>> p = tf.min_max_variable_partitioner(max_partitions=4, min_slice_size=1000)
    >>> p(shape=tf.TensorShape([1000, 10]), dtype=tf.float64)
    [4, 1]
    """
    _check_number(min_slice_size, "min_slice_size")
    if min_slice_size <= 0:
        raise ValueError("min_slice_size must be positive, got %r" % (min_slice_size,))

    def _partitioner(shape, dtype):
        _check_shape_arg(shape)
        dims, ax = _axis_dim(shape, axis)
        total = shape.num_elements() * _element_bytes(dtype, bytes_per_string_element)
        parts = [1] * len(dims)
        parts[ax] = max(1, min(dims[ax], max_partitions, int(math.ceil(total / min_slice_size))))
        return parts
    return _partitioner


def call_partitioner(partitioner, shape, dtype, name):
    """The validated shard counts of ``partitioner`` for variable ``name``."""
    if not shape.is_fully_defined():
        raise ValueError("Shape of a new partitioned variable must be fully defined, but instead "
                         "was %s. (variable %s)" % (shape, name))
    if shape.ndims < 1:
        raise ValueError("A partitioned Variable must have rank at least 1, shape: %s (variable "
                         "%s)" % (shape, name))
    slicing = partitioner(shape=shape, dtype=dtype)
    if not isinstance(slicing, collections.abc.Sequence) or isinstance(slicing, str):
        raise ValueError("Partitioner must return a sequence, but saw: %s (variable %s)"
                         % (slicing, name))
    if len(slicing) != shape.ndims:
        raise ValueError("Partitioner returned a partition list that does not match the "
                         "Variable's rank: %s vs. %s (variable %s)" % (slicing, shape, name))
    for p in slicing:
        if isinstance(p, bool) or not isinstance(p, numbers.Integral):
            raise TypeError("Partitioner returned non-integer partitions: %s (variable %s, "
                            "shape %s)" % (slicing, name, shape))
    if any(p < 1 for p in slicing):
        raise ValueError("Partitioner returned zero partitions for some axes: %s (variable %s, "
                         "shape %s)" % (slicing, name, shape))
    if sum(p > 1 for p in slicing) > 1:
        raise ValueError("Can only slice a variable along one dimension: shape: %s, "
                         "partitioning: %s (variable %s)" % (shape, slicing, name))
    return [int(p) for p in slicing]


def slice_dim_and_count(partitions):
    for dim, n in enumerate(partitions):
        if n > 1:
            return dim, n
    return 0, 1


def iter_slices(full_shape, num_slices, slice_dim):
    """(offset, shape) of each shard: the first ``dim % num_slices`` get one extra row."""
    extra = full_shape[slice_dim] % num_slices
    base = full_shape[slice_dim] // num_slices
    offset = [0] * len(full_shape)
    for i in range(num_slices):
        shape = list(full_shape)
        shape[slice_dim] = base + (i < extra)
        yield list(offset), shape
        offset[slice_dim] += shape[slice_dim]


