"""``tf.initializers`` / ``tf.keras.initializers``-style names for the TF1 initialisers."""
from fastscope._src.variables.initializers import (  # noqa: F401
    Constant, GlorotNormal, GlorotUniform, Identity, Initializer, Ones, Orthogonal,
    RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, Zeros, he_normal, he_uniform,
    lecun_normal, lecun_uniform)
from fastscope._src.variables.initializers import Constant as constant  # noqa: F401
from fastscope._src.variables.initializers import GlorotNormal as glorot_normal  # noqa: F401
from fastscope._src.variables.initializers import GlorotUniform as glorot_uniform  # noqa: F401
from fastscope._src.variables.initializers import Identity as identity  # noqa: F401
from fastscope._src.variables.initializers import Ones as ones  # noqa: F401
from fastscope._src.variables.initializers import Orthogonal as orthogonal  # noqa: F401
from fastscope._src.variables.initializers import RandomNormal as random_normal  # noqa: F401
from fastscope._src.variables.initializers import RandomUniform as random_uniform  # noqa: F401
from fastscope._src.variables.initializers import TruncatedNormal as truncated_normal  # noqa: F401
from fastscope._src.variables.initializers import VarianceScaling as variance_scaling  # noqa: F401
from fastscope._src.variables.initializers import Zeros as zeros  # noqa: F401
from fastscope._src.variables.variable_lists import global_variables_initializer as global_variables  # noqa
from fastscope._src.variables.variable_lists import local_variables_initializer as local_variables  # noqa
from fastscope._src.variables.variable_lists import variables_initializer as variables  # noqa: F401
from fastscope._src.missing import missing_attribute as _missing_attribute  # noqa: E402


def __getattr__(name):
    raise _missing_attribute(__name__, name)
