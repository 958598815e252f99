"""The public creation functions: ``get_variable``, ``get_local_variable`` and friends.

``get_variable`` builds one ``VariableRequest`` from TF1's arguments, lets the
current variable scope complete it (its name and defaults, once) and hands it
to the graph's store. Reusing an existing variable takes a fast path that
builds no request at all.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     with tf.variable_scope("foo", reuse=tf.AUTO_REUSE):
...         v1 = tf.get_variable("v", [1])
...         v2 = tf.get_variable("v", [1])
...     print(v1 is v2, v1.name)
True foo/v:0
"""
from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework.graph import GraphKeys, get_default_graph
from fastscope._src.variables.getters import GetterChain
from fastscope._src.variables.partitioned import get_partitioned_variable
from fastscope._src.variables.request import VariableRequest, shape_key, sync_agg_trainable
from fastscope._src.variables.scopes import get_variable_scope_store, variable_scope
from fastscope._src.variables.store import get_default_store


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
        if var is not None and (shape is None or var._shape_key == shape_key(shape)) and (
                var._dtype._base is getattr(scope._dtype if dtype is None else dtype, "_base",
                                            None)):
            return var
    req = VariableRequest(
        name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
        trainable=trainable, collections=collections, caching_device=caching_device,
        partitioner=partitioner, validate_shape=validate_shape, use_resource=use_resource,
        constraint=constraint, synchronization=synchronization, aggregation=aggregation,
        custom_getter=GetterChain.of(custom_getter))
    return store.get(scope.complete(req))


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
        req = VariableRequest(
            scope.name, shape=shape, dtype=_dt.as_dtype(dt).base_dtype, initializer=init,
            regularizer=scope.regularizer, reuse=scope.reuse, trainable=trainable,
            collections=collections, caching_device=scope.caching_device,
            partitioner=partitioner, use_resource=scope.use_resource,
            constraint=scope.constraint)
        g = get_default_graph()
        with g.name_scope(None):
            return list(get_partitioned_variable(get_default_store(g), sync_agg_trainable(req)))
