"""The op registry: one declaration per op type.

Each op type is declared once, with ``register_op``: its inputs (names and the
type attribute that types them), the dtypes each type attribute allows, its
shape function, its kernel, its traits and the TensorFlow op type it stands
for. ``op_builder.build_op`` reads the declaration to convert and check
inputs, infer output shapes and name the op; the client reads the traits (never
op type names) to plan and run; gradients hang off the same entry.

Input specs are ``"name: T"`` (one tensor typed by attribute T), ``"name: N*T"``
(a list of tensors of one type T), ``"name: *"`` (a list of any types),
``"name: ref"`` (a variable reference, not evaluated when the op runs) or
``"name: ref*"`` (a list of them).

>>> d = get_op_def("MatMul")
>>> d.type, [i.name for i in d.inputs], d.stateful
('MatMul', ['a', 'b'], False)
"""

# -- traits -----------------------------------------------------------------------------------
STATEFUL = "stateful"        # reads or changes session state, or draws random numbers
FILL = "fill"                # computes a fresh array from its attributes alone (random, Fill)
FRESH_OUTPUT = "fresh"       # its output is a new buffer nothing else holds
READS_STATE = "reads_state"  # reads session state: re-run inside a branch or loop, not captured
NEEDS_FEED = "needs_feed"    # has no value unless fed (its kernel raises)
NUMPY_FP = "numpy_fp"        # numpy floating arithmetic: inf/NaN are values, never warnings
TRAITS = frozenset((STATEFUL, FILL, FRESH_OUTPUT, READS_STATE, NEEDS_FEED, NUMPY_FP))


class InputSpec:
    """One declared input: its name, the type attribute typing it, and its kind."""

    __slots__ = ("name", "type_attr", "is_list", "is_ref")

    def __init__(self, spec):
        name, _, kind = (p.strip() for p in spec.partition(":"))
        self.name = name
        self.is_ref = kind in ("ref", "ref*")
        self.is_list = kind.startswith("N*") or kind in ("*", "ref*")
        self.type_attr = None if kind in ("*", "ref", "ref*", "") else (
            kind[2:] if self.is_list else kind)

    def __repr__(self):
        return "InputSpec(%r)" % self.name


class OpDef:
    """What fastscope knows about one op type.

    Attributes:
      type: the op type (``MatMul``); ``tf_type`` the TensorFlow type it is written
        as in a GraphDef (the same unless fastscope fuses several TF ops into one).
      inputs: the InputSpecs, in order.
      type_attrs: type attribute -> tuple of allowed DTypes (None: any).
      shape: ``shape(node) -> [(dtype, TensorShape), ...]``, one per output; raises
        ValueError for inputs the op cannot take (see ``op_builder.Node``).
      kernel: ``kernel(ctx, op, *input_values) -> value`` (a tuple for several outputs).
      traits: a frozenset of the trait names above.
      tf_attrs: the attribute names TensorFlow's op has (for a GraphDef).
      grad: the gradient function, once registered.
    """

    __slots__ = ("type", "tf_type", "inputs", "type_attrs", "shape", "kernel", "traits",
                 "tf_attrs", "grad", "stateful", "fill", "fresh_output", "reads_state",
                 "needs_feed", "numpy_fp", "_refs", "_ref_all", "n_inputs", "simple", "groups",
                 "check_types")

    def __init__(self, op_type, inputs, type_attrs, shape, kernel, traits, tf_type, tf_attrs):
        self.type = op_type
        self.tf_type = tf_type or op_type
        self.inputs = tuple(InputSpec(s) for s in inputs)
        self.type_attrs = dict(type_attrs or {})
        self.shape = shape
        self.kernel = kernel
        self.traits = frozenset(traits)
        self.tf_attrs = tuple(tf_attrs)
        self.grad = None
        self.stateful = STATEFUL in self.traits
        self.fill = FILL in self.traits
        self.fresh_output = FRESH_OUTPUT in self.traits or self.fill
        self.reads_state = READS_STATE in self.traits
        self.needs_feed = NEEDS_FEED in self.traits
        self.numpy_fp = NUMPY_FP in self.traits
        self._refs = tuple(i for i, s in enumerate(self.inputs) if s.is_ref and not s.is_list)
        self._ref_all = any(s.is_ref and s.is_list for s in self.inputs)
        # For op_builder's fast path (every input one Tensor): the inputs each type
        # attribute types, with the ids of the DTypes it allows (None: any).
        self.n_inputs = len(self.inputs)
        self.simple = not any(s.is_list for s in self.inputs)
        groups = {}
        for i, spec in enumerate(self.inputs):
            if spec.type_attr is not None and not spec.is_list:
                groups.setdefault(spec.type_attr, []).append(i)
        self.groups = tuple(
            (ta, None if self.type_attrs.get(ta) is None
             else frozenset(id(d) for d in self.type_attrs[ta]), tuple(idx))
            for ta, idx in groups.items())
        # whether a call with all-Tensor inputs needs its dtypes checked at all
        self.check_types = any(allowed is not None or len(idx) > 1
                               for _, allowed, idx in self.groups)

    def ref_inputs_of(self, n_inputs):
        """The indices of reference inputs for an op with ``n_inputs`` inputs."""
        if self._ref_all:
            return tuple(range(n_inputs))
        return self._refs

    def __repr__(self):
        return "<OpDef %s>" % self.type


_REGISTRY = {}


def register_op(op_type, inputs=(), shape=None, kernel=None, traits=(), type_attrs=None,
                tf_type=None, tf_attrs=()):
    """Declares op type ``op_type`` (once); returns its OpDef.

    Raises:
      KeyError: the type is already registered.
      ValueError: no shape function, no kernel (unless NEEDS_FEED), or an unknown trait.
    """
    if op_type in _REGISTRY:
        raise KeyError("op type %s is already registered" % op_type)
    unknown = set(traits) - TRAITS
    if unknown:
        raise ValueError("op %s: unknown traits %s" % (op_type, sorted(unknown)))
    if shape is None or kernel is None:
        raise ValueError("op %s needs a shape function and a kernel" % op_type)
    d = OpDef(op_type, inputs, type_attrs, shape, kernel, traits, tf_type, tf_attrs)
    _REGISTRY[op_type] = d
    return d


def get_op_def(op_type):
    """The OpDef of ``op_type``.

    Raises:
      KeyError: no such op type.
    """
    try:
        return _REGISTRY[op_type]
    except KeyError:
        raise KeyError("fastscope has no op type %r" % (op_type,)) from None


def registered_ops():
    """All OpDefs, by type name."""
    return dict(_REGISTRY)


def register_gradient(op_type, fn):
    """Sets the gradient function of ``op_type`` (None: no gradient, as ``tf.NoGradient``)."""
    get_op_def(op_type).grad = fn
