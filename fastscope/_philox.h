/*
 * Counter-based random fills for fastscope._kernels.
 *
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
 * SC11), the generator TensorFlow and JAX use. The key is the 64-bit user key;
 * the 128-bit counter is (block_lo, block_hi, stream_lo, stream_hi).
 *
 * Element layout. Logical element j belongs to "superblock" S = j / E, where a
 * superblock is FS_LANES consecutive Philox blocks and E = FS_LANES * P
 * outputs (P = 4 for 32-bit outputs, 2 for 64-bit ones). Inside a superblock,
 * output r = w * FS_LANES + i comes from word w of block S * FS_LANES + i.
 * This makes element j a pure function of (key, stream, j) -- so skip-ahead
 * is exact and results never depend on threads or sharding -- while the
 * transform loops write contiguous memory and auto-vectorise.
 *
 * Every output consumes a fixed number of 32-bit draws (no rejection), which
 * is what keeps skip-ahead exact for the normal and truncated normal too.
 *
 * The hot functions are compiled several times (target_clones) and the best
 * variant for the running CPU is picked at load time, so one portable binary
 * gets AVX-512 where the CPU has it.
 */
#ifndef FASTSCOPE_PHILOX_H
#define FASTSCOPE_PHILOX_H

#include <stdint.h>
#include <string.h>
#include <math.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define FS_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define FS_CLONES
#endif
#define FS_INLINE static inline __attribute__((always_inline))

#ifdef _OPENMP
#define FS_OPENMP 1
#else
#define FS_OPENMP 0
#endif

#define FS_LANES 16

enum { FS_UNIFORM = 0, FS_NORMAL = 1, FS_TRUNCATED_NORMAL = 2, FS_UNIFORM_INT = 3 };

static int fs_openmp_enabled(void) { return FS_OPENMP; }

/* Philox4x32-10 on FS_LANES consecutive blocks g0 .. g0 + FS_LANES - 1. The
 * lane loop has no dependence between iterations, so it vectorises (the
 * 32x32->64 products map onto vpmuludq). */
FS_INLINE void fs_philox16(uint64_t g0, uint64_t key, uint64_t stream,
                           uint32_t out[4][FS_LANES]) {
    const uint32_t k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32);
    const uint32_t s0 = (uint32_t)stream, s1 = (uint32_t)(stream >> 32);
    for (int i = 0; i < FS_LANES; i++) {
        uint64_t g = g0 + (uint64_t)i;
        uint32_t c0 = (uint32_t)g, c1 = (uint32_t)(g >> 32), c2 = s0, c3 = s1;
        uint32_t ka = k0, kb = k1;
#pragma GCC unroll 10
        for (int r = 0; r < 10; r++) {
            uint64_t p0 = (uint64_t)0xD2511F53u * c0;
            uint64_t p1 = (uint64_t)0xCD9E8D57u * c2;
            uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ ka;
            uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ kb;
            c1 = (uint32_t)p1;
            c3 = (uint32_t)p0;
            c0 = n0;
            c2 = n2;
            ka += 0x9E3779B9u;
            kb += 0xBB67AE85u;
        }
        out[0][i] = c0;
        out[1][i] = c1;
        out[2][i] = c2;
        out[3][i] = c3;
    }
}

/* Scalar Philox for tests (known-answer vectors from Random123). */
static void fs_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]) {
    uint32_t blk[4][FS_LANES];
    uint64_t g = (uint64_t)ctr[0] | ((uint64_t)ctr[1] << 32);
    fs_philox16(g, (uint64_t)key[0] | ((uint64_t)key[1] << 32),
                (uint64_t)ctr[2] | ((uint64_t)ctr[3] << 32), blk);
    for (int w = 0; w < 4; w++) out[w] = blk[w][0];
}

/* ---- float32 math: branch-free so the lane loops vectorise ------------- */

FS_INLINE float fs_as_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
FS_INLINE uint32_t fs_as_u32(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/* Natural log for positive normal floats (Cephes logf polynomial, ~1 ulp). */
FS_INLINE float fs_logf(float x) {
    uint32_t ix = fs_as_u32(x);
    int32_t e = (int32_t)(ix >> 23) - 126;
    float m = fs_as_float((ix & 0x007fffffu) | 0x3f000000u); /* [0.5, 1) */
    int small = m < 0.70710678118654752f;
    e -= small;
    float f = small ? (m + m - 1.0f) : (m - 1.0f);
    float z = f * f;
    float y = 7.0376836292e-2f;
    y = y * f - 1.1514610310e-1f;
    y = y * f + 1.1676998740e-1f;
    y = y * f - 1.2420140846e-1f;
    y = y * f + 1.4249322787e-1f;
    y = y * f - 1.6668057665e-1f;
    y = y * f + 2.0000714765e-1f;
    y = y * f - 2.4999993993e-1f;
    y = y * f + 3.3333331174e-1f;
    y = y * f * z;
    float fe = (float)e;
    y += -2.12194440e-4f * fe;
    y += -0.5f * z;
    return f + y + 0.693359375f * fe;
}

/* sin/cos of an angle given as a 32-bit fraction of a full turn. The top two
 * bits pick the quadrant and the rest an angle in [-pi/4, pi/4), so no range
 * reduction is needed. The turn is shifted by -pi/4 relative to [0, 2pi),
 * which leaves a uniform angle uniform. */
FS_INLINE void fs_sincos_turn(uint32_t bits, float *s_out, float *c_out) {
    uint32_t q = bits >> 30;
    float t = (float)((bits >> 6) & 0xFFFFFFu) * 0x1p-24f - 0.5f;
    float x = t * 1.57079632679489662f;
    float z = x * x;
    float s = ((-1.9515295891e-4f * z + 8.3321608736e-3f) * z - 1.6666654611e-1f) * z * x + x;
    float c = ((2.443315711809948e-5f * z - 1.388731625493765e-3f) * z
               + 4.166664568298827e-2f) * z * z - 0.5f * z + 1.0f;
    /* rotate by q quarter turns: (c,s) -> (-s,c) -> (-c,-s) -> (s,-c) */
    int odd = q & 1u;
    float cc = odd ? s : c;
    float ss = odd ? c : s;
    uint32_t neg_c = ((q + 1u) >> 1) & 1u;
    uint32_t neg_s = q >> 1;
    *c_out = fs_as_float(fs_as_u32(cc) ^ (neg_c << 31));
    *s_out = fs_as_float(fs_as_u32(ss) ^ (neg_s << 31));
}

/* Uniform in (0, 1), never 0 or 1: (k + 1/2) 2^-23 for a 23-bit k. */
FS_INLINE float fs_open01f(uint32_t x) { return (float)(x >> 9) * 0x1p-23f + 0x1p-24f; }

/* sqrt(2) * erfinv(v) for |v| <= erf(sqrt(2)) ~ 0.9545: the central branch of
 * M. Giles' single-precision erfinv ("Approximating the erfinv function",
 * GPU Computing Gems, 2011), which covers w < 5, i.e. |v| < 0.9966. */
FS_INLINE float fs_probit_central(float v) {
    float w = -fs_logf((1.0f - v) * (1.0f + v)) - 2.5f;
    float p = 2.81022636e-08f;
    p = 3.43273939e-07f + p * w;
    p = -3.5233877e-06f + p * w;
    p = -4.39150654e-06f + p * w;
    p = 0.00021858087f + p * w;
    p = -0.00125372503f + p * w;
    p = -0.00417768164f + p * w;
    p = 0.246640727f + p * w;
    p = 1.50140941f + p * w;
    return 1.41421356237309505f * p * v;
}

#define FS_ERF_SQRT2 0.954499736103641585599
#define FS_TWO_PI 6.28318530717958647693

/* Fill one superblock of E = 64 float32 outputs. */
FS_INLINE void fs_sb_f32(float *dst, uint64_t S, uint64_t key, uint64_t stream, int dist,
                         float lo, float scale, float top) {
    uint32_t x[4][FS_LANES];
    fs_philox16(S * FS_LANES, key, stream, x);
    if (dist == FS_UNIFORM) {
        for (int w = 0; w < 4; w++)
            for (int i = 0; i < FS_LANES; i++) {
                float r = lo + scale * ((float)(x[w][i] >> 8) * 0x1p-24f);
                dst[w * FS_LANES + i] = r < top ? r : top;
            }
    } else if (dist == FS_NORMAL) {
        for (int h = 0; h < 2; h++)
            for (int i = 0; i < FS_LANES; i++) {
                float rad = sqrtf(-2.0f * fs_logf(fs_open01f(x[2 * h][i])));
                float s, c;
                fs_sincos_turn(x[2 * h + 1][i], &s, &c);
                dst[(2 * h) * FS_LANES + i] = lo + scale * (rad * c);
                dst[(2 * h + 1) * FS_LANES + i] = lo + scale * (rad * s);
            }
    } else { /* FS_TRUNCATED_NORMAL: inverse CDF restricted to [-2, 2] */
        for (int w = 0; w < 4; w++)
            for (int i = 0; i < FS_LANES; i++) {
                float v = (2.0f * fs_open01f(x[w][i]) - 1.0f) * (float)FS_ERF_SQRT2;
                float z = fs_probit_central(v);
                z = z > 2.0f ? 2.0f : (z < -2.0f ? -2.0f : z);
                dst[w * FS_LANES + i] = lo + scale * z;
            }
    }
}

/* ---- float64: libm accuracy; fewer outputs per block ---------------------- */

FS_INLINE double fs_u53(uint32_t a, uint32_t b) {
    return (double)(((uint64_t)a << 21) | (b >> 11)) * 0x1p-53;
}
FS_INLINE double fs_open01(uint32_t a, uint32_t b) {
    return (double)(((uint64_t)a << 20) | (b >> 12)) * 0x1p-52 + 0x1p-53;
}

/* sqrt(2) erfinv(v): Giles' polynomial as a start, then two Newton steps on
 * erf(x) = v in double precision (quadratic convergence: 1e-7 -> 1e-14 -> eps). */
static inline double fs_probit_central_f64(double v) {
    double w = -log((1.0 - v) * (1.0 + v)) - 2.5;
    double p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w;
    p = -3.5233877e-06 + p * w;
    p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
    double e = p * v; /* erfinv(v) */
    for (int it = 0; it < 2; it++)
        e -= (erf(e) - v) / (1.1283791670955125739 * exp(-e * e));
    return 1.41421356237309505 * e;
}

FS_INLINE void fs_sb_f64(double *dst, uint64_t S, uint64_t key, uint64_t stream, int dist,
                         double lo, double scale, double top) {
    uint32_t x[4][FS_LANES];
    fs_philox16(S * FS_LANES, key, stream, x);
    if (dist == FS_UNIFORM) {
        for (int h = 0; h < 2; h++)
            for (int i = 0; i < FS_LANES; i++) {
                double r = lo + scale * fs_u53(x[2 * h][i], x[2 * h + 1][i]);
                dst[h * FS_LANES + i] = r < top ? r : top;
            }
    } else if (dist == FS_NORMAL) {
        for (int i = 0; i < FS_LANES; i++) {
            double rad = sqrt(-2.0 * log(fs_open01(x[0][i], x[1][i])));
            double th = FS_TWO_PI * fs_u53(x[2][i], x[3][i]);
            dst[i] = lo + scale * (rad * cos(th));
            dst[FS_LANES + i] = lo + scale * (rad * sin(th));
        }
    } else {
        for (int h = 0; h < 2; h++)
            for (int i = 0; i < FS_LANES; i++) {
                double v = (2.0 * fs_open01(x[2 * h][i], x[2 * h + 1][i]) - 1.0) * FS_ERF_SQRT2;
                double z = fs_probit_central_f64(v);
                z = z > 2.0 ? 2.0 : (z < -2.0 ? -2.0 : z);
                dst[h * FS_LANES + i] = lo + scale * z;
            }
    }
}

/* ---- integers: Lemire's multiply-shift (no modulo, no rejection) --------- */

FS_INLINE void fs_sb_i32(int32_t *dst, uint64_t S, uint64_t key, uint64_t stream,
                         int64_t lo, uint64_t range) {
    uint32_t x[4][FS_LANES];
    fs_philox16(S * FS_LANES, key, stream, x);
    for (int w = 0; w < 4; w++)
        for (int i = 0; i < FS_LANES; i++)
            dst[w * FS_LANES + i] = (int32_t)(lo + (int64_t)(((uint64_t)x[w][i] * range) >> 32));
}

/* range == 0 stands for 2^64 (the whole int64 line). */
FS_INLINE void fs_sb_i64(int64_t *dst, uint64_t S, uint64_t key, uint64_t stream,
                         int64_t lo, uint64_t range) {
    uint32_t x[4][FS_LANES];
    fs_philox16(S * FS_LANES, key, stream, x);
    for (int h = 0; h < 2; h++)
        for (int i = 0; i < FS_LANES; i++) {
            uint64_t r = ((uint64_t)x[2 * h][i] << 32) | x[2 * h + 1][i];
            uint64_t v = range ? (uint64_t)(((__uint128_t)r * range) >> 64) : r;
            dst[h * FS_LANES + i] = (int64_t)((uint64_t)lo + v);
        }
}

/* Drive a superblock function over logical elements [j0, j0 + n): whole
 * superblocks are written in place, partial ones go through a buffer. */
#define FS_DRIVE(T, E, CALL)                                                     \
    uint64_t S = j0 / (E);                                                       \
    int64_t skip = (int64_t)(j0 % (E));                                          \
    T buf[E];                                                                    \
    while (n > 0) {                                                              \
        int64_t take = (E) - skip;                                               \
        if (take > n) take = n;                                                  \
        T *tgt = (take == (E)) ? dst : buf;                                      \
        CALL;                                                                    \
        if (tgt == buf) memcpy(dst, buf + skip, (size_t)take * sizeof(T));       \
        dst += take;                                                             \
        n -= take;                                                               \
        skip = 0;                                                                \
        S++;                                                                     \
    }

FS_CLONES void fs_fill_f32(float *dst, uint64_t j0, int64_t n, uint64_t key, uint64_t stream,
                           int dist, double a, double b) {
    float lo = (float)a, scale, top = INFINITY;
    if (dist == FS_UNIFORM) {
        float hi = (float)b;
        scale = hi - lo;
        /* lo + scale * u can round up to hi; keep the interval half-open */
        if (hi > lo) top = nextafterf(hi, -INFINITY);
    } else {
        scale = (float)b;
    }
    FS_DRIVE(float, 4 * FS_LANES, fs_sb_f32(tgt, S, key, stream, dist, lo, scale, top))
}

FS_CLONES void fs_fill_f64(double *dst, uint64_t j0, int64_t n, uint64_t key, uint64_t stream,
                           int dist, double a, double b) {
    double scale = b, top = INFINITY;
    if (dist == FS_UNIFORM) {
        scale = b - a;
        if (b > a) top = nextafter(b, -INFINITY);
    }
    FS_DRIVE(double, 2 * FS_LANES, fs_sb_f64(tgt, S, key, stream, dist, a, scale, top))
}

FS_CLONES void fs_fill_i32(int32_t *dst, uint64_t j0, int64_t n, uint64_t key, uint64_t stream,
                           int64_t lo, uint64_t range) {
    FS_DRIVE(int32_t, 4 * FS_LANES, fs_sb_i32(tgt, S, key, stream, lo, range))
}

FS_CLONES void fs_fill_i64(int64_t *dst, uint64_t j0, int64_t n, uint64_t key, uint64_t stream,
                           int64_t lo, uint64_t range) {
    FS_DRIVE(int64_t, 2 * FS_LANES, fs_sb_i64(tgt, S, key, stream, lo, range))
}

#endif /* FASTSCOPE_PHILOX_H */
