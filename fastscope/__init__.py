"""fastscope: TensorFlow 1.x graph-mode code, compiled and fast, without TensorFlow.

``import fastscope as tf`` and TF1 graph-mode code (variable_scope,
get_variable, Variable, name_scope, Session) runs with TensorFlow's names,
sharing and errors. This module only re-exports; the implementation lives in
``fastscope._src``. A TensorFlow 1.x name that fastscope does not provide yet
raises an AttributeError that says so.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     with tf.variable_scope("layer"):
...         w = tf.get_variable("w", [2, 2])
...     print(w.name)
layer/w:0
"""
# pylint: disable=g-bad-import-order
from fastscope._src.framework.dtypes import (DType, as_dtype, bool, complex64,  # noqa: A004
                                             complex128, double, float16, float32, float64,
                                             half, int8, int16, int32, int64, string, uint8,
                                             uint16, uint32, uint64)
from fastscope._src.framework.tensor_shape import Dimension, TensorShape
from fastscope._src.framework.tensor import Operation, Tensor
from fastscope._src.framework.graph import (Graph, GraphKeys, add_to_collection,
                                            add_to_collections, control_dependencies,
                                            get_collection, get_collection_ref,
                                            get_default_graph, name_scope,
                                            reset_default_graph)
from fastscope._src.framework.op_builder import constant, convert_to_tensor
from fastscope._src.framework.sparse_tensor import SparseTensor, SparseTensorValue
from fastscope._src.framework.session_stack import get_default_session
from fastscope._src.ops.array_ops import (concat, fill, identity, ones, ones_like, placeholder,
                                          placeholder_with_default, rank, size, zeros,
                                          zeros_like)
from fastscope._src.ops.array_ops import shape_of as shape
from fastscope._src.ops.array_ops import slice_ as slice  # noqa: A004
from fastscope._src.ops.shape_ops import (broadcast_to, expand_dims, pad, reshape, squeeze,
                                          tile, transpose)
from fastscope._src.ops.slice_ops import reverse, strided_slice
from fastscope._src.ops.slice_ops import reverse as reverse_v2
from fastscope._src.ops.stack_ops import split, stack, unstack
from fastscope._src.ops.math_ops import (abs, add, cast, divide, exp, floordiv,  # noqa: A004
                                         log, matmul, maximum, minimum, multiply, negative,
                                         pow, reduce_max, reduce_mean, reduce_sum, sqrt,
                                         square, subtract, truediv)
from fastscope._src.ops.math_ops import negative as neg
from fastscope._src.ops.control_flow_ops import group, no_op
from fastscope._src.ops.cond_ops import case, cond
from fastscope._src.ops.functional_ops import foldl, foldr, map_fn, scan
from fastscope._src.ops.tensor_array_ops import TensorArray
from fastscope._src.ops.while_ops import while_loop
from fastscope._src.ops.index_ops import boolean_mask, gather, gather_nd, scatter_nd
from fastscope._src.ops.select_ops import argmax, argmin, unique, where, where_v2
from fastscope._src.ops.generate_ops import (eye, linspace, one_hot, range,  # noqa: A004
                                             sequence_mask)
from fastscope._src.ops.generate_ops import linspace as lin_space
from fastscope._src.ops.random_ops import (get_seed, random_normal, random_uniform,
                                           set_random_seed, truncated_normal)
from fastscope._src.variables.variable import (Variable, VariableAggregation,
                                               VariableSynchronization)
from fastscope._src.variables.variable_lists import (all_variables, global_variables,
                                                     global_variables_initializer,
                                                     initialize_all_variables,
                                                     initialize_local_variables,
                                                     initialize_variables,
                                                     is_variable_initialized, local_variables,
                                                     local_variables_initializer,
                                                     model_variables,
                                                     report_uninitialized_variables,
                                                     trainable_variables, variables_initializer)
from fastscope._src.variables.scopes import (AUTO_REUSE, VariableScope, get_variable_scope,
                                             variable_op_scope, variable_scope)
from fastscope._src.variables.api import (create_partitioned_variables, get_local_variable,
                                          get_variable, no_regularizer)
from fastscope._src.variables.initializers import (constant_initializer,
                                                   glorot_normal_initializer,
                                                   glorot_uniform_initializer,
                                                   identity_initializer, ones_initializer,
                                                   orthogonal_initializer,
                                                   random_normal_initializer,
                                                   random_uniform_initializer,
                                                   truncated_normal_initializer,
                                                   variance_scaling_initializer,
                                                   zeros_initializer)
from fastscope._src.variables.partitioners import (fixed_size_partitioner,
                                                   min_max_variable_partitioner,
                                                   variable_axis_size_partitioner)
from fastscope._src.client.session import (ConfigProto, GPUOptions, InteractiveSession,
                                           RunMetadata, RunOptions, Session)
from fastscope._src.missing import missing_attribute as _missing_attribute
from fastscope import errors, initializers, nn, random, summary  # noqa: E402

newaxis = None
__version__ = "0.1.0"


def disable_v2_behavior():
    """A no-op: fastscope is always TF1 graph mode."""


def disable_eager_execution():
    """A no-op: fastscope is always TF1 graph mode."""


def __getattr__(name):
    raise _missing_attribute(__name__, name)


__all__ = sorted([
    "argmax", "argmin", "boolean_mask", "eye", "gather", "gather_nd", "lin_space", "linspace",
    "one_hot", "range", "scatter_nd", "sequence_mask", "unique", "where", "where_v2",
    "AUTO_REUSE", "ConfigProto", "DType", "Dimension", "GPUOptions", "Graph", "GraphKeys",
    "InteractiveSession", "Operation", "RunMetadata",
    "RunOptions", "Session", "SparseTensor", "SparseTensorValue", "Tensor", "TensorArray",
    "TensorShape",
    "Variable", "VariableAggregation", "VariableScope", "VariableSynchronization", "abs", "add",
    "add_to_collection", "add_to_collections", "all_variables", "as_dtype", "bool", "broadcast_to",
    "case", "cast", "complex128", "complex64", "concat", "cond", "constant",
    "constant_initializer", "control_dependencies", "convert_to_tensor",
    "create_partitioned_variables", "disable_eager_execution", "disable_v2_behavior", "divide",
    "double", "errors", "exp", "expand_dims", "fill", "fixed_size_partitioner", "float16",
    "float32", "float64", "floordiv", "foldl", "foldr", "get_collection",
    "get_collection_ref", "get_default_graph", "get_default_session", "get_local_variable",
    "get_seed", "get_variable", "get_variable_scope", "global_variables",
    "global_variables_initializer", "glorot_normal_initializer", "glorot_uniform_initializer",
    "group", "half", "identity", "identity_initializer", "initialize_all_variables",
    "initialize_local_variables", "initialize_variables", "initializers", "int16", "int32",
    "int64", "int8", "is_variable_initialized", "local_variables", "local_variables_initializer",
    "log", "map_fn", "matmul", "maximum", "min_max_variable_partitioner", "minimum", "model_variables",
    "multiply", "name_scope", "neg", "negative", "newaxis", "nn", "no_op", "no_regularizer",
    "ones", "ones_initializer", "ones_like", "orthogonal_initializer", "pad", "placeholder",
    "placeholder_with_default", "pow", "random", "random_normal", "random_normal_initializer",
    "random_uniform", "random_uniform_initializer", "rank", "reduce_max", "reduce_mean",
    "reduce_sum", "report_uninitialized_variables", "reset_default_graph", "reshape", "reverse",
    "reverse_v2", "scan", "set_random_seed", "shape", "size", "slice", "split", "sqrt", "square",
    "squeeze", "stack", "strided_slice", "string", "subtract", "summary", "tile",
    "trainable_variables", "transpose", "truediv", "truncated_normal",
    "truncated_normal_initializer", "uint16", "uint32", "uint64", "uint8", "unstack",
    "variable_axis_size_partitioner", "variable_op_scope", "variable_scope",
    "variables_initializer", "variance_scaling_initializer", "while_loop", "zeros",
    "zeros_initializer",
    "zeros_like",
])

from fastscope import compat  # noqa: E402  (compat.v1 re-exports everything above)

try:
    del _src  # noqa: F821 - the implementation package is not part of the namespace
except NameError:
    pass
