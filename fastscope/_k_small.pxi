# Included by _kernels.pyx (shares its cimports and module state).
# Small 2-D float products. For a 2x2 or 16x16 matmul the fixed cost of the
# general wrapper (batch broadcasting, BLAS operand checks, the BLAS call)
# is several times the arithmetic; Session.run of tiny matmuls is all fixed cost.

# Largest m * n * k taken by the loop below (measured: BLAS wins above ~16^3).
_SMALL_MATMUL_WORK = 4096


cdef void _small_mm(const real_t* a, Py_ssize_t ar, Py_ssize_t ac, const real_t* b,
                    Py_ssize_t br, Py_ssize_t bc, real_t* c, Py_ssize_t m, Py_ssize_t n,
                    Py_ssize_t k) noexcept nogil:
    # element strides: a[i, p] = a[i * ar + p * ac], b[p, j] = b[p * br + j * bc]
    cdef Py_ssize_t i, j, p
    cdef real_t s
    for i in range(m):
        for j in range(n):
            s = 0
            for p in range(k):
                s = s + a[i * ar + p * ac] * b[p * br + j * bc]
            c[i * n + j] = s


def matmul_small(x, y, bint transpose_a=False, bint transpose_b=False):
    """op(a) @ op(b) for small 2-D float32/float64 matrices, or None if not applicable.

    Not applicable (the caller then uses ``matmul``): other ranks or dtypes,
    dtypes that differ, inner dimensions that disagree, strides that are not a
    multiple of the item size, inputs that are not arrays, or more than ``_SMALL_MATMUL_WORK`` multiply-adds.

    >>> import numpy as np
    >>> a = np.arange(4, dtype=np.float32).reshape(2, 2)
    >>> matmul_small(a, a, transpose_b=True).tolist()
    [[1.0, 3.0], [3.0, 13.0]]
    """
    if not cnp.PyArray_Check(x) or not cnp.PyArray_Check(y):
        return None
    cdef cnp.ndarray a = <cnp.ndarray>x
    cdef cnp.ndarray b = <cnp.ndarray>y
    if a.ndim != 2 or b.ndim != 2 or a.descr.type_num != b.descr.type_num:
        return None
    cdef int tn = a.descr.type_num
    if tn != cnp.NPY_FLOAT32 and tn != cnp.NPY_FLOAT64:
        return None
    cdef Py_ssize_t isz = a.descr.itemsize
    cdef Py_ssize_t ar = a.strides[0], ac = a.strides[1], br = b.strides[0], bc = b.strides[1]
    if ar % isz or ac % isz or br % isz or bc % isz:
        return None
    ar //= isz
    ac //= isz
    br //= isz
    bc //= isz
    cdef Py_ssize_t m = a.shape[0], k = a.shape[1], kb = b.shape[0], n = b.shape[1]
    if transpose_a:
        m, k = k, m
        ar, ac = ac, ar
    if transpose_b:
        kb, n = n, kb
        br, bc = bc, br
    # (each factor is bounded first: m * n * k of a zero-stride view could overflow)
    if (k != kb or m > _SMALL_MATMUL_WORK or n > _SMALL_MATMUL_WORK or k > _SMALL_MATMUL_WORK
            or m * n * k > _SMALL_MATMUL_WORK):
        return None
    cdef cnp.npy_intp dims[2]
    dims[0] = m
    dims[1] = n
    cdef cnp.ndarray out = cnp.PyArray_EMPTY(2, dims, tn, 0)
    cdef void* pa = cnp.PyArray_DATA(a)
    cdef void* pb = cnp.PyArray_DATA(b)
    cdef void* pc = cnp.PyArray_DATA(out)
    if tn == cnp.NPY_FLOAT32:
        with nogil:
            _small_mm(<const float*>pa, ar, ac, <const float*>pb, br, bc, <float*>pc, m, n, k)
    else:
        with nogil:
            _small_mm(<const double*>pa, ar, ac, <const double*>pb, br, bc, <double*>pc, m, n, k)
    return out
