"""``tf.random``: TF1 random ops under their ``tf.random.*`` aliases."""
from fastscope._src.missing import missing_attribute as _missing_attribute
from fastscope._src.ops.random_ops import get_seed, set_random_seed, truncated_normal
from fastscope._src.ops.random_ops import random_normal as normal
from fastscope._src.ops.random_ops import random_uniform as uniform

__all__ = ["get_seed", "normal", "set_random_seed", "truncated_normal", "uniform"]


def __getattr__(name):
    raise _missing_attribute(__name__, name)
