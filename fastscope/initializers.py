"""``tf.initializers`` / ``tf.keras.initializers``-style names for the TF1 initialisers."""
from fastscope._src.initializers import (  # noqa: F401
    Constant, GlorotNormal, GlorotUniform, Identity, Initializer, Ones, Orthogonal,
    RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, Zeros, he_normal, he_uniform,
    lecun_normal, lecun_uniform)
from fastscope._src.initializers import Constant as constant  # noqa: F401
from fastscope._src.initializers import GlorotNormal as glorot_normal  # noqa: F401
from fastscope._src.initializers import GlorotUniform as glorot_uniform  # noqa: F401
from fastscope._src.initializers import Identity as identity  # noqa: F401
from fastscope._src.initializers import Ones as ones  # noqa: F401
from fastscope._src.initializers import Orthogonal as orthogonal  # noqa: F401
from fastscope._src.initializers import RandomNormal as random_normal  # noqa: F401
from fastscope._src.initializers import RandomUniform as random_uniform  # noqa: F401
from fastscope._src.initializers import TruncatedNormal as truncated_normal  # noqa: F401
from fastscope._src.initializers import VarianceScaling as variance_scaling  # noqa: F401
from fastscope._src.initializers import Zeros as zeros  # noqa: F401
from fastscope._src.variables import global_variables_initializer as global_variables  # noqa
from fastscope._src.variables import local_variables_initializer as local_variables  # noqa
from fastscope._src.variables import variables_initializer as variables  # noqa: F401
