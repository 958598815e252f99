"""``tf.nn``: convolution, bias, activations, pooling and embedding look-ups."""
from fastscope._src.missing import missing_attribute as _missing_attribute
from fastscope._src.ops.embedding_ops import embedding_lookup
from fastscope._src.ops.embedding_sparse import (embedding_lookup_sparse,
                                                 safe_embedding_lookup_sparse)
from fastscope._src.ops.nn_ops import (avg_pool, bias_add, conv2d, max_pool, relu, relu6,
                                       sigmoid, softmax, tanh)

__all__ = sorted(["avg_pool", "bias_add", "conv2d", "embedding_lookup",
                  "embedding_lookup_sparse", "max_pool", "relu", "relu6",
                  "safe_embedding_lookup_sparse", "sigmoid", "softmax", "tanh"])


def __getattr__(name):
    raise _missing_attribute(__name__, name)
