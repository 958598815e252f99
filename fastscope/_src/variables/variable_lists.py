"""The graph's variable lists (``tf.global_variables()`` ...) and the ops that initialise them.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     v = tf.Variable(1.0, name="v")
...     init = tf.global_variables_initializer()
...     s = tf.Session()
...     print(s.run(tf.report_uninitialized_variables()).tolist(), init.name)
...     _ = s.run(init)
...     print(s.run(tf.report_uninitialized_variables()).tolist())
[b'v'] init
[]
"""
from fastscope._src.framework.graph import GraphKeys, get_default_graph
from fastscope._src.framework.op_builder import build_op
from fastscope._src.ops import control_flow_ops


def global_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def trainable_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def all_variables():
    return global_variables()


def variables_initializer(var_list, name="init"):
    """One op that runs the initializers of ``var_list`` (a NoOp when empty)."""
    if var_list:
        return control_flow_ops.group(*[v.initializer for v in var_list], name=name)
    return control_flow_ops.no_op(name=name)


def global_variables_initializer():
    """Initializes every variable in GLOBAL_VARIABLES (op ``init``)."""
    return variables_initializer(global_variables())


def local_variables_initializer():
    return variables_initializer(local_variables())


initialize_all_variables = global_variables_initializer
initialize_variables = variables_initializer
initialize_local_variables = local_variables_initializer


def is_variable_initialized(variable):
    """A bool tensor: whether ``variable`` has a value in the running session."""
    return build_op("IsVariableInitialized", (variable,))._outputs[0]


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """A string tensor of the names of uninitialised variables among ``var_list``."""
    var_list = global_variables() + local_variables() if var_list is None else list(var_list)
    return build_op("ReportUninitialized", (var_list,), None, name, name)._outputs[0]
