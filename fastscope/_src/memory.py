"""Output buffers for large fills: fresh pages, first touched by the kernel that fills them.

A 1 GiB variable initialiser spends more time in the kernel's first-touch page
faults on its fresh output than in the random generator itself. Three things
decide that cost, and ``empty`` settles each deliberately instead of leaving it
to ``np.empty``:

- Nothing touches the pages before the fill: the fill's own threads fault in
  their own slices, inside the nogil kernel, so the faults run in parallel.
- The page size. numpy asks for transparent huge pages on every array of 4 MiB
  or more. On a bare machine a 2 MiB fault is cheap (512x fewer faults); on a
  virtual machine that hands freed memory back to the host (free page
  reporting, as on the machines fastscope is benchmarked on), a huge page
  carved from reported memory costs the host several ms to back, and
  initialising 1 GiB took 0.5-2.6 s instead of 0.35 s with 4 KiB pages
  (measured: bench/bench_partitioning.py, notes in ``HUGEPAGES``). Where THP is
  in ``madvise`` mode, its direct compaction also stalls the faulting thread.
  So large fill outputs use 4 KiB pages unless FASTSCOPE_HUGEPAGES=1.
- The buffer is the op's output and the variable's value (Assign keeps fresh
  fill outputs without a copy), so peak memory stays one copy of the variable.

>>> a = empty((3, 4), np.float32)
>>> a.shape, a.dtype == np.float32, a.flags.c_contiguous and a.flags.writeable
((3, 4), True, True)
"""
import mmap
import os

import numpy as np

# Below this, np.empty (malloc's pools, no huge pages either) is as good and cheaper.
MIN_MAPPED_BYTES = 4 << 20


def _hugepages_wanted():
    value = os.environ.get("FASTSCOPE_HUGEPAGES", "").strip().lower()
    return value in ("1", "true", "yes", "on")


# Read once per process, like the thread settings in threads.py.
HUGEPAGES = _hugepages_wanted()
_ADVICE = getattr(mmap, "MADV_HUGEPAGE" if HUGEPAGES else "MADV_NOHUGEPAGE", None)


def empty(shape, dtype):
    """An uninitialised C-contiguous array whose pages nothing has touched yet.

    Args:
      shape: the array's shape (ints).
      dtype: its numpy dtype.

    Returns:
      A writeable ndarray. Large ones own a private anonymous mapping (freed
      with the array) advised for 4 KiB pages, or huge pages with
      FASTSCOPE_HUGEPAGES=1; small ones come from ``np.empty``.

    Raises:
      MemoryError: the mapping cannot be made.
      ValueError: a negative dimension.
    """
    dt = np.dtype(dtype)
    shape = tuple(int(d) for d in shape)
    n = 1
    for d in shape:
        if d < 0:
            raise ValueError("negative dimensions are not allowed")
        n *= d
    nbytes = n * dt.itemsize
    if nbytes < MIN_MAPPED_BYTES or dt.hasobject:
        return np.empty(shape, dtype=dt)
    try:
        buf = mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    except OSError as e:
        raise MemoryError("cannot map %d bytes: %s" % (nbytes, e)) from None
    if _ADVICE is not None:
        try:
            buf.madvise(_ADVICE)
        except OSError:   # a kernel without THP: the advice has nothing to change
            pass
    return np.frombuffer(buf, dtype=dt).reshape(shape)
