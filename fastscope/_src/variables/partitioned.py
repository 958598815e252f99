"""``PartitionedVariable`` and its creation from a request with a partitioner.

The store creates shards ``name/part_0 … name/part_{k-1}`` with TensorFlow's
split (``partitioners.iter_slices``), each an ordinary variable created
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
from fastscope._src.framework import composites
from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework.graph import get_default_graph
from fastscope._src.framework.op_builder import convert_to_tensor, register_conversion
from fastscope._src.framework.tensor import Tensor
from fastscope._src.framework.tensor_shape import as_shape
from fastscope._src.ops import array_ops
from fastscope._src.variables.partitioners import (PartitionInfo, SaveSliceInfo,
                                                   call_partitioner, iter_slices,
                                                   slice_dim_and_count)


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
                return array_ops.identity(self._variable_list[0], name=self._name)
        axes = self._partition_axes()
        if len(axes) > 1:
            raise NotImplementedError("Cannot concatenate along more than one dimension: %s.  "
                                      "Multi-axis partition concat is not supported" % axes)
        with g.name_scope(self._name + "/ConcatPartitions/"):
            joined = array_ops.concat(self._variable_list, axes[0])
        with g.name_scope(None):
            return array_ops.identity(joined, name=self._name)

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
            t = convert_to_tensor(value, dtype=self._dtype)
            if not self._shape.is_compatible_with(t.shape):
                raise ValueError("Shapes %s and %s are incompatible (assigning to partitioned "
                                 "variable %s)" % (self._shape, t.shape, self._name))
            values = []
            for v in self._variable_list:
                info = v._get_save_slice_info()
                values.append(array_ops.slice_tensor(t, info.var_offset, info.var_shape))
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


register_conversion(PartitionedVariable, lambda v, dtype, name: v._as_tensor(dtype, name))
composites.register_fetch(PartitionedVariable, lambda v: ([v._fetch_tensor()], lambda x: x[0]))
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
        partitions = call_partitioner(req.partitioner, shape, dtype, name)
    g = get_default_graph()
    # One thread at a time decides whether the variable exists and creates it, so threads
    # asking for the same new variable under AUTO_REUSE all get the one it made.
    with g._lock:
        existing = store._partitioned_vars.get(name)
        if existing is not None:
            return _reuse(existing, req, shape, dtype, partitions)
        if req.reuse is True:
            raise ValueError("PartitionedVariable %s does not exist, or was not created with "
                             "tf.get_variable(). Did you mean to set reuse=False or "
                             "reuse=tf.AUTO_REUSE in VarScope?" % name)
        slice_dim, num_slices = slice_dim_and_count(partitions)
        _check_existing_shards(store, name, num_slices)
        full = shape.as_list()
        # Every shard's placement is checked before anything is created (TensorFlow fails
        # half-way through when a partitioner asks for more shards than rows).
        slices = [(PartitionInfo(full, off), off, sh)
                  for off, sh in iter_slices(full, num_slices, slice_dim)]
        with g.transaction():
            shards = [_make_shard(g, store, req, i, info, off, sh, dtype, full)
                      for i, (info, off, sh) in enumerate(slices)]
            pv = PartitionedVariable(name, shape, shards[0].dtype.base_dtype, shards,
                                     partitions)
            g.journal_put(store._partitioned_vars, name, pv)
    return pv


def _reuse(existing, req, shape, dtype, partitions):
    name = req.name
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


def _check_existing_shards(store, name, num_slices):
    if "%s/part_0" % name not in store._vars:
        return
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


def _make_shard(g, store, req, i, info, offset, shape, dtype, full):
    shard_name = "%s/part_%d" % (req.name, i)
    shard_init, shard_shape, shard_dtype = _shard_initializer(
        g, shard_name, req.initializer, dtype, offset, shape)
    with g.name_scope(None):
        v = store.get_single(req.replace(
            name=shard_name, shape=shard_shape, dtype=shard_dtype, initializer=shard_init,
            partition_info=info, partitioner=None))
    v._set_save_slice_info(SaveSliceInfo(req.name, list(full), list(offset), list(shape),
                                         shard_name))
    return v


def _shard_initializer(g, shard_name, init, dtype, offset, shape):
    """(initializer, shape, dtype) for one shard, as TensorFlow slices value initialisers."""
    # TensorFlow opens this name scope for every shard, whatever the initializer.
    with g.name_scope(shard_name + "/PartitionedInitializer"):
        if init is None or callable(init) and not isinstance(init, Tensor):
            return init, shape, dtype
        if isinstance(init, Tensor):
            return array_ops.slice_tensor(init, offset, shape), None, init.dtype.base_dtype
        value = convert_to_tensor(init, dtype=dtype)
        if value.shape.ndims != len(shape):
            raise ValueError("The initial value of partitioned variable %s has shape %s, but the "
                             "variable's shape has rank %d" % (shard_name.rsplit("/", 1)[0],
                                                               value.shape, len(shape)))
        return array_ops.slice_tensor(value, offset, shape), None, dtype


__all__ = ["PartitionedVariable", "get_partitioned_variable"]
