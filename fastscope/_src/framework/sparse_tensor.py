"""``tf.SparseTensor``: three tensors (indices, values, dense_shape) handled as one value.

A SparseTensor is not an op of its own: it names the tensors that hold its
parts. ``Session.run`` fetches it as a ``SparseTensorValue`` and accepts one
(or an ``(indices, values, dense_shape)`` tuple) as its feed.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     st = tf.SparseTensor([[0, 1], [2, 0]], [1.5, 2.5], [3, 4])
...     print(st.shape, st.dtype.name, tf.Session().run(st).values.tolist())
(3, 4) float32 [1.5, 2.5]
"""
import collections

from fastscope._src.framework import composites
from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework.graph import graph_of
from fastscope._src.framework.op_builder import constant_value, convert_to_tensor
from fastscope._src.framework.session_stack import session_for
from fastscope._src.framework.tensor_shape import TensorShape, unknown_shape

SparseTensorValue = collections.namedtuple("SparseTensorValue",
                                           ["indices", "values", "dense_shape"])


class SparseTensor:
    """A sparse tensor: ``values[i]`` sits at ``indices[i]`` in a dense ``dense_shape`` tensor.

    Args:
      indices: int64 ``[N, rank]``, the positions (in row-major order).
      values: ``[N]``, any dtype.
      dense_shape: int64 ``[rank]``.

    Raises:
      ValueError: parts of the wrong rank, or that disagree in N or rank.
    """

    def __init__(self, indices, values, dense_shape):
        g = graph_of([indices, values, dense_shape])
        with g.as_default(), g.name_scope("SparseTensor"):
            self._indices = convert_to_tensor(indices, dtype=_dt.int64, name="indices")
            self._values = convert_to_tensor(values, name="values")
            self._dense_shape = convert_to_tensor(dense_shape, dtype=_dt.int64,
                                                       name="dense_shape")
        ish = self._indices.shape.with_rank(2)
        vsh = self._values.shape.with_rank(1)
        dsh = self._dense_shape.shape.with_rank(1)
        ish[:1].merge_with(vsh)
        ish[1:].merge_with(dsh)

    indices = property(lambda self: self._indices)
    values = property(lambda self: self._values)
    dense_shape = property(lambda self: self._dense_shape)
    dtype = property(lambda self: self._values.dtype)
    op = property(lambda self: self._values.op)
    graph = property(lambda self: self._values.graph)

    @property
    def shape(self):
        """The static dense shape: known where ``dense_shape`` is a constant."""
        value = constant_value(self._dense_shape)
        if value is not None:
            return TensorShape([int(d) for d in value])
        return unknown_shape(self._dense_shape.shape.dims[0].value
                             if self._dense_shape.shape.ndims else None)

    def get_shape(self):
        return self.shape

    def eval(self, feed_dict=None, session=None):
        """The value (a SparseTensorValue) in ``session`` (default: the default session)."""
        return session_for(session, self.graph).run(self, feed_dict)

    def _parts(self):
        return (self._indices, self._values, self._dense_shape)

    def __repr__(self):
        return "SparseTensor(indices=%s, values=%s, dense_shape=%s)" % self._parts()


def _feed(st, value):
    if isinstance(value, SparseTensorValue) or (isinstance(value, tuple) and len(value) == 3):
        return list(zip(st._parts(), value))
    raise TypeError("The feed for SparseTensor %s must be a SparseTensorValue or an (indices, "
                    "values, dense_shape) tuple, got %s" % (st, type(value).__name__))


composites.register_fetch(SparseTensor,
                          lambda st: (list(st._parts()), lambda v: SparseTensorValue(*v)))
composites.register_feed(SparseTensor, _feed)

__all__ = ["SparseTensor", "SparseTensorValue"]
