"""``from fastscope.compat import v1 as tf``: the same names as ``import fastscope as tf``."""
from fastscope import *  # noqa: F401,F403
from fastscope import errors, initializers, nn, random, summary  # noqa: F401


def disable_v2_behavior():
    """A no-op: fastscope is always TF1 graph mode."""


def disable_eager_execution():
    """A no-op: fastscope is always TF1 graph mode."""
