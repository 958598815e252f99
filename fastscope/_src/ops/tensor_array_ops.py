"""``tf.TensorArray``: a list of tensors written and read by index, in loops.

As in TensorFlow, a TensorArray is mutable storage threaded through the graph by a
*flow* tensor: each write returns a new TensorArray object whose flow is the write op's
output, so reads and writes are ordered by dataflow. The storage itself (made fresh by
each run of the ``TensorArrayV3`` op) is the flow's value; writes store into it in place,
so a loop of n writes costs n, not n^2.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     ta = tf.TensorArray(tf.float32, size=3)
...     for i in range(3):
...         ta = ta.write(i, float(i) * 2)
...     print(tf.Session().run(ta.stack()).tolist())
[0.0, 2.0, 4.0]
"""
import numpy as np

from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import errors as _errors
from fastscope._src.framework.op_builder import build_op, convert_to_tensor
from fastscope._src.framework.registry import STATEFUL, register_op
from fastscope._src.framework.tensor_shape import TensorShape, unknown_shape


class _Store:
    """What a TensorArray holds in one run: its elements and how it may grow."""

    __slots__ = ("items", "read", "dynamic", "clear", "dtype", "shape")

    def __init__(self, size, dynamic, clear, dtype, shape):
        self.items = [None] * size
        self.read = [False] * size
        self.dynamic, self.clear, self.dtype, self.shape = dynamic, clear, dtype, shape

    def write(self, op, index, value):
        if index < 0 or (index >= len(self.items) and not self.dynamic):
            raise _errors.InvalidArgumentError(
                None, op, "Tried to write to index %d but array is not resizeable and size is: "
                "%d" % (index, len(self.items)))
        if index >= len(self.items):
            grow = index + 1 - len(self.items)
            self.items += [None] * grow
            self.read += [False] * grow
        if self.items[index] is not None:
            raise _errors.InvalidArgumentError(
                None, op, "Could not write to TensorArray index %d because it has already been "
                "written to." % index)
        value = np.asarray(value, dtype=self.dtype)
        if self.shape is not None and not self.shape.is_compatible_with(value.shape):
            raise _errors.InvalidArgumentError(
                None, op, "Could not write to TensorArray index %d because the value shape is "
                "%s which is incompatible with the TensorArray's inferred element shape: %s "
                "(consider setting infer_shape=False)." % (index, list(value.shape), self.shape))
        self.items[index] = value

    def get(self, op, index):
        if index < 0 or index >= len(self.items):
            raise _errors.InvalidArgumentError(
                None, op, "Tried to read from index %d but array size is: %d"
                % (index, len(self.items)))
        v = self.items[index]
        if v is None:
            if self.read[index]:
                raise _errors.InvalidArgumentError(
                    None, op, "Could not read index %d twice because it was cleared after a "
                    "previous read (perhaps try setting clear_after_read = false?)" % index)
            if self.shape is not None and self.shape.is_fully_defined():
                return np.zeros(self.shape.as_list(), self.dtype)
            raise _errors.InvalidArgumentError(
                None, op, "Could not read from TensorArray index %d because it has not yet been "
                "written to." % index)
        if self.clear:
            self.items[index] = None
            self.read[index] = True
        return v


def _flow_spec(node):
    return [(_dt.float32, TensorShape([]))]


def _create_kernel(ctx, op, size):
    a = op._attrs
    return _Store(int(size), a["dynamic_size"], a["clear_after_read"], a["dtype"]._np,
                  a["meta"].element_shape if a["meta"].infer else None)


def _write_kernel(ctx, op, flow, index, value):
    flow.write(op, int(index), value)
    return flow


def _read_kernel(ctx, op, flow, index):
    return flow.get(op, int(index))


def _gather_kernel(ctx, op, flow, indices):
    got = [flow.get(op, int(i)) for i in np.asarray(indices).reshape(-1)]
    if not got:
        shape = op._outputs[0]._shape
        tail = shape.as_list()[1:] if shape.ndims is not None and all(
            d is not None for d in shape.as_list()[1:]) else []
        return np.zeros([0] + tail, flow.dtype)
    return np.stack(got)


def _scatter_kernel(ctx, op, flow, indices, value):
    idx = np.asarray(indices).reshape(-1)
    value = np.asarray(value)
    if value.shape[:1] != idx.shape:
        raise _errors.InvalidArgumentError(
            None, op, "Expected len(indices) == values.shape[0], but saw: %d vs. %d"
            % (idx.size, value.shape[0] if value.ndim else 0))
    for i, row in zip(idx, value):
        flow.write(op, int(i), row)
    return flow


def _concat_kernel(ctx, op, flow):
    got = [flow.get(op, i) for i in range(len(flow.items))]
    if not got:
        return np.zeros((0,), flow.dtype), np.zeros((0,), np.int64)
    return np.concatenate(got), np.array([g.shape[0] for g in got], np.int64)


def _split_kernel(ctx, op, flow, value, lengths):
    value = np.asarray(value)
    lengths = np.asarray(lengths, np.int64).reshape(-1)
    if lengths.sum() != (value.shape[0] if value.ndim else 0):
        raise _errors.InvalidArgumentError(
            None, op, "Expected sum of lengths to be equal to values.shape[0], but sum of "
            "lengths is %d and value's shape is: %s" % (lengths.sum(), list(value.shape)))
    starts = np.concatenate([[0], np.cumsum(lengths)])
    for i in range(lengths.size):
        flow.write(op, i, value[starts[i]:starts[i + 1]])
    return flow


def _elem(node, lead):
    meta = node.attrs["meta"]
    shape = meta.element_shape if meta.element_shape is not None else unknown_shape()
    out = TensorShape(lead).concatenate(shape) if lead is not None else shape
    return [(meta.dtype, out)]


for _type, _inputs, _shape, _kernel in (
        ("TensorArrayV3", ("size: int32",), _flow_spec, _create_kernel),
        ("TensorArrayWriteV3", ("flow_in: Tflow", "index: int32", "value: T"), _flow_spec,
         _write_kernel),
        ("TensorArrayReadV3", ("flow_in: Tflow", "index: int32"), lambda n: _elem(n, None),
         _read_kernel),
        ("TensorArrayGatherV3", ("flow_in: Tflow", "indices: int32"), lambda n: _elem(n, [None]),
         _gather_kernel),
        ("TensorArrayScatterV3", ("flow_in: Tflow", "indices: int32", "value: T"), _flow_spec,
         _scatter_kernel),
        ("TensorArraySplitV3", ("flow_in: Tflow", "value: T", "lengths: int64"), _flow_spec,
         _split_kernel)):
    register_op(_type, _inputs, _shape, _kernel, traits=(STATEFUL,),
                type_attrs={"int32": (_dt.int32,), "int64": (_dt.int64,)})
def _concat_shape(node):
    meta = node.attrs["meta"]
    shape = meta.element_shape
    lead = unknown_shape() if shape is None or shape.ndims is None else TensorShape(
        [None]).concatenate(shape[1:])
    return [(meta.dtype, lead), (_dt.int64, TensorShape([None]))]


register_op("TensorArrayConcatV3", ("flow_in: Tflow",), _concat_shape, _concat_kernel,
            traits=(STATEFUL,))
register_op("TensorArraySizeV3", ("flow_in: Tflow",), lambda n: [(_dt.int32, TensorShape([]))],
            lambda ctx, op, flow: np.int32(len(flow.items)), traits=(STATEFUL,))


class _Meta:
    """What all TensorArray objects of one array share at build time (element shape)."""

    __slots__ = ("dtype", "element_shape", "infer")

    def __init__(self, dtype, element_shape, infer):
        self.dtype, self.element_shape, self.infer = dtype, element_shape, infer

    def merge(self, shape):
        if not self.infer:
            return
        if self.element_shape is None:
            self.element_shape = shape
        elif not self.element_shape.is_compatible_with(shape):
            raise ValueError("Inconsistent shapes: saw %s but expected %s (and infer_shape=True)"
                             % (shape, self.element_shape))
        else:
            self.element_shape = self.element_shape.merge_with(shape)


class TensorArray:
    """A dynamically sized array of tensors (``tf.TensorArray``, TF1 graph semantics).

    Args:
      dtype: the elements' dtype.
      size: the initial size (a scalar int32).
      dynamic_size: whether writes past the end grow it.
      clear_after_read: whether a read frees the element (a second read then fails).
      tensor_array_name, handle, flow: TensorFlow's (a flow given wraps an existing array).
      infer_shape: whether all elements must share the first written element's shape.
      element_shape: the elements' shape, if known.
      colocate_with_first_write_call: accepted.
    """

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None,
                 _meta=None):
        self._dtype = _dt.as_dtype(dtype).base_dtype
        if _meta is None:
            shape = None if element_shape is None else TensorShape(element_shape)
            if shape is not None and shape.ndims is None:
                shape = None
            _meta = _Meta(self._dtype, shape, infer_shape)
        self._meta = _meta
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        if flow is not None:
            self._flow = flow
            return
        if size is None:
            raise ValueError("Size must be provided if handle is not provided")
        attrs = {"dtype": self._dtype, "dynamic_size": self._dynamic_size,
                 "clear_after_read": self._clear_after_read, "meta": self._meta,
                 "tensor_array_name": tensor_array_name or ""}
        self._flow = build_op("TensorArrayV3", (convert_to_tensor(size, _dt.int32),), attrs,
                              name, "TensorArray")._outputs[0]

    dtype = property(lambda self: self._dtype)
    flow = property(lambda self: self._flow)
    handle = property(lambda self: self._flow)
    element_shape = property(lambda self: self._meta.element_shape or unknown_shape())

    def _flat_parts(self):
        return [self._flow]

    def _from_flat_parts(self, parts):
        return self._next(parts[0])

    def _next(self, flow):
        return TensorArray(self._dtype, dynamic_size=self._dynamic_size,
                           clear_after_read=self._clear_after_read, flow=flow, _meta=self._meta)

    def _attrs(self):
        return {"meta": self._meta}

    def write(self, index, value, name=None):
        value = convert_to_tensor(value, self._dtype)
        self._meta.merge(value.shape)
        op = build_op("TensorArrayWriteV3", (self._flow, convert_to_tensor(index, _dt.int32),
                                             value), self._attrs(), name, "TensorArrayWrite")
        return self._next(op._outputs[0])

    def read(self, index, name=None):
        return build_op("TensorArrayReadV3", (self._flow, convert_to_tensor(index, _dt.int32)),
                        self._attrs(), name, "TensorArrayRead")._outputs[0]

    def gather(self, indices, name=None):
        return build_op("TensorArrayGatherV3", (self._flow, convert_to_tensor(
            indices, _dt.int32)), self._attrs(), name, "TensorArrayGather")._outputs[0]

    def stack(self, name=None):
        return build_op("TensorArrayGatherV3", (self._flow, _indices_of(self)),
                        self._attrs(), name, "TensorArrayStack")._outputs[0]

    def scatter(self, indices, value, name=None):
        value = convert_to_tensor(value, self._dtype)
        if value.shape.ndims:
            self._meta.merge(value.shape[1:])
        op = build_op("TensorArrayScatterV3", (self._flow, convert_to_tensor(indices, _dt.int32),
                                               value), self._attrs(), name, "TensorArrayScatter")
        return self._next(op._outputs[0])

    def unstack(self, value, name=None):
        value = convert_to_tensor(value, self._dtype)
        return self.scatter(_range_of(value), value, name=name or "TensorArrayUnstack")

    def split(self, value, lengths, name=None):
        value = convert_to_tensor(value, self._dtype)
        op = build_op("TensorArraySplitV3", (self._flow, value, convert_to_tensor(
            lengths, _dt.int64)), self._attrs(), name, "TensorArraySplit")
        return self._next(op._outputs[0])

    def concat(self, name=None):
        return build_op("TensorArrayConcatV3", (self._flow,), self._attrs(), name,
                        "TensorArrayConcat")._outputs[0]

    def size(self, name=None):
        return build_op("TensorArraySizeV3", (self._flow,), None, name,
                        "TensorArraySize")._outputs[0]

    def identity(self):
        return self._next(self._flow)

    def close(self, name=None):
        return build_op("NoOp", (), None, name, "TensorArrayClose")

    def __repr__(self):
        return "<TensorArray %s dtype=%s>" % (self._flow.name, self._dtype.name)


def _indices_kernel(ctx, op, flow):
    return np.arange(len(flow.items), dtype=np.int32)


def _range_kernel(ctx, op, value):
    n = np.shape(value)[0] if np.ndim(value) else 0
    return np.arange(n, dtype=np.int32)


register_op("TensorArrayIndices", ("flow_in: Tflow",), lambda n: [(_dt.int32, TensorShape([None]))],
            _indices_kernel, traits=(STATEFUL,), tf_type="Range")
register_op("LeadingRange", ("value: T",), lambda n: [(_dt.int32, TensorShape(
    [n.inputs[0]._shape[0].value if n.inputs[0]._shape.ndims else None]))], _range_kernel,
            tf_type="Range")


def _indices_of(ta):
    return build_op("TensorArrayIndices", (ta._flow,), None, "range")._outputs[0]


def _range_of(value):
    return build_op("LeadingRange", (value,), None, "range")._outputs[0]
