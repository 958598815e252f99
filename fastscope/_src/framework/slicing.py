"""Strided-slice index arithmetic: TensorFlow's ``StridedSlice`` semantics in one place.

A strided slice is given *sparsely*: ``begin``, ``end`` and ``strides`` vectors of one
length and five bit masks (bit i speaks of entry i). ``begin_mask``/``end_mask`` bit i:
ignore ``begin[i]``/``end[i]`` and take the whole range; ``ellipsis_mask``: entry i
stands for as many whole dimensions as the other entries leave over (one at most;
without one, an implicit ellipsis follows the last entry); ``new_axis_mask``: entry i
inserts a dimension of size 1; ``shrink_axis_mask``: entry i takes the single index
``begin[i]`` and drops the dimension.

``dense_entries`` expands a sparse spec against an input rank; ``slice_plan`` resolves it
against the input's (possibly partly unknown) dimensions and, when the index values are
known, the values themselves. The op's shape function, its kernel and static shape
inference of slices of shape vectors all use it, so they cannot disagree.

>>> plan = slice_plan([4, 5], [1, 0], [3, 0], [1, -1], begin_mask=2, end_mask=2)   # x[1:3, ::-1]
>>> plan.final_shape, plan.index
([2, 5], (slice(1, 3, 1), slice(4, None, -1)))
"""

FULL, NEW, DIM = 0, 1, 2


class SliceSpecError(ValueError):
    """A slice spec the input cannot take (TensorFlow's words; ValueError at build time)."""


def _bit(mask, i):
    return (mask >> i) & 1


def dense_entries(rank, n, ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0):
    """The dense form of an ``n``-entry sparse spec against an input of rank ``rank``.

    Returns:
      A list of ``(kind, sparse_index, input_axis, shrink)`` in output order: kind FULL
      (a whole input dimension an ellipsis stands for), NEW (an inserted size-1
      dimension; ``input_axis`` None) or DIM (input axis taken by sparse entry
      ``sparse_index``).

    Raises:
      SliceSpecError: several ellipses, or more indexed dimensions than the input has.
    """
    if ellipsis_mask & (ellipsis_mask - 1):
        raise SliceSpecError("Multiple ellipses in slice spec not allowed")
    entries = n
    seen = False
    new_after = 0
    for i in range(n):
        if seen and _bit(new_axis_mask, i):
            new_after += 1
        if _bit(ellipsis_mask, i):
            seen = True
    if not seen:
        ellipsis_mask |= 1 << n
        entries += 1
    out = []
    axis = 0
    for i in range(entries):
        if _bit(ellipsis_mask, i):
            stop = min(rank - (entries - i) + 1 + new_after, rank)
            while axis < stop:
                out.append((FULL, None, axis, False))
                axis += 1
        elif _bit(new_axis_mask, i):
            out.append((NEW, i, None, False))
        else:
            if axis == rank:
                raise SliceSpecError("Index out of range using input dim %d; input has only %d "
                                     "dims" % (axis, rank))
            out.append((DIM, i, axis, bool(_bit(shrink_axis_mask, i))))
            axis += 1
    return out


def _canonical(x, masked, dim, stride, is_end):
    """A begin (or end) index clamped into the range a stride walks, as TensorFlow does."""
    lo, hi = (0, dim) if stride > 0 else (-1, dim - 1)
    if masked:
        return (hi if is_end else lo) if stride > 0 else (lo if is_end else hi)
    if x < 0:
        x += dim
    return lo if x < lo else hi if x > hi else x


def _count(length, stride):
    """How many indices a walk of ``stride`` takes over an interval of signed ``length``."""
    if length == 0 or (length < 0) != (stride < 0):
        return 0
    q, r = divmod(abs(length), abs(stride))
    return q + (r != 0)


class SlicePlan:
    """A resolved slice: the output shape and, when every value is known, a numpy index.

    Attributes:
      final_shape: the output's dimensions (None where unknown).
      index: a tuple for numpy basic indexing (ints, slices, None for new axes) that
        gives the output, or None when begin/end values were unknown.
    """

    __slots__ = ("final_shape", "index")

    def __init__(self, final_shape, index):
        self.final_shape = final_shape
        self.index = index


def _resolve_dim(k, dim, b, e, s, shrink, begin_masked, end_masked, known):
    """(output size or None, numpy index entry or None) for input dimension ``k``."""
    if s == 0:
        raise SliceSpecError("strides[%d] must be non-zero" % k)
    if dim is None:
        return (1 if shrink else None), None
    if shrink and s <= 0:
        raise SliceSpecError("only stride 1 allowed on non-range indexing.")
    if known:
        if shrink:
            fwd = b + dim if b < 0 else b
            if not 0 <= fwd < dim:
                raise SliceSpecError("slice index %d of dimension %d out of bounds." % (fwd, k))
            return 1, fwd
        cb = _canonical(b, begin_masked, dim, s, False)
        ce = _canonical(e, end_masked, dim, s, True)
        size = _count(ce - cb, s)
        if size == 0:
            return 0, slice(0, 0, 1)
        return size, slice(cb, ce if ce >= 0 else None, s)
    if shrink:
        return 1, None
    if begin_masked and end_masked:
        return _count(dim if s > 0 else -dim, s), None
    return None, None


def slice_plan(dims, begin, end, strides, begin_mask=0, end_mask=0, ellipsis_mask=0,
               new_axis_mask=0, shrink_axis_mask=0):
    """Resolves a sparse slice spec against an input's dimensions.

    Args:
      dims: the input's dimensions (ints, None where unknown); its length is the rank.
      begin, end: sequences of ints, or None when their values are unknown.
      strides: a sequence of ints (known values).
      begin_mask ... shrink_axis_mask: TensorFlow's bit masks.

    Returns:
      A SlicePlan.

    Raises:
      SliceSpecError: a spec the input cannot take.
    """
    n = len(strides)
    known = begin is not None and end is not None
    shape = []
    index = []
    for kind, i, axis, shrink in dense_entries(len(dims), n, ellipsis_mask, new_axis_mask,
                                               shrink_axis_mask):
        if kind == NEW:
            shape.append(1)
            index.append(None)
            continue
        if kind == FULL:
            shape.append(dims[axis])
            index.append(slice(None))
            continue
        size, entry = _resolve_dim(axis, dims[axis],
                                   begin[i] if known else 0, end[i] if known else 0,
                                   strides[i], shrink, bool(_bit(begin_mask, i)),
                                   bool(_bit(end_mask, i)), known)
        if not shrink:
            shape.append(size)
        index.append(entry)
    complete = known and all(d is not None for d in dims)
    return SlicePlan(shape, tuple(index) if complete else None)
