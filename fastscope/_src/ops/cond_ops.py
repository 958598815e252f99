"""``tf.cond`` and ``tf.case``: functional If ops whose branches run as sub-plans.

A branch function is called once, at build time, inside a ``BranchContext``: the ops it
creates are ordinary ops of the graph named under the cond's name scope (``cond/add``),
but they belong to the context, so no outer plan ever schedules them. Tensors from outside
that a branch uses are its captures; they become inputs of the ``If`` op, computed before
it as in TensorFlow 1.x. When it runs, the ``If`` kernel asks the session to run the taken
branch's sub-plan (``ctx.run_subgraph``), so the other branch costs nothing. Each output is
then named as TensorFlow 1.x names it (``cond/Merge:0``, ``cond/Merge_1:0``).

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     p = tf.placeholder(tf.bool, [])
...     x = tf.constant(2.0)
...     r = tf.cond(p, lambda: x * 2, lambda: x + 1)
...     s = tf.Session()
...     print(r.name, s.run(r, {p: True}), s.run(r, {p: False}))
cond/Merge:0 4.0 3.0
"""
from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import errors as _errors
from fastscope._src.framework import nest
from fastscope._src.framework.graph import get_default_graph
from fastscope._src.framework.op_builder import build_op, convert_to_tensor
from fastscope._src.framework.registry import NUMPY_FP, STATEFUL, register_op
from fastscope._src.framework.tensor import Operation, Tensor
from fastscope._src.framework.tensor_shape import unknown_shape
from fastscope._src.ops import array_ops


class BranchContext:
    """The ops of one branch (or loop body): what it captured from outside it.

    ``contains(op)``: whether ``op`` was created in this context or one nested in it (the
    sub-plan of the context runs those and takes everything else as given).
    """

    def __init__(self, name, outer):
        self.name = name
        self.outer = outer
        self.captures = []        # outer tensors (and ops, as control inputs) used inside
        self._seen = set()

    def capture(self, t, op):
        if id(t) not in self._seen:
            self._seen.add(id(t))
            self.captures.append(t)

    def contains(self, op):
        c = op._ctx
        while c is not None:
            if c is self:
                return True
            c = c.outer
        return False


class SubGraph:
    """What one ``run_subgraph`` call runs: a context's ops computing ``targets`` from ``feeds``.

    Made once when the If/While op is built; sessions key their compiled plans by it.
    """

    __slots__ = ("context", "targets", "feeds", "__weakref__")

    def __init__(self, context, targets, feeds):
        self.context = context
        self.targets = tuple(targets)
        self.feeds = tuple(feeds)


def _call_in_context(g, ctx, fn):
    with g.control_flow_context(ctx):
        return fn()


def _to_outputs(structure, what):
    """A branch's result as (structure, flat tensors or ops)."""
    flat = []
    for x in nest.flatten(structure):
        if isinstance(x, Operation):
            flat.append(x)
        elif x is None:
            raise ValueError("%s returned None: a branch must return tensors or ops" % what)
        else:
            flat.append(convert_to_tensor(x))
    return structure, flat


def _merge_specs(flat_t, flat_f):
    specs = []
    for a, b in zip(flat_t, flat_f):
        if isinstance(a, Operation) or isinstance(b, Operation):
            specs.append(None)
            continue
        if a._dtype.base_dtype is not b._dtype.base_dtype:
            raise ValueError("Outputs of 'true_fn' and 'false_fn' must have the same type(s). "
                             "Received %s from 'true_fn' and %s from 'false_fn'."
                             % (a._dtype.base_dtype.name, b._dtype.base_dtype.name))
        shape = a._shape if a._shape == b._shape else _most_specific(a._shape, b._shape)
        specs.append((a._dtype.base_dtype, shape))
    return specs


def _most_specific(a, b):
    """The shape both may have: dimensions that agree kept, others unknown (TF1's Merge)."""
    if a.ndims is None or b.ndims is None or a.ndims != b.ndims:
        return unknown_shape()
    return unknown_shape(a.ndims).merge_with(
        [x if x == y else None for x, y in zip(a.as_list(), b.as_list())])


def _if_shape(node):
    return [spec for spec in node.attrs["specs"] if spec is not None]


def _if_kernel(ctx, op, pred, *captured):
    a = op._attrs
    sub, pick = (a["then"], a["then_feeds"]) if pred else (a["else"], a["else_feeds"])
    got = ctx.run_subgraph(sub, [captured[i] for i in pick])
    out = [v for v, t in zip(got, sub.targets) if isinstance(t, Tensor)]
    return out[0] if len(out) == 1 else tuple(out)


# NUMPY_FP: a branch may hold numpy arithmetic; its session run is quiet throughout
register_op("If", ("cond: bool", "input: *"), _if_shape, _if_kernel, traits=(STATEFUL, NUMPY_FP),
            type_attrs={"bool": (_dt.bool,)}, tf_type="If")


def _sub(ctx, targets, captures, all_captures):
    """A SubGraph of ``ctx`` fed with its tensor captures, and where they sit in the If's inputs."""
    feeds = [c for c in captures if isinstance(c, Tensor)]
    index = {id(t): i for i, t in enumerate(all_captures)}
    return SubGraph(ctx, targets, feeds), [index[id(t)] for t in feeds]


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """Runs ``true_fn()`` or ``false_fn()`` depending on the scalar boolean ``pred``.

    Only the taken branch's ops run. Both branches must return the same structure of
    tensors (or ops) with the same dtypes; shapes that differ become unknown there.

    Raises:
      TypeError: ``pred`` is not a boolean tensor, or a branch is not callable.
      ValueError: branches returning different structures or dtypes.

    Differs from TensorFlow: one ``If`` op runs the branch (TensorFlow 1.x builds Switch and
    Merge ops); its outputs carry TF1's names (``cond/Merge:0``).
    """
    true_fn = true_fn if true_fn is not None else fn1
    false_fn = false_fn if false_fn is not None else fn2
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("true_fn and false_fn must be callable.")
    g = get_default_graph()
    with g.name_scope(name or "cond") as scope:
        pred = convert_to_tensor(pred)
        if pred._dtype.base_dtype is not _dt.bool:
            raise TypeError("Input 'pred' of 'Switch' Op has type %s that does not match "
                            "expected type of bool." % pred._dtype.base_dtype.name)
        outer = g._local.cf_context
        then_ctx, else_ctx = BranchContext(scope + "true", outer), BranchContext(
            scope + "false", outer)
        s_t, flat_t = _to_outputs(_call_in_context(g, then_ctx, true_fn), "true_fn")
        s_f, flat_f = _to_outputs(_call_in_context(g, else_ctx, false_fn), "false_fn")
        try:
            nest.assert_same_structure(s_t, s_f)
        except ValueError as e:
            raise ValueError("true_fn and false_fn must return the same structure: %s" % e) \
                from None
        if len(flat_t) != len(flat_f):
            raise ValueError("true_fn and false_fn returned different numbers of values")
        specs = _merge_specs(flat_t, flat_f)
        captures = list(then_ctx.captures)
        captures += [c for c in else_ctx.captures if all(c is not x for x in captures)]
        tensor_caps = [c for c in captures if isinstance(c, Tensor)]
        ops_caps = [c._op if isinstance(c, Tensor) else c for c in captures
                    if not isinstance(c, Tensor)]
        then_sub, then_feeds = _sub(then_ctx, flat_t, then_ctx.captures, tensor_caps)
        else_sub, else_feeds = _sub(else_ctx, flat_f, else_ctx.captures, tensor_caps)
        attrs = {"then": then_sub, "else": else_sub, "then_feeds": then_feeds,
                 "else_feeds": else_feeds, "captures": tensor_caps, "specs": specs}
        op = build_op("If", (pred, tensor_caps), attrs, "If", control_inputs=ops_caps)
        outs = iter(op._outputs)
        flat = []
        for spec in specs:
            if spec is None:
                flat.append(op)
            else:
                flat.append(array_ops.identity(next(outs), name="Merge"))
        return nest.pack_sequence_as(s_t, flat)


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """The first branch whose predicate holds (``tf.case``), else ``default``.

    Args:
      pred_fn_pairs: a list of (boolean scalar tensor, callable), or a dict of them.
      default: the callable when no predicate holds (required unless a predicate always
        holds; TensorFlow raises without one when none does, at run time).
      exclusive: if True, more than one true predicate is an InvalidArgumentError when run.

    Raises:
      TypeError: pairs that are not (predicate, callable).
    """
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(
        pred_fn_pairs)
    for p in pairs:
        if not isinstance(p, tuple) or len(p) != 2 or not callable(p[1]):
            raise TypeError("fn for pred %s must be callable." % (p,))
    if default is None:
        *pairs, last = pairs
        default = last[1]
    g = get_default_graph()
    with g.name_scope(name):
        preds = [convert_to_tensor(p) for p, _ in pairs]
        if exclusive and len(preds) > 1:
            from_preds = _exclusive_check(preds)
            preds = [from_preds] + preds[1:]
        fn = default
        for pred, (_, branch) in zip(reversed(preds), reversed(pairs)):
            fn = (lambda pr, br, other: lambda: cond(pr, br, other))(pred, branch, fn)
        return fn()


def _exclusive_kernel(ctx, op, *preds):
    if sum(bool(p) for p in preds) > 1:
        raise _errors.InvalidArgumentError(
            None, op, "Input error: exclusive=True and more than one predicate evaluated to "
            "true: [%s]" % ", ".join(str(bool(p)) for p in preds))
    return preds[0]


register_op("CaseExclusive", ("preds: N*bool",), lambda node: [(_dt.bool, node.inputs[0]._shape)],
            _exclusive_kernel, type_attrs={"bool": (_dt.bool,)}, tf_type="Assert")


def _exclusive_check(preds):
    return build_op("CaseExclusive", (preds,), None, "exclusive")._outputs[0]
