"""fastscope: TensorFlow 1.x variable management, compiled and fast.

``import fastscope as tf`` and TF1 graph-mode code (variable_scope,
get_variable, Variable, name_scope, Session) runs with TensorFlow's names,
sharing and errors. This module only re-exports; the implementation lives in
``fastscope._src``.
"""
from fastscope._src.dtypes import (DType, as_dtype, bool, complex64, complex128, double,  # noqa: A004
                                   float16, float32, float64, half, int8, int16, int32, int64,
                                   string, uint8, uint16, uint32, uint64)
from fastscope._src.tensor_shape import Dimension, TensorShape
from fastscope._src.graph import (Graph, GraphKeys, Operation, Tensor, add_to_collection,
                                  add_to_collections, control_dependencies, get_collection,
                                  get_collection_ref, get_default_graph, reset_default_graph)
from fastscope._src.graph import name_scope
from fastscope._src.ops import (abs, add, cast, concat, constant, convert_to_tensor,  # noqa: A004
                                divide, exp, floordiv, group, identity, log, maximum, minimum,
                                multiply, negative, no_op, ones, ones_like, placeholder,
                                placeholder_with_default, pow, reduce_max, reduce_mean,
                                reduce_sum, reshape, sqrt, square, subtract, truediv, zeros,
                                zeros_like)
from fastscope._src.ops import negative as neg
from fastscope._src.ops import shape_of as shape
from fastscope._src.linalg_ops import matmul
from fastscope._src.sparse_tensor import SparseTensor, SparseTensorValue
from fastscope._src.variables import (Variable, VariableAggregation, VariableSynchronization,
                                      all_variables, global_variables,
                                      global_variables_initializer, initialize_all_variables,
                                      initialize_local_variables, initialize_variables,
                                      is_variable_initialized, local_variables,
                                      local_variables_initializer, model_variables,
                                      report_uninitialized_variables, trainable_variables,
                                      variables_initializer)
from fastscope._src.scopes import (AUTO_REUSE, VariableScope, get_variable_scope,
                                   variable_op_scope, variable_scope)
from fastscope._src.store import get_local_variable, get_variable, no_regularizer
from fastscope._src.random_ops import (get_seed, random_normal, random_uniform, set_random_seed,
                                       truncated_normal)
from fastscope._src.initializers import (constant_initializer, glorot_normal_initializer,
                                         glorot_uniform_initializer, identity_initializer,
                                         ones_initializer, orthogonal_initializer,
                                         random_normal_initializer, random_uniform_initializer,
                                         truncated_normal_initializer,
                                         variance_scaling_initializer, zeros_initializer)
from fastscope._src.partitioning import (create_partitioned_variables,
                                        fixed_size_partitioner, min_max_variable_partitioner,
                                        variable_axis_size_partitioner)
from fastscope._src.session import (ConfigProto, GPUOptions, InteractiveSession, RunMetadata,
                                    RunOptions, Session, get_default_session)
from fastscope import errors, initializers, nn, random, summary  # noqa: E402

newaxis = None
__version__ = "0.1.0"

__all__ = [name for name in dir() if not name.startswith("_")]

from fastscope import compat  # noqa: E402  (compat.v1 re-exports everything above)
