"""Random inputs for the op fuzzer: values, shapes, and memory layouts of the same values.

A layout variant changes how an array sits in memory (strided, reversed, transposed
back, read-only, misaligned, byte-swapped, zero-stride), never its values, so the
float64 oracle sees the same numbers whatever the kernel was handed.
"""
import numpy as np

FLOATS = (np.float32, np.float64)
HALF = (np.float16,)
INTS = (np.int32, np.int64)
SMALL_INTS = (np.int8, np.int16, np.uint8, np.uint16)
COMPLEX = (np.complex64, np.complex128)
BOOL = (np.bool_,)
ALL = FLOATS + HALF + INTS + SMALL_INTS + COMPLEX + BOOL


def shape(rng, min_rank=0, max_rank=4, max_side=5, empty=0.1):
    rank = int(rng.integers(min_rank, max_rank + 1))
    dims = [int(rng.integers(1, max_side + 1)) for _ in range(rank)]
    if dims and rng.random() < empty:
        dims[int(rng.integers(len(dims)))] = 0
    return tuple(dims)


def values(rng, shp, dtype, low=-3.0, high=3.0):
    """Random values of ``dtype`` (integers in a small range, booleans, complex)."""
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return np.asarray(rng.random(shp) < 0.5)
    if dt.kind in "iu":
        lo = 0 if dt.kind == "u" else int(low)
        return np.asarray(rng.integers(lo, int(high) + 1, shp)).astype(dt)
    x = np.asarray(rng.uniform(low, high, shp))
    if dt.kind == "c":
        x = x + 1j * rng.uniform(low, high, shp)
    return x.astype(dt)


def _misaligned(x):
    buf = np.empty(x.nbytes + 1, np.uint8)
    out = np.frombuffer(buf.data, dtype=x.dtype, count=x.size, offset=1).reshape(x.shape)
    out[...] = x
    return out


def _strided(x):
    if not x.ndim:
        return x
    big = np.zeros(tuple(2 * d for d in x.shape), x.dtype)
    view = big[tuple(slice(None, None, 2) for _ in x.shape)]
    view[...] = x
    return view


def _reversed(x):
    if not x.ndim:
        return x
    r = np.ascontiguousarray(x[::-1])
    return r[::-1]


def _transposed(x):
    if x.ndim < 2:
        return x
    return np.ascontiguousarray(np.swapaxes(x, -1, -2)).swapaxes(-1, -2)


def _readonly(x):
    y = x.copy()
    y.flags.writeable = False
    return y


def _byteswapped(x):
    if x.dtype.itemsize == 1 or x.dtype.kind == "b":
        return x
    return x.astype(x.dtype.newbyteorder(">" if x.dtype.isnative else "<"))


def _fortran(x):
    return np.asfortranarray(x) if x.ndim else x


VARIANTS = {"plain": lambda x: x, "strided": _strided, "reversed": _reversed,
            "transposed": _transposed, "readonly": _readonly, "misaligned": _misaligned,
            "byteswapped": _byteswapped, "fortran": _fortran}


def layout(rng, x):
    """(name, the same values in a random memory layout)."""
    name = list(VARIANTS)[int(rng.integers(len(VARIANTS)))]
    return name, VARIANTS[name](np.asarray(x))


def as_f64(x):
    """The oracle's view of ``x``: float64 (complex128 for complex), ints kept exact."""
    x = np.asarray(x)
    if x.dtype.kind == "c":
        return x.astype(np.complex128)
    if x.dtype.kind == "f":
        return x.astype(np.float64)
    return x.astype(x.dtype.newbyteorder("="))
