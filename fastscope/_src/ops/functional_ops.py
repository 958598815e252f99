"""``tf.map_fn``, ``tf.scan``, ``tf.foldl``, ``tf.foldr``: loops over the first dimension.

Each is a ``tf.while_loop`` over the element index whose body reads the elements from
TensorArrays (``unstack`` of the inputs) and writes the results into others, as
TensorFlow builds them.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     x = tf.constant([1.0, 2.0, 3.0])
...     s = tf.Session()
...     print(s.run(tf.map_fn(lambda v: v * v, x)).tolist(), s.run(tf.scan(tf.add, x)).tolist(),
...           s.run(tf.foldl(tf.add, x)), s.run(tf.foldr(lambda a, v: a * 10 + v, x)))
[1.0, 4.0, 9.0] [1.0, 3.0, 6.0] 6.0 321.0
"""
from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import nest
from fastscope._src.framework.graph import get_default_graph
from fastscope._src.framework.op_builder import convert_to_tensor
from fastscope._src.ops import array_ops
from fastscope._src.ops.tensor_array_ops import TensorArray
from fastscope._src.ops.while_ops import while_loop


def _leading(flat):
    n = flat[0].shape[0].value if flat[0].shape.ndims else None
    return n


def _elem_arrays(flat, name):
    n = array_ops.shape_of(flat[0])[0] if _leading(flat) is None else _leading(flat)
    return [TensorArray(t.dtype, size=n, element_shape=t.shape[1:] if t.shape.ndims else None,
                        name=name).unstack(t) for t in flat], n


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False,
           infer_shape=True, name=None, fn_output_signature=None):
    """``fn`` applied to each element along the first dimension of ``elems`` (``tf.map_fn``).

    Args:
      fn: a callable of one element (the structure of ``elems``).
      elems: a tensor or a (nested) structure of tensors, each with the same first dimension.
      dtype: the dtypes (structure) of ``fn``'s results, when they differ from ``elems``'.

    Raises:
      ValueError: elems without a first dimension.
    """
    g = get_default_graph()
    with g.name_scope(name or "map"):
        flat = [convert_to_tensor(e, name="elems") for e in nest.flatten(elems)]
        if not flat or flat[0].shape.ndims == 0:
            raise ValueError("elems must be a 1+ dimensional Tensor, not a scalar")
        out_dtypes = dtype if dtype is not None else fn_output_signature
        out_dtypes = out_dtypes if out_dtypes is not None else nest.map_structure(
            lambda t: t.dtype, elems)
        flat_dt = [_dt.as_dtype(d) for d in nest.flatten(out_dtypes)]
        ins, n = _elem_arrays(flat, "TensorArrayUnstack")
        outs = [TensorArray(d, size=n, infer_shape=infer_shape) for d in flat_dt]

        def body(i, *arrays):
            elem = nest.pack_sequence_as(elems, [a.read(i) for a in ins])
            got = [convert_to_tensor(x) for x in nest.flatten(fn(elem))]
            if len(got) != len(arrays):
                raise ValueError("fn returned %d values, but dtype says %d" % (len(got),
                                                                           len(arrays)))
            return [i + 1] + [a.write(i, x) for a, x in zip(arrays, got)]
        final = while_loop(lambda i, *a: i < n, body, [0] + outs,
                           parallel_iterations=parallel_iterations, return_same_structure=True)
        stacked = [a.stack() for a in final[1:]]
        return nest.pack_sequence_as(out_dtypes, stacked)


def _fold(fn, elems, initializer, name, reverse):
    g = get_default_graph()
    with g.name_scope(name):
        flat = [convert_to_tensor(e, name="elems") for e in nest.flatten(elems)]
        ins, n = _elem_arrays(flat, "TensorArrayUnstack")
        if initializer is None:
            acc = nest.pack_sequence_as(elems, [a.read(n - 1 if reverse else 0) for a in ins])
            start = 1
        else:
            acc, start = nest.map_structure(convert_to_tensor, initializer), 0
        flat_acc = nest.flatten(acc)

        def body(i, *a):
            k = (n - 1 - i) if reverse else i
            elem = nest.pack_sequence_as(elems, [t.read(k) for t in ins])
            new = fn(nest.pack_sequence_as(acc, list(a)), elem)
            return [i + 1] + [convert_to_tensor(x) for x in nest.flatten(new)]
        final = while_loop(lambda i, *a: i < n, body, [start] + flat_acc,
                           return_same_structure=True)
        return nest.pack_sequence_as(acc, final[1:])


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """``fn(acc, elem)`` over the elements, first to last (``tf.foldl``)."""
    return _fold(fn, elems, initializer, name or "foldl", reverse=False)


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """``fn(acc, elem)`` over the elements, last to first (``tf.foldr``)."""
    return _fold(fn, elems, initializer, name or "foldr", reverse=True)


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
         swap_memory=False, infer_shape=True, reverse=False, name=None):
    """Every intermediate ``fn(acc, elem)`` stacked (``tf.scan``)."""
    g = get_default_graph()
    with g.name_scope(name or "scan"):
        flat = [convert_to_tensor(e, name="elems") for e in nest.flatten(elems)]
        ins, n = _elem_arrays(flat, "TensorArrayUnstack")
        if initializer is None:
            acc = nest.pack_sequence_as(elems, [a.read(n - 1 if reverse else 0) for a in ins])
            start = 1
        else:
            acc, start = nest.map_structure(convert_to_tensor, initializer), 0
        flat_acc = nest.flatten(acc)
        outs = [TensorArray(t.dtype, size=n, infer_shape=infer_shape) for t in flat_acc]
        if initializer is None:
            first = n - 1 if reverse else 0
            outs = [o.write(first, t) for o, t in zip(outs, flat_acc)]
        k = len(flat_acc)

        def body(i, *state):
            idx = (n - 1 - i) if reverse else i
            a, arrays = state[:k], state[k:]
            elem = nest.pack_sequence_as(elems, [t.read(idx) for t in ins])
            new = [convert_to_tensor(x) for x in nest.flatten(
                fn(nest.pack_sequence_as(acc, list(a)), elem))]
            return [i + 1] + new + [o.write(idx, x) for o, x in zip(arrays, new)]
        final = while_loop(lambda i, *s: i < n, body, [start] + flat_acc + outs,
                           return_same_structure=True)
        return nest.pack_sequence_as(acc, [o.stack() for o in final[1 + k:]])


__all__ = ["foldl", "foldr", "map_fn", "scan"]
