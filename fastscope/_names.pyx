# cython: language_level=3
"""Compiled name resolution: unique op names, scope paths and store look-ups.

These run on every op and variable creation, so they are compiled. They touch
only builtin dicts and strs and call no Python code, so each call runs under
the GIL without interruption: two threads never receive the same name.
"""

cdef class NameTable:
    """TensorFlow's ``Graph.unique_name`` counters for one graph.

    Names are counted case-insensitively; a taken name ``n`` becomes ``n_1``,
    ``n_2``, ... and a composed name is itself marked as used, so an explicit
    ``n_1`` later becomes ``n_1_1``.
    """
    cdef dict _in_use

    def __cinit__(self):
        self._in_use = {}

    cpdef str unique(self, str stack, str name, bint mark_as_used=True):
        """The unique form of ``stack/name`` (``name`` alone when stack is empty)."""
        cdef str full = stack + "/" + name if stack else name
        cdef str key = full.lower()
        cdef dict in_use = self._in_use
        cdef object found = in_use.get(key)
        cdef Py_ssize_t i = 0 if found is None else <Py_ssize_t>found
        cdef str base
        if mark_as_used:
            in_use[key] = i + 1
        if i > 0:
            base = key
            while key in in_use:
                key = "%s_%d" % (base, i)
                i += 1
            if mark_as_used:
                in_use[key] = 1
            full = "%s_%d" % (full, i - 1)
        return full

    cpdef bint is_used(self, str full_name):
        return full_name.lower() in self._in_use

    cpdef dict snapshot(self):
        """A copy of the counters, to restore after a failed creation."""
        return dict(self._in_use)

    cpdef void restore(self, dict saved):
        self._in_use = saved


cpdef str join_scope(str scope, str name):
    """``scope/name``, or ``name`` at the root."""
    return scope + "/" + name if scope else name


cpdef str strip_scope_slash(str scope_name):
    """``a/b/`` -> ``a/b`` (TensorFlow's name_from_scope_name)."""
    return scope_name[:-1] if scope_name and scope_name[-1] == "/" else scope_name


# Results of VarTable.lookup; the store turns them into TensorFlow's errors,
# which need the Python-side definition traceback.
FOUND = 0
MISSING_CREATE = 1
EXISTS_DISALLOWED = 2
MISSING_DISALLOWED = 3


cdef class VarTable:
    """The variable store's name -> variable table with its reuse check.

    ``reuse`` is False (create only), True (reuse only) or anything else
    (AUTO_REUSE: get or create), as in TensorFlow's ``_get_single_variable``.
    """
    cdef public dict vars

    def __cinit__(self):
        self.vars = {}

    cpdef tuple lookup(self, str name, object reuse):
        """(status, variable-or-None) for ``name`` under ``reuse``."""
        cdef object var = self.vars.get(name)
        if var is not None:
            if reuse is False:
                return (EXISTS_DISALLOWED, var)
            return (FOUND, var)
        if reuse is True:
            return (MISSING_DISALLOWED, None)
        return (MISSING_CREATE, None)
