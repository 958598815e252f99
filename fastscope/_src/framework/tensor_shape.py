"""``TensorShape`` and ``Dimension``: possibly partially known shapes.

>>> import fastscope as tf
>>> str(tf.TensorShape([None, 3]))
'(?, 3)'
"""


class Dimension:
    """One dimension; ``value`` is an int or None (unknown)."""

    __slots__ = ("_value",)

    def __init__(self, value):
        if isinstance(value, Dimension):
            value = value._value
        if value is not None:
            try:
                ivalue = int(value.__index__())
            except (AttributeError, TypeError):
                raise TypeError("Dimension value must be integer or None or have an __index__ "
                                "method, got value '%r' with type '%s'" % (value, type(value)))
            if ivalue < 0:
                raise ValueError("Dimension %d must be >= 0" % ivalue)
            value = ivalue
        self._value = value

    value = property(lambda self: self._value)

    def __repr__(self):
        return "Dimension(%r)" % (self._value,)

    def __str__(self):
        return "?" if self._value is None else str(self._value)

    def __int__(self):
        return self._value

    def __index__(self):
        return self._value

    def __eq__(self, other):
        other = other if isinstance(other, Dimension) else _try_dim(other)
        if other is None:
            return NotImplemented
        if self._value is None or other._value is None:
            return None
        return self._value == other._value

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is None or eq is NotImplemented else not eq

    def __hash__(self):
        return hash(self._value)

    def is_compatible_with(self, other):
        other = as_dimension(other)
        return self._value is None or other._value is None or self._value == other._value

    def merge_with(self, other):
        other = as_dimension(other)
        if not self.is_compatible_with(other):
            raise ValueError("Dimensions %s and %s are not compatible" % (self, other))
        return self if self._value is not None else other


# Dimensions are immutable, so known ones are shared rather than allocated per shape (a
# bounded table: a model's shapes use a few hundred distinct sizes).
_DIMS = {}
_MAX_SHARED = 1 << 16


def _try_dim(x):
    try:
        return as_dimension(x)
    except (TypeError, ValueError):
        return None


def as_dimension(value):
    if type(value) is int:
        d = _DIMS.get(value)
        if d is not None:
            return d
        d = Dimension(value)
        if len(_DIMS) < _MAX_SHARED:
            _DIMS[value] = d
        return d
    return value if isinstance(value, Dimension) else Dimension(value)


_UNKNOWN_DIM = Dimension(None)


def _as_dim_checked(d, dims):
    try:
        return as_dimension(d)
    except TypeError:
        raise TypeError("Cannot convert %r to a TensorShape" % (dims,)) from None
class TensorShape:
    """A shape of known or unknown rank, each dimension known or not."""

    __slots__ = ("_dims",)

    def __init__(self, dims):
        t = type(dims)
        if t is tuple or t is list:
            shared = _DIMS
            out = []
            for d in dims:
                known = shared.get(d) if type(d) is int else None
                if known is not None:
                    out.append(known)
                elif d is None:
                    out.append(_UNKNOWN_DIM)
                else:
                    out.append(_as_dim_checked(d, dims))
            self._dims = tuple(out)
        elif dims is None:
            self._dims = None
        elif isinstance(dims, TensorShape):
            self._dims = dims._dims
        else:
            if isinstance(dims, (int, Dimension)) or hasattr(dims, "__index__"):
                dims = [dims]
            try:
                self._dims = tuple(as_dimension(d) for d in dims)
            except TypeError:
                raise TypeError("Cannot convert %r to a TensorShape" % (dims,)) from None

    @property
    def dims(self):
        return None if self._dims is None else list(self._dims)

    @property
    def ndims(self):
        return None if self._dims is None else len(self._dims)

    rank = ndims

    def as_list(self):
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return [d._value for d in self._dims]

    def as_tuple(self):
        return tuple(self.as_list())

    def is_fully_defined(self):
        return self._dims is not None and all(d._value is not None for d in self._dims)

    def num_elements(self):
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self._dims:
            n *= d._value
        return n

    def is_compatible_with(self, other):
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return True
        if len(self._dims) != len(other._dims):
            return False
        return all(a.is_compatible_with(b) for a, b in zip(self._dims, other._dims))

    def merge_with(self, other):
        other = as_shape(other)
        if self._dims is None:
            return other
        if other._dims is None:
            return self
        if len(self._dims) != len(other._dims) or not self.is_compatible_with(other):
            raise ValueError("Shapes %s and %s are not compatible" % (self, other))
        return TensorShape([a.merge_with(b) for a, b in zip(self._dims, other._dims)])

    def assert_is_compatible_with(self, other):
        if not self.is_compatible_with(other):
            raise ValueError("Shapes %s and %s are incompatible" % (self, other))

    def assert_has_rank(self, rank):
        if self._dims is not None and len(self._dims) != rank:
            raise ValueError("Shape %s must have rank %d" % (self, rank))

    def with_rank(self, rank):
        if self._dims is None:
            return unknown_shape(rank)
        self.assert_has_rank(rank)
        return self

    def concatenate(self, other):
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return TensorShape(None)
        return TensorShape(self._dims + other._dims)

    def __len__(self):
        if self._dims is None:
            raise ValueError("Cannot take the length of shape with unknown rank.")
        return len(self._dims)

    def __iter__(self):
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(self._dims)

    def __getitem__(self, key):
        if self._dims is None:
            if isinstance(key, slice):
                return TensorShape(None)
            return Dimension(None)
        if isinstance(key, slice):
            return TensorShape(self._dims[key])
        return self._dims[key]

    def __bool__(self):
        return self._dims is not None

    def __eq__(self, other):
        try:
            other = as_shape(other)
        except TypeError:
            return NotImplemented
        return self._dims == other._dims if self._dims is None or other._dims is None else (
            [d._value for d in self._dims] == [d._value for d in other._dims])

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self):
        return hash(None if self._dims is None else tuple(d._value for d in self._dims))

    def __repr__(self):
        if self._dims is None:
            return "TensorShape(None)"
        return "TensorShape([%s])" % ", ".join(repr(d) for d in self._dims)

    def __str__(self):
        if self._dims is None:
            return "<unknown>"
        if len(self._dims) == 1:
            return "(%s,)" % self._dims[0]
        return "(%s)" % ", ".join(str(d) for d in self._dims)


def as_shape(shape):
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


def unknown_shape(rank=None):
    return TensorShape(None if rank is None else [None] * rank)


def scalar():
    return TensorShape([])


def shape_str(shape):
    """A shape as TensorFlow's messages print it: ``[2,?,3]`` (``?`` for unknown rank)."""
    if shape.ndims is None:
        return "?"
    return "[%s]" % ",".join("?" if d.value is None else str(d.value) for d in shape)


def incompatibility(a, b):
    """TensorFlow's words for why shapes ``a`` and ``b`` do not merge, or None if they do."""
    if a.ndims is None or b.ndims is None:
        return None
    if a.ndims != b.ndims:
        return "Shapes must be equal rank, but are %d and %d" % (a.ndims, b.ndims)
    for i, (x, y) in enumerate(zip(a._dims, b._dims)):
        if x._value is not None and y._value is not None and x._value != y._value:
            return ("Dimension %d in both shapes must be equal, but are %d and %d. Shapes are "
                    "%s and %s." % (i, x._value, y._value, shape_str(a), shape_str(b)))
    return None
