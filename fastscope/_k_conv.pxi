# Included by _kernels.pyx (shares its cimports and module state).
# conv2d: im2col in L2-sized tiles, one GEMM per tile

cdef char _N = b'N'


cdef struct ConvGeom:
    Py_ssize_t H, W, C, KH, KW, O, OH, OW, sh, sw, dh, dw, pt, pl
    Py_ssize_t K       # KH * KW * C: one patch row
    Py_ssize_t P       # N * OH * OW: output pixels
    Py_ssize_t tile    # patch rows per tile


cdef inline void _copy_run(real_t* d, const real_t* s, Py_ssize_t n) noexcept nogil:
    # Runs are often a few channels long (Cin = 3: 12 bytes); a libc call per
    # run then costs more than the copy. Constant-size memcpy calls are
    # inlined by the compiler as vector moves; the last block overlaps the one
    # before it instead of finishing element by element.
    cdef Py_ssize_t nb = n * <Py_ssize_t>sizeof(real_t)
    cdef char* dc = <char*>d
    cdef const char* sc = <const char*>s
    cdef char* de = dc + nb
    cdef const char* se = sc + nb
    if nb >= 512:
        memcpy(dc, sc, nb)
    elif nb >= 32:
        while dc + 32 < de:
            memcpy(dc, sc, 32)
            dc += 32
            sc += 32
        memcpy(de - 32, se - 32, 32)
    elif nb >= 16:
        memcpy(dc, sc, 16)
        memcpy(de - 16, se - 16, 16)
    elif nb >= 8:
        memcpy(dc, sc, 8)
        memcpy(de - 8, se - 8, 8)
    elif nb >= 4:
        memcpy(dc, sc, 4)


cdef inline void _zero_run(real_t* d, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t nb = n * <Py_ssize_t>sizeof(real_t)
    cdef char* dc = <char*>d
    cdef char* de = dc + nb
    if nb >= 512:
        memset(dc, 0, nb)
    elif nb >= 32:
        while dc + 32 < de:
            memset(dc, 0, 32)
            dc += 32
        memset(de - 32, 0, 32)
    elif nb >= 16:
        memset(dc, 0, 16)
        memset(de - 16, 0, 16)
    elif nb >= 8:
        memset(dc, 0, 8)
        memset(de - 8, 0, 8)
    elif nb >= 4:
        memset(dc, 0, 4)


cdef void _im2col(const real_t* x, real_t* buf, Py_ssize_t p0, Py_ssize_t T,
                  const ConvGeom* g) noexcept nogil:
    # Patch rows p0..p0+T of the (N*OH*OW) x (KH*KW*C) patch matrix.
    cdef Py_ssize_t t, kh, kw, ih, iw, ih0, iw0, lo, hi
    cdef Py_ssize_t C = g.C, W = g.W, KW = g.KW, KWC = g.KW * g.C
    cdef Py_ssize_t ow = p0 % g.OW
    cdef Py_ssize_t oh = (p0 // g.OW) % g.OH
    cdef Py_ssize_t nb = p0 // (g.OW * g.OH)
    cdef const real_t* img
    cdef real_t* dst
    for t in range(T):
        img = x + nb * g.H * W * C
        ih0 = oh * g.sh - g.pt
        iw0 = ow * g.sw - g.pl
        # undilated: the filter columns inside the image, [lo, hi), are one
        # contiguous NHWC run per filter row; padding only trims its ends
        lo = -iw0 if iw0 < 0 else 0
        hi = W - iw0 if iw0 + KW > W else KW
        if hi < lo:
            hi = lo
        for kh in range(g.KH):
            ih = ih0 + kh * g.dh
            dst = buf + t * g.K + kh * KWC
            if ih < 0 or ih >= g.H:
                _zero_run(dst, KWC)
            elif g.dw == 1:
                if lo > 0:
                    _zero_run(dst, lo * C)
                if hi > lo:
                    _copy_run(dst + lo * C, img + (ih * W + iw0 + lo) * C, (hi - lo) * C)
                if hi < KW:
                    _zero_run(dst + hi * C, (KW - hi) * C)
            else:
                for kw in range(KW):
                    iw = iw0 + kw * g.dw
                    if iw < 0 or iw >= W:
                        _zero_run(dst + kw * C, C)
                    else:
                        _copy_run(dst + kw * C, img + (ih * W + iw) * C, C)
        ow += 1
        if ow == g.OW:
            ow = 0
            oh += 1
            if oh == g.OH:
                oh = 0
                nb += 1


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


# Bytes of patch matrix per tile. Measured on a 2-core Zen 5 (1 MiB L2 per
# core), OpenBLAS Haswell and SkylakeX kernels, the issue-3 shapes: 2 MiB
# beats 512 KiB by 5-20% with one thread (fewer GEMM calls, each repacking
# the filter, and taller panels). Past about a thousand rows a taller panel
# gains the GEMM nothing, while the patches fall out of L2 (Cin = 3, 7x7:
# im2col 1.6x slower at 2 MiB than at 512 KiB), hence the row cap.
_CONV_TILE_BYTES = 1 << 21
_CONV_MIN_TILE_ROWS = 32
_CONV_MAX_TILE_ROWS = 1024
# With several threads, at least this many tiles per thread, and a multiple
# of the thread count, so that the threads get equal work and the dynamic
# schedule still has something to move when a core is busy elsewhere.
_CONV_TILES_PER_THREAD = 2


def _conv_tile_rows(Py_ssize_t P, Py_ssize_t K, Py_ssize_t itemsize, int nthreads):
    """Patch rows per tile: tiles of about _CONV_TILE_BYTES, all of equal size.

    >>> _conv_tile_rows(25088, 1152, 4, 1), _conv_tile_rows(784, 800, 4, 2)
    (448, 196)
    """
    rows = min(_CONV_MAX_TILE_ROWS, _CONV_TILE_BYTES // max(1, K * itemsize))
    rows = max(_CONV_MIN_TILE_ROWS, rows)
    ntiles = -(-P // rows)
    if nthreads > 1:
        ntiles = max(ntiles, nthreads * _CONV_TILES_PER_THREAD)
        ntiles = -(-ntiles // nthreads) * nthreads
        rows = max(_CONV_MIN_TILE_ROWS, -(-P // ntiles))
        ntiles = -(-P // rows)
    return max(1, min(P, -(-P // ntiles)))


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
    if v[0] < 1 or v[1] < 1 or v[0] > _INT_MAX or v[1] > _INT_MAX:
        raise ValueError(f"conv2d: {what} must be positive and below 2^31, got {list(v)}")
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
    if len(pads) != 2 or any(len(pr) != 2 or min(pr) < 0 or max(pr) > _INT_MAX for pr in pads):
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


def _conv_run(x, f, out, n, h, w, c, kh, kw, o, oh, ow, sh, sw, dh, dw, pt, pl,
              int nthreads):
    """Fills NHWC ``out`` with conv2d of contiguous NHWC ``x`` and HWIO ``f`` (geometry given)."""
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
    g.tile = _conv_tile_rows(g.P, g.K, x.itemsize, nthreads)
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
    out = _empty_aligned((n, oh, ow, o), x.dtype)
    if out.size == 0 or c == 0:
        out.fill(0)
        return out if data_format == "NHWC" else np.ascontiguousarray(out.transpose(0, 3, 1, 2))
    _conv_run(np.ascontiguousarray(x), np.ascontiguousarray(f), out, n, h, w, c, kh, kw, o,
              oh, ow, sh, sw, dh, dw, pt, pl, nthreads)
    return out if data_format == "NHWC" else np.ascontiguousarray(out.transpose(0, 3, 1, 2))


