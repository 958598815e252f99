# Typed interface of fastscope._kernels for other Cython modules.
#
# The cores below take raw pointers, hold no Python objects and never raise;
# callers validate shapes and dtypes first (as the def wrappers in
# _kernels.pyx do) and may call them inside `with nogil`.
from libc.stdint cimport int32_t, int64_t, uint64_t

ctypedef fused real_t:
    float
    double

ctypedef fused blas_t:
    float
    double
    float complex
    double complex

ctypedef fused int_t:
    int32_t
    int64_t

ctypedef fused rnd_t:
    float
    double
    int32_t
    int64_t

# How a C-contiguous output maps onto the logical (full) tensor of a random
# fill: `nouter` outer axes enumerate runs of `runlen` elements that are
# contiguous both in the output and in the full tensor.
cdef struct FillPlan:
    int nouter
    int64_t runlen
    uint64_t run_base
    int64_t oshape[64]
    uint64_t off[64]
    uint64_t fstride[64]
    uint64_t key
    uint64_t stream
    int dist
    double a
    double b
    int64_t ilo
    uint64_t irange

cdef void fill_plan(rnd_t* out, int64_t size, const FillPlan* plan, int nthreads) noexcept nogil

# C (m x n, row-major, ldc = n) = op(A) op(B) for one pair of matrices, through
# BLAS. ta/tb are the BLAS transpose characters of the column-major view (see
# _kernels.pyx: matmul). `threads` > 0 sets OpenBLAS's thread-local count for
# the call; 0 leaves it alone.
cdef void gemm(blas_t* a, blas_t* b, blas_t* c, int m, int n, int k,
               char ta, int lda, char tb, int ldb, int threads) noexcept nogil
