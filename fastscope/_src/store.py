"""The variable store behind ``tf.get_variable``: look-up, reuse checks and creation.

One typed ``VariableRequest`` travels down the creation path instead of a
growing keyword list. Custom getters see TensorFlow's keyword protocol; the
request is rebuilt from their keywords where they call the real getter.
A failed creation leaves the store, the graph's collections and its name
counters as they were.
"""
import dataclasses
import traceback
from typing import Any, Optional

from fastscope import _names
from fastscope._src import dtypes as _dt
from fastscope._src import ops as _ops
from fastscope._src.graph import GraphKeys, Tensor, get_default_graph
from fastscope._src.tensor_shape import TensorShape, as_shape
from fastscope._src.scopes import get_variable_scope_store
from fastscope._src.variables import Variable, shape_key as _shape_key
from fastscope._src.variables import validate_sync_agg_trainable

_VARSTORE_KEY = ("__variable_store",)


@dataclasses.dataclass
class VariableRequest:
    """Everything get_variable needs to get or create one variable."""
    name: str
    shape: Any = None
    dtype: Any = _dt.float32
    initializer: Any = None
    regularizer: Any = None
    reuse: Any = None
    trainable: Optional[bool] = None
    collections: Any = None
    caching_device: Any = None
    partitioner: Any = None
    validate_shape: bool = True
    use_resource: Any = None
    constraint: Any = None
    synchronization: Any = None
    aggregation: Any = None
    partition_info: Any = None

    def getter_kwargs(self):
        """The keywords TensorFlow passes to a custom getter (after ``getter`` and ``name``)."""
        return dict(shape=self.shape, dtype=self.dtype, initializer=self.initializer,
                    regularizer=self.regularizer, reuse=self.reuse, trainable=self.trainable,
                    collections=self.collections, caching_device=self.caching_device,
                    partitioner=self.partitioner, validate_shape=self.validate_shape,
                    use_resource=self.use_resource, constraint=self.constraint,
                    synchronization=self.synchronization, aggregation=self.aggregation)


class VariableStore:
    """name -> variable for one graph (TensorFlow's ``_VariableStore``).

    ``_vars`` holds single variables (shards too, as ``name/part_i``);
    ``_partitioned_vars`` the PartitionedVariables by full name.
    """

    def __init__(self):
        self._table = _names.VarTable()
        self._vars = self._table.vars
        self._partitioned_vars = {}

    def get_variable(self, name, shape=None, dtype=_dt.float32, initializer=None,
                     regularizer=None, reuse=None, trainable=None, collections=None,
                     caching_device=None, partitioner=None, validate_shape=True,
                     use_resource=None, custom_getter=None, constraint=None,
                     synchronization=None, aggregation=None):
        """Gets or creates a variable (TensorFlow's ``_VariableStore.get_variable``)."""
        req = VariableRequest(name, shape, getattr(dtype, "base_dtype", dtype), initializer,
                              regularizer, reuse, trainable, collections, caching_device,
                              partitioner, validate_shape, use_resource, constraint,
                              synchronization, aggregation)
        return self.get(req, custom_getter)

    def get(self, req, custom_getter=None):
        req.synchronization, req.aggregation, req.trainable = validate_sync_agg_trainable(
            req.synchronization, req.aggregation, req.trainable, req.name)
        if custom_getter is None:
            return self._true_get(req)

        def true_getter(name, shape=None, dtype=_dt.float32, initializer=None, regularizer=None,
                        reuse=None, trainable=None, collections=None, caching_device=None,
                        partitioner=None, validate_shape=True, use_resource=None,
                        constraint=None, synchronization=None, aggregation=None):
            return self._true_get(VariableRequest(
                name, shape, getattr(dtype, "base_dtype", dtype), initializer, regularizer,
                reuse, trainable, collections, caching_device, partitioner, validate_shape,
                use_resource, constraint, synchronization, aggregation))
        return custom_getter(true_getter, req.name, **req.getter_kwargs())

    def _true_get(self, req):
        shape = req.shape
        is_scalar = shape is not None and isinstance(shape, (list, tuple)) and not shape
        if req.partitioner is not None and not is_scalar:
            if not callable(req.partitioner):
                raise ValueError("Partitioner must be callable, but received: %s"
                                 % (req.partitioner,))
            from fastscope._src import partitioning
            with get_default_graph().name_scope(None):
                return partitioning.get_partitioned_variable(self, req)
        if req.reuse is True and req.partitioner is None and req.name in self._partitioned_vars:
            from fastscope._src import partitioning
            return partitioning.get_partitioned_variable(self, req)
        if "%s/part_0" % req.name in self._vars:
            raise ValueError("No partitioner was provided, but a partitioned version of the "
                             "variable was found: %s/part_0. Perhaps a variable of the same name "
                             "was already created with partitioning?" % req.name)
        return self.get_single(req)

    def get_single(self, req):
        """Returns the existing variable ``req.name`` or creates it (reuse rules apply)."""
        name = req.name
        initializer = req.initializer
        from_value = initializer is not None and not callable(initializer)
        if req.shape is not None and from_value:
            raise ValueError("If initializer is a constant, do not specify shape.")
        dtype = _dt.as_dtype(req.dtype)
        shape = as_shape(req.shape)
        status, found = self._table.lookup(name, req.reuse)
        if status == _names.FOUND:
            return self._check_shared(found, name, shape, dtype)
        if status == _names.EXISTS_DISALLOWED:
            self._raise_exists(name, found, req.reuse)
        if status == _names.MISSING_DISALLOWED:
            raise ValueError("Variable %s does not exist, or was not created with "
                             "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
                             "VarScope?" % name)
        g = get_default_graph()
        with g._lock:
            # Another thread may have created it since the look-up.
            status, found = self._table.lookup(name, req.reuse)
            if status == _names.FOUND:
                return self._check_shared(found, name, shape, dtype)
            if status == _names.EXISTS_DISALLOWED:
                self._raise_exists(name, found, req.reuse)
            cp = g._checkpoint()
            try:
                v = self._create(g, req, dtype, shape, from_value)
            except BaseException:
                g._rollback(cp)
                raise
            g._commit(cp)
            self._vars[name] = v
        return v

    @staticmethod
    def _check_shared(found, name, shape, dtype):
        if not shape.is_compatible_with(found.get_shape()):
            raise ValueError("Trying to share variable %s, but specified shape %s and found "
                             "shape %s." % (name, shape, found.get_shape()))
        if not dtype.is_compatible_with(found.dtype):
            raise ValueError("Trying to share variable %s, but specified dtype %s and found "
                             "dtype %s." % (name, dtype.name, found.dtype.name))
        return found

    @staticmethod
    def _raise_exists(name, var, reuse):
        tb = getattr(var.op, "_traceback", None) or []
        where = "".join(traceback.format_list(
            [(f, line, fn, _source_line(f, line)) for f, line, fn in tb]))
        raise ValueError("Variable %s already exists, disallowed. Did you mean to set reuse=True "
                         "or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n\n%s"
                         % (name, where))

    def _create(self, g, req, dtype, shape, from_value):
        initializer = req.initializer
        if initializer is None:
            initializer, from_value = default_initializer(req.name, dtype)
        if from_value:
            init_val, var_dtype = initializer, None
        else:
            if isinstance(initializer, type):
                initializer = initializer()
            if shape.is_fully_defined():
                from fastscope._src.initializers import bind_initializer
                init_val = bind_initializer(initializer, shape.as_list(), dtype,
                                            req.partition_info)
                var_dtype = dtype
            elif req.shape is None:
                raise ValueError("Variable %s did not get an initializer, so its `shape` "
                                 "argument must be specified." % req.name
                                 if req.initializer is None else
                                 "The initializer passed is not valid. It should be a callable "
                                 "with no arguments and the shape should not be provided or an "
                                 "instance of `tf.keras.initializers.*' and `shape` should be "
                                 "fully defined.")
            else:
                raise ValueError("Shape of a new variable (%s) must be fully defined, but "
                                 "instead was %s." % (req.name, shape))
        v = Variable(initial_value=init_val, name=req.name, trainable=req.trainable,
                     collections=req.collections, caching_device=req.caching_device,
                     dtype=var_dtype, validate_shape=req.validate_shape,
                     constraint=req.constraint, synchronization=req.synchronization,
                     aggregation=req.aggregation)
        if req.partition_info is not None:
            v._partition_info = req.partition_info
        if req.regularizer:
            with g.name_scope(req.name + "/Regularizer/"):
                loss = req.regularizer(v)
            if loss is not None:
                g.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        return v


def _source_line(filename, lineno):
    import linecache
    return linecache.getline(filename, lineno).strip()


def default_initializer(name, dtype):
    """TensorFlow's defaults: glorot uniform for floats, zeros for ints, bools and strings."""
    from fastscope._src import initializers
    if dtype.is_floating:
        return initializers.glorot_uniform_initializer(), False
    if dtype.is_integer or dtype.is_unsigned or dtype.is_bool or dtype is _dt.string:
        return initializers.zeros_initializer(), False
    raise ValueError("An initializer for variable %s of %s is required" % (name, dtype.base_dtype))


def get_default_store(graph=None):
    """The graph's variable store (kept in the ``('__variable_store',)`` collection)."""
    g = graph or get_default_graph()
    store = g._var_store
    if store is not None:
        return store
    with g._lock:
        coll = g.get_collection_ref(_VARSTORE_KEY)
        if not coll:
            coll.append(VariableStore())
        g._var_store = coll[0]
        return coll[0]


def get_variable_in_scope(scope, store, name, shape, dtype, initializer, regularizer, reuse,
                          trainable, collections, caching_device, partitioner, validate_shape,
                          use_resource, custom_getter, constraint, synchronization, aggregation):
    """VariableScope.get_variable: fills in the scope's defaults, then asks the store."""
    from fastscope._src.scopes import adapt_custom_getter
    if regularizer is None:
        regularizer = scope._regularizer
    if caching_device is None:
        caching_device = scope._caching_device
    if partitioner is None:
        partitioner = scope._partitioner
    custom_getter = scope._custom_getter if custom_getter is None else \
        adapt_custom_getter(custom_getter)
    if reuse is None:
        reuse = scope._reuse
    if use_resource is None:
        use_resource = scope._use_resource
    full_name = scope._name + "/" + name if scope._name else name
    if dtype is not None and initializer is not None and not callable(initializer):
        init_dtype = _initializer_dtype(initializer)
        if init_dtype is not _dt.as_dtype(dtype).base_dtype:
            raise ValueError("Initializer type '%s' and explicit dtype '%s' don't match."
                             % (init_dtype, _dt.as_dtype(dtype)))
    if initializer is None:
        initializer = scope._initializer
    if constraint is None:
        constraint = scope._constraint
    if dtype is None:
        dtype = scope._dtype
    g = get_default_graph()
    with g.name_scope(None):
        req = VariableRequest(full_name, shape, getattr(dtype, "base_dtype", dtype), initializer,
                              regularizer, reuse, trainable, collections, caching_device,
                              partitioner, validate_shape, use_resource, constraint,
                              synchronization, aggregation)
        return store.get(req, custom_getter)


def _initializer_dtype(value):
    if isinstance(value, Tensor):
        return value.dtype.base_dtype
    conv = getattr(value, "_as_tensor", None)
    if conv is not None:
        return value.dtype.base_dtype
    return _dt.as_dtype(_ops._numpy_value(value, None).dtype)


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                 trainable=None, collections=None, caching_device=None, partitioner=None,
                 validate_shape=True, use_resource=None, custom_getter=None, constraint=None,
                 synchronization=None, aggregation=None):
    """Gets an existing variable with these parameters or creates a new one.

    The name is prefixed by the current variable scope (name scopes are
    ignored); reuse follows the scope: False creates, True reuses,
    AUTO_REUSE does either.

    Raises:
      ValueError: a variable that exists under reuse=False (naming where it was
        defined), one that does not exist under reuse=True, shape or dtype
        disagreeing with the existing variable, no shape for a new variable, or
        an initializer dtype that disagrees with ``dtype``.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     with tf.variable_scope("foo", reuse=tf.AUTO_REUSE):
    ...         v1 = tf.get_variable("v", [1])
    ...         v2 = tf.get_variable("v", [1])
    ...     print(v1 is v2, v1.name)
    True foo/v:0
    """
    g = get_default_graph()
    scope = (g._scope_store or get_variable_scope_store(g)).current_scope
    store = g._var_store or get_default_store(g)
    if (scope._reuse is not False and custom_getter is None and scope._custom_getter is None
            and partitioner is None and synchronization is None
            and (initializer is None or callable(initializer))):
        # Reuse fast path: the variable exists and the request agrees with it. Anything
        # else (a mismatch, a partitioned name, creation) takes the full path below,
        # which raises TensorFlow's errors.
        var = store._vars.get(scope._name + "/" + name if scope._name else name)
        if var is not None and (shape is None or var._shape_key == _shape_key(shape)) and (
                var._dtype._base is getattr(scope._dtype if dtype is None else dtype, "_base",
                                            None)):
            return var
    return scope.get_variable(
        store, name, shape=shape, dtype=dtype, initializer=initializer,
        regularizer=regularizer, trainable=trainable, collections=collections,
        caching_device=caching_device, partitioner=partitioner, validate_shape=validate_shape,
        use_resource=use_resource, custom_getter=custom_getter, constraint=constraint,
        synchronization=synchronization, aggregation=aggregation)


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=False, collections=None, caching_device=None, partitioner=None,
                       validate_shape=True, use_resource=None, custom_getter=None,
                       constraint=None, synchronization=None, aggregation=None):
    """get_variable into LOCAL_VARIABLES (not trainable)."""
    collections = list(collections or []) + [GraphKeys.LOCAL_VARIABLES]
    return get_variable(name, shape, dtype, initializer, regularizer, False, collections,
                        caching_device, partitioner, validate_shape, use_resource, custom_getter,
                        constraint, synchronization, aggregation)


def no_regularizer(_):
    """Use this to switch off a scope's regularizer for one variable."""
    return None
