# Included by _kernels.pyx (shares its cimports and module state).
# Random fills

cdef inline void _fill_span(rnd_t* dst, uint64_t j0, int64_t n, const FillPlan* p) noexcept nogil:
    if rnd_t is float:
        fs_fill_f32(dst, j0, n, p.key, p.stream, p.dist, p.a, p.b)
    elif rnd_t is double:
        fs_fill_f64(dst, j0, n, p.key, p.stream, p.dist, p.a, p.b)
    elif rnd_t is int32_t:
        fs_fill_i32(dst, j0, n, p.key, p.stream, p.ilo, p.irange)
    else:
        fs_fill_i64(dst, j0, n, p.key, p.stream, p.ilo, p.irange)


cdef void _fill_part(rnd_t* out, int64_t s, int64_t e, const FillPlan* p) noexcept nogil:
    cdef int64_t pos = s, r, q, take, rr, idx
    cdef uint64_t base
    cdef int i
    while pos < e:
        r = pos // p.runlen
        q = pos - r * p.runlen
        take = p.runlen - q
        if take > e - pos:
            take = e - pos
        base = p.run_base
        rr = r
        for i in range(p.nouter - 1, -1, -1):
            idx = rr % p.oshape[i]
            rr = rr // p.oshape[i]
            base += (<uint64_t>idx + p.off[i]) * p.fstride[i]
        _fill_span(out + pos, base + <uint64_t>q, take, p)
        pos += take


cdef void fill_plan(rnd_t* out, int64_t size, const FillPlan* plan, int nthreads) noexcept nogil:
    cdef int t
    cdef int64_t s, e
    if not _parallel_ok(nthreads) or size < 2 * 64 * nthreads:
        _fill_part(out, 0, size, plan)
        return
    # Contiguous, 64-aligned slices per thread: every element is a pure
    # function of its logical index, so the split cannot change the values.
    for t in prange(nthreads, num_threads=nthreads, schedule='static', chunksize=1):
        s = (size * t // nthreads) & ~(<int64_t>63)
        e = size if t == nthreads - 1 else (size * (t + 1) // nthreads) & ~(<int64_t>63)
        _fill_part(out, s, e, plan)


cdef object _int_bound(double v, str what):
    if v != v or v in (float("inf"), float("-inf")) or v != <double>int(v):
        raise ValueError(f"random_fill: UNIFORM_INT needs integral bounds, got {what}={v!r}")
    return int(v)


cdef cnp.ndarray _fill_output(out, int dist):
    """``out`` checked to be a writable C-contiguous array of a dtype ``dist`` can fill."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"random_fill: out must be a numpy.ndarray, got {type(out).__name__}")
    cdef cnp.ndarray arr = out
    if not arr.flags.c_contiguous:
        raise ValueError("random_fill: out must be C-contiguous")
    if not arr.flags.writeable:
        raise ValueError("random_fill: out is read-only")
    if dist not in (UNIFORM, NORMAL, TRUNCATED_NORMAL, UNIFORM_INT):
        raise ValueError(f"random_fill: unknown dist {dist}; use UNIFORM, NORMAL, "
                         "TRUNCATED_NORMAL or UNIFORM_INT")
    dt = arr.dtype
    is_int = dt == np.int32 or dt == np.int64
    if dist == UNIFORM_INT:
        if not is_int:
            raise TypeError(f"random_fill: UNIFORM_INT needs an int32 or int64 output, got {dt}")
    elif not (dt == np.float32 or dt == np.float64):
        raise TypeError(f"random_fill: this distribution needs a float32 or float64 output, got {dt}")
    if arr.ndim > MAX_NDIM:
        raise ValueError(f"random_fill: rank {arr.ndim} is above {MAX_NDIM}")
    return arr


def _fill_block(shape, full_shape, offset):
    """(full shape, offset) of the block ``shape`` inside the logical tensor, checked."""
    nd = len(shape)
    full = shape if full_shape is None else tuple(int(s) for s in full_shape)
    off = (0,) * nd if offset is None else tuple(int(s) for s in offset)
    if len(full) != nd or len(off) != nd:
        raise ValueError(f"random_fill: out has shape {shape} but full_shape={full_shape!r}, "
                         f"offset={offset!r} (all three need rank {nd})")
    for i in range(nd):
        if off[i] < 0 or off[i] + shape[i] > full[i]:
            raise ValueError(f"random_fill: a block of shape {shape} at offset {off} does not fit "
                             f"in full_shape {full} (axis {i})")
    total = 1
    for s in full:
        total *= s
    if total >= (1 << 64) - 64:
        raise ValueError(f"random_fill: full_shape {full} has more than 2^64 elements")
    return full, off


cdef void _fill_runs(FillPlan* plan, shape, full, off, int64_t size) except *:
    """Sets how the block's contiguous runs map onto the logical tensor."""
    # Axes t.. match the full tensor; axis t-1 is partial: runs of
    # prod(shape[t-1:]) elements are contiguous in both layouts.
    nd = len(shape)
    t = nd
    while t > 0 and shape[t - 1] == full[t - 1]:
        t -= 1
    fstride = [1] * nd
    for i in range(nd - 2, -1, -1):
        fstride[i] = fstride[i + 1] * full[i + 1]
    if t == 0:
        plan.nouter = 0
        plan.runlen = size
        plan.run_base = 0
        return
    ra = t - 1
    runlen = 1
    for i in range(ra, nd):
        runlen *= shape[i]
    plan.nouter = ra
    plan.runlen = runlen
    plan.run_base = off[ra] * fstride[ra]
    for i in range(ra):
        plan.oshape[i] = shape[i]
        plan.off[i] = off[i]
        plan.fstride[i] = fstride[i]


def random_fill(out, unsigned long long key, unsigned long long stream, int dist,
                double a, double b, full_shape=None, offset=None, int nthreads=1):
    """Fill `out` in place from a counter-based (Philox4x32-10) random tensor.

    Element `idx` of `out` receives element `idx + offset` of a logical tensor
    of shape `full_shape`, whose row-major element j depends only on
    (key, stream, j). A shard filled with its offset therefore holds exactly the
    slice of the unpartitioned fill, and `nthreads` never changes the values.

    >>> import numpy as np
    >>> full = np.empty((4, 6), np.float32); random_fill(full, 7, 0, NORMAL, 0.0, 1.0)
    >>> part = np.empty((2, 3), np.float32)
    >>> random_fill(part, 7, 0, NORMAL, 0.0, 1.0, full_shape=(4, 6), offset=(1, 2))
    >>> bool((part == full[1:3, 2:5]).all())
    True

    Args:
      out: writable C-contiguous ndarray; float32/float64, or int32/int64 for
        UNIFORM_INT. Any rank, including 0 and empty dimensions.
      key: 64-bit Philox key (from the graph and op seeds).
      stream: 64-bit stream id (upper half of the Philox counter).
      dist: UNIFORM ([a, b)), NORMAL (mean a, stddev b), TRUNCATED_NORMAL
        (mean a, stddev b, within 2 stddev), UNIFORM_INT (integers in [a, b)).
      a, b: distribution parameters, as above.
      full_shape: shape of the logical tensor (default: out.shape).
      offset: where `out` starts inside it (default: zeros).
      nthreads: threads to use (see fastscope._src.threads.threads_for).

    Raises:
      TypeError: `out` is not an ndarray, or its dtype does not suit `dist`.
      ValueError: non-contiguous or read-only `out`, unknown `dist`, bad
        full_shape/offset, or UNIFORM_INT bounds that are not integers with
        a < b inside the dtype's range.

    Differs from TensorFlow: the values are not TensorFlow's for the same
    seed (TensorFlow's depend on its kernel's thread split). Float32 normals
    use 23-bit uniforms (tails up to about 5.8 stddev), as TensorFlow's do.
    """
    cdef cnp.ndarray arr = _fill_output(out, dist)
    dt = arr.dtype
    shape = tuple(int(s) for s in out.shape)
    full, off = _fill_block(shape, full_shape, offset)
    cdef FillPlan plan
    memset(&plan, 0, sizeof(FillPlan))
    plan.key = key
    plan.stream = stream
    plan.dist = dist
    plan.a = a
    plan.b = b
    if dist == UNIFORM_INT:
        lo, hi = _int_bound(a, "a"), _int_bound(b, "b")
        bits = 32 if dt == np.int32 else 64
        if not (-(1 << (bits - 1)) <= lo < hi <= (1 << (bits - 1))):
            raise ValueError(f"random_fill: UNIFORM_INT needs a < b within int{bits}, "
                             f"got [{lo}, {hi})")
        plan.ilo = lo
        plan.irange = (hi - lo) & 0xFFFFFFFFFFFFFFFF   # 2^64 wraps to 0 = whole line
    cdef int64_t size = 1
    for s in shape:
        size *= s
    if size == 0:
        return
    _fill_runs(&plan, shape, full, off, size)
    _fill_dispatch(arr, size, &plan, nthreads)


cdef void _fill_dispatch(cnp.ndarray arr, int64_t size, FillPlan* plan, int nthreads) except *:
    if nthreads < 1:
        nthreads = 1
    cdef void* data = cnp.PyArray_DATA(arr)
    dt = arr.dtype
    if dt == np.float32:
        with nogil:
            fill_plan(<float*>data, size, plan, nthreads)
    elif dt == np.float64:
        with nogil:
            fill_plan(<double*>data, size, plan, nthreads)
    elif dt == np.int32:
        with nogil:
            fill_plan(<int32_t*>data, size, plan, nthreads)
    else:
        with nogil:
            fill_plan(<int64_t*>data, size, plan, nthreads)



