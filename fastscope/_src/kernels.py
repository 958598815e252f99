"""The one door to the compiled kernels: lazy import, thread choice, error translation.

Op kernels never import ``fastscope._kernels`` themselves: ``compiled()``
imports it on first use (``import fastscope`` stays light), ``threads(ctx,
work, grain)`` decides how many threads a call gets, and ``call(op, fn, ...)``
runs a compiled function and turns its ValueError/IndexError into TensorFlow's
InvalidArgumentError naming the op (MemoryError into ResourceExhaustedError).

Threads: kernels in fastscope._kernels take an explicit `nthreads`; ops ask this
module for it. A thread count comes from, in order: the Session's
ConfigProto.intra_op_parallelism_threads (when > 0), OMP_NUM_THREADS, and the
CPUs this process may run on. Small work runs on one thread, because starting
threads costs more than it saves (thresholds measured on a 2-core AVX-512
machine; see GRAIN_*).

OMP_NUM_THREADS and the CPU set are read once per process (as OpenMP itself
does), so a kernel call pays no environment or syscall look-up.

>>> threads_for(10)
1
"""
import functools
import os

from fastscope._src.framework import errors as _errors

# Work (in the unit each kernel's caller passes) below which a second thread
# does not pay for itself. Measured with bench-style timing, 1 vs 2 threads:
#   random_fill: 2 threads win from ~4k float32 elements (1.3x at 4k, 1.5x at
#     8k); GRAIN_RANDOM is in elements.
#   matmul/conv2d: 2 threads win from ~128^3 (1.5x at 2*128^3 flops, 1.0x at
#     2*64^3); GRAIN_GEMM is in flops (2*m*n*k, or the conv's equivalent).
#   gather: a memcpy per row; threads pay off from ~1 MiB copied; in bytes.
#   pooling: window cells visited (about input size * kh * kw / strides); a
#     3x3 max_pool on 2 threads: 0.9x at 0.6M cells, 1.2x at 1.2M.
GRAIN_RANDOM = 4096
GRAIN_GEMM = 2 * 96 ** 3
GRAIN_GATHER = 1 << 20
GRAIN_POOL = 1 << 20
DEFAULT_GRAIN = GRAIN_RANDOM


@functools.lru_cache(maxsize=None)
def _parse_omp_env():
    # OMP_NUM_THREADS may be a nesting list ("4,2"); the first level is ours.
    value = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    try:
        n = int(value)
    except ValueError:
        return None
    return n if n > 0 else None


@functools.lru_cache(maxsize=None)
def _available_cpus():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def max_threads() -> int:
    """The most threads a kernel may start: 4 per CPU this process may use, at least 64.

    More only costs (every thread is a stack and a share of the cores), and far more
    ends the process inside the OpenMP runtime, so larger requests are clamped.
    """
    return max(64, 4 * _available_cpus())


def resolve_threads(requested=None) -> int:
    """The thread budget for one kernel call.

    Args:
      requested: ConfigProto.intra_op_parallelism_threads (0 or None means
        "not set", as in TensorFlow).

    Returns:
      requested if > 0, else OMP_NUM_THREADS if set, else the number of CPUs
      this process may use (at least 1); never more than ``max_threads()``.

    >>> resolve_threads(3)
    3
    >>> resolve_threads(40000) == max_threads()
    True
    """
    if requested is not None:
        requested = int(requested)
        if requested > 0:
            return min(requested, max_threads())
    env = _parse_omp_env()
    if env is not None:
        return min(env, max_threads())
    return _available_cpus()


_compiled = []


@functools.lru_cache(maxsize=None)
def memory_bytes():
    """This machine's physical memory in bytes (the most any one value may take)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return 1 << 40


def compiled():
    """The compiled kernel module, imported on first use."""
    if not _compiled:
        from fastscope import _kernels   # lazy: the compiled core loads BLAS (~30 ms)
        _compiled.append(_kernels)
    return _compiled[0]


@functools.lru_cache(maxsize=None)
def openmp_enabled() -> bool:
    """Whether the compiled kernels can run their own parallel loops."""
    return compiled().openmp_enabled()


def threads_for(work, requested=None, grain=DEFAULT_GRAIN, blas=False) -> int:
    """Threads to use for `work` units of work (1 below `grain`).

    Args:
      work: size of the job in the unit of `grain` (elements, flops, bytes).
      requested: ConfigProto.intra_op_parallelism_threads, if any.
      grain: the least work worth a thread (see GRAIN_* in this module).
      blas: the kernel's threads are BLAS's own (a 2-D matmul, a 1x1 conv),
        which do not need OpenMP.

    Returns:
      Between 1 and resolve_threads(requested); 1 when the kernels were built
      without OpenMP (unless `blas`).

    >>> threads_for(10 ** 9, requested=2)
    2
    """
    if not blas and not openmp_enabled():
        return 1
    budget = resolve_threads(requested)
    if work < grain or budget <= 1:
        return 1
    return int(max(1, min(budget, work // grain)))


def threads(ctx, work, grain=DEFAULT_GRAIN, blas=False) -> int:
    """Threads for ``work`` in a kernel run by session context ``ctx`` (its intra-op budget)."""
    return threads_for(work, ctx.intra_threads, grain, blas)


def call(op, fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` (a compiled kernel), its errors as TensorFlow's, naming ``op``.

    Raises:
      InvalidArgumentError: the kernel rejected its inputs (ValueError, IndexError).
      ResourceExhaustedError: the kernel could not allocate its output.
    """
    try:
        return fn(*args, **kwargs)
    except (ValueError, IndexError) as e:
        raise _errors.InvalidArgumentError(None, op, str(e)) from None
    except MemoryError as e:
        raise _errors.ResourceExhaustedError(
            None, op, "OOM when allocating the output of %s: %s" % (op.name, e)) from None
