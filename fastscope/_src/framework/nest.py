"""Nested structures of tensors (lists, tuples, namedtuples, dicts) flattened and rebuilt.

What ``tf.cond`` branches return and ``tf.while_loop`` carries. A value that is not a
sequence is a leaf, except objects with ``_flat_parts()`` / ``_from_flat_parts()``
(a TensorArray: its flow tensor), which flatten to their parts.

>>> flatten({"b": [1, 2], "a": (3,)})
[3, 1, 2]
>>> pack_sequence_as({"b": [0, 0], "a": (0,)}, [3, 1, 2])
{'b': [1, 2], 'a': (3,)}
"""
import collections.abc


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def _children(x):
    if isinstance(x, collections.abc.Mapping):
        return [x[k] for k in sorted(x)]
    if isinstance(x, (list, tuple)):
        return list(x)
    parts = getattr(x, "_flat_parts", None)
    if parts is not None:
        return list(parts())
    return None


def flatten(structure):
    """The leaves of ``structure`` in order (dict entries by sorted key)."""
    kids = _children(structure)
    if kids is None:
        return [structure]
    out = []
    for k in kids:
        out.extend(flatten(k))
    return out


def _pack(structure, leaves, pos):
    kids = _children(structure)
    if kids is None:
        return leaves[pos], pos + 1
    packed = []
    for k in kids:
        v, pos = _pack(k, leaves, pos)
        packed.append(v)
    if isinstance(structure, collections.abc.Mapping):
        keys = sorted(structure)
        return type(structure)((k, packed[keys.index(k)]) for k in structure), pos
    if _is_namedtuple(structure):
        return type(structure)(*packed), pos
    if isinstance(structure, (list, tuple)):
        return type(structure)(packed), pos
    return structure._from_flat_parts(packed), pos


def pack_sequence_as(structure, leaves):
    """``leaves`` (a flat list) in the shape of ``structure``.

    Raises:
      ValueError: a number of leaves other than the structure's.
    """
    leaves = list(leaves)
    n = len(flatten(structure))
    if n != len(leaves):
        raise ValueError("The structure has %d leaves but %d values were given: %s"
                         % (n, len(leaves), structure))
    return _pack(structure, leaves, 0)[0]


def map_structure(fn, *structures):
    """``fn`` applied leaf by leaf over structures of the same shape."""
    flats = [flatten(s) for s in structures]
    if any(len(f) != len(flats[0]) for f in flats):
        raise ValueError("The two structures don't have the same number of elements: %s"
                         % (structures,))
    return pack_sequence_as(structures[0], [fn(*xs) for xs in zip(*flats)])


def assert_same_structure(a, b):
    """Raises ValueError (TensorFlow's words) unless ``a`` and ``b`` nest the same way."""
    ka, kb = _children(a), _children(b)
    if (ka is None) != (kb is None) or (ka is not None and (
            len(ka) != len(kb) or type(a) is not type(b) and not (
                isinstance(a, (list, tuple)) and isinstance(b, (list, tuple))))):
        raise ValueError("The two structures don't have the same nested structure.\n\nFirst "
                         "structure: %s\n\nSecond structure: %s" % (a, b))
    for x, y in zip(ka or (), kb or ()):
        assert_same_structure(x, y)
