# cython: language_level=3, boundscheck=True, wraparound=True, cdivision=True
# (Bounds checks and negative indices stay on for the Python-level wrappers; the
# nogil cores work on raw pointers, which these directives do not touch.)
"""Compiled numeric kernels: counter-based random fills, matmul, conv2d, gather, pooling.

Every kernel is a thin Python wrapper that validates dtype, shape and layout
with the GIL held, then runs a `noexcept nogil` core, so kernels called from
several Python threads (e.g. shards initialised concurrently by a Session)
overlap. Thread counts are chosen by the caller (see fastscope._src.threads);
`nthreads=1` never starts a thread.

GEMM: float32/float64 matmul and conv2d run fastscope's own cache-blocked GEMM
(_gemm.h; AVX-512 or AVX2+FMA micro-kernels picked at run time) for products
of at least about 40^3, and BLAS (scipy's OpenBLAS) otherwise, for complex
types, and on CPUs without AVX2+FMA. The environment variable FASTSCOPE_GEMM,
read at import, overrides this: "blas" sends every product to BLAS (to
compare), "own" every real one to the own kernel; "auto" is the default.
gemm_info() reports the mode and the kernel ISA.
"""
cimport cython
from cython.parallel cimport prange, threadid
from libc.stdint cimport int32_t, int64_t, uint32_t, uint64_t, uintptr_t
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy, memset
from libc.float cimport FLT_MAX, DBL_MAX
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
# time rather than cimported (cimporting would load all of scipy.linalg).
# fastscope never sets OPENBLAS_CORETYPE: the process's environment is the
# user's (README: "Settings" measures what the core type changes).

def _load_cython_blas():
    """scipy.linalg.cython_blas without running scipy/linalg/__init__.py.

    Importing scipy.linalg takes ~150-200 ms, which a process's first kernel
    call would pay (``import fastscope`` loads these kernels lazily); only the
    BLAS capsules are needed here, and loading the extension file alone takes
    ~20 ms. The module drops out of sys.modules again, so that a later
    ``import scipy.linalg`` imports it the ordinary way (Cython hands back this
    same module object) and sets ``scipy.linalg.cython_blas``. Anything
    unexpected falls back to the ordinary import.
    """
    import importlib.machinery
    import importlib.util
    name = "scipy.linalg.cython_blas"
    if name in sys.modules or "scipy.linalg" in sys.modules:
        return importlib.import_module(name)
    try:
        scipy_spec = importlib.util.find_spec("scipy")
        where = [os.path.join(os.path.dirname(scipy_spec.origin), "linalg")]
        found = importlib.machinery.PathFinder.find_spec("cython_blas", where)
        spec = importlib.util.spec_from_file_location(name, found.origin)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        mod.__pyx_capi__["sgemm"]
    except Exception:
        sys.modules.pop(name, None)
        return importlib.import_module(name)
    if sys.modules.get(name) is mod:
        del sys.modules[name]
    return mod


_cython_blas = _load_cython_blas()

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



# The kernels, one file per family (textually included: one extension module).
include "_k_random.pxi"
include "_k_matmul.pxi"
include "_k_small.pxi"
include "_k_conv.pxi"
include "_k_gather.pxi"
include "_k_pool.pxi"
include "_k_crc.pxi"
