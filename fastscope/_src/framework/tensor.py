"""``Operation`` and ``Tensor``: the nodes of a graph and their outputs.

An Operation knows its registered definition (``op.op_def``: kernel, shape
function, traits), its inputs, attributes and outputs. Operators on tensors
(``+``, ``@``, ``[]``) are installed by the ops layer (``ops/operators.py``).

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     t = tf.constant(1.0, name="c")
...     print(t.name, t.op.type, t.op.op_def.kernel is not None)
c:0 Const True
"""
import linecache
import sys

from fastscope._src.framework import session_stack
from fastscope._src.framework.tensor_shape import as_shape

_PKG_DIR = __file__.rsplit("/", 4)[0] + "/fastscope/"


_INSIDE = {}   # code object -> whether it is fastscope's own


def user_frames(limit=5):
    """Where the caller is, outside fastscope: up to ``limit`` (code, line) pairs, innermost first.

    Cheap enough to run on every variable creation: it keeps code objects and line
    numbers, and ``frames_as_traceback`` turns them into (file, line, function, text).
    """
    out = []
    f = sys._getframe(1)
    inside = _INSIDE
    while f is not None:
        code = f.f_code
        own = inside.get(code)
        if own is None:
            own = inside[code] = code.co_filename.startswith(_PKG_DIR)
        if not own:
            out.append((code, f.f_lineno))
            if len(out) == limit:
                break
        f = f.f_back
    return out


def frames_as_traceback(frames):
    """``user_frames``' pairs as traceback entries: (file, line, function, source text)."""
    return [(code.co_filename, line, code.co_name,
             linecache.getline(code.co_filename, line).strip()) for code, line in frames]


class Tensor:
    """One output of an Operation: ``name`` is ``op_name:index``."""

    __slots__ = ("_op", "_value_index", "_dtype", "_shape", "_name", "__weakref__")
    # numpy must defer to our operators (ndarray + Tensor -> Tensor.__radd__).
    __array_priority__ = 100

    def __init__(self, op, value_index, dtype, shape):
        self._op = op
        self._value_index = value_index
        self._dtype = dtype
        self._shape = shape
        self._name = op._name + ":" + str(value_index)

    op = property(lambda self: self._op)
    value_index = property(lambda self: self._value_index)
    dtype = property(lambda self: self._dtype)
    name = property(lambda self: self._name)
    graph = property(lambda self: self._op._graph)
    shape = property(lambda self: self._shape)
    device = property(lambda self: self._op._device)

    def get_shape(self):
        return self._shape

    def set_shape(self, shape):
        self._shape = self._shape.merge_with(as_shape(shape))

    def consumers(self):
        return [op for op in self._op._graph._op_list if any(t is self for t in op._inputs)]

    def eval(self, feed_dict=None, session=None):
        """The tensor's value in ``session`` (default: the default session)."""
        return session_stack.session_for(session, self.graph).run(self, feed_dict)

    def _as_graph_element(self):
        return self

    def __repr__(self):
        return 'Tensor("%s", shape=%s, dtype=%s)' % (self._name, self._shape, self._dtype.name)

    __hash__ = object.__hash__  # identity, at C speed (Session.run keys plans by fetches)

    def __eq__(self, other):  # TF1 graph mode: identity, so tensors can key dicts
        return self is other

    def __ne__(self, other):
        return self is not other

    def __bool__(self):
        raise TypeError("Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is not "
                        "None:` instead of `if t:` to test if a tensor is defined, and use "
                        "TensorFlow ops such as tf.cond to execute subgraphs conditioned on the "
                        "value of a tensor.")

    def __iter__(self):
        if self._shape.ndims is None or not self._shape.ndims:
            raise TypeError("Tensor objects are only iterable when eager execution is enabled. "
                            "To iterate over this tensor use tf.map_fn.")
        raise TypeError("Tensor objects are only iterable when eager execution is enabled.")

    def __len__(self):
        raise TypeError("len is not well defined for symbolic Tensors. (%s) Please call "
                        "`x.shape` rather than `len(x)` for shape information." % self._name)


class Operation:
    """A node of the graph: a registered op type, inputs, attributes and outputs.

    The kernel, shape function and traits come from the op's definition
    (``op_def``, see ``framework/registry.py``); ``_ref_inputs`` are the inputs
    that are variable references (not evaluated when the op runs).
    """

    __slots__ = ("_graph", "_name", "_def", "_inputs", "_outputs", "_control_inputs",
                 "_attrs", "_id", "_ref_inputs", "_traceback", "_device", "_ctx", "__weakref__")

    def __init__(self, graph, name, op_def, inputs, control_inputs, attrs, device=""):
        self._graph = graph
        self._name = name
        self._def = op_def
        self._inputs = inputs
        self._outputs = ()
        self._control_inputs = control_inputs
        self._attrs = attrs
        self._ref_inputs = op_def._refs if not op_def._ref_all else tuple(range(len(inputs)))
        self._device = device

    name = property(lambda self: self._name)
    type = property(lambda self: self._def.type)
    op_def = property(lambda self: self._def)
    graph = property(lambda self: self._graph)
    inputs = property(lambda self: tuple(self._inputs))
    outputs = property(lambda self: list(self._outputs))
    control_inputs = property(lambda self: list(self._control_inputs))
    device = property(lambda self: self._device)
    @property
    def traceback(self):
        """Where the op was created (for variables), outermost frame first."""
        return list(reversed(frames_as_traceback(getattr(self, "_traceback", None) or [])))

    @property
    def _type(self):
        return self._def.type

    def values(self):
        return tuple(self._outputs)

    def get_attr(self, name):
        try:
            return self._attrs[name]
        except KeyError:
            raise ValueError("Operation '%s' has no attr named '%s'." % (self._name, name)) from None

    def run(self, feed_dict=None, session=None):
        session_stack.session_for(session, self._graph, "operation").run(self, feed_dict)

    def _as_graph_element(self):
        return self

    def __repr__(self):
        return "<tf.Operation '%s' type=%s>" % (self._name, self._def.type)
