"""Custom getters: adapted once where they enter, run as one flat chain.

A variable scope holds a ``GetterChain``: the getters of the scopes it is
nested in, innermost first. Running it calls the innermost getter with a
``next_getter`` that calls the next one out, and so on to the true getter
(the store), over one tuple rather than nested partials. Each getter is
adapted once, where it enters a scope or ``get_variable``: TensorFlow passes
``constraint`` only to getters that accept it.

>>> seen = []
>>> def outer(getter, name, **kw):
...     seen.append("outer"); return getter(name, **kw)
>>> def inner(getter, name, **kw):
...     seen.append("inner"); return getter(name, **kw)
>>> chain = GetterChain.of(outer).wrapped_by(inner)
>>> chain(lambda name, **kw: name, "v")
'v'
>>> seen
['inner', 'outer']
"""
import inspect


def _accepts(fn, arg):
    """Whether callable ``fn`` takes keyword ``arg`` (or **kwargs)."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return True
    for p in sig.parameters.values():
        if p.kind == p.VAR_KEYWORD or p.name == arg:
            return True
    return False


def _adapt(getter):
    if not callable(getter):
        raise ValueError("Passed a custom_getter which is not callable: %s" % (getter,))
    if _accepts(getter, "constraint"):
        return getter

    def without_constraint(next_getter, *args, **kwargs):
        kwargs.pop("constraint", None)
        return getter(next_getter, *args, **kwargs)
    return without_constraint


class GetterChain:
    """TF1 custom getters, innermost first, called as one TF1 getter.

    ``chain(getter, name, **kwargs)`` runs them in order, the last one calling
    ``getter`` (the true getter).
    """

    __slots__ = ("_getters", "original")

    def __init__(self, getters, original):
        self._getters = getters
        self.original = original

    @classmethod
    def of(cls, getter):
        """A chain of one user getter (None stays None; a chain is kept).

        Raises:
          ValueError: ``getter`` is not callable.
        """
        if getter is None or isinstance(getter, GetterChain):
            return getter
        return cls((_adapt(getter),), getter)

    def wrapped_by(self, inner):
        """This chain with the chain ``inner`` (or a getter) running first."""
        inner = GetterChain.of(inner)
        if inner is None:
            return self
        return GetterChain(inner._getters + self._getters, inner.original)

    def __call__(self, getter, name, *args, **kwargs):
        getters = self._getters

        def step(i, name, args, kwargs):
            if i == len(getters):
                return getter(name, *args, **kwargs)

            def next_getter(name, *args, **kwargs):
                return step(i + 1, name, args, kwargs)
            return getters[i](next_getter, name, *args, **kwargs)
        return step(0, name, args, kwargs)

    def __repr__(self):
        return "<GetterChain of %d: %r>" % (len(self._getters), self.original)


def chain(inner, outer):
    """The getter chain of a scope with getter ``inner`` nested in one with chain ``outer``."""
    if outer is None:
        return GetterChain.of(inner)
    return outer.wrapped_by(inner)
