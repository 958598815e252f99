# cython: language_level=3, boundscheck=True, wraparound=True, cdivision=True
# (Bounds checks and negative indices stay on for the Python-level wrappers; the
# nogil cores work on raw pointers, which these directives do not touch.)
"""Compiled numeric kernels: counter-based random fills, matmul, conv2d, gather.

Every kernel is a thin Python wrapper that validates dtype, shape and layout
with the GIL held, then runs a `noexcept nogil` core, so kernels called from
several Python threads (e.g. shards initialised concurrently by a Session)
overlap. Thread counts are chosen by the caller (see fastscope._src.threads);
`nthreads=1` never starts a thread.
"""
cimport cython
from cython.parallel cimport prange, threadid
from libc.stdint cimport int32_t, int64_t, uint32_t, uint64_t, uintptr_t
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy, memset
from cpython.pycapsule cimport PyCapsule_GetPointer, PyCapsule_GetName

import ctypes
import os
import sys
import numpy as np
cimport numpy as cnp

cnp.import_array()

cdef extern from "_philox.h" nogil:
    int fs_openmp_enabled()
    void fs_philox4x32_10(const uint32_t* ctr, const uint32_t* key, uint32_t* out)
    void fs_fill_f32(float*, uint64_t, int64_t, uint64_t, uint64_t, int, double, double)
    void fs_fill_f64(double*, uint64_t, int64_t, uint64_t, uint64_t, int, double, double)
    void fs_fill_i32(int32_t*, uint64_t, int64_t, uint64_t, uint64_t, int64_t, uint64_t)
    void fs_fill_i64(int64_t*, uint64_t, int64_t, uint64_t, uint64_t, int64_t, uint64_t)

UNIFORM = 0
NORMAL = 1
TRUNCATED_NORMAL = 2
UNIFORM_INT = 3

cdef enum:
    MAX_NDIM = 64


def openmp_enabled():
    """Whether the kernels were compiled with OpenMP (else nthreads is ignored).

    >>> isinstance(openmp_enabled(), bool)
    True
    """
    return bool(fs_openmp_enabled())


def _philox4x32_10(ctr, key):
    """One raw Philox4x32-10 block (for known-answer tests): 4 counter words, 2 key words."""
    cdef uint32_t c[4]
    cdef uint32_t k[2]
    cdef uint32_t o[4]
    for i in range(4):
        c[i] = ctr[i]
    k[0] = key[0]
    k[1] = key[1]
    fs_philox4x32_10(c, k, o)
    return [o[0], o[1], o[2], o[3]]


# --------------------------------------------------------------------------
# BLAS. The gemm pointers are taken from scipy.linalg.cython_blas at import
# time rather than cimported, so that the choice below can be made before
# scipy's OpenBLAS is loaded.

def _cpu_has_avx512():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return {"avx512f", "avx512bw", "avx512dq", "avx512vl"} <= flags
    except OSError:
        pass
    return False


def _prefer_avx512_openblas():
    """Ask OpenBLAS for its AVX-512 (SkylakeX) kernels where the CPU has them.

    OpenBLAS 0.3.30's runtime detection maps recent AMD CPUs with AVX-512
    (Zen 4/5) to its Haswell (AVX2) kernels, which run float32 GEMM at about
    half the speed of its SkylakeX kernels on the same CPU. OpenBLAS reads
    OPENBLAS_CORETYPE once, when it is loaded, so this only has an effect if
    scipy.linalg has not been imported yet. A user's own OPENBLAS_CORETYPE
    wins; FASTSCOPE_NO_BLAS_CORETYPE=1 turns this off.
    """
    if (sys.platform != "linux" or os.environ.get("OPENBLAS_CORETYPE")
            or os.environ.get("FASTSCOPE_NO_BLAS_CORETYPE") or "scipy.linalg" in sys.modules):
        return False
    if not _cpu_has_avx512():
        return False
    os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"
    return True


_prefer_avx512_openblas()
import scipy.linalg.cython_blas as _cython_blas  # noqa: E402  (after the choice above)

ctypedef void (*sgemm_t)(char*, char*, int*, int*, int*, float*, float*, int*, float*, int*,
                         float*, float*, int*) noexcept nogil
ctypedef void (*dgemm_t)(char*, char*, int*, int*, int*, double*, double*, int*, double*, int*,
                         double*, double*, int*) noexcept nogil
ctypedef void (*cgemm_t)(char*, char*, int*, int*, int*, float complex*, float complex*, int*,
                         float complex*, int*, float complex*, float complex*, int*) noexcept nogil
ctypedef void (*zgemm_t)(char*, char*, int*, int*, int*, double complex*, double complex*, int*,
                         double complex*, int*, double complex*, double complex*, int*) noexcept nogil


cdef void* _capi(str name) except NULL:
    cap = _cython_blas.__pyx_capi__[name]
    return PyCapsule_GetPointer(cap, PyCapsule_GetName(cap))


cdef sgemm_t sgemm = <sgemm_t>_capi("sgemm")
cdef dgemm_t dgemm = <dgemm_t>_capi("dgemm")
cdef cgemm_t cgemm = <cgemm_t>_capi("cgemm")
cdef zgemm_t zgemm = <zgemm_t>_capi("zgemm")


def blas_info():
    """(OpenBLAS core name or None, whether per-call thread control is available)."""
    try:
        fn = ctypes.CDLL(_cython_blas.__file__).scipy_openblas_get_corename
        fn.restype = ctypes.c_char_p
        core = fn().decode()
    except (OSError, AttributeError):
        core = None
    return core, _blas_set_local != NULL


# BLAS threading. scipy's OpenBLAS runs its own thread pool; we must be able
# to make it single-threaded inside our parallel loops (one level of threads)
# and give it `nthreads` otherwise. OpenBLAS >= 0.3.27 has a thread-local
# setter, which keeps concurrent callers with different counts independent.

ctypedef int (*set_threads_fn)(int) noexcept nogil
cdef set_threads_fn _blas_set_local = NULL


cdef void _find_blas_thread_control():
    global _blas_set_local
    try:
        lib = ctypes.CDLL(_cython_blas.__file__)   # dlsym on it searches its dependencies
    except OSError:
        return
    for name in ("openblas_set_num_threads_local", "scipy_openblas_set_num_threads_local",
                 "scipy_openblas_set_num_threads_local64_"):
        fn = getattr(lib, name, None)
        if fn is not None:
            _blas_set_local = <set_threads_fn><uintptr_t>ctypes.cast(fn, ctypes.c_void_p).value
            return


_find_blas_thread_control()


def blas_thread_control():
    """Whether fastscope can set the BLAS thread count per call (OpenBLAS >= 0.3.27)."""
    return _blas_set_local != NULL


cdef inline int _blas_threads(int n) noexcept nogil:
    """Set this thread's BLAS thread count; returns the previous one (-1: no control)."""
    if _blas_set_local == NULL or n <= 0:
        return -1
    return _blas_set_local(n)


cdef inline void _blas_restore(int prev) noexcept nogil:
    if prev >= 0 and _blas_set_local != NULL:
        _blas_set_local(prev)


cdef inline bint _parallel_ok(int nthreads) noexcept nogil:
    # Our own loops may only go parallel when BLAS inside them can be made
    # single-threaded (or when they call no BLAS: see the callers).
    return nthreads > 1 and fs_openmp_enabled()


# --------------------------------------------------------------------------
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

    cdef int nd = arr.ndim
    if nd > MAX_NDIM:
        raise ValueError(f"random_fill: rank {nd} is above {MAX_NDIM}")
    shape = tuple(int(s) for s in out.shape)
    full = shape if full_shape is None else tuple(int(s) for s in full_shape)
    off = (0,) * nd if offset is None else tuple(int(s) for s in offset)
    if len(full) != nd or len(off) != nd:
        raise ValueError(f"random_fill: out has shape {shape} but full_shape={full_shape!r}, "
                         f"offset={offset!r} (all three need rank {nd})")
    for i in range(nd):
        if off[i] < 0 or off[i] + shape[i] > full[i]:
            raise ValueError(f"random_fill: a block of shape {shape} at offset {off} does not fit "
                             f"in full_shape {full} (axis {i})")
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
    total = 1
    for s in full:
        total *= s
    if total >= (1 << 64) - 64:
        raise ValueError(f"random_fill: full_shape {full} has more than 2^64 elements")

    # Axes t.. match the full tensor; axis t-1 is partial: runs of
    # prod(shape[t-1:]) elements are contiguous in both layouts.
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
    else:
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
    if nthreads < 1:
        nthreads = 1
    cdef void* data = cnp.PyArray_DATA(arr)
    if dt == np.float32:
        with nogil:
            fill_plan(<float*>data, size, &plan, nthreads)
    elif dt == np.float64:
        with nogil:
            fill_plan(<double*>data, size, &plan, nthreads)
    elif dt == np.int32:
        with nogil:
            fill_plan(<int32_t*>data, size, &plan, nthreads)
    else:
        with nogil:
            fill_plan(<int64_t*>data, size, &plan, nthreads)



# --------------------------------------------------------------------------
# matmul

cdef void gemm(blas_t* a, blas_t* b, blas_t* c, int m, int n, int k,
               char ta, int lda, char tb, int ldb, int threads) noexcept nogil:
    # Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T, so BLAS
    # gets B first and nothing is transposed in memory.
    cdef blas_t one = 1
    cdef blas_t zero = 0
    cdef int ldc = n
    cdef int prev = _blas_threads(threads)
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
      nthreads: threads (BLAS threads, or batch items in parallel for small
        matrices; never both).

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
    out = np.empty(batch + (m, n), dtype=a.dtype)
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


# --------------------------------------------------------------------------
# conv2d: im2col in L2-sized tiles, one GEMM per tile

cdef char _N = b'N'


cdef struct ConvGeom:
    Py_ssize_t H, W, C, KH, KW, O, OH, OW, sh, sw, dh, dw, pt, pl
    Py_ssize_t K       # KH * KW * C: one patch row
    Py_ssize_t P       # N * OH * OW: output pixels
    Py_ssize_t tile    # patch rows per tile


cdef void _im2col(const real_t* x, real_t* buf, Py_ssize_t p0, Py_ssize_t T,
                  const ConvGeom* g) noexcept nogil:
    cdef Py_ssize_t t, p, ow, oh, nb, kh, kw, ih, iw, ih0, iw0
    cdef Py_ssize_t C = g.C, KWC = g.KW * g.C
    cdef const real_t* img
    cdef real_t* row
    for t in range(T):
        p = p0 + t
        ow = p % g.OW
        oh = (p // g.OW) % g.OH
        nb = p // (g.OW * g.OH)
        img = x + nb * g.H * g.W * C
        row = buf + t * g.K
        ih0 = oh * g.sh - g.pt
        iw0 = ow * g.sw - g.pl
        for kh in range(g.KH):
            ih = ih0 + kh * g.dh
            if ih < 0 or ih >= g.H:
                memset(row + kh * KWC, 0, KWC * sizeof(real_t))
            elif g.dw == 1 and iw0 >= 0 and iw0 + g.KW <= g.W:
                # NHWC: an undilated filter row is one contiguous run
                memcpy(row + kh * KWC, img + (ih * g.W + iw0) * C, KWC * sizeof(real_t))
            else:
                for kw in range(g.KW):
                    iw = iw0 + kw * g.dw
                    if iw < 0 or iw >= g.W:
                        memset(row + kh * KWC + kw * C, 0, C * sizeof(real_t))
                    else:
                        memcpy(row + kh * KWC + kw * C, img + (ih * g.W + iw) * C,
                               C * sizeof(real_t))


cdef inline void _conv_tile(const real_t* x, real_t* f, real_t* out, const ConvGeom* g,
                            real_t* buf, Py_ssize_t t, int threads) noexcept nogil:
    cdef Py_ssize_t p0 = t * g.tile
    cdef Py_ssize_t T = g.tile if p0 + g.tile <= g.P else g.P - p0
    _im2col(x, buf, p0, T, g)
    # out rows p0..p0+T (T x O) = patches (T x K) . filter (K x O), all row-major
    gemm(buf, f, out + p0 * g.O, <int>T, <int>g.O, <int>g.K, _N, <int>g.K, _N, <int>g.O,
         threads)


cdef void _conv_core(const real_t* x, real_t* f, real_t* out, const ConvGeom* g,
                     real_t* bufs, bint pointwise, int nthreads) noexcept nogil:
    cdef Py_ssize_t ntiles, t
    if pointwise:
        # the NHWC input already is the (N*H*W) x C patch matrix
        gemm(<real_t*>x, f, out, <int>g.P, <int>g.O, <int>g.C, _N, <int>g.C, _N, <int>g.O,
             nthreads)
        return
    ntiles = (g.P + g.tile - 1) // g.tile
    if _parallel_ok(nthreads) and _blas_set_local != NULL and ntiles > 1:
        for t in prange(ntiles, num_threads=nthreads, schedule='dynamic'):
            _conv_tile(x, f, out, g, bufs + threadid() * g.tile * g.K, t, 1)
    else:
        for t in range(ntiles):
            _conv_tile(x, f, out, g, bufs, t, nthreads)


# Bytes of patch matrix per tile: about half of this machine's 1 MiB L2 per
# core (measured: 256 KiB..4 MiB differ by a few percent; smaller tiles lose
# GEMM efficiency, larger ones fall out of L2).
_CONV_TILE_BYTES = 1 << 19
_CONV_MIN_TILE_ROWS = 32


def _pair(v, str what, str data_format):
    """(h, w) from an int, a pair, or TensorFlow's 4-element list."""
    if isinstance(v, (int, np.integer)):
        v = (int(v), int(v))
    v = tuple(int(e) for e in v)
    if len(v) == 4:
        outer = (v[0], v[3]) if data_format == "NHWC" else (v[0], v[1])
        if outer != (1, 1):
            raise ValueError(f"conv2d: {what} in the batch and depth dimensions must be 1, got "
                             f"{list(v)}")
        v = (v[1], v[2]) if data_format == "NHWC" else (v[2], v[3])
    if len(v) != 2:
        raise ValueError(f"conv2d: {what} must have 2 (or 4) entries, got {list(v)}")
    if v[0] < 1 or v[1] < 1:
        raise ValueError(f"conv2d: {what} must be positive, got {list(v)}")
    return v


def _padding_spec(padding, str data_format):
    if isinstance(padding, (str, bytes)):
        p = padding.decode() if isinstance(padding, bytes) else padding
        if p not in ("SAME", "VALID"):
            raise ValueError(f"conv2d: padding must be 'SAME', 'VALID' or explicit pairs, "
                             f"got {padding!r}")
        return p, p
    pads = [tuple(int(e) for e in pair) for pair in padding]
    if len(pads) == 4:
        outer = (pads[0], pads[3]) if data_format == "NHWC" else (pads[0], pads[1])
        if outer != ((0, 0), (0, 0)):
            raise ValueError(f"conv2d: explicit padding of the batch and depth dimensions must "
                             f"be 0, got {pads}")
        pads = pads[1:3] if data_format == "NHWC" else pads[2:4]
    if len(pads) != 2 or any(len(pr) != 2 or min(pr) < 0 for pr in pads):
        raise ValueError(f"conv2d: explicit padding must be ((top, bottom), (left, right)) of "
                         f"non-negative ints, got {padding!r}")
    return pads[0], pads[1]


def _conv_dim(size, k, s, d, pad):
    """(output size, padding before) along one spatial axis, TensorFlow's way."""
    if size is None or k is None:
        return None, None
    eff = (k - 1) * d + 1
    if pad == "SAME":
        out = (size + s - 1) // s
        return out, max((out - 1) * s + eff - size, 0) // 2
    before, after = (0, 0) if pad == "VALID" else pad
    num = size + before + after - eff + s
    out = num // s if num >= 0 else -((-num) // s)   # C division, as TensorFlow
    if out < 0:
        raise ValueError(f"Computed output size would be negative: {out} [input_size: {size}, "
                         f"effective_filter_size: {eff}, stride: {s}]")
    return out, before


def conv2d_output_shape(input_shape, filter_shape, strides, padding, dilations=(1, 1),
                        data_format="NHWC"):
    """Static output shape of conv2d; None entries stay unknown.

    >>> conv2d_output_shape((8, 32, None, 3), (5, 5, 3, 16), (2, 2), "SAME")
    (8, 16, None, 16)

    Raises:
      ValueError: as TensorFlow does at graph-build time (ranks, channel
        mismatch, strides/dilations, negative output sizes).
    """
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"conv2d: data_format must be 'NHWC' or 'NCHW', got {data_format!r}")
    ish = [None if v is None else int(v) for v in input_shape]
    fsh = [None if v is None else int(v) for v in filter_shape]
    if len(ish) != 4:
        raise ValueError(f"Shape must be rank 4 but is rank {len(ish)} for conv2d input "
                         f"{tuple(input_shape)}")
    if len(fsh) != 4:
        raise ValueError(f"Shape must be rank 4 but is rank {len(fsh)} for conv2d filter "
                         f"{tuple(filter_shape)}")
    if data_format == "NCHW":
        ish = [ish[0], ish[2], ish[3], ish[1]]
    n, h, w, c = ish
    kh, kw, ci, co = fsh
    if c is not None and ci is not None and c != ci:
        raise ValueError(f"Depth of input ({c}) does not match the input depth of filter "
                         f"({ci}) (input {tuple(input_shape)}, filter {tuple(filter_shape)}; "
                         "grouped convolutions are not supported)")
    if (kh is not None and kh < 1) or (kw is not None and kw < 1):
        raise ValueError(f"conv2d: filter spatial dimensions must be positive, got "
                         f"{tuple(filter_shape)}")
    sh, sw = _pair(strides, "strides", data_format)
    dh, dw = _pair(dilations, "dilations", data_format)
    ph, pw = _padding_spec(padding, data_format)
    oh = _conv_dim(h, kh, sh, dh, ph)[0]
    ow = _conv_dim(w, kw, sw, dw, pw)[0]
    return (n, oh, ow, co) if data_format == "NHWC" else (n, co, oh, ow)


def conv2d(input, filter, strides, padding, dilations=(1, 1), data_format="NHWC",
           int nthreads=1):
    """2-D convolution (cross-correlation, as TensorFlow's conv2d).

    >>> import numpy as np
    >>> x = np.ones((1, 4, 4, 2), np.float32); f = np.ones((3, 3, 2, 1), np.float32)
    >>> conv2d(x, f, (1, 1), "VALID")[0, :, :, 0].tolist()
    [[18.0, 18.0], [18.0, 18.0]]

    Args:
      input: NHWC (or NCHW) float32/float64 array.
      filter: HWIO array of the same dtype.
      strides, dilations: (h, w), or TensorFlow's 4-element lists.
      padding: "SAME", "VALID", or explicit ((top, bottom), (left, right))
        (TensorFlow's 4-pair list also accepted).
      data_format: "NHWC" or "NCHW".
      nthreads: threads (tiles in parallel with single-threaded BLAS).

    Returns:
      A new C-contiguous array in `data_format`.

    Raises:
      TypeError: dtypes differ or are not float32/float64.
      ValueError: wrong ranks, channel mismatch, bad strides/dilations/padding,
        negative output size.

    Differs from TensorFlow: NCHW works on CPU (by transposing to NHWC and back).
    """
    x = np.asarray(input)
    f = np.asarray(filter)
    if x.dtype != f.dtype:
        raise TypeError(f"conv2d: input is {x.dtype} but filter is {f.dtype}")
    if x.dtype != np.float32 and x.dtype != np.float64:
        raise TypeError(f"conv2d: dtype {x.dtype} is not supported (float32, float64)")
    oshape = conv2d_output_shape(x.shape, f.shape, strides, padding, dilations, data_format)
    if data_format == "NCHW":
        x = x.transpose(0, 2, 3, 1)
    sh, sw = _pair(strides, "strides", data_format)
    dh, dw = _pair(dilations, "dilations", data_format)
    ph, pw = _padding_spec(padding, data_format)
    n, h, w, c = x.shape
    kh, kw, _, o = f.shape
    oh, pt = _conv_dim(h, kh, sh, dh, ph)
    ow, pl = _conv_dim(w, kw, sw, dw, pw)
    out = np.empty((n, oh, ow, o), dtype=x.dtype)
    if out.size == 0 or c == 0:
        out.fill(0)
        return out if data_format == "NHWC" else np.ascontiguousarray(out.transpose(0, 3, 1, 2))
    x = np.ascontiguousarray(x)
    f = np.ascontiguousarray(f)
    if max(kh * kw * c, o) > _INT_MAX:
        raise ValueError("conv2d: filter exceeds BLAS's 32-bit range")
    cdef ConvGeom g
    g.H, g.W, g.C, g.KH, g.KW, g.O, g.OH, g.OW = h, w, c, kh, kw, o, oh, ow
    g.sh, g.sw, g.dh, g.dw, g.pt, g.pl = sh, sw, dh, dw, pt, pl
    g.K = kh * kw * c
    g.P = n * oh * ow
    cdef bint pointwise = (kh == 1 and kw == 1 and sh == 1 and sw == 1 and oh == h and ow == w
                           and pt == 0 and pl == 0 and g.P <= _INT_MAX)
    if nthreads < 1:
        nthreads = 1
    g.tile = min(g.P, max(_CONV_MIN_TILE_ROWS, _CONV_TILE_BYTES // (g.K * x.itemsize)))
    ntiles = (g.P + g.tile - 1) // g.tile
    if nthreads > ntiles:
        nthreads = max(1, ntiles)
    nbuf = 0 if pointwise else (nthreads if nthreads > 1 else 1) * g.tile * g.K
    cdef cnp.ndarray bufs = np.empty(nbuf, dtype=x.dtype)
    cdef void* px = cnp.PyArray_DATA(x)
    cdef void* pf = cnp.PyArray_DATA(f)
    cdef void* po = cnp.PyArray_DATA(out)
    cdef void* pbuf = cnp.PyArray_DATA(bufs)
    if x.dtype == np.float32:
        with nogil:
            _conv_core(<float*>px, <float*>pf, <float*>po, &g, <float*>pbuf, pointwise, nthreads)
    else:
        with nogil:
            _conv_core(<double*>px, <double*>pf, <double*>po, &g, <double*>pbuf, pointwise,
                       nthreads)
    return out if data_format == "NHWC" else np.ascontiguousarray(out.transpose(0, 3, 1, 2))


# --------------------------------------------------------------------------
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
