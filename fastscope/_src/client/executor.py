"""Parallel plan execution: independent heavy initialisers run on a thread pool.

``Session.run`` compiles a plan (ops in dependency order). At compile time
``analyse`` looks for *fill units*: an op with the FILL trait (random ops,
fills) and no inputs whose only consumer is the update of a variable that
keeps it (what a variable initialiser is). When a plan holds at least two large ones (``global_variables_initializer``
of a partitioned variable, or of several big variables), ``execute`` runs those
units on a thread pool (the inter-op threads) while every other op keeps its
sequential order; an op that touches a unit's variable, its Assign or its
value waits for the unit first, so variables whose initial value reads another
variable still see it initialised, as in creation order. The random kernels
release the GIL, so units overlap; each unit's fill gets an equal share of the
intra-op thread budget, so no more threads are busy than the session allows.

Plans without such units run the plain sequential loop (``run_steps``;
``plan.parallel`` is None), so small runs pay nothing. Kernel failures become
TensorFlow's error types in ``run_step``.

>>> import fastscope as tf
>>> with tf.Graph().as_default():
...     pv = tf.get_variable("w", [4096, 64], partitioner=tf.fixed_size_partitioner(4))
...     init = tf.global_variables_initializer()
...     with tf.Session() as s:
...         _ = s.run(init)
...         print(s.run(pv).shape)
(4096, 64)
"""
import concurrent.futures
import threading

from fastscope._src.framework import errors as _errors
from fastscope._src.kernels import max_threads, resolve_threads

# Below this many elements a fill is cheaper than handing it to another thread.
MIN_UNIT_ELEMENTS = 1 << 16

_STEP, _UNIT = 0, 1


class Schedule:
    """The parallel form of a plan: actions in order, and what each must wait for.

    ``actions`` holds ``(kind, waits, payload)``: kind _STEP runs plan step
    ``payload`` in this thread; kind _UNIT submits fill unit ``payload``
    (unit id, fill step index, Assign step index). ``waits`` lists the unit ids that must have
    finished first.
    """
    __slots__ = ("actions", "n_units")

    def __init__(self, actions, n_units):
        self.actions = actions
        self.n_units = n_units


def _elements(op):
    shape = op._attrs.get("shape")
    if shape is None:
        return 0
    n = 1
    for d in shape:
        n *= int(d)
    return n


def analyse(steps, fetch_slots=()):
    """The Schedule of a compiled plan's ``steps``, or None when it has < 2 large fill units.

    Args:
      steps: the plan's ``(kernel, op, input_slots, output_slots)`` in dependency order.
      fetch_slots: slots fetched by the caller (a fetched fill output is not deferred).
    """
    candidates = [i for i, st in enumerate(steps)
                  if st[1]._def.fill and not st[1]._inputs
                  and not st[1]._control_inputs and len(st[3]) == 1
                  and _elements(st[1]) >= MIN_UNIT_ELEMENTS]
    if len(candidates) < 2:
        return None
    consumers = {}
    for k, (_, _, ins, _) in enumerate(steps):
        for s in ins:
            if s >= 0:
                consumers.setdefault(s, []).append(k)
    fetched = set(fetch_slots)
    units = []           # (fill step, assign step)
    for i in candidates:
        slot = steps[i][3][0]
        users = consumers.get(slot, ())
        if slot in fetched or len(users) != 1:
            continue
        j = users[0]
        aop = steps[j][1]
        # the consumer must keep the fill's buffer as a variable's value (an initialiser)
        if (aop._ref_inputs != (0,) or len(aop._inputs) != 2 or not aop._def.stateful
                or aop._inputs[1]._op is not steps[i][1]):
            continue
        units.append((i, j))
    if len(units) < 2:
        return None
    # Which unit each op belongs to (its fill op, Assign and variable).
    owner = {}
    for u, (i, j) in enumerate(units):
        aop = steps[j][1]
        for op in (steps[i][1], aop, aop._inputs[0]._op):
            owner.setdefault(op, []).append(u)
    fill_steps = {i for i, _ in units}
    unit_at = {j: u for u, (_, j) in enumerate(units)}
    submitted = set()
    actions = []
    for k, (_, op, _, _) in enumerate(steps):
        if k in fill_steps:
            continue
        mine = unit_at.get(k)
        related = [op]
        related.extend(t._op for t in op._inputs)
        related.extend(op._control_inputs)
        waits = []
        for r in related:
            for u in owner.get(r, ()):
                if u != mine and u in submitted and u not in waits:
                    waits.append(u)
        if mine is not None:
            actions.append((_UNIT, tuple(waits), mine))
            submitted.add(mine)
        else:
            actions.append((_STEP, tuple(waits), k))
    return Schedule([(kind, waits, (p,) + units[p] if kind == _UNIT else p)
                     for kind, waits, p in actions], len(units))


class _UnitContext:
    """What kernels see of the session inside a worker: its state, a share of the threads."""
    __slots__ = ("values", "intra_threads", "random_stream", "lock_for", "run_subgraph")

    def __init__(self, session, intra_threads):
        self.values = session._values
        self.intra_threads = intra_threads
        self.random_stream = session.random_stream
        self.lock_for = session.lock_for
        self.run_subgraph = session.run_subgraph


def _kernel_error(op, e):
    """The OpError for a kernel's Python exception ``e`` (OpErrors pass as they are)."""
    if isinstance(e, _errors.OpError):
        return e
    cls = _errors.ResourceExhaustedError if isinstance(e, MemoryError) else \
        _errors.InvalidArgumentError
    err = cls(None, op, "%s: %s" % (type(e).__name__, e))
    err.__cause__ = e
    return err


_KERNEL_ERRORS = (_errors.OpError, ValueError, TypeError, IndexError, ArithmeticError,
                  MemoryError)


def run_step(ctx, step, vals):
    """Runs one plan step, turning a kernel's Python error into TensorFlow's OpError."""
    run_steps(ctx, (step,), vals)


def run_steps(ctx, steps, vals):
    """Runs ``steps`` in order in this thread (the plain, sequential plan).

    Each step is ``(kernel, op, input slots, output slots)``; an input slot of -1 is a
    reference input (passed as None). The loop is written out here, not per step, because
    it is the executor's whole per-op cost.
    """
    step = None
    try:
        for step in steps:
            kernel, op, ins, outs = step
            res = kernel(ctx, op, *[None if i < 0 else vals[i] for i in ins])
            if len(outs) == 1:
                vals[outs[0]] = res
            elif outs:
                for s, r in zip(outs, res):
                    vals[s] = r
    except _KERNEL_ERRORS as e:
        err = _kernel_error(step[1], e)
        if err is e:
            raise
        raise err from e


def _run_unit(ctx, steps, unit, vals):
    _, i, j = unit
    run_step(ctx, steps[i], vals)
    run_step(ctx, steps[j], vals)


_pools = {}
_pools_lock = threading.Lock()


def _pool(workers):
    with _pools_lock:
        pool = _pools.get(workers)
        if pool is None:
            pool = _pools[workers] = concurrent.futures.ThreadPoolExecutor(
                max_workers=workers, thread_name_prefix="fastscope-inter-op")
        return pool


def thread_plan(session, n_units):
    """(concurrent units, intra-op threads per unit) for a session and a number of units.

    Inter-op threads come from ConfigProto.inter_op_parallelism_threads (else
    ``threads.resolve_threads()``); the intra-op budget (ConfigProto
    .intra_op_parallelism_threads, else ``resolve_threads()``) is split among them.
    """
    inter = min(session.inter_threads or resolve_threads(), max_threads())
    workers = max(1, min(inter, n_units))
    budget = resolve_threads(session.intra_threads)
    return workers, max(1, budget // workers)


def execute(session, plan, vals):
    """Runs ``plan`` with its fill units on the inter-op pool; everything else in order.

    Raises:
      OpError: the first failure, from this thread or a worker (the same exception
        object a sequential run would raise); pending units are waited for first.
    """
    sched = plan.parallel
    steps = plan.steps
    workers, per_unit = thread_plan(session, sched.n_units)
    if workers == 1:
        for kind, _, payload in sched.actions:
            if kind == _STEP:
                run_step(session, steps[payload], vals)
            else:
                _run_unit(session, steps, payload, vals)
        return
    ctx = _UnitContext(session, per_unit)
    pool = _pool(workers)
    pending = {}
    try:
        for kind, waits, payload in sched.actions:
            for u in waits:
                fut = pending.pop(u, None)
                if fut is not None:
                    fut.result()
            if kind == _STEP:
                run_step(session, steps[payload], vals)
            else:
                pending[payload[0]] = pool.submit(_run_unit, ctx, steps, payload, vals)
        while pending:
            pending.pop(next(iter(pending))).result()
    except BaseException:
        for fut in pending.values():
            try:
                fut.result()
            except BaseException:  # the first error wins; later ones are consequences
                pass
        raise

