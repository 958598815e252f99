"""TensorFlow's error classes (``tf.errors``), with the same names and codes.

Run-time failures inside ``Session.run`` raise these; build-time mistakes raise
ValueError/TypeError, as TensorFlow does.
"""

import errno

OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND = 0, 1, 2, 3, 4, 5
ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION = 6, 7, 8, 9
ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS = 10, 11, 12, 13, 14, 15
UNAUTHENTICATED = 16


class OpError(Exception):
    """A failure while running an op: carries the node and TensorFlow's error code.

    Args:
      node_def: unused (kept for TensorFlow's signature); None.
      op: the ``Operation`` that failed, or None.
      message: what went wrong.
      error_code: one of the module's codes.
    """

    def __init__(self, node_def, op, message, error_code=UNKNOWN):
        super().__init__(message)
        self.node_def = node_def
        self.op = op
        self.message = message
        self.error_code = error_code

    def __str__(self):
        if self.op is not None:
            return "%s\n\t [[{{node %s}}]]" % (self.message, self.op.name)
        return self.message


def _subclass(name, code, doc):
    def __init__(self, node_def, op, message, *args):
        OpError.__init__(self, node_def, op, message, code)
    return type(name, (OpError,), {"__init__": __init__, "__doc__": doc})


CancelledError = _subclass("CancelledError", CANCELLED, "An operation was cancelled.")
UnknownError = _subclass("UnknownError", UNKNOWN, "An unknown error.")
InvalidArgumentError = _subclass("InvalidArgumentError", INVALID_ARGUMENT,
                                 "An op received an invalid argument (a bad feed, shape or index).")
DeadlineExceededError = _subclass("DeadlineExceededError", DEADLINE_EXCEEDED, "A deadline expired.")
NotFoundError = _subclass("NotFoundError", NOT_FOUND, "A requested entity was not found.")
AlreadyExistsError = _subclass("AlreadyExistsError", ALREADY_EXISTS, "An entity already exists.")
PermissionDeniedError = _subclass("PermissionDeniedError", PERMISSION_DENIED, "Permission denied.")
ResourceExhaustedError = _subclass("ResourceExhaustedError", RESOURCE_EXHAUSTED,
                                   "A resource (usually memory) ran out.")
FailedPreconditionError = _subclass("FailedPreconditionError", FAILED_PRECONDITION,
                                    "State was not ready (e.g. an uninitialised variable was read).")
AbortedError = _subclass("AbortedError", ABORTED, "An operation was aborted.")
OutOfRangeError = _subclass("OutOfRangeError", OUT_OF_RANGE, "An operation went past the valid range.")
UnimplementedError = _subclass("UnimplementedError", UNIMPLEMENTED, "An operation is not implemented.")
InternalError = _subclass("InternalError", INTERNAL, "An internal invariant was broken.")
UnavailableError = _subclass("UnavailableError", UNAVAILABLE, "The runtime is unavailable.")
DataLossError = _subclass("DataLossError", DATA_LOSS, "Unrecoverable data loss.")
UnauthenticatedError = _subclass("UnauthenticatedError", UNAUTHENTICATED, "Not authenticated.")


_ERRNO_TYPES = {
    errno.EEXIST: AlreadyExistsError, errno.ENOENT: NotFoundError,
    errno.EACCES: PermissionDeniedError, errno.EPERM: PermissionDeniedError,
    errno.EROFS: PermissionDeniedError, errno.ENOTDIR: FailedPreconditionError,
    errno.EISDIR: FailedPreconditionError, errno.ENOTEMPTY: FailedPreconditionError,
    errno.ENOSPC: ResourceExhaustedError, errno.EDQUOT: ResourceExhaustedError,
    errno.EFBIG: ResourceExhaustedError, errno.ENOMEM: ResourceExhaustedError,
    errno.EMFILE: ResourceExhaustedError, errno.ENAMETOOLONG: InvalidArgumentError,
    errno.EINVAL: InvalidArgumentError, errno.EIO: DataLossError,
}


def from_os_error(err, path, doing="opening"):
    """TensorFlow's error for an OSError raised while ``doing`` something with ``path``.

    Mapped by errno (EEXIST -> AlreadyExistsError, ENOENT -> NotFoundError, EACCES ->
    PermissionDeniedError, ENOTDIR -> FailedPreconditionError, ENOSPC ->
    ResourceExhaustedError, ...); anything else is an UnknownError.

    >>> import errno
    >>> e = from_os_error(OSError(errno.ENOENT, "No such file or directory"), "/x/y")
    >>> type(e).__name__, str(e)
    ('NotFoundError', '/x/y; No such file or directory (while opening it)')
    """
    cls = _ERRNO_TYPES.get(getattr(err, "errno", None), UnknownError)
    reason = getattr(err, "strerror", None) or str(err)
    return cls(None, None, "%s; %s (while %s it)" % (path, reason, doing))
