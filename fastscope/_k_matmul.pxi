# Included by _kernels.pyx (shares its cimports and module state).
# matmul
#
# float32/float64 GEMMs above a size threshold run fastscope's own cache-blocked
# kernel (_gemm.h: AVX-512 or AVX2+FMA micro-kernels, chosen at run time), so
# their speed does not depend on which core type OpenBLAS picked (OpenBLAS
# 0.3.30 runs its AVX2 kernels on AVX-512 AMD CPUs). Everything else (complex, tiny products, CPUs
# without AVX2+FMA) goes to BLAS. FASTSCOPE_GEMM=blas (read at import) sends
# every product to BLAS, for comparison; FASTSCOPE_GEMM=own sends every real
# product to the own kernel, whatever its size or the CPU.

cdef extern from "_gemm.h" nogil:
    int fs_gemm_float(int64_t m, int64_t n, int64_t k, const float* a, int64_t rsa, int64_t csa,
                      const float* b, int64_t rsb, int64_t csb, float* c, int64_t ldc,
                      int nthreads)
    int fs_gemm_double(int64_t m, int64_t n, int64_t k, const double* a, int64_t rsa,
                       int64_t csa, const double* b, int64_t rsb, int64_t csb, double* c,
                       int64_t ldc, int nthreads)
    int fs_gemm_cpu_isa()
    int fs_gemm_isa()
    int fs_gemm_force_isa(int isa)

cdef enum:
    GEMM_AUTO = 0
    GEMM_BLAS = 1
    GEMM_OWN = 2

_GEMM_MODES = {"auto": GEMM_AUTO, "blas": GEMM_BLAS, "own": GEMM_OWN}
_GEMM_ISAS = ("generic", "avx2", "avx512")


def _gemm_mode_from_env():
    v = os.environ.get("FASTSCOPE_GEMM", "auto").strip().lower() or "auto"
    if v not in _GEMM_MODES:
        import warnings
        warnings.warn(f"FASTSCOPE_GEMM={v!r} is not one of auto, blas, own; using auto")
        v = "auto"
    return _GEMM_MODES[v]


cdef int _gemm_mode = _gemm_mode_from_env()
# auto mode: the own kernel needs AVX2+FMA at least (the portable C kernel is
# slower than any BLAS), and a product big enough that packing pays off.
cdef bint _gemm_cpu_ok = fs_gemm_cpu_isa() >= 1
# Crossover, measured on the 2-core Zen 5 (1 and 2 threads, own kernel vs
# OpenBLAS Haswell): the own kernel is ahead from about 48^3 (0.9x BLAS's
# time at 48^3, 0.7x at 64^3, 0.5x at 1000x32x64) and level at 32^3; with
# n < 16 most of an AVX-512 register tile (32 columns) would be padding.
cdef double _OWN_GEMM_MIN_MNK = 40.0 ** 3
cdef int _OWN_GEMM_MIN_M = 8
cdef int _OWN_GEMM_MIN_N = 16


def gemm_info():
    """(mode, ISA of fastscope's own GEMM kernel): mode is auto, blas or own.

    >>> gemm_info()[0] in ("auto", "blas", "own")
    True
    """
    mode = {v: k for k, v in _GEMM_MODES.items()}[_gemm_mode]
    return mode, _GEMM_ISAS[fs_gemm_isa()]


def _set_gemm_mode(str mode):
    """Test/bench hook: "auto", "blas" or "own"; returns the previous mode."""
    global _gemm_mode
    old = {v: k for k, v in _GEMM_MODES.items()}[_gemm_mode]
    _gemm_mode = _GEMM_MODES[mode]
    return old


def _force_gemm_isa(isa):
    """Test hook: run the own GEMM with a lesser ISA's kernels ("avx2", "generic"),
    or None for the CPU's best. Returns the ISA now in effect."""
    fs_gemm_force_isa(-1 if isa is None else _GEMM_ISAS.index(isa))
    return _GEMM_ISAS[fs_gemm_isa()]


cdef inline bint _own_gemm(Py_ssize_t m, Py_ssize_t n, Py_ssize_t k) noexcept nogil:
    if _gemm_mode != GEMM_AUTO:
        return _gemm_mode == GEMM_OWN
    return (_gemm_cpu_ok and m >= _OWN_GEMM_MIN_M and n >= _OWN_GEMM_MIN_N
            and <double>m * n * k >= _OWN_GEMM_MIN_MNK)


cdef inline int _own_gemm_strided(blas_t* a, Py_ssize_t rsa, Py_ssize_t csa, blas_t* b,
                                  Py_ssize_t rsb, Py_ssize_t csb, blas_t* c, int m, int n,
                                  int k, int threads) noexcept nogil:
    # 0 when done; -1 when the own kernel does not apply (complex) or could not
    # allocate its packing buffers (the caller then uses BLAS).
    if blas_t is float:
        return fs_gemm_float(m, n, k, a, rsa, csa, b, rsb, csb, c, n, threads)
    elif blas_t is double:
        return fs_gemm_double(m, n, k, a, rsa, csa, b, rsb, csb, c, n, threads)
    else:
        return -1


cdef void gemm(blas_t* a, blas_t* b, blas_t* c, int m, int n, int k,
               char ta, int lda, char tb, int ldb, int threads) noexcept nogil:
    # Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T, so BLAS
    # gets B first and nothing is transposed in memory.
    cdef blas_t one = 1
    cdef blas_t zero = 0
    cdef int ldc = n
    cdef int prev
    if (blas_t is float or blas_t is double) and _own_gemm(m, n, k):
        # BLAS's 'N' operand is row-major op(X) with row stride ld; 'T' is column-major
        if _own_gemm_strided(a, lda if ta == b'N' else 1, 1 if ta == b'N' else lda,
                             b, ldb if tb == b'N' else 1, 1 if tb == b'N' else ldb,
                             c, m, n, k, threads if threads > 0 else 1) == 0:
            return
    prev = _blas_threads(threads)
    if blas_t is float:
        sgemm(&tb, &ta, &n, &m, &k, &one, b, &ldb, a, &lda, &zero, c, &ldc)
    elif blas_t is double:
        dgemm(&tb, &ta, &n, &m, &k, &one, b, &ldb, a, &lda, &zero, c, &ldc)
    elif blas_t is cython.floatcomplex:
        cgemm(&tb, &ta, &n, &m, &k, &one, b, &ldb, a, &lda, &zero, c, &ldc)
    else:
        zgemm(&tb, &ta, &n, &m, &k, &one, b, &ldb, a, &lda, &zero, c, &ldc)
    _blas_restore(prev)


# Below this many flops per matrix, a batch is split over threads (one BLAS
# thread each); above it, batches run in turn with a multi-threaded BLAS.
cdef double _BATCH_PARALLEL_FLOPS = 1e8


cdef void _matmul_blas(char* a, char* b, blas_t* c, const int64_t* oa, const int64_t* ob,
                       Py_ssize_t nb, int m, int n, int k, char ta, int lda, char tb, int ldb,
                       int nthreads) noexcept nogil:
    cdef Py_ssize_t i
    cdef Py_ssize_t csize = <Py_ssize_t>m * n
    if (nb > 1 and _parallel_ok(nthreads) and _blas_set_local != NULL
            and 2.0 * m * n * k < _BATCH_PARALLEL_FLOPS):
        for i in prange(nb, num_threads=nthreads, schedule='static'):
            gemm(<blas_t*>(a + oa[i]), <blas_t*>(b + ob[i]), c + i * csize,
                 m, n, k, ta, lda, tb, ldb, 1)
    else:
        for i in range(nb):
            gemm(<blas_t*>(a + oa[i]), <blas_t*>(b + ob[i]), c + i * csize,
                 m, n, k, ta, lda, tb, ldb, nthreads)


cdef int _matmul_own(char* a, char* b, real_t* c, const int64_t* oa, const int64_t* ob,
                     Py_ssize_t nb, int m, int n, int k, Py_ssize_t rsa, Py_ssize_t csa,
                     Py_ssize_t rsb, Py_ssize_t csb, int nthreads) noexcept nogil:
    # The own kernel on strided operands (no copy); returns the number of
    # products that failed to allocate their packing buffers.
    cdef Py_ssize_t i
    cdef Py_ssize_t csize = <Py_ssize_t>m * n
    cdef int failed = 0
    if nb > 1 and _parallel_ok(nthreads) and 2.0 * m * n * k < _BATCH_PARALLEL_FLOPS:
        for i in prange(nb, num_threads=nthreads, schedule='static'):
            failed += _own_gemm_strided(<real_t*>(a + oa[i]), rsa, csa, <real_t*>(b + ob[i]),
                                        rsb, csb, c + i * csize, m, n, k, 1) != 0
    else:
        for i in range(nb):
            failed += _own_gemm_strided(<real_t*>(a + oa[i]), rsa, csa, <real_t*>(b + ob[i]),
                                        rsb, csb, c + i * csize, m, n, k, nthreads) != 0
    return failed


def _empty_aligned(shape, dtype):
    """np.empty, but the data starts on a 64-byte boundary (numpy only promises 16), so
    the GEMM's full-vector stores into C rows do not straddle cache lines (~4% at 2048)."""
    dtype = np.dtype(dtype)
    cdef Py_ssize_t nbytes = dtype.itemsize
    for d in shape:
        nbytes *= d
    cdef cnp.ndarray buf = np.empty(nbytes + 64, np.uint8)
    cdef Py_ssize_t off = (-<Py_ssize_t><uintptr_t>cnp.PyArray_DATA(buf)) & 63
    return buf[off:off + nbytes].view(dtype).reshape(shape)


def _own_operand(x, str op):
    """(x or an aligned copy, row stride, column stride) of op(x), in elements."""
    cdef Py_ssize_t isz = x.itemsize
    if not x.flags.aligned or any(s % isz for s in x.strides[-2:]):
        x = np.ascontiguousarray(x)
    s0 = x.strides[-2] // isz if x.shape[-2] > 1 else 0
    s1 = x.strides[-1] // isz if x.shape[-1] > 1 else 0
    return (x, s0, s1) if op == "N" else (x, s1, s0)


def _matmul_real_own(a, b, str opa, str opb, out, batch, Py_ssize_t nb, int m, int n, int k,
                     int nthreads):
    a, rsa, csa = _own_operand(a, opa)
    b, rsb, csb = _own_operand(b, opb)
    cdef cnp.ndarray oa = _batch_offsets(a, batch)
    cdef cnp.ndarray ob = _batch_offsets(b, batch)
    cdef char* pa = <char*>cnp.PyArray_DATA(a)
    cdef char* pb = <char*>cnp.PyArray_DATA(b)
    cdef void* pc = cnp.PyArray_DATA(out)
    cdef int64_t* poa = <int64_t*>cnp.PyArray_DATA(oa)
    cdef int64_t* pob = <int64_t*>cnp.PyArray_DATA(ob)
    cdef Py_ssize_t ra = rsa, ca = csa, rb = rsb, cb = csb
    cdef int failed
    if a.dtype == np.float32:
        with nogil:
            failed = _matmul_own(pa, pb, <float*>pc, poa, pob, nb, m, n, k, ra, ca, rb, cb,
                                 nthreads)
    else:
        with nogil:
            failed = _matmul_own(pa, pb, <double*>pc, poa, pob, nb, m, n, k, ra, ca, rb, cb,
                                 nthreads)
    if failed:
        raise MemoryError(f"matmul: could not allocate GEMM packing buffers for "
                          f"({m}, {k}) x ({k}, {n})")
    return out


cdef void _imm_row(const int_t* a, Py_ssize_t as0, Py_ssize_t as1, const int_t* b,
                   Py_ssize_t bs0, int_t* crow, Py_ssize_t i, Py_ssize_t n,
                   Py_ssize_t k) noexcept nogil:
    # i-k-j order: the inner loop streams a row of B into a row of C (both
    # unit-stride), which vectorises. Arithmetic is unsigned so overflow
    # wraps (as TensorFlow's does) instead of being undefined.
    cdef Py_ssize_t p, j
    cdef const int_t* brow
    cdef uint32_t av32
    cdef uint64_t av64
    memset(crow, 0, n * sizeof(int_t))
    if int_t is int32_t:
        for p in range(k):
            av32 = <uint32_t>a[i * as0 + p * as1]
            brow = b + p * bs0
            for j in range(n):
                crow[j] = <int32_t>(<uint32_t>crow[j] + av32 * <uint32_t>brow[j])
    else:
        for p in range(k):
            av64 = <uint64_t>a[i * as0 + p * as1]
            brow = b + p * bs0
            for j in range(n):
                crow[j] = <int64_t>(<uint64_t>crow[j] + av64 * <uint64_t>brow[j])


cdef void _matmul_int(char* a, char* b, int_t* c, const int64_t* oa, const int64_t* ob,
                      Py_ssize_t nb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                      Py_ssize_t as0, Py_ssize_t as1, Py_ssize_t bs0, int nthreads) noexcept nogil:
    cdef Py_ssize_t r, bi, i
    if _parallel_ok(nthreads):   # no BLAS here, so our own threads are the only level
        for r in prange(nb * m, num_threads=nthreads, schedule='static'):
            bi = r // m
            i = r - bi * m
            _imm_row(<int_t*>(a + oa[bi]), as0, as1, <int_t*>(b + ob[bi]), bs0,
                     c + r * n, i, n, k)
    else:
        for r in range(nb * m):
            bi = r // m
            i = r - bi * m
            _imm_row(<int_t*>(a + oa[bi]), as0, as1, <int_t*>(b + ob[bi]), bs0,
                     c + r * n, i, n, k)


_MATMUL_DTYPES = tuple(np.dtype(t) for t in (np.float16, np.float32, np.float64, np.int32,
                                             np.int64, np.complex64, np.complex128))
_INT_MAX = 2 ** 31 - 1


def _batch_offsets(x, batch):
    """Byte offset of each (broadcast) batch item of x, flattened row-major."""
    nb = len(batch)
    if nb == 0:   # a plain 2-D product: one item at offset 0
        return np.zeros(1, dtype=np.int64)
    offs = np.zeros((1,) * nb, dtype=np.int64)
    lead = nb - (x.ndim - 2)
    for d in range(x.ndim - 2):
        if x.shape[d] != 1:
            shp = [1] * nb
            shp[lead + d] = x.shape[d]
            offs = offs + (np.arange(x.shape[d], dtype=np.int64) * x.strides[d]).reshape(shp)
    return np.ascontiguousarray(np.broadcast_to(offs, batch)).reshape(-1)


def _blas_operand(x, str op):
    """(x or a contiguous copy, BLAS char, ld) describing op(x)^T column-major.

    A row-major matrix is, to BLAS, its transpose in column-major order, and a
    column-major one is itself; either serves with the right transpose flag.
    Only a conjugated column-major operand (no BLAS flag conjugates without
    transposing) or a truly strided one is copied.
    """
    cdef Py_ssize_t isz = x.itemsize
    r, c = x.shape[-2], x.shape[-1]
    s0, s1 = x.strides[-2], x.strides[-1]
    if ((c <= 1 or s1 == isz) and
            (r <= 1 or (s0 > 0 and s0 % isz == 0 and c <= s0 // isz <= _INT_MAX))):
        return x, {"N": b"N", "T": b"T", "H": b"C"}[op][0], (s0 // isz if r > 1 else max(1, c))
    if (op != "H" and (r <= 1 or s0 == isz) and
            (c <= 1 or (s1 > 0 and s1 % isz == 0 and r <= s1 // isz <= _INT_MAX))):
        return x, {"N": b"T", "T": b"N"}[op][0], (s1 // isz if c > 1 else max(1, r))
    x = np.ascontiguousarray(x)
    return x, {"N": b"N", "T": b"T", "H": b"C"}[op][0], max(1, c)


def matmul(a, b, bint transpose_a=False, bint transpose_b=False, bint adjoint_a=False,
           bint adjoint_b=False, int nthreads=1):
    """Matrix product op(a) @ op(b) over broadcast batch dimensions.

    >>> import numpy as np
    >>> a = np.arange(6, dtype=np.float32).reshape(2, 3)
    >>> matmul(a, a, transpose_b=True).tolist()
    [[5.0, 14.0], [14.0, 50.0]]

    Args:
      a, b: arrays of rank >= 2 and the same dtype: float16 (computed in
        float32), float32, float64, int32, int64, complex64, complex128.
      transpose_a, transpose_b: use the transpose of the last two axes.
      adjoint_a, adjoint_b: use the conjugate transpose.
      nthreads: threads (GEMM threads, or batch items in parallel for small
        matrices; never both). float32/float64 products from about 40^3 run
        fastscope's own GEMM, others BLAS (see FASTSCOPE_GEMM in the module
        docstring).

    Returns:
      A new C-contiguous array of shape batch + (m, n).

    Raises:
      TypeError: dtypes differ or are unsupported.
      ValueError: rank < 2, inner dimensions disagree, batch dimensions do not
        broadcast, both transpose and adjoint set for one operand, or a
        dimension beyond BLAS's 32-bit range.
    """
    a = np.asarray(a)
    b = np.asarray(b)
    if a.dtype != b.dtype:
        raise TypeError(f"matmul: In[0] is {a.dtype} but In[1] is {b.dtype}; cast one first")
    if a.dtype not in _MATMUL_DTYPES:
        raise TypeError(f"matmul: dtype {a.dtype} is not supported (float16/32/64, int32/64, "
                        "complex64/128)")
    if a.ndim < 2 or b.ndim < 2:
        raise ValueError(f"matmul: In[0] and In[1] must have rank >= 2, got shapes "
                         f"{list(a.shape)} and {list(b.shape)}")
    if (transpose_a and adjoint_a) or (transpose_b and adjoint_b):
        raise ValueError("matmul: only one of transpose_x and adjoint_x can be True per operand")
    if a.dtype == np.float16:
        return matmul(a.astype(np.float32), b.astype(np.float32), transpose_a, transpose_b,
                      adjoint_a, adjoint_b, nthreads).astype(np.float16)
    cplx = a.dtype.kind == "c"
    opa = "H" if (adjoint_a and cplx) else ("T" if (transpose_a or adjoint_a) else "N")
    opb = "H" if (adjoint_b and cplx) else ("T" if (transpose_b or adjoint_b) else "N")
    m, ka = (a.shape[-1], a.shape[-2]) if opa != "N" else (a.shape[-2], a.shape[-1])
    kb, n = (b.shape[-1], b.shape[-2]) if opb != "N" else (b.shape[-2], b.shape[-1])
    if ka != kb:
        raise ValueError(f"Matrix size-incompatible: In[0]: {list(a.shape)}, In[1]: "
                         f"{list(b.shape)} (inner dimensions {ka} and {kb} differ; "
                         f"transpose/adjoint a: {opa}, b: {opb})")
    try:
        batch = () if a.ndim == 2 and b.ndim == 2 else tuple(
            np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    except ValueError:
        raise ValueError(f"matmul: batch dimensions of In[0] {list(a.shape)} and In[1] "
                         f"{list(b.shape)} do not broadcast") from None
    own = a.dtype.kind == "f" and _own_gemm(m, n, ka)
    out = _empty_aligned(batch + (m, n), a.dtype) if own else np.empty(batch + (m, n), a.dtype)
    if out.size == 0:
        return out
    if ka == 0:
        out.fill(0)
        return out
    if nthreads < 1:
        nthreads = 1
    cdef Py_ssize_t nb = out.size // (m * n)
    if a.dtype.kind == "i":
        return _matmul_int_wrapper(a, b, opa != "N", opb != "N", out, batch, nb, nthreads)
    if max(m, n, ka) > _INT_MAX:
        raise ValueError(f"matmul: dimensions ({m}, {n}, {ka}) exceed BLAS's 32-bit range")
    if own:
        return _matmul_real_own(a, b, opa, opb, out, batch, nb, m, n, ka, nthreads)
    return _matmul_blas_wrapper(a, b, opa, opb, out, batch, nb, m, n, ka, nthreads)


def _matmul_blas_wrapper(a, b, str opa, str opb, out, batch, Py_ssize_t nb, int m, int n,
                         int ka, int nthreads):
    """The BLAS path of ``matmul``: one gemm per batch item, or items in parallel."""
    a, ta, lda = _blas_operand(a, opa)
    b, tb, ldb = _blas_operand(b, opb)
    cdef cnp.ndarray oa = _batch_offsets(a, batch)
    cdef cnp.ndarray ob = _batch_offsets(b, batch)
    cdef char* pa = <char*>cnp.PyArray_DATA(a)
    cdef char* pb = <char*>cnp.PyArray_DATA(b)
    cdef void* pc = cnp.PyArray_DATA(out)
    cdef int64_t* poa = <int64_t*>cnp.PyArray_DATA(oa)
    cdef int64_t* pob = <int64_t*>cnp.PyArray_DATA(ob)
    cdef int im = m, inn = n, ik = ka, ilda = lda, ildb = ldb
    cdef char cta = ta, ctb = tb
    dt = a.dtype
    if dt == np.float32:
        with nogil:
            _matmul_blas(pa, pb, <float*>pc, poa, pob, nb, im, inn, ik, cta, ilda, ctb, ildb, nthreads)
    elif dt == np.float64:
        with nogil:
            _matmul_blas(pa, pb, <double*>pc, poa, pob, nb, im, inn, ik, cta, ilda, ctb, ildb, nthreads)
    elif dt == np.complex64:
        with nogil:
            _matmul_blas(pa, pb, <float complex*>pc, poa, pob, nb, im, inn, ik, cta, ilda, ctb,
                         ildb, nthreads)
    else:
        with nogil:
            _matmul_blas(pa, pb, <double complex*>pc, poa, pob, nb, im, inn, ik, cta, ilda, ctb,
                         ildb, nthreads)
    return out


def _matmul_int_wrapper(a, b, bint ta, bint tb, out, batch, Py_ssize_t nb, int nthreads):
    if ta:
        a = np.swapaxes(a, -1, -2)
    if tb:
        b = np.swapaxes(b, -1, -2)
    isz = a.itemsize
    if any(s % isz for s in a.strides) or not a.flags.aligned:
        a = np.ascontiguousarray(a)
    if b.strides[-1] != isz or b.strides[-2] % isz or not b.flags.aligned:
        b = np.ascontiguousarray(b)
    cdef cnp.ndarray oa = _batch_offsets(a, batch)
    cdef cnp.ndarray ob = _batch_offsets(b, batch)
    cdef char* pa = <char*>cnp.PyArray_DATA(a)
    cdef char* pb = <char*>cnp.PyArray_DATA(b)
    cdef void* pc = cnp.PyArray_DATA(out)
    cdef int64_t* poa = <int64_t*>cnp.PyArray_DATA(oa)
    cdef int64_t* pob = <int64_t*>cnp.PyArray_DATA(ob)
    cdef Py_ssize_t m = out.shape[out.ndim - 2], n = out.shape[out.ndim - 1]
    cdef Py_ssize_t k = a.shape[a.ndim - 1]
    cdef Py_ssize_t as0 = a.strides[a.ndim - 2] // isz, as1 = a.strides[a.ndim - 1] // isz
    cdef Py_ssize_t bs0 = b.strides[b.ndim - 2] // isz
    if nthreads > 1 and nb * m * n * k < 1 << 16:
        nthreads = 1
    if a.dtype == np.int32:
        with nogil:
            _matmul_int(pa, pb, <int32_t*>pc, poa, pob, nb, m, n, k, as0, as1, bs0, nthreads)
    else:
        with nogil:
            _matmul_int(pa, pb, <int64_t*>pc, poa, pob, nb, m, n, k, as0, as1, bs0, nthreads)
    return out


