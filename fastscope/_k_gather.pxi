# Included by _kernels.pyx (shares its cimports and module state).
# gather: one table (gather) or a table split into shards (gather_shards)

def gather(params, indices, int nthreads=1):
    """params[indices] along axis 0 (rows copied with memcpy).

    >>> import numpy as np
    >>> gather(np.arange(6).reshape(3, 2), np.array([[2, 0]])).tolist()
    [[[4, 5], [0, 1]]]

    Args:
      params: array of rank >= 1, any non-object dtype (copied to C order if
        it is not already).
      indices: int32/int64 array of any shape.
      nthreads: threads for the copy.

    Returns:
      A new array of shape indices.shape + params.shape[1:].

    Raises:
      TypeError: object params or non-integer indices.
      ValueError: params of rank 0.
      IndexError: an index outside [0, params.shape[0]).
    """
    p = np.asarray(params)
    ix = np.asarray(indices)
    if p.ndim < 1:
        raise ValueError("gather: params must be at least 1-D, got a scalar")
    if p.dtype.hasobject:
        raise TypeError("gather: params of object dtype are not supported")
    if ix.dtype != np.int32 and ix.dtype != np.int64:
        raise TypeError(f"gather: indices must be int32 or int64, got {ix.dtype}")
    p = np.ascontiguousarray(p)
    ix = ix if ix.flags.c_contiguous else ix.copy()   # ascontiguousarray would make 0-d 1-d
    try:
        return gather_shards([p], ix, GATHER_ONE, nthreads)
    except IndexError as e:
        raise IndexError("index %d is out of range [0, %d)"
                         % (int(ix.reshape(-1)[e.args[1]]), p.shape[0])) from None


# Sharded gather (embedding_lookup over a list of shards): each id is routed to
# (shard, row) arithmetically and its row copied straight to its place in the
# output, so there is one pass over the ids and one copy of each row.

cdef enum:
    _G_ONE = 0    # a single table: id i is row i
    _G_MOD = 1    # id i -> shard i % n, row i // n
    _G_DIV = 2    # contiguous ranges, the first total % n shards one row longer

GATHER_ONE, GATHER_MOD, GATHER_DIV = _G_ONE, _G_MOD, _G_DIV

ctypedef struct _Route:
    int strategy
    int64_t nshards
    int64_t total
    int64_t per        # total // nshards
    int64_t extras     # total % nshards
    int64_t cut        # extras * (per + 1): ids below it are in the longer shards


ctypedef struct _Loc:
    int64_t shard
    int64_t row


cdef inline _Loc _route(const _Route* r, int64_t v) noexcept nogil:
    cdef _Loc loc
    if r.strategy == _G_ONE:
        loc.shard = 0
        loc.row = v
    elif r.strategy == _G_MOD:
        loc.shard = v % r.nshards
        loc.row = v // r.nshards
    elif r.per == 0:
        loc.shard = v
        loc.row = 0
    elif v < r.cut:
        loc.shard = v // (r.per + 1)
        loc.row = v - loc.shard * (r.per + 1)
    else:
        loc.shard = r.extras + (v - r.cut) // r.per
        loc.row = (v - r.cut) % r.per
    return loc


cdef Py_ssize_t _first_unroutable(const int_t* ids, Py_ssize_t n, const _Route* r,
                                  const int64_t* nrows) noexcept nogil:
    cdef Py_ssize_t i
    cdef int64_t v
    cdef _Loc loc
    for i in range(n):
        v = ids[i]
        if v < 0 or v >= r.total:
            return i
        loc = _route(r, v)
        if loc.row >= nrows[loc.shard]:
            return i
    return -1


cdef extern from *:
    void __builtin_prefetch(const void*) noexcept nogil

# Rows are read in random order: ask for the row PREFETCH_AHEAD ids ahead
# while copying this one, so its DRAM latency overlaps the copy (all ids were
# checked before the copy starts; a prefetch never faults anyway).
cdef enum:
    PREFETCH_AHEAD = 6


cdef inline void _copy_routed(const int_t* ids, Py_ssize_t n, Py_ssize_t i, const _Route* r,
                              char** src, char* dst, Py_ssize_t rowbytes) noexcept nogil:
    cdef _Loc loc
    cdef const char* p
    cdef Py_ssize_t b
    if i + PREFETCH_AHEAD < n:
        loc = _route(r, ids[i + PREFETCH_AHEAD])
        p = src[loc.shard] + loc.row * rowbytes
        b = 0
        while b < rowbytes and b < 1024:
            __builtin_prefetch(p + b)
            b += 64
    loc = _route(r, ids[i])
    memcpy(dst + i * rowbytes, src[loc.shard] + loc.row * rowbytes, rowbytes)


cdef void _gather_routed(const int_t* ids, Py_ssize_t n, const _Route* r, char** src,
                         char* dst, Py_ssize_t rowbytes, int nthreads) noexcept nogil:
    cdef Py_ssize_t i
    if _parallel_ok(nthreads):
        for i in prange(n, num_threads=nthreads, schedule='static'):
            _copy_routed(ids, n, i, r, src, dst, rowbytes)
    else:
        for i in range(n):
            _copy_routed(ids, n, i, r, src, dst, rowbytes)


def _check_gather_args(tables, ids, int strategy):
    """(ids, dtype, row shape) of gather_shards' arguments, checked."""
    n_t = len(tables)
    if n_t == 0:
        raise ValueError("gather_shards: no tables")
    if strategy not in (GATHER_ONE, GATHER_MOD, GATHER_DIV) or (strategy == GATHER_ONE and n_t != 1):
        raise ValueError(f"gather_shards: bad strategy {strategy} for {n_t} tables")
    ix = ids
    if not isinstance(ix, np.ndarray) or (ix.dtype != np.int32 and ix.dtype != np.int64):
        raise TypeError("gather_shards: ids must be an int32 or int64 ndarray")
    if not ix.flags.c_contiguous:
        raise ValueError("gather_shards: ids must be C-contiguous")
    t0 = tables[0]
    dt = t0.dtype
    tail = t0.shape[1:]
    if dt.hasobject:
        raise TypeError("gather_shards: tables of object dtype are not supported")
    for t in tables:
        if not isinstance(t, np.ndarray) or t.ndim < 1:
            raise ValueError("gather_shards: tables must be arrays of rank >= 1")
        if t.dtype != dt:
            raise TypeError(f"gather_shards: tables of dtypes {dt} and {t.dtype}")
        if t.shape[1:] != tail:
            raise ValueError(f"gather_shards: tables of row shapes {tail} and {t.shape[1:]}")
        if not t.flags.c_contiguous:
            raise ValueError("gather_shards: tables must be C-contiguous")
    return ix, dt, tail


cdef void _route_tables(tables, int strategy, _Route* r, int64_t* nrows, char** src):
    """Fills the route (shard sizes and starts) of ``tables`` for ``strategy``."""
    cdef Py_ssize_t k, n_t = len(tables)
    r.strategy = strategy
    r.nshards = n_t
    r.total = 0
    for k in range(n_t):
        nrows[k] = tables[k].shape[0]
        src[k] = <char*>cnp.PyArray_DATA(<cnp.ndarray>tables[k])
        r.total += nrows[k]
    r.per = r.total // n_t
    r.extras = r.total % n_t
    r.cut = r.extras * (r.per + 1)


def gather_shards(tables, ids, int strategy=GATHER_ONE, int nthreads=1, out=None):
    """Rows `ids` of the table split into `tables`, in the order of `ids`.

    Ids are routed as tf.nn.embedding_lookup routes them: GATHER_ONE (one
    table), GATHER_MOD (id i in shard i % n at row i // n) or GATHER_DIV
    (contiguous ranges of total // n ids, the first total % n shards one
    longer), with total the sum of the shards' rows.

    >>> import numpy as np
    >>> a, b = np.array([[0], [2], [4]]), np.array([[1], [3]])
    >>> gather_shards([a, b], np.array([3, 0, 4]), GATHER_MOD).ravel().tolist()
    [3, 0, 4]

    Args:
      tables: list of C-contiguous arrays of one dtype (not object) and one
        shape after axis 0.
      ids: int32/int64 array of any shape (C-contiguous).
      strategy: GATHER_ONE (needs one table), GATHER_MOD or GATHER_DIV.
      nthreads: threads for the copy.
      out: optional C-contiguous output of shape ids.shape + row shape.

    Returns:
      An array of shape ids.shape + tables[0].shape[1:].

    Raises:
      TypeError: non-integer ids, object or mixed dtypes.
      ValueError: no tables, mixed row shapes, non-contiguous inputs, a bad
        strategy or `out`.
      IndexError: an id outside [0, total) or routed past its shard's end;
        args are (message, position of the first such id in ids.ravel()).
    """
    cdef Py_ssize_t k, n_t = len(tables)
    ix, dt, tail = _check_gather_args(tables, ids, strategy)
    shape = ix.shape + tail
    if out is None:
        out = np.empty(shape, dtype=dt)
    elif (not isinstance(out, np.ndarray) or out.shape != shape or out.dtype != dt
          or not out.flags.c_contiguous or not out.flags.writeable):
        raise ValueError(f"gather_shards: out must be a writeable C-contiguous {dt} array "
                         f"of shape {shape}")
    cdef Py_ssize_t rowbytes = dt.itemsize
    for d in tail:
        rowbytes *= d
    cdef _Route r
    cdef int64_t* nrows = <int64_t*>malloc(n_t * sizeof(int64_t))
    cdef char** src = <char**>malloc(n_t * sizeof(char*))
    if nrows == NULL or src == NULL:
        free(nrows)
        free(src)
        raise MemoryError()
    _route_tables(tables, strategy, &r, nrows, src)
    cdef Py_ssize_t n = ix.size
    cdef Py_ssize_t bad
    cdef void* pix = cnp.PyArray_DATA(ix)
    cdef char* dst = <char*>cnp.PyArray_DATA(out)
    if nthreads < 1:
        nthreads = 1
    try:
        if ix.dtype == np.int32:
            with nogil:
                bad = _first_unroutable(<int32_t*>pix, n, &r, nrows)
                if bad < 0 and rowbytes > 0:
                    _gather_routed(<int32_t*>pix, n, &r, src, dst, rowbytes, nthreads)
        else:
            with nogil:
                bad = _first_unroutable(<int64_t*>pix, n, &r, nrows)
                if bad < 0 and rowbytes > 0:
                    _gather_routed(<int64_t*>pix, n, &r, src, dst, rowbytes, nthreads)
    finally:
        free(nrows)
        free(src)
    if bad >= 0:
        raise IndexError("index %d is out of range [0, %d) or past its shard"
                         % (int(ix.reshape(-1)[bad]), r.total), int(bad))
    return out
