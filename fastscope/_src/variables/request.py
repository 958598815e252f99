"""One immutable request for one variable: everything ``get_variable`` was asked.

The public ``get_variable`` builds a ``VariableRequest``, the current variable
scope merges its defaults into it once (``VariableScope.complete``), and only
the request travels down to the store. TensorFlow's keyword protocol appears
only at the edges: the public functions and custom getters, which receive the
request as TF1 keywords and call the next getter with keywords again
(``getter_kwargs`` / ``from_getter_call``).

>>> r = VariableRequest("w", shape=[2])
>>> r.replace(shape=[3]).shape, r.shape
([3], [2])
"""
import collections
import enum

from fastscope._src.framework import dtypes as _dt

# Fields in TensorFlow's custom-getter order (after ``getter`` and ``name``), then ours.
_GETTER_FIELDS = ("shape", "dtype", "initializer", "regularizer", "reuse", "trainable",
                  "collections", "caching_device", "partitioner", "validate_shape",
                  "use_resource", "constraint", "synchronization", "aggregation")
_FIELDS = ("name",) + _GETTER_FIELDS + ("custom_getter", "partition_info")


class VariableSynchronization(enum.Enum):
    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3
    ONLY_FIRST_TOWER = 3


class VariableRequest(collections.namedtuple("VariableRequest", _FIELDS,
                                             defaults=(None,) * 9 + (True,) + (None,) * 6)):
    """What to get or create: TF1's ``get_variable`` arguments, plus where a shard sits.

    Attributes:
      name: the full name (variable scope included once ``complete``).
      shape ... aggregation: TF1's ``get_variable`` arguments.
      custom_getter: the getter chain that runs first (None: none).
      partition_info: for a shard of a partitioned variable, its PartitionInfo.
    """

    __slots__ = ()

    def replace(self, **changes):
        """A copy with ``changes``."""
        return self._replace(**changes)

    def getter_kwargs(self):
        """The keywords TensorFlow passes to a custom getter (after ``getter`` and ``name``)."""
        return {k: getattr(self, k) for k in _GETTER_FIELDS}

    @classmethod
    def from_getter_call(cls, name, args, kwargs):
        """The request of a custom getter's call of its next getter: ``getter(name, ...)``.

        Positional arguments follow TensorFlow's true-getter order; the dtype
        defaults to float32 as there.

        Raises:
          TypeError: too many positional arguments or an unknown keyword.
        """
        if len(args) > len(_GETTER_FIELDS):
            raise TypeError("a getter takes at most %d positional arguments after name, got %d"
                            % (len(_GETTER_FIELDS), len(args)))
        values = dict(zip(_GETTER_FIELDS, args))
        for k, v in kwargs.items():
            if k not in _GETTER_FIELDS or k in values:
                raise TypeError("getter() got an unexpected or repeated keyword argument %r" % k)
            values[k] = v
        dtype = values.get("dtype", _dt.float32)
        values["dtype"] = getattr(dtype, "base_dtype", dtype)
        return cls(name, **values)


def resolve_sync(synchronization, aggregation, trainable, name):
    """TensorFlow's defaults: trainable unless ON_READ; ON_READ + trainable raises.

    Returns:
      (synchronization, aggregation, trainable) with the defaults filled in.

    Raises:
      ValueError: ``trainable=True`` with ``synchronization=ON_READ``.
    """
    if aggregation is None:
        aggregation = VariableAggregation.NONE
    if synchronization is None:
        synchronization = VariableSynchronization.AUTO
    elif type(synchronization) is not VariableSynchronization:
        synchronization = VariableSynchronization(synchronization)
    if trainable is None:
        trainable = synchronization != VariableSynchronization.ON_READ
    elif trainable and synchronization == VariableSynchronization.ON_READ:
        raise ValueError("Synchronization value can be set to VariableSynchronization.ON_READ "
                         "only for non-trainable variables. You have specified trainable=True "
                         "and synchronization=VariableSynchronization.ON_READ for variable %s."
                         % name)
    return synchronization, aggregation, trainable


def sync_agg_trainable(req):
    """``req`` with ``resolve_sync``'s defaults filled in."""
    if (req.trainable is not None and type(req.synchronization) is VariableSynchronization
            and type(req.aggregation) is VariableAggregation
            and not (req.trainable and req.synchronization is VariableSynchronization.ON_READ)):
        return req
    sync, agg, trainable = resolve_sync(req.synchronization, req.aggregation, req.trainable,
                                        req.name)
    if sync is req.synchronization and agg is req.aggregation and trainable is req.trainable:
        return req
    return req._replace(synchronization=sync, aggregation=agg, trainable=trainable)


def shape_key(shape):
    """A hashable exact form of a shape request (a tuple of ints), or None if not that simple."""
    if type(shape) is list or type(shape) is tuple:
        for d in shape:
            if type(d) is not int:
                return None
        return tuple(shape)
    return None
