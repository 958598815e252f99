"""TensorFlow's operator overloads on tensors and variables (``+ - * / @ [] neg`` ...).

The framework's Tensor has no operators of its own; this module installs them
(``install_operators``) for Tensor here and for Variable where it is defined.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     a = tf.constant([[1.0, 2.0]])
...     print((a + a).name, (a @ tf.ones([2, 1])).name, a[0].name)
add:0 matmul:0 strided_slice:0
"""
from fastscope._src.framework.tensor import Tensor
from fastscope._src.ops import math_ops, slice_ops


def install_operators(cls):
    """Adds TensorFlow's operator overloads to ``cls``."""
    binary = math_ops.binary_op
    unary = math_ops.unary_op
    for dunder, op_type, name in (
            ("add", "Add", "add"), ("sub", "Sub", "sub"), ("mul", "Mul", "mul"),
            ("truediv", "RealDiv", "truediv"), ("floordiv", "FloorDiv", "floordiv"),
            ("mod", "FloorMod", "mod"), ("pow", "Pow", "pow")):
        setattr(cls, "__%s__" % dunder,
                (lambda t, n: lambda s, o: binary(t, s, o, None, n))(op_type, name))
        setattr(cls, "__r%s__" % dunder,
                (lambda t, n: lambda s, o: binary(t, o, s, None, n))(op_type, name))
    for dunder, op_type in (("lt", "Less"), ("le", "LessEqual"), ("gt", "Greater"),
                            ("ge", "GreaterEqual")):
        setattr(cls, "__%s__" % dunder, (lambda t: lambda s, o: binary(t, s, o, None, t))(op_type))
    cls.__neg__ = lambda s: unary("Neg", s, None)
    cls.__abs__ = lambda s: unary("Abs", s, None)
    cls.__getitem__ = slice_ops.slice_helper
    cls.__matmul__ = lambda s, o: math_ops.matmul(s, o, name="matmul")
    cls.__rmatmul__ = lambda s, o: math_ops.matmul(o, s, name="matmul")


install_operators(Tensor)
