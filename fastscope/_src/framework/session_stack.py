"""The per-thread stack of default sessions, below both the graph and the client.

``Tensor.eval`` and ``Variable.load`` need "the default session" without the
framework knowing what a Session is: the client pushes sessions here
(``with sess.as_default()``), and anything may look them up.

>>> get_default_session() is None
True
"""
import threading


class _Stack(threading.local):
    def __init__(self):
        self.sessions = []


_local = _Stack()


def get_default_session():
    """The innermost session entered with ``as_default()`` (or ``with``) in this thread."""
    stack = _local.sessions
    return stack[-1] if stack else None


def push(session):
    _local.sessions.append(session)


def remove(session):
    """Takes ``session`` off this thread's stack (the innermost entry of it, if several)."""
    stack = _local.sessions
    if stack and stack[-1] is session:
        stack.pop()
        return
    for i in range(len(stack) - 1, -1, -1):
        if stack[i] is session:
            del stack[i]
            return


def drop_interactive():
    """Forgets this thread's interactive sessions (``reset_default_graph`` does)."""
    _local.sessions[:] = [s for s in _local.sessions if not getattr(s, "_interactive", False)]


def session_for(session, graph, what="tensor"):
    """``session``, or the default session, checked to run ``graph``.

    ``what`` is "tensor" (``eval``) or "operation" (``run``), for TensorFlow's words.

    Raises:
      ValueError: no session given and none is the default, or the default runs
        another graph.
    """
    if session is not None:
        return session
    session = get_default_session()
    verb, call = ("evaluate", "eval") if what == "tensor" else ("execute", "run")
    if session is None:
        raise ValueError("Cannot %s %s using `%s()`: No default session is registered. Use "
                         "`with sess.as_default()` or pass an explicit session to "
                         "`%s(session=sess)`" % (verb, what, call, call))
    if session.graph is not graph:
        raise ValueError("Cannot use the given session to %s %s: the %s's graph is different "
                         "from the session's graph." % (verb, what, what))
    return session
