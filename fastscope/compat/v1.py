"""``from fastscope.compat import v1 as tf``: the same names as ``import fastscope as tf``."""
from fastscope import *  # noqa: F401,F403
from fastscope import __all__  # noqa: F401
from fastscope import errors, initializers, nn, random, summary  # noqa: F401
from fastscope._src.missing import missing_attribute as _missing_attribute


def __getattr__(name):
    raise _missing_attribute(__name__, name)
