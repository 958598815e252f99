"""The variable store behind ``tf.get_variable``: look-up, reuse checks and creation.

``VariableStore.get(req)`` takes one completed ``VariableRequest``: it runs the
request's custom getters (TF1 keywords at that edge only), then gets or
creates a single or a partitioned variable. A creation runs inside one graph
transaction, so a failure leaves the store, the graph's ops, collections and
name counters as they were.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     store = get_default_store()
...     v = store.get(VariableRequest("w", shape=[2], dtype=tf.float32))
...     print(v.name, store.get(VariableRequest("w", shape=[2], dtype=tf.float32,
...                                             reuse=True)) is v)
w:0 True
"""
import traceback

from fastscope import _names
from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework.graph import GraphKeys, get_default_graph
from fastscope._src.framework.tensor import frames_as_traceback
from fastscope._src.framework.tensor_shape import as_shape
from fastscope._src.variables import initializers, partitioned
from fastscope._src.variables.getters import GetterChain
from fastscope._src.variables.request import VariableRequest, sync_agg_trainable
from fastscope._src.variables.variable import Variable

_VARSTORE_KEY = ("__variable_store",)


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
        """TensorFlow's ``_VariableStore.get_variable``: no scope defaults applied."""
        return self.get(VariableRequest(
            name, shape=shape, dtype=getattr(dtype, "base_dtype", dtype),
            initializer=initializer, regularizer=regularizer, reuse=reuse,
            trainable=trainable, collections=collections, caching_device=caching_device,
            partitioner=partitioner, validate_shape=validate_shape, use_resource=use_resource,
            constraint=constraint, synchronization=synchronization, aggregation=aggregation,
            custom_getter=GetterChain.of(custom_getter)))

    def get(self, req):
        """Gets or creates the variable ``req`` asks for (name scopes are ignored)."""
        with get_default_graph().name_scope(None):
            req = sync_agg_trainable(req)
            if req.custom_getter is None:
                return self._true_get(req)

            def true_getter(name, *args, **kwargs):
                return self._true_get(sync_agg_trainable(
                    VariableRequest.from_getter_call(name, args, kwargs)))
            return req.custom_getter(true_getter, req.name, **req.getter_kwargs())

    def _true_get(self, req):
        shape = req.shape
        is_scalar = shape is not None and isinstance(shape, (list, tuple)) and not shape
        if req.partitioner is not None and not is_scalar:
            if not callable(req.partitioner):
                raise ValueError("Partitioner must be callable, but received: %s"
                                 % (req.partitioner,))
            return partitioned.get_partitioned_variable(self, req)
        if req.reuse is True and req.partitioner is None and req.name in self._partitioned_vars:
            return partitioned.get_partitioned_variable(self, req)
        if "%s/part_0" % req.name in self._vars:
            raise ValueError("No partitioner was provided, but a partitioned version of the "
                             "variable was found: %s/part_0. Perhaps a variable of the same name "
                             "was already created with partitioning?" % req.name)
        return self.get_single(req)

    def _found(self, status, found, req, shape, dtype):
        """The existing variable for ``req``, or None when it must be created.

        Raises:
          ValueError: TensorFlow's reuse and sharing errors.
        """
        if status == _names.FOUND:
            return _check_shared(found, req.name, shape, dtype)
        if status == _names.EXISTS_DISALLOWED:
            _raise_exists(req.name, found)
        if status == _names.MISSING_DISALLOWED:
            raise ValueError("Variable %s does not exist, or was not created with "
                             "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
                             "VarScope?" % req.name)
        return None

    def get_single(self, req):
        """Returns the existing variable ``req.name`` or creates it (reuse rules apply)."""
        from_value = req.initializer is not None and not callable(req.initializer)
        if req.shape is not None and from_value:
            raise ValueError("If initializer is a constant, do not specify shape.")
        dtype = _dt.as_dtype(req.dtype)
        shape = as_shape(req.shape)
        found = self._found(*self._table.lookup(req.name, req.reuse), req, shape, dtype)
        if found is not None:
            return found
        g = get_default_graph()
        with g._lock:
            # Another thread may have created it since the look-up.
            found = self._found(*self._table.lookup(req.name, req.reuse), req, shape, dtype)
            if found is not None:
                return found
            with g.transaction(), g.control_flow_context(None):
                v = _create(g, req, dtype, shape, from_value)
                g.journal_put(self._vars, req.name, v)
        return v


def _check_shared(found, name, shape, dtype):
    if not shape.is_compatible_with(found.get_shape()):
        raise ValueError("Trying to share variable %s, but specified shape %s and found "
                         "shape %s." % (name, shape, found.get_shape()))
    if not dtype.is_compatible_with(found.dtype):
        raise ValueError("Trying to share variable %s, but specified dtype %s and found "
                         "dtype %s." % (name, dtype.name, found.dtype.name))
    return found


def _raise_exists(name, var):
    where = "".join(traceback.format_list(
        frames_as_traceback(getattr(var.op, "_traceback", None) or [])))
    raise ValueError("Variable %s already exists, disallowed. Did you mean to set reuse=True "
                     "or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n\n%s"
                     % (name, where))


def _initial_value(req, dtype, shape, from_value):
    """(initial value or zero-argument callable, dtype for Variable) for a new variable."""
    initializer = req.initializer
    if initializer is None:
        initializer, from_value = default_initializer(req.name, dtype), False
    if from_value:
        return initializer, None
    if isinstance(initializer, type):
        initializer = initializer()
    if shape.is_fully_defined():
        return initializers.bind_initializer(initializer, shape.as_list(), dtype,
                                             req.partition_info), dtype
    if req.shape is None:
        raise ValueError("Variable %s did not get an initializer, so its `shape` argument must "
                         "be specified." % req.name if req.initializer is None else
                         "The initializer passed is not valid. It should be a callable with no "
                         "arguments and the shape should not be provided or an instance of "
                         "`tf.keras.initializers.*' and `shape` should be fully defined.")
    raise ValueError("Shape of a new variable (%s) must be fully defined, but instead was %s."
                     % (req.name, shape))


def _create(g, req, dtype, shape, from_value):
    init_val, var_dtype = _initial_value(req, dtype, shape, from_value)
    # The requested shape is the variable's (an initializer returning another shape fails
    # at the Assign, as in TensorFlow); a constant initial value gives its own.
    v = Variable(initial_value=init_val, name=req.name, trainable=req.trainable,
                 collections=req.collections, caching_device=req.caching_device,
                 dtype=var_dtype, validate_shape=req.validate_shape, constraint=req.constraint,
                 synchronization=req.synchronization, aggregation=req.aggregation,
                 shape=None if from_value or not req.validate_shape else shape)
    if req.partition_info is not None:
        v._partition_info = req.partition_info
    if req.regularizer:
        with g.name_scope(req.name + "/Regularizer/"):
            loss = req.regularizer(v)
        if loss is not None:
            g.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
    return v


# The defaults hold no state (no seed, no dtype of their own that matters), so one each serves all.
_GLOROT_UNIFORM = initializers.glorot_uniform_initializer()
_ZEROS = initializers.zeros_initializer()


def default_initializer(name, dtype):
    """TensorFlow's defaults: glorot uniform for floats, zeros for ints, bools and strings.

    Raises:
      ValueError: a dtype with no default (complex).
    """
    if dtype.is_floating:
        return _GLOROT_UNIFORM
    if dtype.is_integer or dtype.is_unsigned or dtype.is_bool or dtype is _dt.string:
        return _ZEROS
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
