/*
 * Cache-blocked float32/float64 GEMM for fastscope._kernels.
 *
 *   C (m x n, row-major, row stride ldc) = op(A) op(B)
 *
 * op(A) (m x k) and op(B) (k x n) are given as a pointer and two element
 * strides (row, column), so transposed, column-major and strided operands are
 * packed straight from where they lie. C is only written (beta = 0: it is
 * never read before the first store).
 *
 * The scheme is the usual one (Goto; van Zee and van de Geijn's BLIS):
 *   - a block of op(A), MC x KC, is packed into panels of MR rows, k-major,
 *     by all threads together; it is shared (it lives in L3);
 *   - each thread owns a range of column panels; it packs KC x NB of op(B)
 *     into panels of NR columns (private, sized for its L2) and runs
 *   - the micro-kernel: an MR x NR tile of C in registers, one k step being
 *     NR/W vector loads of B, MR broadcasts of A and MR*NR/W FMAs.
 *     Panels are zero-padded to MR/NR, so the kernel never branches on edges;
 *     edge tiles go through a small buffer.
 * When there are fewer column panels than threads, threads split the rows
 * instead (skinny products such as a convolution's im2col GEMM).
 *
 * One portable binary: each micro-kernel is compiled for its ISA with a
 * target attribute, and the best one for the running CPU is picked once
 * (AVX-512F, else AVX2+FMA, else portable C). All variants are instances of
 * FS_DEFINE_UKERNEL below over a small table of vector operations per ISA
 * and type; only that table differs between them.
 */
#ifndef FASTSCOPE_GEMM_H
#define FASTSCOPE_GEMM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#if defined(__GNUC__) && defined(__x86_64__)
#define FS_GEMM_X86 1
#include <immintrin.h>
#else
#define FS_GEMM_X86 0
#endif

enum { FS_ISA_GENERIC = 0, FS_ISA_AVX2 = 1, FS_ISA_AVX512 = 2 };

/* ---- vector operations per (ISA, type) ---------------------------------
 * FSV(isa, type, OP): V (vector type), W (lanes), LOAD (aligned), LOADU,
 * STOREU, SET1 (broadcast), FMA(a, b, c) = a * b + c, ADD, ZERO. */
#define FSV(ISA, T, OP) FSV_##ISA##_##T##_##OP

#define FS_TGT_generic
#define FSV_generic_float_V float
#define FSV_generic_float_W 1
#define FSV_generic_double_V double
#define FSV_generic_double_W 1
#define FSV_generic_float_LOAD(p) (*(p))
#define FSV_generic_float_LOADU(p) (*(p))
#define FSV_generic_float_STOREU(p, v) (*(p) = (v))
#define FSV_generic_float_SET1(x) (x)
#define FSV_generic_float_FMA(a, b, c) ((a) * (b) + (c))
#define FSV_generic_float_ADD(a, b) ((a) + (b))
#define FSV_generic_float_ZERO() 0.0f
#define FSV_generic_double_LOAD(p) (*(p))
#define FSV_generic_double_LOADU(p) (*(p))
#define FSV_generic_double_STOREU(p, v) (*(p) = (v))
#define FSV_generic_double_SET1(x) (x)
#define FSV_generic_double_FMA(a, b, c) ((a) * (b) + (c))
#define FSV_generic_double_ADD(a, b) ((a) + (b))
#define FSV_generic_double_ZERO() 0.0

#if FS_GEMM_X86
#define FS_TGT_avx2 __attribute__((target("avx2,fma")))
#define FS_TGT_avx512 __attribute__((target("avx512f")))
#define FSV_avx512_float_V __m512
#define FSV_avx512_float_W 16
#define FSV_avx512_float_LOAD(p) _mm512_load_ps(p)
#define FSV_avx512_float_LOADU(p) _mm512_loadu_ps(p)
#define FSV_avx512_float_STOREU(p, v) _mm512_storeu_ps(p, v)
#define FSV_avx512_float_SET1(x) _mm512_set1_ps(x)
#define FSV_avx512_float_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define FSV_avx512_float_ADD(a, b) _mm512_add_ps(a, b)
#define FSV_avx512_float_ZERO() _mm512_setzero_ps()
#define FSV_avx512_double_V __m512d
#define FSV_avx512_double_W 8
#define FSV_avx512_double_LOAD(p) _mm512_load_pd(p)
#define FSV_avx512_double_LOADU(p) _mm512_loadu_pd(p)
#define FSV_avx512_double_STOREU(p, v) _mm512_storeu_pd(p, v)
#define FSV_avx512_double_SET1(x) _mm512_set1_pd(x)
#define FSV_avx512_double_FMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#define FSV_avx512_double_ADD(a, b) _mm512_add_pd(a, b)
#define FSV_avx512_double_ZERO() _mm512_setzero_pd()
#define FSV_avx2_float_V __m256
#define FSV_avx2_float_W 8
#define FSV_avx2_float_LOAD(p) _mm256_load_ps(p)
#define FSV_avx2_float_LOADU(p) _mm256_loadu_ps(p)
#define FSV_avx2_float_STOREU(p, v) _mm256_storeu_ps(p, v)
#define FSV_avx2_float_SET1(x) _mm256_set1_ps(x)
#define FSV_avx2_float_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define FSV_avx2_float_ADD(a, b) _mm256_add_ps(a, b)
#define FSV_avx2_float_ZERO() _mm256_setzero_ps()
#define FSV_avx2_double_V __m256d
#define FSV_avx2_double_W 4
#define FSV_avx2_double_LOAD(p) _mm256_load_pd(p)
#define FSV_avx2_double_LOADU(p) _mm256_loadu_pd(p)
#define FSV_avx2_double_STOREU(p, v) _mm256_storeu_pd(p, v)
#define FSV_avx2_double_SET1(x) _mm256_set1_pd(x)
#define FSV_avx2_double_FMA(a, b, c) _mm256_fmadd_pd(a, b, c)
#define FSV_avx2_double_ADD(a, b) _mm256_add_pd(a, b)
#define FSV_avx2_double_ZERO() _mm256_setzero_pd()
#endif

#define FS_PRAGMA(x) _Pragma(#x)
#ifdef _OPENMP
#define FS_OMP(x) FS_PRAGMA(omp x)
#else
#define FS_OMP(x)
#endif

/* Largest MR * NR of the table below (edge-tile buffer). */
#define FS_TILE_MAX 512

/* A is read in place (not packed) when C has at most this many column panels:
 * each MR-row slice of A then serves so few tiles that packing it would cost
 * about as much as the FMAs (a convolution's im2col GEMM: n = 32..128). */
#ifndef FS_DIRECT_MAX_NR
#define FS_DIRECT_MAX_NR 4
#endif

/* Per-core L2 the direct mode's B block may fill half of. */
#define FS_GEMM_L2_BYTES (1 << 20)

/* Prefetch distance of the packed B stream, in k steps. */
#define FS_PF_K 8

/* A's addressing in the micro-kernel: "packed" reads an MR-row panel packed
 * k-major (a[i], then a += MR); "direct" reads MR rows of a row-major op(A) in
 * place (a[i * lda], then a += 1), which saves packing A where it would not be
 * reused enough to pay for it (few columns in C). */
#define FS_AELEM_packed(i) a[(i)]
#define FS_ASTEP_packed(MR) (MR)
#define FS_AELEM_direct(i) a[(i) * lda]
#define FS_ASTEP_direct(MR) 1

/* The micro-kernel: C[0:MR, 0:NV*W] (+)= A (MR rows, kc deep) . Bpanel
 * (kc x NV*W, packed). `acc` = 0 stores, 1 adds to what C holds. */
#define FS_DEFINE_UKERNEL(ISA, T, MR, NV, AM)                                     \
    FS_TGT_##ISA static void fs_uk_##ISA##_##T##_##AM(                            \
            int64_t kc, const T *restrict a, int64_t lda, const T *restrict b,    \
            T *restrict c, int64_t ldc, int acc) {                                 \
        typedef FSV(ISA, T, V) V;                                                  \
        enum { W = FSV(ISA, T, W), NR = (NV) * FSV(ISA, T, W) };                   \
        V r[MR][NV];                                                               \
        (void)lda;                                                                 \
        FS_PRAGMA(GCC unroll 32)                                                   \
        for (int i = 0; i < (MR); i++) {                                           \
            __builtin_prefetch(c + i * ldc, 1, 3);                                 \
            __builtin_prefetch(c + i * ldc + NR - 1, 1, 3);                        \
            FS_PRAGMA(GCC unroll 8)                                                \
            for (int j = 0; j < (NV); j++) r[i][j] = FSV(ISA, T, ZERO)();          \
        }                                                                          \
        FS_PRAGMA(GCC unroll 4)                                                    \
        for (int64_t p = 0; p < kc; p++) {                                         \
            V bv[NV];                                                              \
            FS_PRAGMA(GCC unroll 8)                                                \
            for (int j = 0; j < (NV); j++) {                                       \
                __builtin_prefetch(b + FS_PF_K * NR + j * W, 0, 3);                \
                bv[j] = FSV(ISA, T, LOAD)(b + j * W);                              \
            }                                                                      \
            FS_PRAGMA(GCC unroll 32)                                               \
            for (int i = 0; i < (MR); i++) {                                       \
                V av = FSV(ISA, T, SET1)(FS_AELEM_##AM(i));                        \
                FS_PRAGMA(GCC unroll 8)                                            \
                for (int j = 0; j < (NV); j++)                                     \
                    r[i][j] = FSV(ISA, T, FMA)(av, bv[j], r[i][j]);                \
            }                                                                      \
            a += FS_ASTEP_##AM(MR);                                                \
            b += NR;                                                               \
        }                                                                          \
        FS_PRAGMA(GCC unroll 32)                                                   \
        for (int i = 0; i < (MR); i++) {                                           \
            FS_PRAGMA(GCC unroll 8)                                                \
            for (int j = 0; j < (NV); j++) {                                       \
                T *q = c + i * ldc + j * W;                                        \
                V v = r[i][j];                                                     \
                if (acc) v = FSV(ISA, T, ADD)(v, FSV(ISA, T, LOADU)(q));           \
                FSV(ISA, T, STOREU)(q, v);                                         \
            }                                                                      \
        }                                                                          \
    }

/* Register tiles (MR rows x NV vectors) and cache blocks (KC: depth of a
 * packed block; MC: rows of the shared A block; NB: columns of a thread's B
 * block). Zen 5, 48 KiB L1d / 1 MiB L2 per core: see the measurements in
 * _k_matmul.pxi. */
#define FS_GEMM_VARIANTS(X)                                                      \
    /*  ISA      type    MR  NV   KC   MC    NB */                               \
    X(generic, float,   4,  8,  256,  512, 256)                                  \
    X(generic, double,  4,  4,  256,  512, 128)                                  \
    FS_GEMM_VARIANTS_X86(X)

#if FS_GEMM_X86
#define FS_GEMM_VARIANTS_X86(X)                                                  \
    X(avx2,    float,   6,  2,  384, 1536, 384)                                  \
    X(avx2,    double,  6,  2,  384, 1536, 192)                                  \
    X(avx512,  float,  14,  2,  384, 2048, 384)                                  \
    X(avx512,  double, 14,  2,  384, 2048, 192)
#else
#define FS_GEMM_VARIANTS_X86(X)
#endif

#define FS_UK_INSTANCE(ISA, T, MR, NV, KC, MC, NB)                                 \
    FS_DEFINE_UKERNEL(ISA, T, MR, NV, packed)                                      \
    FS_DEFINE_UKERNEL(ISA, T, MR, NV, direct)
FS_GEMM_VARIANTS(FS_UK_INSTANCE)

/* ---- run-time ISA choice ------------------------------------------------ */

static int fs_gemm_forced_isa = -1;   /* test hook: -1 = the CPU's best */

static int fs_gemm_cpu_isa(void) {
#if FS_GEMM_X86
    static int isa = -1;
    if (isa < 0) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f"))
            isa = FS_ISA_AVX512;
        else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
            isa = FS_ISA_AVX2;
        else
            isa = FS_ISA_GENERIC;
    }
    return isa;
#else
    return FS_ISA_GENERIC;
#endif
}

/* The ISA the next GEMM will use. */
static int fs_gemm_isa(void) {
    int cpu = fs_gemm_cpu_isa();
    return (fs_gemm_forced_isa >= 0 && fs_gemm_forced_isa < cpu) ? fs_gemm_forced_isa : cpu;
}

/* Force a (lesser) ISA for tests; -1 restores the CPU's best. Returns the old setting. */
static int fs_gemm_force_isa(int isa) {
    int old = fs_gemm_forced_isa;
    fs_gemm_forced_isa = isa;
    return old;
}

/* ---- packing buffers: 64-byte aligned, cached per thread ---------------- */
/* Each thread keeps its two packing buffers between calls (allocating them per
 * call costs page faults on every GEMM). They hang off a pthread key whose
 * destructor frees them when the thread exits, so short-lived threads (a
 * Python thread per request, say) do not leak them. */

#include <pthread.h>

typedef struct { void *buf[2]; size_t size[2]; } fs_gemm_tls;

static pthread_key_t fs_gemm_key;
static pthread_once_t fs_gemm_key_once = PTHREAD_ONCE_INIT;
static int fs_gemm_key_ok = 0;

static void fs_gemm_tls_free(void *p) {
    fs_gemm_tls *t = (fs_gemm_tls *)p;
    free(t->buf[0]);
    free(t->buf[1]);
    free(t);
}

static void fs_gemm_key_init(void) {
    fs_gemm_key_ok = pthread_key_create(&fs_gemm_key, fs_gemm_tls_free) == 0;
}

static void *fs_gemm_scratch(int slot, size_t bytes) {
    fs_gemm_tls *t;
    pthread_once(&fs_gemm_key_once, fs_gemm_key_init);
    if (!fs_gemm_key_ok) return NULL;
    t = (fs_gemm_tls *)pthread_getspecific(fs_gemm_key);
    if (t == NULL) {
        t = (fs_gemm_tls *)calloc(1, sizeof(fs_gemm_tls));
        if (t == NULL) return NULL;
        if (pthread_setspecific(fs_gemm_key, t) != 0) { free(t); return NULL; }
    }
    if (bytes > t->size[slot]) {
        void *p = NULL;
        free(t->buf[slot]);
        t->buf[slot] = NULL;
        t->size[slot] = 0;
        bytes = (bytes + 4095) & ~(size_t)4095;
        if (posix_memalign(&p, 64, bytes) != 0) return NULL;
        t->buf[slot] = p;
        t->size[slot] = bytes;
    }
    return t->buf[slot];
}

static int64_t fs_cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* ---- the driver, per type ----------------------------------------------- */

#define FS_DEFINE_GEMM(T)                                                          \
typedef void (*fs_uk_##T##_fn)(int64_t, const T *, int64_t, const T *, T *, int64_t, int); \
typedef struct {                                                                   \
    fs_uk_##T##_fn kern, kern_direct;                                              \
    int mr, nr;                                                                    \
    int64_t kc, mc, nb;                                                            \
} fs_cfg_##T;                                                                      \
                                                                                   \
typedef struct {                                                                   \
    fs_cfg_##T cfg;                                                                \
    int64_t m, n, k, rsa, csa, rsb, csb, ldc;                                      \
    const T *a, *b;                                                                \
    T *c;                                                                          \
    T *ablk;                     /* shared packed A block (unless direct) */       \
    int direct;                  /* A read in place: row-major, few columns in C */ \
    int64_t kc, mc;              /* block sizes used (balanced) */                 \
    int failed;                                                                    \
} fs_job_##T;                                                                      \
                                                                                   \
/* A panel of `width` lines (stride ws) by kc steps along k (stride ks), into      \
 * dst (kc x W, line index fastest), zero-padded to W lines. Packs MR rows of      \
 * op(A) (ws = row stride) and NR columns of op(B) (ws = column stride) alike. */  \
static void fs_pack_##T(const T *src, int64_t ws, int64_t ks, int64_t width, int W,\
                        int64_t kc, T *restrict dst) {                             \
    if (width < W) memset(dst, 0, (size_t)(kc * W) * sizeof(T));                   \
    if (ws == 1) {                                                                 \
        for (int64_t p = 0; p < kc; p++)                                           \
            memcpy(dst + p * W, src + p * ks, (size_t)width * sizeof(T));          \
    } else if (ks == 1) {                                                          \
        for (int64_t i = 0; i < width; i++) {                                      \
            const T *s = src + i * ws;                                             \
            T *d = dst + i;                                                        \
            for (int64_t p = 0; p < kc; p++) d[p * W] = s[p];                      \
        }                                                                          \
    } else {                                                                       \
        for (int64_t p = 0; p < kc; p++)                                           \
            for (int64_t i = 0; i < width; i++) dst[p * W + i] = src[i * ws + p * ks];\
    }                                                                              \
}                                                                                  \
                                                                                   \
/* Rows i0.. i0+MR of op(A), columns p0.. p0+kc, into dst (kc x MR) */             \
static inline void fs_pack_a_##T(const fs_job_##T *J, int64_t i0, int64_t p0, int64_t kc,\
                                 T *restrict dst) {                                \
    const int64_t rows = J->m - i0 < J->cfg.mr ? J->m - i0 : J->cfg.mr;            \
    fs_pack_##T(J->a + i0 * J->rsa + p0 * J->csa, J->rsa, J->csa, rows, J->cfg.mr, kc, dst);\
}                                                                                  \
                                                                                   \
/* Columns j0.. j0+NR of op(B), rows p0.. p0+kc, into dst (kc x NR) */             \
static inline void fs_pack_b_##T(const fs_job_##T *J, int64_t j0, int64_t p0, int64_t kc,\
                                 T *restrict dst) {                                \
    const int64_t cols = J->n - j0 < J->cfg.nr ? J->n - j0 : J->cfg.nr;            \
    fs_pack_##T(J->b + p0 * J->rsb + j0 * J->csb, J->csb, J->rsb, cols, J->cfg.nr, kc, dst);\
}                                                                                  \
                                                                                   \
/* One MR x NR tile from A rows at `ap` (a packed panel, or op(A) itself with row
 * stride lda when `direct`); edge tiles are computed into a buffer and copied. */ \
static inline void fs_tile_##T(const fs_job_##T *J, const T *ap, int direct,       \
                               const T *bp, int64_t i0, int64_t j0, int64_t kc,    \
                               int acc) {                                          \
    const int MR = J->cfg.mr, NR = J->cfg.nr;                                      \
    fs_uk_##T##_fn kern = direct ? J->cfg.kern_direct : J->cfg.kern;               \
    T *c = J->c + i0 * J->ldc + j0;                                                \
    int64_t rows = J->m - i0, cols = J->n - j0;                                    \
    if (rows >= MR && cols >= NR) {                                                \
        kern(kc, ap, J->rsa, bp, c, J->ldc, acc);                                  \
        return;                                                                    \
    }                                                                              \
    T tmp[FS_TILE_MAX] __attribute__((aligned(64)));                               \
    kern(kc, ap, J->rsa, bp, tmp, NR, 0);                                          \
    if (rows > MR) rows = MR;                                                      \
    if (cols > NR) cols = NR;                                                      \
    for (int64_t i = 0; i < rows; i++)                                             \
        for (int64_t j = 0; j < cols; j++)                                         \
            c[i * J->ldc + j] = acc ? c[i * J->ldc + j] + tmp[i * NR + j] : tmp[i * NR + j]; \
}                                                                                  \
                                                                                   \
static void fs_gemm_body_##T(fs_job_##T *J, int tid, int nt) {                      \
    const int MR = J->cfg.mr, NR = J->cfg.nr;                                      \
    const int64_t m = J->m, n = J->n, k = J->k;                                    \
    const int64_t npn = fs_cdiv(n, NR);                                            \
    const int direct = J->direct;                                                  \
    /* thread grid: split column panels if there are enough (and A is shared),   \
     * else rows (each thread then packs all of the few columns itself) */        \
    const int tn = (npn >= nt && !direct) ? nt : 1, tm = nt / tn;                  \
    const int it_n = tid % tn, it_m = tid / tn;                                    \
    const int64_t jp0 = npn * it_n / tn, jp1 = npn * (it_n + 1) / tn;               \
    const int64_t nbp = J->cfg.nb / NR;    /* column panels per B block */         \
    /* private: a B block, and (direct) one packed A panel for the ragged end */   \
    T *bblk = (T *)fs_gemm_scratch(1, (size_t)((nbp * NR + MR) * J->kc) * sizeof(T)); \
    T *atail = bblk + nbp * NR * J->kc;                                            \
    int ok = bblk != NULL;                                                         \
    if (nt > 1) {                                                                  \
        FS_OMP(atomic)                                                      \
        J->failed += !ok;                                                          \
        FS_OMP(barrier)                                                     \
    } else {                                                                       \
        J->failed += !ok;                                                          \
    }                                                                              \
    if (J->failed) return;                                                         \
    for (int64_t ic = 0; ic < m; ic += J->mc) {                                    \
        const int64_t mc = m - ic < J->mc ? m - ic : J->mc;                        \
        const int64_t npm = fs_cdiv(mc, MR);                                       \
        const int64_t ip0 = npm * it_m / tm, ip1 = npm * (it_m + 1) / tm;           \
        for (int64_t pc = 0; pc < k; pc += J->kc) {                                \
            const int64_t kc = k - pc < J->kc ? k - pc : J->kc;                    \
            if (!direct) {                                                         \
                if (nt > 1) { FS_OMP(barrier) }                             \
                for (int64_t ip = npm * tid / nt; ip < npm * (tid + 1) / nt; ip++) \
                    fs_pack_a_##T(J, ic + ip * MR, pc, kc, J->ablk + ip * MR * kc); \
                if (nt > 1) { FS_OMP(barrier) }                             \
            }                                                                      \
            for (int64_t jb = jp0; jb < jp1; jb += nbp) {                          \
                const int64_t je = jb + nbp < jp1 ? jb + nbp : jp1;                \
                for (int64_t jp = jb; jp < je; jp++)                               \
                    fs_pack_b_##T(J, jp * NR, pc, kc, bblk + (jp - jb) * NR * kc); \
                for (int64_t ip = ip0; ip < ip1; ip++) {                           \
                    const int64_t i0 = ic + ip * MR;                               \
                    const T *ap;                                                   \
                    int dir = direct && i0 + MR <= m;                              \
                    if (dir) {                                                     \
                        ap = J->a + i0 * J->rsa + pc;                              \
                    } else if (direct) {                                           \
                        fs_pack_a_##T(J, i0, pc, kc, atail);                       \
                        ap = atail;                                                \
                    } else {                                                       \
                        ap = J->ablk + ip * MR * kc;                               \
                    }                                                              \
                    for (int64_t jp = jb; jp < je; jp++)                           \
                        fs_tile_##T(J, ap, dir, bblk + (jp - jb) * NR * kc, i0,    \
                                    jp * NR, kc, pc > 0);                          \
                }                                                                  \
            }                                                                      \
        }                                                                          \
    }                                                                              \
}                                                                                  \
                                                                                   \
static fs_cfg_##T fs_gemm_cfg_##T(int isa) {                                        \
    fs_cfg_##T cfg = {0, 0, 0, 0, 0, 0, 0};                                           \
    FS_GEMM_VARIANTS(FS_CFG_CASE_##T)                                              \
    return cfg;                                                                    \
}                                                                                  \
                                                                                   \
/* Returns 0, or -1 when the packing buffers could not be allocated. */            \
static int fs_gemm_##T(int64_t m, int64_t n, int64_t k,                            \
                       const T *a, int64_t rsa, int64_t csa,                       \
                       const T *b, int64_t rsb, int64_t csb,                       \
                       T *c, int64_t ldc, int nthreads) {                          \
    fs_job_##T J;                                                                  \
    if (m <= 0 || n <= 0) return 0;                                                \
    if (k <= 0) {                                                                  \
        for (int64_t i = 0; i < m; i++) memset(c + i * ldc, 0, (size_t)n * sizeof(T)); \
        return 0;                                                                  \
    }                                                                              \
    J.cfg = fs_gemm_cfg_##T(fs_gemm_isa());                                        \
    J.m = m; J.n = n; J.k = k;                                                     \
    J.a = a; J.rsa = rsa; J.csa = csa;                                             \
    J.b = b; J.rsb = rsb; J.csb = csb;                                             \
    J.c = c; J.ldc = ldc; J.failed = 0;                                            \
    /* balanced blocks: k in equal slices of at most KC, m likewise (MR-aligned) */ \
    J.kc = fs_cdiv(k, fs_cdiv(k, J.cfg.kc));                                       \
    J.mc = fs_cdiv(fs_cdiv(m, fs_cdiv(m, J.cfg.mc)), J.cfg.mr) * J.cfg.mr;         \
    J.direct = csa == 1 && n <= FS_DIRECT_MAX_NR * J.cfg.nr;                       \
    if (J.direct) {                                                                \
        /* no A block to keep in L2: the whole depth in one slice when the B     \
         * block still fits in half of it (C is then written once) */            \
        int64_t kmax = (int64_t)(FS_GEMM_L2_BYTES / 2 / sizeof(T)) / (fs_cdiv(n, J.cfg.nr) * J.cfg.nr); \
        if (kmax > J.cfg.kc) J.kc = fs_cdiv(k, fs_cdiv(k, kmax));                  \
        J.mc = m;                                                                  \
        J.ablk = NULL;                                                             \
    } else {                                                                       \
        J.ablk = (T *)fs_gemm_scratch(0, (size_t)(J.mc * J.kc) * sizeof(T));       \
        if (J.ablk == NULL) return -1;                                             \
    }                                                                              \
    /* at most one thread per MR x NR tile */                                      \
    int64_t tiles = fs_cdiv(m, J.cfg.mr) * fs_cdiv(n, J.cfg.nr);                   \
    if (nthreads > tiles) nthreads = (int)tiles;                                   \
    if (nthreads > 1 && FS_GEMM_OPENMP) {                                          \
        FS_GEMM_PARALLEL(nthreads, fs_gemm_body_##T(&J, FS_GEMM_TID, FS_GEMM_NT))  \
    } else {                                                                       \
        fs_gemm_body_##T(&J, 0, 1);                                                \
    }                                                                              \
    return J.failed ? -1 : 0;                                                      \
}

#ifdef _OPENMP
#define FS_GEMM_OPENMP 1
#define FS_GEMM_TID omp_get_thread_num()
#define FS_GEMM_NT omp_get_num_threads()
#define FS_GEMM_PARALLEL(NT, CALL) FS_PRAGMA(omp parallel num_threads(NT)) { CALL; }
#else
#define FS_GEMM_OPENMP 0
#define FS_GEMM_TID 0
#define FS_GEMM_NT 1
#define FS_GEMM_PARALLEL(NT, CALL) { CALL; }
#endif

#define FS_ISA_ID_generic FS_ISA_GENERIC
#define FS_ISA_ID_avx2 FS_ISA_AVX2
#define FS_ISA_ID_avx512 FS_ISA_AVX512
#define FS_CFG_CASE(ISA, T, MR, NV, KC, MC, NB)                                    \
    if (isa == FS_ISA_ID_##ISA) {                                                  \
        cfg.kern = fs_uk_##ISA##_##T##_packed;                                     \
        cfg.kern_direct = fs_uk_##ISA##_##T##_direct;                              \
        cfg.mr = (MR);                                                             \
        cfg.nr = (NV) * FSV(ISA, T, W);                                            \
        cfg.kc = (KC);                                                             \
        cfg.mc = (MC);                                                             \
        cfg.nb = (NB);                                                             \
    }
#define FS_CFG_CASE_float(ISA, T, MR, NV, KC, MC, NB) FS_CFG_CASE_IF(float, ISA, T, MR, NV, KC, MC, NB)
#define FS_CFG_CASE_double(ISA, T, MR, NV, KC, MC, NB) FS_CFG_CASE_IF(double, ISA, T, MR, NV, KC, MC, NB)
/* a table row applies to the driver of its own type only */
#define FS_CFG_CASE_IF(WANT, ISA, T, MR, NV, KC, MC, NB) FS_CFG_CASE_##WANT##_##T(ISA, T, MR, NV, KC, MC, NB)
#define FS_CFG_CASE_float_float FS_CFG_CASE
#define FS_CFG_CASE_float_double(...)
#define FS_CFG_CASE_double_double FS_CFG_CASE
#define FS_CFG_CASE_double_float(...)

FS_DEFINE_GEMM(float)
FS_DEFINE_GEMM(double)

#endif /* FASTSCOPE_GEMM_H */
