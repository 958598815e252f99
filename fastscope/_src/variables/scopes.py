"""``variable_scope``, ``VariableScope`` and the per-thread scope store.

Semantics are TensorFlow 1.x graph mode's: reuse is inherited (True/AUTO_REUSE
stick in sub-scopes), a string scope opens a uniquified name scope of its own
(``f2_1`` on re-entry) unless ``auxiliary_name_scope=False``, a captured
``VariableScope`` re-enters its variable scope exactly, ``default_name``
uniquifies (``layer``, ``layer_1``) and ``name_or_scope`` does not.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     with tf.variable_scope("foo"):
...         v = tf.get_variable("v", [1])
...     with tf.variable_scope("foo", reuse=True):
...         print(tf.get_variable("v", [1]) is v)
True
"""
import enum
import threading

from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework.graph import get_default_graph, graph_of
from fastscope._src.framework.op_builder import numpy_value
from fastscope._src.framework.tensor import Tensor
from fastscope._src.variables.getters import GetterChain, chain
from fastscope._src.variables.request import VariableRequest, resolve_sync


class _ReuseMode(enum.Enum):
    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE
_VARSCOPESTORE_KEY = ("__varscope",)


class VariableScope:
    """A variable scope's settings: name, reuse and defaults for get_variable.

    Args:
      reuse: False, True or AUTO_REUSE.
      name: the full scope name ("" at the root).
      initializer, regularizer, caching_device, partitioner, custom_getter, dtype,
      use_resource, constraint: defaults for variables created in the scope.
      name_scope: the name scope opened with it (its ``original_name_scope``).
    """

    def __init__(self, reuse, name="", initializer=None, regularizer=None,
                 caching_device=None, partitioner=None, custom_getter=None, name_scope="",
                 dtype=_dt.float32, use_resource=None, constraint=None):
        self._name = name
        self._initializer = initializer
        self._regularizer = regularizer
        self._reuse = reuse
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = GetterChain.of(custom_getter)
        self._name_scope = name_scope
        self._dtype = dtype
        self._use_resource = use_resource
        self._constraint = constraint

    name = property(lambda self: self._name)
    original_name_scope = property(lambda self: self._name_scope)
    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    dtype = property(lambda self: self._dtype)
    use_resource = property(lambda self: self._use_resource)
    regularizer = property(lambda self: self._regularizer)
    caching_device = property(lambda self: self._caching_device)
    partitioner = property(lambda self: self._partitioner)
    custom_getter = property(lambda self: self._custom_getter)
    constraint = property(lambda self: self._constraint)

    def reuse_variables(self):
        """Reuse variables in this scope from now on (sets reuse to True)."""
        self._reuse = True

    def set_initializer(self, initializer):
        self._initializer = initializer

    def set_dtype(self, dtype):
        self._dtype = dtype

    def set_use_resource(self, use_resource):
        self._use_resource = use_resource

    def set_regularizer(self, regularizer):
        self._regularizer = regularizer

    def set_caching_device(self, caching_device):
        self._caching_device = caching_device

    def set_partitioner(self, partitioner):
        self._partitioner = partitioner

    def set_custom_getter(self, custom_getter):
        self._custom_getter = GetterChain.of(custom_getter)

    def get_collection(self, name):
        scope = self._name + "/" if self._name else ""
        return get_default_graph().get_collection(name, scope)

    def trainable_variables(self):
        return self.get_collection("trainable_variables")

    def global_variables(self):
        return self.get_collection("variables")

    def local_variables(self):
        return self.get_collection("local_variables")

    def get_variable(self, var_store, name, shape=None, dtype=None, initializer=None,
                     regularizer=None, reuse=None, trainable=None, collections=None,
                     caching_device=None, partitioner=None, validate_shape=True,
                     use_resource=None, custom_getter=None, constraint=None,
                     synchronization=None, aggregation=None):
        """Gets or creates ``name`` in this scope through ``var_store``, applying its defaults."""
        req = VariableRequest(
            name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
            reuse=reuse, trainable=trainable, collections=collections,
            caching_device=caching_device, partitioner=partitioner,
            validate_shape=validate_shape, use_resource=use_resource, constraint=constraint,
            synchronization=synchronization, aggregation=aggregation,
            custom_getter=GetterChain.of(custom_getter))
        return var_store.get(self.complete(req))

    def complete(self, req):
        """``req`` (name relative to this scope) with the scope's name and defaults merged in.

        Raises:
          ValueError: a constant initializer whose dtype disagrees with an explicit dtype.
        """
        dtype = req.dtype
        initializer = req.initializer
        if dtype is not None and initializer is not None and not callable(initializer):
            init_dtype = _initializer_dtype(initializer)
            if init_dtype is not _dt.as_dtype(dtype).base_dtype:
                raise ValueError("Initializer type '%s' and explicit dtype '%s' don't match."
                                 % (init_dtype, _dt.as_dtype(dtype)))
        if dtype is None:
            dtype = self._dtype
        sync, agg, trainable = resolve_sync(req.synchronization, req.aggregation, req.trainable,
                                            req.name)
        return req._replace(
            synchronization=sync, aggregation=agg, trainable=trainable,
            name=self._name + "/" + req.name if self._name else req.name,
            dtype=getattr(dtype, "base_dtype", dtype),
            initializer=self._initializer if initializer is None else initializer,
            regularizer=self._regularizer if req.regularizer is None else req.regularizer,
            reuse=self._reuse if req.reuse is None else req.reuse,
            caching_device=(self._caching_device if req.caching_device is None
                            else req.caching_device),
            partitioner=self._partitioner if req.partitioner is None else req.partitioner,
            use_resource=self._use_resource if req.use_resource is None else req.use_resource,
            constraint=self._constraint if req.constraint is None else req.constraint,
            custom_getter=(self._custom_getter if req.custom_getter is None
                           else req.custom_getter))


def _initializer_dtype(value):
    if isinstance(value, Tensor):
        return value.dtype.base_dtype
    if getattr(value, "_as_tensor", None) is not None:
        return value.dtype.base_dtype
    return _dt.as_dtype(numpy_value(value, None).dtype)


class _ScopeStore(threading.local):
    """Per thread (as TensorFlow's): the current VariableScope and open-scope counts."""

    def __init__(self):
        self.current_scope = VariableScope(False)
        self.variable_scopes_count = {}

    def open_variable_scope(self, scope_name):
        counts = self.variable_scopes_count
        counts[scope_name] = counts.get(scope_name, 0) + 1

    def close_variable_subscopes(self, scope_name):
        prefix = None if scope_name is None else scope_name + "/"
        counts = self.variable_scopes_count
        for k in counts:
            if prefix is None or k.startswith(prefix):
                counts[k] = 0

    def variable_scope_count(self, scope_name):
        return self.variable_scopes_count.get(scope_name, 0)


def get_variable_scope_store(graph=None):
    """The graph's per-thread scope store (kept, as in TF, in the ``('__varscope',)`` collection)."""
    g = graph or get_default_graph()
    store = g._scope_store
    if store is not None:
        return store
    with g._lock:
        coll = g.get_collection_ref(_VARSCOPESTORE_KEY)
        if not coll:
            coll.append(_ScopeStore())
        g._scope_store = coll[0]
        return coll[0]


def get_variable_scope():
    """The current VariableScope of this thread in the default graph."""
    return get_variable_scope_store().current_scope


def _unique_variable_scope(store, prefix):
    current = store.current_scope
    name = current.name + "/" + prefix if current.name else prefix
    if store.variable_scope_count(name) == 0:
        return prefix
    idx = 1
    while store.variable_scope_count(name + ("_%d" % idx)) > 0:
        idx += 1
    return prefix + ("_%d" % idx)


class _PureVariableScope:
    """Switches the current VariableScope (no name scope): TensorFlow's _pure_variable_scope."""

    def __init__(self, name_or_scope, reuse, initializer, regularizer, caching_device,
                 partitioner, custom_getter, old_name_scope, dtype, use_resource, constraint,
                 store):
        self._name_or_scope = name_or_scope
        self._reuse = reuse
        self._initializer = initializer
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = GetterChain.of(custom_getter)
        self._old_name_scope = old_name_scope
        self._dtype = dtype
        self._use_resource = use_resource
        self._constraint = constraint
        self._store = store

    def _apply_overrides(self, scope, old_getter):
        if self._initializer is not None:
            scope.set_initializer(self._initializer)
        if self._regularizer is not None:
            scope.set_regularizer(self._regularizer)
        if self._caching_device is not None:
            scope.set_caching_device(self._caching_device)
        if self._partitioner is not None:
            scope.set_partitioner(self._partitioner)
        if self._custom_getter is not None:
            scope._custom_getter = chain(self._custom_getter, old_getter)
        if self._dtype is not None:
            scope.set_dtype(self._dtype)
        if self._use_resource is not None:
            scope.set_use_resource(self._use_resource)

    def __enter__(self):
        store = self._store
        self._old = old = store.current_scope
        nos = self._name_or_scope
        if isinstance(nos, VariableScope):
            self._new_name = nos.name
            scope = VariableScope(nos.reuse if not self._reuse else self._reuse, name=nos.name,
                                  initializer=nos.initializer, regularizer=nos.regularizer,
                                  caching_device=nos.caching_device, partitioner=nos.partitioner,
                                  dtype=nos.dtype, custom_getter=nos.custom_getter,
                                  name_scope=nos._name_scope, use_resource=nos.use_resource,
                                  constraint=self._constraint)
            self._apply_overrides(scope, nos.custom_getter)
            store.open_variable_scope(self._new_name)
            self._old_subscopes = dict(store.variable_scopes_count)
        else:
            self._new_name = old.name + "/" + nos if old.name else nos
            reuse = self._reuse or old.reuse
            name_scope = nos if self._old_name_scope is None else self._old_name_scope
            scope = VariableScope(reuse, name=self._new_name, initializer=old.initializer,
                                  regularizer=old.regularizer, caching_device=old.caching_device,
                                  partitioner=old.partitioner, dtype=old.dtype,
                                  use_resource=old.use_resource, custom_getter=old.custom_getter,
                                  name_scope=name_scope, constraint=self._constraint)
            self._apply_overrides(scope, old.custom_getter)
            store.open_variable_scope(self._new_name)
        store.current_scope = scope
        return scope

    def __exit__(self, *exc):
        store = self._store
        if isinstance(self._name_or_scope, VariableScope):
            store.variable_scopes_count = self._old_subscopes
        else:
            store.close_variable_subscopes(self._new_name)
        store.current_scope = self._old
        return False


class variable_scope:  # noqa: N801 - TensorFlow's name
    """A context manager for defining ops that create variables (``tf.variable_scope``).

    Args:
      name_or_scope: a string or a captured ``VariableScope``.
      default_name: used, uniquified, when ``name_or_scope`` is None.
      values: tensors passed to the op function (they pick the graph).
      initializer, regularizer, caching_device, partitioner, custom_getter, dtype,
      use_resource, constraint: defaults for variables in the scope.
      reuse: True, None (inherit) or AUTO_REUSE; False is treated as None, as in TF1.
      auxiliary_name_scope: if False, do not open a name scope.

    Raises:
      ValueError: reuse=True without a name, or a reuse value that is not a bool/None/AUTO_REUSE.
      TypeError: neither name_or_scope nor default_name, or a bad name_or_scope type.

    >>> import fastscope as tf
    >>> with tf.Graph().as_default():
    ...     with tf.variable_scope(None, default_name="layer") as s1: pass
    ...     with tf.variable_scope(None, default_name="layer") as s2: pass
    ...     print(s1.name, s2.name)
    layer layer_1
    """

    def __init__(self, name_or_scope, default_name=None, values=None, initializer=None,
                 regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
                 reuse=None, dtype=None, use_resource=None, constraint=None,
                 auxiliary_name_scope=True):
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if not (reuse is True or reuse is False or reuse is None or reuse is AUTO_REUSE):
            raise ValueError("The reuse parameter must be True or False or None.")
        if reuse is False:   # TF1: False means "inherit", like None
            reuse = None
        if name_or_scope is not None and not isinstance(name_or_scope, (VariableScope, str)):
            raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
        if not isinstance(auxiliary_name_scope, bool):
            raise TypeError("The auxiliary_name_scope must be `True` or `False`, while get %s"
                            % auxiliary_name_scope)
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._values = values
        self._initializer = initializer
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = GetterChain.of(custom_getter)
        self._reuse = reuse
        self._dtype = dtype
        self._use_resource = use_resource
        self._constraint = constraint
        self._auxiliary_name_scope = auxiliary_name_scope
        self._graph = graph_of(values) if values else None
        self._cms = []

    def _push(self, cm):
        value = cm.__enter__()
        self._cms.append(cm)
        return value

    def __enter__(self):
        try:
            return self._enter()
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def _enter(self):
        if self._graph is not None and self._graph is not get_default_graph():
            self._push(self._graph.as_default())
        g = get_default_graph()
        store = get_variable_scope_store(g)
        if self._auxiliary_name_scope:
            current_ns = None
        else:
            ns = g.get_name_scope()
            current_ns = g.name_scope(ns + "/" if ns else ns)
        pure_args = dict(initializer=self._initializer, regularizer=self._regularizer,
                         caching_device=self._caching_device, partitioner=self._partitioner,
                         custom_getter=self._custom_getter, dtype=self._dtype,
                         use_resource=self._use_resource, constraint=self._constraint,
                         store=store)
        nos = self._name_or_scope
        if nos is not None:
            ns_name = nos if isinstance(nos, str) else nos.name.split("/")[-1]
            if ns_name or current_ns is not None:
                ns_value = self._push(current_ns or g.name_scope(ns_name))
                old_ns = ns_value if isinstance(nos, str) else nos.original_name_scope
                return self._push(_PureVariableScope(nos, self._reuse, old_name_scope=old_ns,
                                                     **pure_args))
            return self._push(_PureVariableScope(nos, self._reuse, old_name_scope=None,
                                                 **pure_args))
        if self._reuse:
            raise ValueError("reuse=True cannot be used without a name_or_scope")
        ns_value = self._push(current_ns or g.name_scope(self._default_name))
        unique = _unique_variable_scope(store, self._default_name)
        return self._push(_PureVariableScope(unique, None, old_name_scope=ns_value, **pure_args))

    def __exit__(self, *exc):
        while self._cms:
            self._cms.pop().__exit__(*exc)
        return False


def variable_op_scope(values, name_or_scope, default_name=None, **kwargs):
    """Deprecated TF alias: ``variable_scope(name_or_scope, default_name, values, ...)``."""
    return variable_scope(name_or_scope, default_name=default_name, values=values, **kwargs)
