# cython: language_level=3
"""Compiled name resolution: unique op names, scope paths, store look-ups, build nodes.

These run on every op and variable creation, so they are compiled. They touch
only builtin dicts and strs and call no Python code, so each call runs under
the GIL without interruption: two threads never receive the same name.
"""

cdef extern from "pythread.h":
    unsigned long PyThread_get_thread_ident()


cdef class NameTable:
    """TensorFlow's ``Graph.unique_name`` counters for one graph.

    Names are counted case-insensitively; a taken name ``n`` becomes ``n_1``,
    ``n_2``, ... and a composed name is itself marked as used, so an explicit
    ``n_1`` later becomes ``n_1_1``.
    """
    cdef dict _in_use
    cdef dict _journals   # thread ident -> [(key, previous count or None), ...]

    def __cinit__(self):
        self._in_use = {}
        self._journals = {}

    cdef inline void _set(self, str key, object value):
        cdef list journal
        if self._journals:
            journal = self._journals.get(PyThread_get_thread_ident())
            if journal is not None:
                journal.append((key, self._in_use.get(key)))
        self._in_use[key] = value

    cpdef str unique(self, str stack, str name, bint mark_as_used=True):
        """The unique form of ``stack/name`` (``name`` alone when stack is empty)."""
        cdef str full = stack + "/" + name if stack else name
        cdef str key = full.lower()
        cdef dict in_use = self._in_use
        cdef object found = in_use.get(key)
        cdef Py_ssize_t i = 0 if found is None else <Py_ssize_t>found
        cdef str base
        if mark_as_used:
            self._set(key, i + 1)
        if i > 0:
            base = key
            while key in in_use:
                key = "%s_%d" % (base, i)
                i += 1
            if mark_as_used:
                self._set(key, 1)
            full = "%s_%d" % (full, i - 1)
        return full

    cpdef Py_ssize_t journal_begin(self):
        """Starts (or nests into) journaling this thread's name changes; returns a marker.

        Pair with ``journal_rollback(marker)`` to undo the changes made since, and
        with ``journal_end()`` (outermost transaction only) to stop journaling.
        """
        cdef unsigned long ident = PyThread_get_thread_ident()
        cdef list journal = self._journals.get(ident)
        if journal is None:
            self._journals[ident] = []
            return 0
        return len(journal)

    cpdef void journal_rollback(self, Py_ssize_t marker):
        """Undoes this thread's name changes since ``marker`` (others' are untouched)."""
        cdef list journal = self._journals.get(PyThread_get_thread_ident())
        cdef Py_ssize_t i
        if journal is None:
            return
        for i in range(len(journal) - 1, marker - 1, -1):
            key, old = journal[i]
            if old is None:
                self._in_use.pop(key, None)
            else:
                self._in_use[key] = old
        del journal[marker:]

    cpdef void journal_end(self):
        """Stops journaling this thread's name changes (keeps them)."""
        self._journals.pop(PyThread_get_thread_ident(), None)


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


cdef inline bint _valid_name(str name, bint in_scope):
    """TensorFlow's op-name / scope-name regexes, without the regex engine.

    Root: ``[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*``; inside a scope the first
    character may also be ``_ \\ / > -``.
    """
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    for i, c in enumerate(name):
        if ('A' <= c <= 'Z') or ('a' <= c <= 'z') or ('0' <= c <= '9') or c == '.':
            continue
        if c == '_' or c == '\\' or c == '/' or c == '>' or c == '-':
            if i == 0 and not in_scope:
                return False
            continue
        return False
    return True


cdef class NameScope:
    """``Graph.name_scope(name)`` as a compiled context manager.

    ``local`` is the graph's per-thread state (its ``name_stack`` attribute).
    A name is uniquified; ``a/`` re-enters ``a`` as is; None or '' resets.
    """
    cdef NameTable table
    cdef object local
    cdef object name
    cdef str old

    def __cinit__(self, NameTable table, object local, object name):
        self.table = table
        self.local = local
        self.name = name

    def __enter__(self):
        cdef str name
        cdef str old = self.local.name_stack
        cdef str new
        cdef str returned
        if self.name:
            if not isinstance(self.name, str):
                raise TypeError("name_scope name must be a string, got %r" % (self.name,))
            name = self.name
            if not _valid_name(name, len(old) > 0):
                raise ValueError("'%s' is not a valid scope name" % name)
            if name[len(name) - 1] == '/':
                new = name[:len(name) - 1]
                returned = name
            else:
                new = self.table.unique(old, name, True)
                returned = new + "/"
        else:
            new = ""
            returned = ""
        self.old = old
        self.local.name_stack = new
        return returned

    def __exit__(self, exc_type, exc, tb):
        self.local.name_stack = self.old
        return False


cpdef bint valid_op_name(str name):
    return len(name) > 0 and _valid_name(name, False)


cdef class Node:
    """An op being built, as its shape function sees it.

    Attributes:
      graph, type: the graph and the op type.
      inputs: the converted input tensors (list inputs flattened, in order).
      attrs: the attribute dict.
      name: the op's full name (the one it will get).
    """
    cdef readonly object graph
    cdef readonly str type
    cdef readonly tuple inputs
    cdef readonly dict attrs
    cdef readonly object name_arg
    cdef readonly str default

    def __cinit__(self, graph, str op_type, tuple inputs, dict attrs, name_arg, str default):
        self.graph = graph
        self.type = op_type
        self.inputs = inputs
        self.attrs = attrs
        self.name_arg = name_arg
        self.default = default

    @property
    def name(self):
        name = self.name_arg
        if name and name[len(name) - 1] == "/":
            return name[:len(name) - 1]
        g = self.graph
        return g._names.unique(g._local.name_stack, name or self.default, False)

    def describe(self):
        """``'{{node NAME}} = TYPE'``, as TensorFlow's shape errors name a node."""
        return "'{{node %s}} = %s'" % (self.name, self.type)

    def input_shapes(self):
        """``[2,3], [3]``: the input shapes as TensorFlow's messages list them."""
        out = []
        for t in self.inputs:
            dims = t._shape._dims
            if dims is None:
                out.append("?")
            else:
                out.append("[%s]" % ",".join(["?" if d._value is None else str(d._value)
                                              for d in dims]))
        return ", ".join(out)
