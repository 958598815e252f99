"""Partitioned variables: partitioners, ``PartitionedVariable`` and their creation.

A partitioner maps a variable's full shape and dtype to a number of shards per
axis (more than one on a single axis at most). The store then creates shards
``name/part_0 … name/part_{k-1}`` with TensorFlow's split along that axis (the
first ``dim % k`` shards get one extra row), each an ordinary variable created
through ``VariableStore.get_single`` (reuse checks, regularizers and
collections apply per shard), and groups them into a ``PartitionedVariable``.

Differs from TensorFlow: with the same seeds, a partitioned variable holds
exactly the values the unpartitioned variable would hold, whatever the number
of shards or the axis (random initialisers fill each shard from its offset in
the full tensor), and a failed creation leaves nothing half-made behind.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     pv = tf.get_variable("w", [10, 4], partitioner=tf.fixed_size_partitioner(3))
...     print([v.name for v in pv], [v.shape.as_list()[0] for v in pv])
['w/part_0:0', 'w/part_1:0', 'w/part_2:0'] [4, 3, 3]
"""
import collections.abc
import dataclasses
import math
import numbers

from fastscope._src import dtypes as _dt
from fastscope._src import ops as _ops
from fastscope._src.graph import Tensor, get_default_graph
from fastscope._src.tensor_shape import TensorShape, as_shape


# -- slice bookkeeping ------------------------------------------------------------------------------
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


def _call_partitioner(partitioner, shape, dtype, name):
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


def _slice_dim_and_count(partitions):
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


# -- the partitioned variable -----------------------------------------------------------------------
class PartitionedVariable:
    """A variable stored as shards along one axis (TensorFlow's ``PartitionedVariable``).

    Iterating gives the shard variables in offset order; used where a tensor is
    expected, it becomes the concatenation of its shards (``as_tensor()``).

    Args:
      name: the full variable name (without ``/part_i``).
      shape: the full shape.
      dtype: the dtype.
      variable_list: the shards; each must carry a save-slice info.
      partitions: shard counts per axis.

    Raises:
      TypeError: ``variable_list`` or ``partitions`` is not a list or tuple.
      ValueError: no shards, non-positive partitions, or shards disagreeing with ``shape``.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     pv = tf.get_variable("e", [6, 2], partitioner=tf.fixed_size_partitioner(2))
    ...     print(len(pv), pv.get_shape(), pv.as_tensor().name)
    2 (6, 2) e:0
    """

    def __init__(self, name, shape, dtype, variable_list, partitions):
        if not isinstance(variable_list, (list, tuple)):
            raise TypeError("variable_list is not a list or tuple: %s" % (variable_list,))
        if not isinstance(partitions, (list, tuple)):
            raise TypeError("partitions is not a list or tuple: %s" % (partitions,))
        if not all(p >= 1 for p in partitions):
            raise ValueError("partition values must be positive: %s" % (partitions,))
        if not variable_list:
            raise ValueError("variable_list may not be empty")
        full = as_shape(shape)
        for v in variable_list:
            info = v._get_save_slice_info()
            if info is None:
                raise ValueError("All variables must have a save_slice_info available: %s"
                                 % [x.name for x in variable_list])
            if len(full) != len(partitions):
                raise ValueError("len(shape) != len(partitions): %s vs. %s" % (full, partitions))
            if list(info.full_shape) != full.as_list():
                raise ValueError("All variables' full shapes must match shape: %s; but full "
                                 "shapes were: %s" % (full, info.full_shape))
        self._variable_list = sorted(variable_list,
                                     key=lambda v: v._get_save_slice_info().var_offset)
        self._name = name
        self._shape = full
        self._dtype = _dt.as_dtype(dtype).base_dtype
        self._partitions = list(partitions)
        self._fetch = None

    name = property(lambda self: self._name)
    dtype = property(lambda self: self._dtype)
    shape = property(lambda self: self._shape)
    graph = property(lambda self: self._variable_list[0].graph)

    def get_shape(self):
        return self._shape

    def __iter__(self):
        return iter(self._variable_list)

    def __len__(self):
        axes = self._partition_axes()
        if len(axes) > 1:
            raise ValueError("Cannot get a length for %d > 1 partition axes" % len(axes))
        return len(self._variable_list)

    def _partition_axes(self):
        if all(p == 1 for p in self._partitions):
            return [0]
        return [i for i, p in enumerate(self._partitions) if p > 1]

    def _get_variable_list(self):
        return self._variable_list

    def _get_partitions(self):
        return self._partitions

    def _concat(self):
        g = self.graph
        if len(self._variable_list) == 1:
            with g.name_scope(None):
                return _ops.identity(self._variable_list[0], name=self._name)
        axes = self._partition_axes()
        if len(axes) > 1:
            raise NotImplementedError("Cannot concatenate along more than one dimension: %s.  "
                                      "Multi-axis partition concat is not supported" % axes)
        with g.name_scope(self._name + "/ConcatPartitions/"):
            joined = _ops.concat(self._variable_list, axes[0])
        with g.name_scope(None):
            return _ops.identity(joined, name=self._name)

    def as_tensor(self):
        """A new tensor holding the full value: the shards concatenated (``name/ConcatPartitions``).

        Control dependencies in effect are ignored, as in TensorFlow.
        """
        with self.graph.as_default(), self.graph.control_dependencies(None):
            return self._concat()

    def _fetch_tensor(self):
        # Session.run(pv): one cached concat rather than new ops on every run.
        if self._fetch is None:
            self._fetch = self.as_tensor()
        return self._fetch

    def _as_tensor(self, dtype=None, name=None):
        if dtype is not None and not _dt.as_dtype(dtype).is_compatible_with(self._dtype):
            raise ValueError("Incompatible type conversion requested to type '%s' for variable "
                             "of type '%s'" % (_dt.as_dtype(dtype).name, self._dtype.name))
        return self.as_tensor()

    def _apply(self, method, value, name):
        axes = self._partition_axes()
        if len(axes) > 1:
            raise NotImplementedError("Cannot do assign action along more than one dimension: "
                                      "%s.  Multi-axis partition assign action is not supported "
                                      % axes)
        if isinstance(value, PartitionedVariable):
            values = list(value)
        elif isinstance(value, list):
            values = value
        else:
            t = _ops.convert_to_tensor(value, dtype=self._dtype)
            if not self._shape.is_compatible_with(t.shape):
                raise ValueError("Shapes %s and %s are incompatible (assigning to partitioned "
                                 "variable %s)" % (self._shape, t.shape, self._name))
            values = []
            for v in self._variable_list:
                info = v._get_save_slice_info()
                values.append(slice_tensor(t, info.var_offset, info.var_shape))
        if len(values) != len(self._variable_list):
            raise ValueError("Expected %d values for partitioned variable %s, got %d"
                             % (len(self._variable_list), self._name, len(values)))
        return [getattr(v, method)(x) for v, x in zip(self._variable_list, values)]

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """Assigns ``value`` (full-shape value, list of per-shard values, or a PartitionedVariable).

        Returns:
          The list of per-shard assign tensors, as TensorFlow.
        """
        return self._apply("assign", value, name)

    def __repr__(self):
        return "<tf.PartitionedVariable '%s' shape=%s dtype=%s partitions=%s>" % (
            self._name, self._shape, self._dtype.name, self._partitions)


_ops.register_conversion(PartitionedVariable, lambda v, dtype, name: v._as_tensor(dtype, name))


def _slice_kernel(ctx, op, x):
    return x[op._attrs["index"]]


def slice_tensor(x, begin, size, name="Slice"):
    """``x[begin : begin + size]`` per dimension (op ``Slice``, sizes known)."""
    x = _ops.convert_to_tensor(x)
    g = _ops.graph_for((x,))
    index = tuple(slice(int(b), int(b) + int(n)) for b, n in zip(begin, size))
    op = g._add_op("Slice", _ops.op_name(g, name, "Slice"), (x,),
                   [(x.dtype, TensorShape([int(n) for n in size]))],
                   {"begin": list(begin), "size": list(size), "index": index}, _slice_kernel)
    return op._outputs[0]


# -- creation ---------------------------------------------------------------------------------------
def get_partitioned_variable(store, req):
    """Gets or creates the PartitionedVariable ``req.name`` (TF's ``_get_partitioned_variable``).

    Called by ``VariableStore._true_get``. A failed creation leaves the store, the
    graph's ops, collections and name counters as they were.

    Raises:
      ValueError: TensorFlow's reuse, shape, dtype and partitioning mismatches (with the
        variable's name), or a partitioner result that is not a valid partitioning.
      TypeError: non-integer shard counts.
    """
    name = req.name
    init = req.initializer
    if name in store._vars:
        raise ValueError("A partitioner was provided, but an unpartitioned version of the "
                         "variable was found: %s.  Perhaps a variable of the same name was "
                         "already created without partitioning?" % name)
    shape = as_shape(req.shape)
    if isinstance(init, Tensor):
        shape = shape.merge_with(init.shape)
    dtype = _dt.as_dtype(req.dtype).base_dtype
    partitions = None
    if not req.reuse or req.partitioner is not None:
        partitions = _call_partitioner(req.partitioner, shape, dtype, name)
    existing = store._partitioned_vars.get(name)
    if existing is not None:
        if req.reuse is False:
            raise ValueError("Partitioned variable with name %s already exists. Did you mean to "
                             "set reuse=True or reuse=tf.AUTO_REUSE in VarScope?" % name)
        if not shape.is_compatible_with(existing.get_shape()):
            raise ValueError("Trying to reuse partitioned variable %s, but specified shape %s "
                             "and found shape %s." % (name, shape, existing.get_shape()))
        if not dtype.is_compatible_with(existing.dtype):
            raise ValueError("Trying to reuse partitioned variable %s, but specified dtype %s "
                             "and found dtype %s." % (name, dtype.name, existing.dtype.name))
        if partitions is not None and existing._get_partitions() != partitions:
            raise ValueError("Trying to reuse partitioned variable %s, but specified partitions "
                             "%s and found partitions %s."
                             % (name, partitions, existing._get_partitions()))
        return existing
    if req.reuse is True:
        raise ValueError("PartitionedVariable %s does not exist, or was not created with "
                         "tf.get_variable(). Did you mean to set reuse=False or "
                         "reuse=tf.AUTO_REUSE in VarScope?" % name)
    slice_dim, num_slices = _slice_dim_and_count(partitions)
    if "%s/part_0" % name in store._vars:
        if "%s/part_%d" % (name, num_slices - 1) not in store._vars:
            raise ValueError("Partitioner returned a different partitioning than what was "
                             "already found.  Partitioner returned %d shards, and shard %s/part_0 "
                             "was found, but %s/part_%d was not."
                             % (num_slices, name, name, num_slices - 1))
        if "%s/part_%d" % (name, num_slices) in store._vars:
            raise ValueError("Partitioner returned a different partitioning than what was "
                             "already found.  Partitioner returned %d shards, and shard %s/part_0 "
                             "was found, but so was the extra shard %s/part_%d."
                             % (num_slices, name, name, num_slices))
    full = shape.as_list()
    # Every shard's placement is checked before anything is created (TensorFlow fails
    # half-way through when a partitioner asks for more shards than rows).
    slices = [(PartitionInfo(full, off), off, sh)
              for off, sh in iter_slices(full, num_slices, slice_dim)]
    g = get_default_graph()
    with g._lock:
        cp = g._checkpoint()
        # A nested checkpoint taken while the journal is still empty gets marker 0 and its
        # commit would end our journal; an entry of our own keeps the shards' ops undoable.
        if g._local.journal is not None:
            g._local.journal.append(("mark", None))
        made = []
        try:
            shards = []
            for i, (info, off, sh) in enumerate(slices):
                shard_name = "%s/part_%d" % (name, i)
                shard_init, shard_shape, shard_dtype = _shard_initializer(
                    g, shard_name, init, dtype, off, sh)
                existed = shard_name in store._vars
                with g.name_scope(None):
                    v = store.get_single(dataclasses.replace(
                        req, name=shard_name, shape=shard_shape, dtype=shard_dtype,
                        initializer=shard_init, partition_info=info, partitioner=None))
                if not existed:
                    made.append(shard_name)
                v._set_save_slice_info(SaveSliceInfo(name, list(full), list(off), list(sh),
                                                     shard_name))
                shards.append(v)
            pv = PartitionedVariable(name, shape, shards[0].dtype.base_dtype, shards,
                                     partitions)
        except BaseException:
            for n in made:
                store._vars.pop(n, None)
            g._rollback(cp)
            raise
        g._commit(cp)
        store._partitioned_vars[name] = pv
    return pv


def _shard_initializer(g, shard_name, init, dtype, offset, shape):
    """(initializer, shape, dtype) for one shard, as TensorFlow slices value initialisers."""
    # TensorFlow opens this name scope for every shard, whatever the initializer.
    with g.name_scope(shard_name + "/PartitionedInitializer"):
        if init is None or callable(init) and not isinstance(init, Tensor):
            return init, shape, dtype
        if isinstance(init, Tensor):
            return slice_tensor(init, offset, shape), None, init.dtype.base_dtype
        value = _ops.convert_to_tensor(init, dtype=dtype)
        if value.shape.ndims != len(shape):
            raise ValueError("The initial value of partitioned variable %s has shape %s, but the "
                             "variable's shape has rank %d" % (shard_name.rsplit("/", 1)[0],
                                                               value.shape, len(shape)))
        return slice_tensor(value, offset, shape), None, dtype


def create_partitioned_variables(shape, slicing, initializer, dtype=_dt.float32, trainable=True,
                                 collections=None, name=None, reuse=None):
    """Creates a variable of ``shape`` split by ``slicing`` and returns its shards (TF1 helper).

    Args:
      shape: the full shape (list of ints).
      slicing: shard counts per dimension (one dimension > 1 at most).
      initializer: a callable initialiser, a Tensor or a value of the full shape.
      dtype: the dtype (for callables).
      trainable: add the shards to TRAINABLE_VARIABLES.
      collections: collections for the shards (default [GLOBAL_VARIABLES]).
      name: the variable scope opened for it (default ``PartitionedVariable``, uniquified).
      reuse: reuse an existing partitioned variable of that name.

    Returns:
      The list of shard variables.

    Raises:
      ValueError: ``shape`` and ``slicing`` of different lengths, rank 0, a bad slicing,
        a custom getter in the scope, or TensorFlow's reuse errors.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     vs = tf.create_partitioned_variables([10, 4], [1, 2], tf.zeros_initializer())
    ...     print([v.name for v in vs])
    ['PartitionedVariable/part_0:0', 'PartitionedVariable/part_1:0']
    """
    from fastscope._src.scopes import variable_scope
    from fastscope._src.store import VariableRequest, get_default_store
    if len(shape) != len(slicing):
        raise ValueError("The 'shape' and 'slicing' of a partitioned Variable must have the "
                         "length: shape: %s, slicing: %s" % (shape, slicing))
    if len(shape) < 1:
        raise ValueError("A partitioned Variable must have rank at least 1: shape: %s" % (shape,))
    fixed = list(slicing)

    def partitioner(**unused):
        return fixed
    with variable_scope(name, "PartitionedVariable", reuse=reuse) as scope:
        if scope.custom_getter is not None:
            raise ValueError("Private access to _get_partitioned_variable is not allowed when a "
                             "custom getter is set.  Current custom getter: %s.  It is likely "
                             "that you're using create_partitioned_variables.  If so, consider "
                             "instead using get_variable with a non-empty partitioner parameter "
                             "instead." % scope.custom_getter)
        init = initializer if initializer is not None else scope.initializer
        dt = dtype if dtype is not None else scope.dtype
        req = VariableRequest(scope.name, shape, _dt.as_dtype(dt).base_dtype, init,
                              scope.regularizer, scope.reuse, trainable, collections,
                              scope.caching_device, partitioner, True, scope.use_resource,
                              scope.constraint)
        from fastscope._src.variables import validate_sync_agg_trainable
        req.synchronization, req.aggregation, req.trainable = validate_sync_agg_trainable(
            None, None, trainable, scope.name)
        g = get_default_graph()
        with g.name_scope(None):
            return list(get_partitioned_variable(get_default_store(g), req))


__all__ = ["PartitionInfo", "SaveSliceInfo", "PartitionedVariable", "fixed_size_partitioner",
           "variable_axis_size_partitioner", "min_max_variable_partitioner",
           "create_partitioned_variables", "get_partitioned_variable", "iter_slices",
           "slice_tensor"]
