"""``tf.nn``: convolution, bias, activations and pooling."""
from fastscope._src.nn_ops import (avg_pool, bias_add, conv2d, max_pool, relu, relu6,  # noqa: F401
                                   sigmoid, softmax, tanh)
from fastscope._src.embedding_ops import embedding_lookup  # noqa: F401,E402
from fastscope._src.embedding_sparse import (embedding_lookup_sparse,  # noqa: F401,E402
                                             safe_embedding_lookup_sparse)
