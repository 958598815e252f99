# Included by _kernels.pyx (shares its cimports and module state).
# max_pool / avg_pool: direct window reductions, NHWC or NCHW, TensorFlow's SAME/VALID.

cdef struct PoolGeom:
    Py_ssize_t H, W, C, KH, KW, OH, OW, sh, sw, pt, pl
    bint avg


cdef inline void _pool_window(const PoolGeom* g, Py_ssize_t oh, Py_ssize_t ow, Py_ssize_t* h0,
                              Py_ssize_t* h1, Py_ssize_t* w0, Py_ssize_t* w1) noexcept nogil:
    # The window clipped to the image: padding never takes part (max ignores
    # it, avg divides by the cells inside), as in TensorFlow.
    h0[0] = oh * g.sh - g.pt
    w0[0] = ow * g.sw - g.pl
    h1[0] = min(h0[0] + g.KH, g.H)
    w1[0] = min(w0[0] + g.KW, g.W)
    h0[0] = max(h0[0], 0)
    w0[0] = max(w0[0], 0)


cdef inline real_t _plowest(real_t v) noexcept nogil:
    if real_t is float:
        return -FLT_MAX
    else:
        return -DBL_MAX


cdef inline real_t _pclean(real_t v) noexcept nogil:
    # TensorFlow's max pooling starts each window at the type's lowest value
    # and takes v only when v > max: a NaN never wins, and a window of NaNs or
    # -infs gives the lowest value. Every fold starts from a cleaned cell.
    cdef real_t lo = _plowest(v)
    return v if v > lo else lo


cdef inline real_t _pmax(real_t m, real_t v) noexcept nogil:
    # m is clean (not NaN); a branch-free select, which the compiler vectorises.
    return v if v > m else m


cdef void _pool_row_nhwc_direct(const real_t* x, real_t* out, Py_ssize_t r,
                         const PoolGeom* g) noexcept nogil:
    # One output row (batch b, row oh): for each pixel, fold the window into
    # the C-long output vector cell by cell in the window's row-major order, a
    # contiguous (vectorisable) pass per cell. float64 avg takes this path: it
    # sums in the reference's order (the separable fold below sums columns
    # first, a different rounding that cancellation can show at 1e-14).
    cdef Py_ssize_t b = r // g.OH, oh = r % g.OH, C = g.C
    cdef Py_ssize_t ow, ih, iw, c, h0, h1, w0, w1
    cdef const real_t* img = x + b * g.H * g.W * C
    cdef const real_t* src
    cdef real_t* dst
    cdef real_t inv
    for ow in range(g.OW):
        dst = out + (r * g.OW + ow) * C
        _pool_window(g, oh, ow, &h0, &h1, &w0, &w1)
        if h1 <= h0 or w1 <= w0:
            for c in range(C):
                dst[c] = 0
            continue
        src = img + (h0 * g.W + w0) * C
        if g.avg:
            for c in range(C):
                dst[c] = src[c]
        else:
            for c in range(C):
                dst[c] = _pclean(src[c])
        for ih in range(h0, h1):
            for iw in range(w0, w1):
                if ih == h0 and iw == w0:
                    continue
                src = img + (ih * g.W + iw) * C
                if g.avg:
                    for c in range(C):
                        dst[c] = dst[c] + src[c]
                else:
                    for c in range(C):
                        dst[c] = _pmax(dst[c], src[c])
        if g.avg:
            inv = (<real_t>1) / <real_t>((h1 - h0) * (w1 - w0))
            for c in range(C):
                dst[c] = dst[c] * inv


cdef inline void _fold_cells(real_t* dst, const real_t* src, Py_ssize_t n, Py_ssize_t step,
                             Py_ssize_t L, bint avg, real_t scale) noexcept nogil:
    # dst[j] = fold over k < n of src[k*step + j], j < L (n >= 1): the sum
    # times `scale` (avg) or the max. Up to three cells go in one pass, so
    # dst is written once for the common 2- and 3-wide windows; each pass is
    # a contiguous loop over j that the compiler vectorises.
    cdef Py_ssize_t j, k
    cdef const real_t* a = src
    cdef const real_t* b = src + step
    cdef const real_t* c = src + 2 * step
    if avg:
        if n == 1:
            for j in range(L):
                dst[j] = a[j] * scale
        elif n == 2:
            for j in range(L):
                dst[j] = (a[j] + b[j]) * scale
        elif n == 3:
            for j in range(L):
                dst[j] = (a[j] + b[j] + c[j]) * scale
        else:
            for j in range(L):
                dst[j] = a[j] + b[j] + c[j]
            k = 3
            while n - k >= 2:
                a = src + k * step
                b = a + step
                for j in range(L):
                    dst[j] = dst[j] + (a[j] + b[j])
                k += 2
            if k < n:
                a = src + k * step
                for j in range(L):
                    dst[j] = (dst[j] + a[j]) * scale
            else:
                for j in range(L):
                    dst[j] = dst[j] * scale
    else:
        if n == 1:
            for j in range(L):
                dst[j] = _pclean(a[j])
        elif n == 2:
            for j in range(L):
                dst[j] = _pmax(_pclean(a[j]), b[j])
        else:
            for j in range(L):
                dst[j] = _pmax(_pmax(_pclean(a[j]), b[j]), c[j])
            k = 3
            while k < n:
                a = src + k * step
                if n - k >= 2:
                    b = a + step
                    for j in range(L):
                        dst[j] = _pmax(_pmax(dst[j], a[j]), b[j])
                    k += 2
                else:
                    for j in range(L):
                        dst[j] = _pmax(dst[j], a[j])
                    k += 1


cdef void _pool_row_nhwc(const real_t* x, real_t* out, Py_ssize_t r, const PoolGeom* g,
                         real_t* tmp) noexcept nogil:
    # One output row (batch b, row oh), separably: first the window's image
    # rows are folded into one W*C row (tmp; the image row itself when the
    # window has a single row), then each output pixel folds its window's
    # columns of that row, whole C-vectors at a time. KH + KW passes per
    # output instead of KH * KW; avg scales by 1 / (cells inside the image).
    cdef Py_ssize_t b = r // g.OH, oh = r % g.OH, C = g.C
    cdef Py_ssize_t ow, c, h0, h1, w0, w1, wa, wb, lo, hi
    cdef const real_t* img = x + b * g.H * g.W * C
    cdef const real_t* row
    cdef real_t* dst = out + r * g.OW * C
    _pool_window(g, oh, 0, &h0, &h1, &w0, &w1)
    # The image columns any window of this row reads: [wa, wb).
    wa = max(-g.pl, 0)
    wb = min((g.OW - 1) * g.sw - g.pl + g.KW, g.W)
    if h1 <= h0 or wb <= wa:
        for c in range(g.OW * C):
            dst[c] = 0
        return
    if h1 - h0 == 1:
        row = img + h0 * g.W * C
    else:
        _fold_cells(tmp + wa * C, img + (h0 * g.W + wa) * C, h1 - h0, g.W * C,
                    (wb - wa) * C, g.avg, 1)
        row = tmp
    # Stride 1 in width: the pixels whose window lies inside the image in
    # width ([lo, hi)) are contiguous in both row and output, so their KW
    # cells fold as one long pass over (hi - lo) * C values (C alone is short).
    lo = hi = 0
    if g.sw == 1:
        lo = min(g.pl, g.OW)
        hi = min(g.W - g.KW + g.pl + 1, g.OW)
        if hi > lo:
            _fold_cells(dst + lo * C, row + (lo - g.pl) * C, g.KW, C, (hi - lo) * C, g.avg,
                        (<real_t>1) / <real_t>((h1 - h0) * g.KW))
        else:
            lo = hi = 0
    for ow in range(g.OW):
        if lo <= ow < hi:
            continue
        _pool_window(g, oh, ow, &h0, &h1, &w0, &w1)
        if w1 <= w0:
            for c in range(C):
                dst[ow * C + c] = 0
            continue
        _fold_cells(dst + ow * C, row + w0 * C, w1 - w0, C, C, g.avg,
                    (<real_t>1) / <real_t>((h1 - h0) * (w1 - w0)))


cdef void _pool_row_nchw(const real_t* x, real_t* out, Py_ssize_t r,
                         const PoolGeom* g) noexcept nogil:
    # One output row of one channel plane (r = (b*C + c)*OH + oh). Columns
    # whose window lies inside the image in width ([lo, hi)) are folded one
    # filter cell at a time across the row, a strided pass the compiler
    # vectorises; the few border columns go cell by cell.
    cdef Py_ssize_t plane = r // g.OH, oh = r % g.OH
    cdef Py_ssize_t ow, ih, iw, kw, h0, h1, w0, w1, lo, hi, sw = g.sw
    cdef const real_t* img = x + plane * g.H * g.W
    cdef const real_t* src
    cdef real_t* dst = out + r * g.OW
    cdef real_t acc, inv
    lo = (g.pl + sw - 1) // sw                       # first ow with ow*sw - pl >= 0
    hi = (g.W - g.KW + g.pl) // sw + 1 if g.W - g.KW + g.pl >= 0 else 0
    hi = min(hi, g.OW)
    if hi < lo:
        hi = lo = 0
    for ow in range(g.OW):
        if lo <= ow < hi:
            continue
        _pool_window(g, oh, ow, &h0, &h1, &w0, &w1)
        if h1 <= h0 or w1 <= w0:
            dst[ow] = 0
            continue
        acc = img[h0 * g.W + w0] if g.avg else _pclean(img[h0 * g.W + w0])
        for ih in range(h0, h1):
            for iw in range(w0, w1):
                if g.avg:
                    if ih != h0 or iw != w0:
                        acc = acc + img[ih * g.W + iw]
                else:
                    acc = _pmax(acc, img[ih * g.W + iw])
        if g.avg:
            acc = acc / <real_t>((h1 - h0) * (w1 - w0))
        dst[ow] = acc
    if hi <= lo:
        return
    _pool_window(g, oh, lo, &h0, &h1, &w0, &w1)
    if h1 <= h0:
        for ow in range(lo, hi):
            dst[ow] = 0
        return
    src = img + h0 * g.W + lo * sw - g.pl
    if g.avg:
        for ow in range(hi - lo):
            dst[lo + ow] = src[ow * sw]
    else:
        for ow in range(hi - lo):
            dst[lo + ow] = _pclean(src[ow * sw])
    for ih in range(h0, h1):
        for kw in range(g.KW):
            if ih == h0 and kw == 0:
                continue
            src = img + ih * g.W + lo * sw - g.pl + kw
            if g.avg:
                for ow in range(hi - lo):
                    dst[lo + ow] = dst[lo + ow] + src[ow * sw]
            else:
                for ow in range(hi - lo):
                    dst[lo + ow] = _pmax(dst[lo + ow], src[ow * sw])
    if g.avg:
        inv = (<real_t>1) / <real_t>((h1 - h0) * g.KW)
        for ow in range(lo, hi):
            dst[ow] = dst[ow] * inv


cdef void _pool_core(const real_t* x, real_t* out, Py_ssize_t nrows, const PoolGeom* g,
                     bint nchw, int nthreads, real_t* tmp) noexcept nogil:
    # tmp: NHWC only, one W*C row per thread.
    cdef Py_ssize_t r
    # Separable when it makes fewer passes per output: KH over about
    # min(sw, KW) columns of each image row, then KW, against KH * KW (3x3
    # stride 1: 6 against 9; 3x3 stride 2 and 2x2 stride 2: no gain, and the
    # row buffer's extra store and load then cost more than they save).
    cdef bint direct = (real_t is double and g.avg) or (
        g.KH * g.KW <= g.KH * min(g.sw, g.KW) + g.KW)
    if _parallel_ok(nthreads):   # no BLAS inside: our threads are the only level
        for r in prange(nrows, num_threads=nthreads, schedule='static'):
            if nchw:
                _pool_row_nchw(x, out, r, g)
            elif direct:
                _pool_row_nhwc_direct(x, out, r, g)
            else:
                _pool_row_nhwc(x, out, r, g, tmp + threadid() * g.W * g.C)
    else:
        for r in range(nrows):
            if nchw:
                _pool_row_nchw(x, out, r, g)
            elif direct:
                _pool_row_nhwc_direct(x, out, r, g)
            else:
                _pool_row_nhwc(x, out, r, g, tmp)


def _pool_dim(Py_ssize_t size, Py_ssize_t k, Py_ssize_t s, str padding):
    """(output size, padding before) of one spatial axis of a pooling window."""
    if padding == "SAME":
        out = (size + s - 1) // s   # typed C ints: no floor-division tricks
        return out, max((out - 1) * s + k - size, 0) // 2
    if size < k:
        raise ValueError(f"Computed output size would be negative: {(size - k) // s + 1} "
                         f"[input_size: {size}, effective_filter_size: {k}, stride: {s}]")
    return (size - k) // s + 1, 0


def pool2d(input, str mode, ksize, strides, str padding, str data_format="NHWC",
           int nthreads=1):
    """Max or average pooling over the spatial axes, TensorFlow's semantics.

    >>> import numpy as np
    >>> x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    >>> pool2d(x, "max", (2, 2), (2, 2), "VALID")[0, :, :, 0].tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    >>> pool2d(x, "avg", (3, 3), (2, 2), "SAME")[0, :, :, 0].tolist()
    [[5.0, 6.5], [11.0, 12.5]]

    Args:
      input: rank-4 float32/float64 array, NHWC or NCHW.
      mode: "max" or "avg".
      ksize, strides: (h, w) window and step, positive.
      padding: "SAME" or "VALID". SAME windows are clipped to the image: max
        ignores the padding, avg divides by the number of cells inside.
      data_format: "NHWC" or "NCHW".
      nthreads: threads over output rows.

    Returns:
      A new C-contiguous array of the input's dtype, in `data_format`.

    Raises:
      TypeError: dtype not float32/float64.
      ValueError: bad mode, rank, window, padding or a VALID window larger
        than the input.
    """
    x = np.asarray(input)
    if x.dtype != np.float32 and x.dtype != np.float64:
        raise TypeError(f"pool2d: dtype {x.dtype} is not supported (float32, float64)")
    if mode not in ("max", "avg"):
        raise ValueError(f"pool2d: mode must be 'max' or 'avg', got {mode!r}")
    if x.ndim != 4:
        raise ValueError(f"pool2d: input must be rank 4, got shape {x.shape}")
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"pool2d: data_format must be 'NHWC' or 'NCHW', got {data_format!r}")
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"pool2d: padding must be 'SAME' or 'VALID', got {padding!r}")
    kh, kw = (int(v) for v in ksize)
    sh, sw = (int(v) for v in strides)
    if min(kh, kw, sh, sw) < 1 or max(kh, kw, sh, sw) > _INT_MAX:
        raise ValueError(f"pool2d: ksize and strides must be positive and below 2^31, got {(kh, kw)}, "
                         f"{(sh, sw)}")
    nchw = data_format == "NCHW"
    if nchw:
        n, c, h, w = x.shape
    else:
        n, h, w, c = x.shape
    oh, pt = _pool_dim(h, kh, sh, padding)
    ow, pl = _pool_dim(w, kw, sw, padding)
    out = np.empty((n, c, oh, ow) if nchw else (n, oh, ow, c), dtype=x.dtype)
    if out.size == 0:
        return out
    x = np.ascontiguousarray(x)
    cdef PoolGeom g
    g.H, g.W, g.C, g.KH, g.KW, g.OH, g.OW = h, w, c, kh, kw, oh, ow
    g.sh, g.sw, g.pt, g.pl = sh, sw, pt, pl
    g.avg = mode == "avg"
    cdef Py_ssize_t nrows = n * c * oh if nchw else n * oh
    if nthreads < 1:
        nthreads = 1
    if nthreads > nrows:
        nthreads = <int>nrows
    cdef void* px = cnp.PyArray_DATA(x)
    cdef void* po = cnp.PyArray_DATA(out)
    cdef bint cf = nchw
    tmp = np.empty(0 if nchw else nthreads * w * c, dtype=x.dtype)
    cdef void* ptmp = cnp.PyArray_DATA(tmp)
    if x.dtype == np.float32:
        with nogil:
            _pool_core(<float*>px, <float*>po, nrows, &g, cf, nthreads, <float*>ptmp)
    else:
        with nogil:
            _pool_core(<double*>px, <double*>po, nrows, &g, cf, nthreads, <double*>ptmp)
    return out
