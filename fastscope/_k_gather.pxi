# Included by _kernels.pyx (shares its cimports and module state).
# gather

cdef Py_ssize_t _first_bad_index(const int_t* idx, Py_ssize_t n, int64_t nrows) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        if idx[i] < 0 or idx[i] >= nrows:
            return i
    return -1


cdef void _gather_rows(const char* src, const int_t* idx, char* dst, Py_ssize_t n,
                       Py_ssize_t rowbytes, int nthreads) noexcept nogil:
    cdef Py_ssize_t i
    if _parallel_ok(nthreads):
        for i in prange(n, num_threads=nthreads, schedule='static'):
            memcpy(dst + i * rowbytes, src + idx[i] * rowbytes, rowbytes)
    else:
        for i in range(n):
            memcpy(dst + i * rowbytes, src + idx[i] * rowbytes, rowbytes)


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
    out = np.empty(ix.shape + p.shape[1:], dtype=p.dtype)
    cdef Py_ssize_t n = ix.size
    cdef int64_t nrows = p.shape[0]
    cdef Py_ssize_t rowbytes = p.itemsize * (p.size // nrows if nrows else 0)
    cdef Py_ssize_t bad
    cdef void* pix = cnp.PyArray_DATA(ix)
    cdef char* src = <char*>cnp.PyArray_DATA(p)
    cdef char* dst = <char*>cnp.PyArray_DATA(out)
    if nrows == 0:
        # rows of a 0-row params have no size: count via the trailing dims
        rowbytes = 0
    if nthreads < 1:
        nthreads = 1
    if ix.dtype == np.int32:
        with nogil:
            bad = _first_bad_index(<int32_t*>pix, n, nrows)
            if bad < 0 and rowbytes > 0:
                _gather_rows(src, <int32_t*>pix, dst, n, rowbytes, nthreads)
    else:
        with nogil:
            bad = _first_bad_index(<int64_t*>pix, n, nrows)
            if bad < 0 and rowbytes > 0:
                _gather_rows(src, <int64_t*>pix, dst, n, rowbytes, nthreads)
    if bad >= 0:
        raise IndexError("index %d is out of range [0, %d)" % (int(ix.reshape(-1)[bad]), nrows))
    return out
