"""Grouping ops: ``no_op`` and ``group`` (a NoOp whose control inputs are the ops to run).

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     a, b = tf.constant(1.0), tf.constant(2.0)
...     g = tf.group(a, b)
...     print(g.name, [o.name for o in g.control_inputs])
group_deps ['Const', 'Const_1']
"""
from fastscope._src.framework.op_builder import build_op
from fastscope._src.framework.registry import register_op
from fastscope._src.framework.tensor import Tensor


def _no_outputs(node):
    return []


def _noop_kernel(ctx, op):
    return None


register_op("NoOp", shape=_no_outputs, kernel=_noop_kernel)


def no_op(name=None):
    return build_op("NoOp", (), None, name)


def group(*inputs, name=None):
    """An op that runs all ``inputs`` (a NoOp with them as control inputs)."""
    deps = []
    for x in inputs:
        if isinstance(x, (list, tuple)):
            deps.extend(x)
        else:
            deps.append(x)
    ops = [d.op if isinstance(d, Tensor) else d for d in deps]
    return build_op("NoOp", (), None, name, "group_deps", control_inputs=ops)
