"""TensorFlow's DType objects (``tf.float32`` ...) over numpy dtypes.

>>> import fastscope as tf
>>> tf.as_dtype("float32") is tf.float32
True
"""
import builtins

import numpy as np


class DType:
    """A tensor element type; ``_ref`` variants type variable references."""

    __slots__ = ("_name", "_np", "_is_ref", "_base", "_ref", "_enum", "_enum_name")

    def __init__(self, name, np_type, enum, enum_name, is_ref=False):
        self._name = name
        self._np = np.dtype(np_type) if np_type is not None else None
        self._is_ref = is_ref
        self._base = self
        self._ref = None
        self._enum = enum + 100 if is_ref else enum
        self._enum_name = enum_name + "_REF" if is_ref else enum_name

    name = property(lambda self: self._name)
    as_numpy_dtype = property(lambda self: self._np.type if self._np is not None else object)
    base_dtype = property(lambda self: self._base)
    real_dtype = property(lambda self: {"complex64": float32, "complex128": float64}.get(
        self._base._name, self._base))
    is_floating = property(lambda self: self._np is not None and self._np.kind == "f")
    is_complex = property(lambda self: self._np is not None and self._np.kind == "c")
    is_integer = property(lambda self: self._np is not None and self._np.kind in "iu")
    is_unsigned = property(lambda self: self._np is not None and self._np.kind == "u")
    is_bool = property(lambda self: self._np is not None and self._np.kind == "b")
    is_numpy_compatible = property(lambda self: self._np is not None)
    size = property(lambda self: self._np.itemsize if self._np is not None else 1)
    # TensorFlow's DataType enum (types.proto) and its name, as messages print it (DT_FLOAT)
    as_datatype_enum = property(lambda self: self._enum)
    enum_name = property(lambda self: self._enum_name)

    @property
    def _as_ref(self):
        return self._ref

    @property
    def min(self):
        if self.is_floating:
            return float(np.finfo(self._np).min)
        if self.is_integer:
            return int(np.iinfo(self._np).min)
        raise TypeError("Cannot find minimum value of %s." % self)

    @property
    def max(self):
        if self.is_floating:
            return float(np.finfo(self._np).max)
        if self.is_integer:
            return int(np.iinfo(self._np).max)
        raise TypeError("Cannot find maximum value of %s." % self)

    def is_compatible_with(self, other):
        return self._base is as_dtype(other)._base

    def __repr__(self):
        return "tf." + self._name

    def __str__(self):
        return "<dtype: '%s'>" % self._name

    def __eq__(self, other):
        if other is None:
            return False
        if isinstance(other, DType):
            return self is other
        try:
            return self is as_dtype(other)
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self._name)

    def __reduce__(self):
        return as_dtype, (self._name,)


def _make(name, np_type, enum, enum_name):
    base = DType(name, np_type, enum, enum_name)
    ref = DType(name + "_ref", np_type, enum, enum_name, is_ref=True)
    ref._base = base
    base._ref = ref
    ref._ref = ref
    return base


float16 = half = _make("float16", np.float16, 19, "DT_HALF")
float32 = _make("float32", np.float32, 1, "DT_FLOAT")
float64 = double = _make("float64", np.float64, 2, "DT_DOUBLE")
int8 = _make("int8", np.int8, 6, "DT_INT8")
int16 = _make("int16", np.int16, 5, "DT_INT16")
int32 = _make("int32", np.int32, 3, "DT_INT32")
int64 = _make("int64", np.int64, 9, "DT_INT64")
uint8 = _make("uint8", np.uint8, 4, "DT_UINT8")
uint16 = _make("uint16", np.uint16, 17, "DT_UINT16")
uint32 = _make("uint32", np.uint32, 22, "DT_UINT32")
uint64 = _make("uint64", np.uint64, 23, "DT_UINT64")
bool = _make("bool", np.bool_, 10, "DT_BOOL")  # noqa: A001 - TensorFlow's name
complex64 = _make("complex64", np.complex64, 8, "DT_COMPLEX64")
complex128 = _make("complex128", np.complex128, 18, "DT_COMPLEX128")
string = _make("string", object, 7, "DT_STRING")
string._np = None

_ALL = [float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
        bool, complex64, complex128, string]
_BY_NAME = {}
for _d in _ALL:
    _BY_NAME[_d.name] = _d
    _BY_NAME[_d._ref.name] = _d._ref
_BY_NAME.update(half=float16, double=float64)
_BY_NP = {d._np: d for d in _ALL if d._np is not None}
_BY_ENUM = {d._enum: d for d in _ALL}
_BY_ENUM.update({d._ref._enum: d._ref for d in _ALL})
_BY_TYPE = {float: float32, int: int32, complex: complex128, str: string, bytes: string}
_BY_TYPE[builtins.bool] = bool


def as_dtype(type_value):
    """Converts a DType, numpy dtype/type or name (``'float32'``) to a DType.

    Raises:
      TypeError: if the value names no TensorFlow type.
    """
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, np.dtype):
        d = _BY_NP.get(type_value)
        if d is not None:
            return d
    if type(type_value) is int:
        d = _BY_ENUM.get(type_value)
        if d is not None:
            return d
        raise TypeError("Cannot convert value %r to a TensorFlow DType." % (type_value,))
    if isinstance(type_value, str):
        d = _BY_NAME.get(type_value)
        if d is not None:
            return d
    elif type_value in _BY_TYPE:
        return _BY_TYPE[type_value]
    else:
        try:
            npd = np.dtype(type_value)
        except TypeError:
            npd = None
        if npd is not None:
            if npd.kind in "OSU":
                return string
            d = _BY_NP.get(npd)
            if d is not None:
                return d
    raise TypeError("Cannot convert value %r to a TensorFlow DType." % (type_value,))


def from_numpy(np_dtype):
    """The DType of a numpy dtype, applying TensorFlow's defaults (str -> string)."""
    return as_dtype(np_dtype)
