"""Build the compiled core: name resolution (_names) and numeric kernels (_kernels).

OpenMP is used where the compiler supports it; without it the kernels build
and run serially (the thread count helper then reports 1).
"""
import os
import sys
import tempfile
import subprocess

import numpy
from setuptools import Extension, setup
from Cython.Build import cythonize


def _compiler_has_openmp():
    if os.environ.get("FASTSCOPE_NO_OPENMP"):
        return False
    cc = os.environ.get("CC", "cc")
    src = "#include <omp.h>\nint main(void){return omp_get_max_threads() > 0 ? 0 : 1;}\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "t.c")
        with open(path, "w") as f:
            f.write(src)
        try:
            r = subprocess.run([cc, "-fopenmp", path, "-o", os.path.join(tmp, "t")],
                               capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return False
        return r.returncode == 0


OPENMP = sys.platform != "win32" and _compiler_has_openmp()
omp_compile = ["-fopenmp"] if OPENMP else []
omp_link = ["-fopenmp"] if OPENMP else []
opt = ["-O3", "-fno-math-errno", "-fno-trapping-math"] if sys.platform != "win32" else []
macros = [("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")]

extensions = [
    Extension("fastscope._names", ["fastscope/_names.pyx"],
              extra_compile_args=opt, define_macros=macros),
    Extension("fastscope._kernels", ["fastscope/_kernels.pyx"],
              include_dirs=[numpy.get_include()],
              extra_compile_args=opt + omp_compile, extra_link_args=omp_link,
              define_macros=macros,
              # the Philox and GEMM code and the kernel families live in a header and .pxi files:
              # rebuild (and ship them) with the .pyx
              depends=["fastscope/_philox.h", "fastscope/_gemm.h", "fastscope/_kernels.pxd",
                       "fastscope/_k_random.pxi", "fastscope/_k_matmul.pxi",
                       "fastscope/_k_small.pxi", "fastscope/_k_conv.pxi",
                       "fastscope/_k_gather.pxi", "fastscope/_k_pool.pxi",
                       "fastscope/_k_crc.pxi"]),
]

setup(
    ext_modules=cythonize(
        extensions,
        compiler_directives={"language_level": "3", "boundscheck": False,
                             "wraparound": False, "cdivision": True,
                             "initializedcheck": False},
        compile_time_env={"FASTSCOPE_OPENMP": OPENMP},
    ),
)
