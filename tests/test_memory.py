"""Fill output buffers (fastscope._src.memory) and the kernels' light BLAS import."""

import numpy as np
import pytest

from fastscope._src import memory


@pytest.mark.parametrize("shape", [(), (0,), (3, 0, 2), (5,), (7, 3), (1 << 20,), (1025, 1027)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
def test_empty_gives_a_writeable_c_contiguous_array_of_the_shape(shape, dtype):
    a = memory.empty(shape, dtype)
    assert a.shape == shape and a.dtype == dtype
    assert a.flags.c_contiguous and a.flags.writeable
    a[...] = 3
    assert (a == 3).all()


def test_empty_maps_large_buffers_and_they_survive_views():
    a = memory.empty((1 << 21,), np.float32)     # 8 MiB: mapped
    assert a.nbytes >= memory.MIN_MAPPED_BYTES and not a.flags.owndata
    v = a.reshape(1024, -1)[::2]
    del a
    v[...] = 1.5
    assert float(v.sum()) == 1.5 * v.size


def test_empty_rejects_negative_dimensions():
    with pytest.raises(ValueError):
        memory.empty((2, -1), np.float32)


def test_random_fill_into_a_mapped_buffer_matches_np_empty():
    from fastscope import _kernels
    shape = (1031, 1100)
    a = memory.empty(shape, np.float32)
    b = np.empty(shape, np.float32)
    for out in (a, b):
        _kernels.random_fill(out, 99, 0, _kernels.UNIFORM, -0.5, 0.5, nthreads=2)
    np.testing.assert_array_equal(a, b)


def test_kernels_leave_scipy_linalg_importable_with_its_cython_blas(run_python):
    code = ("import fastscope._kernels as k, sys; assert 'scipy.linalg' not in sys.modules; "
            "import scipy.linalg, scipy.linalg.cython_blas as cb; "
            "assert scipy.linalg.cython_blas is cb; "
            "import numpy as np; a = np.eye(3, dtype=np.float32); "
            "assert (k.matmul(a, a) == a).all(); print('ok')")
    out = run_python(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
