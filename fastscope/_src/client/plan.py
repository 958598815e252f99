"""Compiling a ``Session.run`` request (fetches, fed tensors) into a plan of steps.

A plan lists the ops the fetches need, in dependency order (control inputs
first), each as ``(kernel, op, input slots, output slots)`` over one flat list
of value slots; constants are baked into the slots' template and fed tensors
get slots of their own, so their producers never run. Only the op
definitions' kernels and reference inputs are read: the planner knows no op
types. Composite fetches (a SparseTensor, a PartitionedVariable) are expanded
through the composites registry.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     a = tf.constant(2.0)
...     plan = compile_plan([a * a], {}, None, False)
...     print([step[1].type for step in plan.steps], plan.template[0])
['Mul'] 2.0
"""
import collections.abc

from fastscope._src.client import executor
from fastscope._src.framework import composites
from fastscope._src.framework.tensor import Tensor


class Plan:
    """A compiled run: slot template, steps, and where the fetched values are."""

    __slots__ = ("template", "feed_slots", "steps", "fetch_slots", "build", "single",
                 "parallel", "quiet")

    def with_build(self, build):
        """The same plan with another result builder (same fetch targets, other structure)."""
        p = Plan()
        for name in Plan.__slots__:
            setattr(p, name, getattr(self, name))
        p.build = build
        return p


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def _flatten_sequence(fetches, out):
    builders = [flatten_fetches(f, out) for f in fetches]
    kind = type(fetches)
    if _is_namedtuple(fetches):
        return lambda vals: kind(*[b(vals) for b in builders])
    if kind is list:
        return lambda vals: [b(vals) for b in builders]
    if kind is tuple:
        return lambda vals: tuple(b(vals) for b in builders)
    return lambda vals: kind(b(vals) for b in builders)


def flatten_fetches(fetches, out):
    """Appends the leaves of ``fetches`` to ``out``; returns a function that rebuilds it."""
    parts = composites.fetch_parts(fetches)
    if parts is not None:
        elements, rebuild = parts
        builder = flatten_fetches(list(elements), out)
        return lambda vals: rebuild(builder(vals))
    if isinstance(fetches, (list, tuple)):
        return _flatten_sequence(fetches, out)
    if isinstance(fetches, collections.abc.Mapping):
        keys = list(fetches.keys())
        builders = [flatten_fetches(fetches[k], out) for k in keys]
        kind = type(fetches)
        if kind is dict:
            return lambda vals: {k: b(vals) for k, b in zip(keys, builders)}
        return lambda vals: kind((k, b(vals)) for k, b in zip(keys, builders))
    index = len(out)
    out.append(fetches)
    return lambda vals: vals[index]


def resolve_fetch(graph, f):
    """The graph element (Tensor or Operation) a fetch leaf names.

    Raises:
      TypeError, ValueError: TensorFlow's "Fetch argument ..." errors.
    """
    if f is None:
        raise TypeError("Fetch argument None has invalid type %s" % type(None))
    try:
        return graph.as_graph_element(f, allow_tensor=True, allow_operation=True)
    except TypeError as e:
        raise TypeError("Fetch argument %r has invalid type %s, must be a string or Tensor. (%s)"
                        % (f, type(f), e)) from None
    except ValueError as e:
        raise ValueError("Fetch argument %r cannot be interpreted as a Tensor. (%s)"
                         % (f, e)) from None
    except KeyError as e:
        raise ValueError("Fetch argument %r cannot be interpreted as a Tensor. (%s)"
                         % (f, e.args[0])) from None


class _Slots:
    __slots__ = ("index", "template", "fed")

    def __init__(self, fed=()):
        self.index = {}
        self.template = []
        self.fed = fed

    def of(self, t):
        s = self.index.get(t)
        if s is None:
            s = self.index[t] = len(self.template)
            self.template.append(None)
        return s


def _order(targets, fed, slots, steps, inside=None):
    """Appends the steps ``targets`` need to ``steps`` (depth first, dependencies first).

    With ``inside`` (a control-flow context), only the ops created in it are steps: every
    value from outside it is fed (its captures) and outer ops are already done.
    """
    visited = set()
    for target in targets:
        if isinstance(target, Tensor) and target in fed:
            continue
        stack = [(target._op if isinstance(target, Tensor) else target, False)]
        while stack:
            op, expanded = stack.pop()
            if op in visited:
                continue
            if expanded:
                visited.add(op)
                _add_step(op, slots, steps)
                continue
            stack.append((op, True))
            deps = list(reversed(op._control_inputs))
            refs = op._ref_inputs
            for i in range(len(op._inputs) - 1, -1, -1):
                t = op._inputs[i]
                # a variable read happens just before its reader (see _add_step)
                if i not in refs and t not in fed and not t._op._def.reads_state:
                    deps.append(t._op)
            if inside is not None:
                deps = [d for d in deps if inside.contains(d)]
            stack.extend((d, False) for d in deps if d not in visited)


def _add_step(op, slots, steps):
    if op._def.type == "Const":
        slots.template[slots.of(op._outputs[0])] = op._attrs["value"]
        return
    refs = op._ref_inputs
    ins = []
    for i, t in enumerate(op._inputs):
        if i in refs:
            ins.append(-1)
            continue
        ins.append(slots.of(t))
        src = t._op
        if src._def.reads_state and t not in slots.fed:
            # Read the variable right before the op that uses it, so it sees the updates
            # ordered before that op (control dependencies), as a TensorFlow ref read does.
            steps.append((src._def.kernel, src, (), tuple(slots.of(x) for x in src._outputs)))
    outs = tuple(slots.of(t) for t in op._outputs)
    steps.append((op._def.kernel, op, tuple(ins), outs))


def compile_plan(targets, fed, build, single, inside=None):
    """The Plan computing ``targets`` (Tensors/Operations) with the tensors ``fed`` given.

    ``inside``: the control-flow context whose sub-plan this is (None: the whole graph).
    """
    slots = _Slots(fed)
    for t in fed:
        slots.of(t)
    steps = []
    _order(targets, fed, slots, steps, inside)
    plan = Plan()
    plan.template = slots.template
    plan.feed_slots = [slots.index[t] for t in fed]
    plan.steps = steps
    plan.fetch_slots = [slots.of(t) if isinstance(t, Tensor) else -1 for t in targets]
    plan.build = build
    plan.single = single
    plan.parallel = executor.analyse(steps, plan.fetch_slots) if inside is None else None
    # numpy's floating-point warnings off for the run (inf and NaN are values in TF)
    plan.quiet = any(step[1]._def.numpy_fp for step in steps)
    return plan
