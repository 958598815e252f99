"""Type stubs for fastscope._kernels (compiled)."""
from typing import Optional, Sequence, Tuple, Union

import numpy as np

UNIFORM: int
NORMAL: int
TRUNCATED_NORMAL: int
UNIFORM_INT: int

_Pad = Union[str, Sequence[Sequence[int]]]

def openmp_enabled() -> bool: ...
def blas_thread_control() -> bool: ...
def blas_info() -> Tuple[Optional[str], bool]: ...
def gemm_info() -> Tuple[str, str]: ...
def random_fill(out: np.ndarray, key: int, stream: int, dist: int, a: float, b: float,
                full_shape: Optional[Sequence[int]] = ..., offset: Optional[Sequence[int]] = ...,
                nthreads: int = ...) -> None: ...
def matmul(a: np.ndarray, b: np.ndarray, transpose_a: bool = ..., transpose_b: bool = ...,
           adjoint_a: bool = ..., adjoint_b: bool = ..., nthreads: int = ...) -> np.ndarray: ...
def conv2d(input: np.ndarray, filter: np.ndarray, strides: Sequence[int], padding: _Pad,
           dilations: Sequence[int] = ..., data_format: str = ...,
           nthreads: int = ...) -> np.ndarray: ...
def conv2d_output_shape(input_shape: Sequence[Optional[int]],
                        filter_shape: Sequence[Optional[int]], strides: Sequence[int],
                        padding: _Pad, dilations: Sequence[int] = ...,
                        data_format: str = ...) -> Tuple[Optional[int], ...]: ...
def gather(params: np.ndarray, indices: np.ndarray, nthreads: int = ...) -> np.ndarray: ...

GATHER_ONE: int
GATHER_MOD: int
GATHER_DIV: int

def gather_shards(tables: Sequence[np.ndarray], ids: np.ndarray, strategy: int = ...,
                  nthreads: int = ..., out: Optional[np.ndarray] = ...) -> np.ndarray: ...
