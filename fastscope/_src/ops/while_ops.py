"""``tf.while_loop``: one While op whose condition and body run as sub-plans.

The condition and body functions are called once, at build time, on ``LoopVar`` tensors
named as TensorFlow 1.x names the loop's values inside it (``while/Identity:0``), in a
``BranchContext`` of their own (ops named ``while/add``...). The While kernel then runs the
condition's sub-plan and the body's sub-plan per iteration, the loop values passing from
one iteration to the next as plain values, and the results are named ``while/Exit:0``,
``while/Exit_1:0``... Shapes are checked as TensorFlow checks them: after tracing the body
against the loop variables' shapes (or ``shape_invariants``), and each iteration when run.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     i, s = tf.while_loop(lambda i, s: i < 4, lambda i, s: (i + 1, s + i),
...                          (tf.constant(0), tf.constant(10)))
...     print(i.name, *tf.Session().run([i, s]))
while/Exit:0 4 16
"""
import numpy as np

from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import errors as _errors
from fastscope._src.framework import nest
from fastscope._src.framework.graph import get_default_graph
from fastscope._src.framework.op_builder import build_op, convert_to_tensor
from fastscope._src.framework.registry import NEEDS_FEED, NUMPY_FP, STATEFUL, register_op
from fastscope._src.framework.tensor import Tensor
from fastscope._src.framework.tensor_shape import as_shape, shape_str
from fastscope._src.ops import array_ops
from fastscope._src.ops.cond_ops import BranchContext, SubGraph


def _loop_var_kernel(ctx, op):
    raise _errors.InvalidArgumentError(
        None, op, "%s is a tf.while_loop value: it has a value only inside its loop" % op._name)


register_op("LoopVar", shape=lambda node: [(node.attrs["dtype"], node.attrs["shape"])],
            kernel=_loop_var_kernel, traits=(NEEDS_FEED,), tf_type="Identity")


def _while_shape(node):
    return [(t._dtype.base_dtype, s) for t, s in zip(node.attrs["loop_vars"],
                                                     node.attrs["invariants"])]


def _check_iteration(op, values, checks):
    for k, dims in checks:
        shape = np.shape(values[k])
        if len(shape) != len(dims) or any(d is not None and d != n for d, n in zip(dims, shape)):
            raise _errors.InvalidArgumentError(
                None, op, "The loop value %s has shape %s after an iteration, which its shape "
                "invariant %s does not allow" % (op._attrs["loop_vars"][k].name, list(shape),
                                                 op._attrs["invariants"][k]))


def _while_kernel(ctx, op, *inputs):
    a = op._attrs
    n = len(a["loop_vars"])
    values, captured = list(inputs[:n]), list(inputs[n:])
    cond, body, checks = a["cond"], a["body"], a["checks"]
    limit = a["maximum_iterations"]
    run = ctx.run_subgraph
    i = 0
    while limit is None or i < limit:
        if not run(cond, values + captured)[0]:
            break
        values = run(body, values + captured)
        if checks:
            _check_iteration(op, values, checks)
        i += 1
    return values[0] if n == 1 else tuple(values)


# NUMPY_FP: the body may hold numpy arithmetic; its session run is quiet throughout
register_op("While", ("input: *",), _while_shape, _while_kernel, traits=(STATEFUL, NUMPY_FP),
            tf_type="While")


def _loop_tensors(g, structure, invariants):
    """LoopVar tensors standing for the loop values inside the loop (``while/Identity``)."""
    flat = nest.flatten(structure)
    inv = nest.flatten(invariants) if invariants is not None else [t._shape for t in flat]
    if len(inv) != len(flat):
        raise ValueError("shape_invariants must have the structure of loop_vars")
    inv = [as_shape(s) for s in inv]
    for t, s in zip(flat, inv):
        if not s.is_compatible_with(t._shape):
            raise ValueError("The shape invariant specified for %s is not compatible with the "
                             "initial shape of the loop variable. It enters the loop with "
                             "shape %s, but the specified shape invariant is %s."
                             % (t.name, t._shape, s))
    phs = [build_op("LoopVar", (), {"dtype": t._dtype.base_dtype, "shape": s},
                    "Identity")._outputs[0] for t, s in zip(flat, inv)]
    return flat, inv, phs


def _check_body_shapes(flat_in, outs, invariants):
    for t, o, s in zip(flat_in, outs, invariants):
        if o._dtype.base_dtype is not t._dtype.base_dtype:
            raise ValueError("Input tensor '%s' enters the loop with type %s, but has type %s "
                             "after one iteration." % (t.name, t._dtype.base_dtype.name,
                                                       o._dtype.base_dtype.name))
        if not s.is_compatible_with(o._shape) or (
                s.ndims is not None and o._shape.ndims is not None
                and not all(a is None or a == b for a, b in zip(s.as_list(),
                                                                o._shape.as_list()))):
            raise ValueError("Input tensor '%s' enters the loop with shape %s, but has shape %s "
                             "after one iteration. To allow the shape to vary across "
                             "iterations, use the `shape_invariants` argument of "
                             "tf.while_loop to specify a less-specific shape."
                             % (t.name, shape_str(t._shape).replace("[", "(").replace(
                                 "]", ",)" if t._shape.ndims == 1 else ")"), _pyshape(o._shape)))


def _pyshape(shape):
    return str(shape) if shape.ndims is not None else "<unknown>"


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
               return_same_structure=False):
    """Repeats ``body`` while ``cond`` holds (``tf.while_loop``, TF1 graph semantics).

    Args:
      cond: a callable of the loop values returning a boolean scalar tensor.
      body: a callable of the loop values returning new ones, of the same structure.
      loop_vars: a tensor or a nested structure of tensors (and TensorArrays).
      shape_invariants: shapes the loop values keep (less specific than their initial
        shapes to let them change across iterations).
      parallel_iterations, back_prop, swap_memory: accepted (iterations run in order).
      maximum_iterations: stop after this many iterations, if the condition has not.

    Returns:
      The final loop values, in ``loop_vars``' structure (a single tensor for a list of
      one, as TensorFlow 1.x returns, unless ``return_same_structure``).

    Raises:
      TypeError: non-callable cond/body, or a condition that is not boolean.
      ValueError: loop values whose dtype or shape change across an iteration.
    """
    if not callable(cond) or not callable(body):
        raise TypeError("cond and body must be callable.")
    g = get_default_graph()
    with g.name_scope(name or "while") as scope:
        structure = nest.map_structure(_as_loop_value, loop_vars)
        # One context holds the loop values, the condition and the body: what they use from
        # outside it are the loop's captures.
        loop_ctx = BranchContext(scope[:-1], g._local.cf_context)
        with g.control_flow_context(loop_ctx):
            flat_in, invariants, phs = _loop_tensors(g, structure, shape_invariants)
            inside = nest.pack_sequence_as(structure, phs)
            args = list(inside) if isinstance(inside, (list, tuple)) else [inside]
            c = convert_to_tensor(cond(*args))
            if c._dtype.base_dtype is not _dt.bool:
                raise TypeError("Input 'input' of 'LoopCond' Op has type %s that does not "
                                "match expected type of bool." % c._dtype.base_dtype.name)
            outs = [convert_to_tensor(x) for x in nest.flatten(body(*args))]
        if len(outs) != len(phs):
            raise ValueError("body must return as many values as loop_vars (%d), got %d"
                             % (len(phs), len(outs)))
        _check_body_shapes(flat_in, outs, invariants)
        return _build_while(g, structure, flat_in, phs, invariants, c, outs, loop_ctx,
                            maximum_iterations, loop_vars, return_same_structure)


def _as_loop_value(x):
    return x if hasattr(x, "_flat_parts") else convert_to_tensor(x)


def _build_while(g, structure, flat_in, phs, invariants, c, outs, loop_ctx,
                 maximum_iterations, loop_vars, return_same_structure):
    captures = [t for t in loop_ctx.captures if isinstance(t, Tensor)]
    controls = [t for t in loop_ctx.captures if not isinstance(t, Tensor)]
    limit = None if maximum_iterations is None else int(_static_int(maximum_iterations))
    feeds = list(phs) + captures
    # run-time shape checks only where the body's static shape does not already guarantee it
    checks = [(k, tuple(inv.as_list())) for k, (inv, o) in enumerate(zip(invariants, outs))
              if inv.ndims is not None and not (o._shape.is_fully_defined() or inv == o._shape)]
    attrs = {"loop_vars": phs, "invariants": invariants, "captures": captures,
             "cond": SubGraph(loop_ctx, (c,), feeds), "body": SubGraph(loop_ctx, outs, feeds),
             "checks": checks, "maximum_iterations": limit}
    op = build_op("While", (list(flat_in) + captures,), attrs, "While", control_inputs=controls)
    exits = [array_ops.identity(t, name="Exit") for t in op._outputs]
    result = nest.pack_sequence_as(structure, exits)
    if (not return_same_structure and isinstance(loop_vars, (list, tuple))
            and not hasattr(loop_vars, "_fields") and len(loop_vars) == 1):
        return result[0]
    return result


def _static_int(x):
    if isinstance(x, Tensor):
        if x.op.type != "Const":
            raise NotImplementedError("fastscope: maximum_iterations must be known when the "
                                      "loop is built (got %s)" % x.name)
        x = x.op.get_attr("value")
    return int(np.asarray(x))
