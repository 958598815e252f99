"""How ``Session.run`` fetches and feeds values that are not one tensor.

A composite (a SparseTensor, a PartitionedVariable, a Variable) registers, once,
what fetching it means (the graph elements to fetch and how to rebuild the
result from their values) and what feeding it means (the tensors a fed value
goes to). The client asks this registry; it never names the composite types.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     st = tf.SparseTensor([[0, 0]], [1.0], [2, 2])
...     elements, build = fetch_parts(st)
...     print(len(elements), build([[[0, 0]], [1.0], [2, 2]]).values)
3 [1.0]
"""
_FETCH = {}   # type -> fn(obj) -> (list of fetchables, fn(values) -> result)
_FEED = {}    # type -> fn(obj, value) -> list of (tensor, value)


def register_fetch(cls, fn):
    """Fetching an instance ``x`` of ``cls`` fetches ``fn(x)[0]`` and returns ``fn(x)[1](values)``."""
    _FETCH[cls] = fn


def register_feed(cls, fn):
    """Feeding ``value`` for an instance ``x`` of ``cls`` feeds the pairs ``fn(x, value)``."""
    _FEED[cls] = fn


def _lookup(table, obj):
    for cls in type(obj).__mro__:
        fn = table.get(cls)
        if fn is not None:
            return fn
    return None


def fetch_parts(obj):
    """(fetchables, rebuild) for a registered composite, else None."""
    fn = _lookup(_FETCH, obj)
    return None if fn is None else fn(obj)


def feed_parts(obj, value):
    """[(tensor, value), ...] for a registered composite key, else None."""
    fn = _lookup(_FEED, obj)
    return None if fn is None else fn(obj, value)
