"""TensorBoard event files: the protobuf wire format and TFRecord framing, by hand.

fastscope does not depend on protobuf or TensorFlow, so the few messages an
event file holds (``Event``, ``Summary``, ``GraphDef``) are encoded here from
their field numbers in TensorFlow's ``.proto`` files.

>>> record(b"") == b"\\x00" * 8 + masked_crc32c(b"\\x00" * 8) + masked_crc32c(b"")
True
"""
import struct

import numpy as np

from fastscope._src import kernels
from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework.tensor_shape import TensorShape


# -- protobuf wire format ---------------------------------------------------------------------
def varint(n):
    """Base-128 varint; negative int64 values take ten bytes (two's complement)."""
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(num, value):
    return varint(num << 3) + varint(int(value))


def field_bytes(num, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return varint((num << 3) | 2) + varint(len(data)) + data


def field_double(num, value):
    return varint((num << 3) | 1) + struct.pack("<d", value)


def field_float(num, value):
    return varint((num << 3) | 5) + struct.pack("<f", value)


def fields(data):
    """Yields (field number, wire type, value) of a serialized message (value: int or bytes)."""
    i, n = 0, len(data)
    while i < n:
        key, i = _read_varint(data, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _read_varint(data, i)
        elif wire == 1:
            value, i = data[i:i + 8], i + 8
        elif wire == 2:
            size, i = _read_varint(data, i)
            value, i = data[i:i + size], i + size
        elif wire == 5:
            value, i = data[i:i + 4], i + 4
        else:
            raise ValueError("unsupported protobuf wire type %d" % wire)
        if i > n:
            raise ValueError("truncated protobuf message")
        yield num, wire, value


def _read_varint(data, i):
    shift = result = 0
    while True:
        if i >= len(data):
            raise ValueError("truncated protobuf varint")
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


# -- TFRecord framing -------------------------------------------------------------------------
def crc32c(data):
    """CRC-32C (Castagnoli) of ``data`` (compiled: graphs make event files of megabytes)."""
    return kernels.compiled().crc32c(data)


def masked_crc32c(data):
    c = crc32c(data)
    return struct.pack("<I", (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF)


def record(data):
    """One TFRecord: length, its masked CRC-32C, the data, the data's masked CRC-32C."""
    header = struct.pack("<Q", len(data))
    return header + masked_crc32c(header) + data + masked_crc32c(data)


def read_records(blob):
    """The payloads of a TFRecord file's contents, checking both CRCs.

    Raises:
      ValueError: a truncated record or a CRC that does not match.
    """
    out, i = [], 0
    while i < len(blob):
        if i + 12 > len(blob):
            raise ValueError("truncated record header at byte %d" % i)
        header = blob[i:i + 8]
        if blob[i + 8:i + 12] != masked_crc32c(header):
            raise ValueError("corrupted record header at byte %d" % i)
        (size,) = struct.unpack("<Q", header)
        data = blob[i + 12:i + 12 + size]
        if len(data) != size or blob[i + 12 + size:i + 16 + size] != masked_crc32c(data):
            raise ValueError("corrupted record at byte %d" % i)
        out.append(data)
        i += 16 + size
    return out


# -- messages ---------------------------------------------------------------------------------
def datatype_enum(dtype):
    return dtype.as_datatype_enum


def event(wall_time, step=0, file_version=None, graph_def=None, summary=None):
    """A serialized ``Event``: wall_time (1), step (2) and one of its payloads."""
    out = field_double(1, wall_time)
    if step:
        out += field_varint(2, step)
    if file_version is not None:
        out += field_bytes(3, file_version)
    if graph_def is not None:
        out += field_bytes(4, graph_def)
    if summary is not None:
        out += field_bytes(5, summary)
    return out


def scalar_summary(tag, value):
    """A serialized ``Summary`` with one ``Value{tag, simple_value}``."""
    return field_bytes(1, field_bytes(1, tag) + field_float(2, float(value)))


def summary_tags(summary):
    """The tags of a serialized ``Summary``'s values, in order."""
    tags = []
    for num, wire, value in fields(summary):
        if num == 1 and wire == 2:
            tags.extend(v.decode("utf-8") for n, w, v in fields(value) if n == 1 and w == 2)
    return tags


def _shape_proto(shape):
    if shape.ndims is None:
        return field_varint(3, 1)
    return b"".join(field_bytes(2, field_varint(1, -1 if d.value is None else d.value))
                    for d in shape.dims)


def _tensor_proto(arr, dtype):
    out = field_varint(1, datatype_enum(dtype)) + field_bytes(2, _shape_proto(TensorShape(arr.shape)))
    if arr.size > 1 and not any(arr.strides):
        arr = arr.reshape(-1)[:1]   # one value for all: TensorProto's own convention
    if dtype.base_dtype is _dt.string:
        for v in arr.reshape(-1):
            out += field_bytes(8, v if isinstance(v, bytes) else str(v).encode("utf-8"))
    else:
        out += field_bytes(4, np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"),
                                                               copy=False).tobytes())
    return out


def _attr(key, value_proto):
    return field_bytes(5, field_bytes(1, key) + field_bytes(2, value_proto))


def _input_name(t):
    return t._op._name if t._value_index == 0 else "%s:%d" % (t._op._name, t._value_index)


def _node_def(op):
    out = field_bytes(1, op._name) + field_bytes(2, op._def.type)
    for t in op._inputs:
        out += field_bytes(3, _input_name(t))
    for c in op._control_inputs:
        out += field_bytes(3, "^" + c._name)
    attrs = op._attrs
    for key in ("dtype", "T"):
        dt = attrs.get(key)
        if isinstance(dt, _dt.DType):
            out += _attr(key, field_varint(6, datatype_enum(dt.base_dtype)))
    if "dtype" not in attrs and "T" not in attrs and op._outputs:
        out += _attr("T", field_varint(6, datatype_enum(op._outputs[0]._dtype)))
    if op._type == "Const" and isinstance(attrs.get("value"), np.ndarray):
        out += _attr("value", field_bytes(8, _tensor_proto(attrs["value"], op._outputs[0]._dtype)))
    if op._outputs:
        shapes = b"".join(field_bytes(7, _shape_proto(t._shape)) for t in op._outputs)
        out += _attr("_output_shapes", field_bytes(1, shapes))
    return out


def graph_def(graph):
    """A serialized ``GraphDef`` of ``graph``'s ops in creation order (what TensorBoard draws).

    Nodes carry their name, type, inputs (``^name`` for control inputs), dtype,
    output shapes and constant values; other attributes are left out.
    """
    nodes = b"".join(field_bytes(1, _node_def(op)) for op in graph.get_operations())
    return nodes + field_bytes(4, field_varint(1, 27))
