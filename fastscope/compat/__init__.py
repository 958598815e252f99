"""``fastscope.compat.v1``: the TF1 API under TensorFlow's compatibility path."""
from fastscope.compat import v1  # noqa: F401
