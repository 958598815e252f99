"""TF1 initialisers (``tf.glorot_uniform_initializer`` ...), protocol
``initializer(shape, dtype=None, partition_info=None) -> Tensor``.

Each random initialiser builds one random op whose values come from the
counter-based generator; with ``partition_info`` a shard draws exactly its
slice of the full variable's values, and fans come from the full shape.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     v = tf.get_variable("w", [2, 2], initializer=tf.constant_initializer(3.0))
...     s = tf.Session(); s.run(tf.global_variables_initializer())
...     print(s.run(v).tolist())
[[3.0, 3.0], [3.0, 3.0]]
"""
import functools
import inspect
import math

import numpy as np

from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework.op_builder import constant
from fastscope._src.ops import array_ops
from fastscope._src.ops import random_ops as _rnd

# TF's correction: the stddev of a unit normal truncated to [-2, 2].
_TRUNC_STDDEV = 0.87962566103423978


def _dtype(dtype, default):
    return _dt.as_dtype(dtype if dtype is not None else default).base_dtype


class Initializer:
    """Base class: ``__call__(shape, dtype=None, partition_info=None)`` returns a Tensor."""

    def __call__(self, shape, dtype=None, partition_info=None):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        config.pop("dtype", None)
        return cls(**config)


class Zeros(Initializer):
    """All zeros."""

    def __init__(self, dtype=_dt.float32):
        self.dtype = _dt.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return array_ops.zeros(shape, _dtype(dtype, self.dtype))

    def get_config(self):
        return {"dtype": self.dtype.name}


class Ones(Initializer):
    """All ones."""

    def __init__(self, dtype=_dt.float32):
        self.dtype = _dt.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return array_ops.ones(shape, _dtype(dtype, self.dtype))

    def get_config(self):
        return {"dtype": self.dtype.name}


class Constant(Initializer):
    """A constant ``value``; a shorter list is padded with its last element (TF1 rule)."""

    def __init__(self, value=0, dtype=_dt.float32, verify_shape=False):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError("Invalid type for initial value: %s (expected Python scalar, list or "
                            "tuple of values, or numpy.ndarray)." % type(value))
        self.value = value
        self.dtype = _dt.as_dtype(dtype)
        self._verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        dt = _dtype(dtype, self.dtype)
        value = self.value
        if partition_info is not None and np.size(value) > 1:
            # A full-size value: take this shard's slice of it.
            full = np.asarray(value).reshape(partition_info.full_shape)
            sl = tuple(slice(o, o + n) for o, n in zip(partition_info.var_offset, shape))
            value = full[sl]
        verify = self._verify_shape if verify_shape is None else verify_shape
        return constant(value, dtype=dt, shape=shape, verify_shape=verify)

    def get_config(self):
        return {"value": self.value, "dtype": self.dtype.name}


class RandomUniform(Initializer):
    """Uniform in [minval, maxval)."""

    def __init__(self, minval=0.0, maxval=None, seed=None, dtype=_dt.float32):
        self.minval, self.maxval, self.seed = minval, maxval, seed
        self.dtype = _dt.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return _rnd.random_uniform(shape, self.minval, self.maxval, _dtype(dtype, self.dtype),
                                   self.seed, partition_info=partition_info)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed,
                "dtype": self.dtype.name}


class RandomNormal(Initializer):
    """Normal with ``mean`` and ``stddev``."""

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=_dt.float32):
        self.mean, self.stddev, self.seed = mean, stddev, seed
        self.dtype = _dt.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return _rnd.random_normal(shape, self.mean, self.stddev, _dtype(dtype, self.dtype),
                                  self.seed, partition_info=partition_info)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


class TruncatedNormal(RandomNormal):
    """Normal truncated to two standard deviations."""

    def __call__(self, shape, dtype=None, partition_info=None):
        return _rnd.truncated_normal(shape, self.mean, self.stddev, _dtype(dtype, self.dtype),
                                     self.seed, partition_info=partition_info)


def compute_fans(shape):
    """(fan_in, fan_out) as TensorFlow computes them (conv kernels: receptive field x channels)."""
    shape = [int(d) for d in shape]
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = 1
    for d in shape[:-2]:
        receptive *= d
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(Initializer):
    """Scale-aware random values: ``scale / fan`` variance, normal or uniform.

    Raises:
      ValueError: a non-positive scale or an unknown mode/distribution.
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 dtype=_dt.float32):
        if scale <= 0.:
            raise ValueError("`scale` must be positive float.")
        if mode not in {"fan_in", "fan_out", "fan_avg"}:
            raise ValueError("Invalid `mode` argument:", mode)
        distribution = distribution.lower()
        if distribution not in {"normal", "uniform", "truncated_normal", "untruncated_normal"}:
            raise ValueError("Invalid `distribution` argument:", distribution)
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed
        self.dtype = _dt.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dt = _dtype(dtype, self.dtype)
        if not dt.is_floating:
            raise TypeError("Expected floating point type, got %s." % dt)
        fan_shape = shape if partition_info is None else partition_info.full_shape
        fan_in, fan_out = compute_fans(fan_shape)
        scale = self.scale
        if self.mode == "fan_in":
            scale /= max(1., fan_in)
        elif self.mode == "fan_out":
            scale /= max(1., fan_out)
        else:
            scale /= max(1., (fan_in + fan_out) / 2.)
        if self.distribution in ("normal", "truncated_normal"):
            return _rnd.truncated_normal(shape, 0.0, math.sqrt(scale) / _TRUNC_STDDEV, dt,
                                         self.seed, partition_info=partition_info)
        if self.distribution == "untruncated_normal":
            return _rnd.random_normal(shape, 0.0, math.sqrt(scale), dt, self.seed,
                                      partition_info=partition_info)
        limit = math.sqrt(3.0 * scale)
        return _rnd.random_uniform(shape, -limit, limit, dt, self.seed,
                                   partition_info=partition_info)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "dtype": self.dtype.name}


class GlorotUniform(VarianceScaling):
    """Glorot (Xavier) uniform: limit sqrt(6 / (fan_in + fan_out)). The default for floats."""

    def __init__(self, seed=None, dtype=_dt.float32):
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    """Glorot normal (truncated, with TensorFlow's 0.8796 stddev correction)."""

    def __init__(self, seed=None, dtype=_dt.float32):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix from the QR decomposition of a normal matrix."""

    def __init__(self, gain=1.0, seed=None, dtype=_dt.float32):
        self.gain, self.seed = gain, seed
        self.dtype = _dt.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dt = _dtype(dtype, self.dtype)
        if not dt.is_floating:
            raise TypeError("Expected floating point type, got %s." % dt)
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional")
        if partition_info is not None:
            raise NotImplementedError("fastscope: orthogonal_initializer on a partitioned "
                                      "variable is not supported")
        num_rows = math.prod(int(d) for d in shape[:-1])
        num_cols = int(shape[-1])
        flat = (max(num_rows, num_cols), min(num_rows, num_cols))
        gain = self.gain

        def post(a):
            q, r = np.linalg.qr(a.astype(np.float64))
            q = q * np.sign(np.diag(r))
            if num_rows < num_cols:
                q = q.T
            return (gain * q).reshape(shape)
        return _rnd.random_op("Qr", "orthogonal", flat, dt, _rnd.NORMAL, 0.0, 1.0, self.seed,
                              None, post=post)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0, dtype=_dt.float32):
        self.gain = gain
        self.dtype = _dt.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        full = shape if partition_info is None else partition_info.full_shape
        if len(full) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices.")
        offset = (0, 0) if partition_info is None else partition_info.var_offset
        return array_ops.eye_block(full, offset, shape, self.gain, _dtype(dtype, self.dtype))

    def get_config(self):
        return {"gain": self.gain, "dtype": self.dtype.name}


zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_uniform_initializer = RandomUniform
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
orthogonal_initializer = Orthogonal
identity_initializer = Identity


def he_normal(seed=None):
    return VarianceScaling(2.0, "fan_in", "truncated_normal", seed)


def he_uniform(seed=None):
    return VarianceScaling(2.0, "fan_in", "uniform", seed)


def lecun_normal(seed=None):
    return VarianceScaling(1.0, "fan_in", "truncated_normal", seed)


def lecun_uniform(seed=None):
    return VarianceScaling(1.0, "fan_in", "uniform", seed)


def _takes_partition_info(fn):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "partition_info" in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


def bind_initializer(initializer, shape, dtype, partition_info):
    """A zero-argument callable producing the initial value: the protocol is adapted once here.

    Our own initialisers and any TF1 callable that names ``partition_info``
    (or takes ``**kwargs``) receive it; other callables get ``init(shape, dtype=dtype)``.
    """
    if isinstance(initializer, Initializer) or _takes_partition_info(initializer):
        return functools.partial(initializer, shape, dtype=dtype, partition_info=partition_info)
    return functools.partial(initializer, shape, dtype=dtype)
