"""``tf.random``: TF1 random ops under their ``tf.random.*`` aliases."""
from fastscope._src.random_ops import get_seed, set_random_seed  # noqa: F401
from fastscope._src.random_ops import random_normal as normal  # noqa: F401
from fastscope._src.random_ops import random_uniform as uniform  # noqa: F401
from fastscope._src.random_ops import truncated_normal  # noqa: F401
