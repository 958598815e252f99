"""``tf.summary`` (TF1) ops: scalar summaries and merging.

>>> import os, tempfile
>>> import fastscope as tf
>>> with tf.Graph().as_default() as g:
...     loss = tf.summary.scalar("loss", tf.constant(0.5))
...     with tf.Session() as sess:
...         writer = tf.summary.FileWriter(tempfile.mkdtemp(), sess.graph)
...         writer.add_summary(sess.run(tf.summary.merge_all()), global_step=1)
...         writer.close()
>>> loss.name
'loss:0'
"""
import re

import numpy as np

from fastscope._src.framework import dtypes as _dt
from fastscope._src.framework import errors as _errors
from fastscope._src.framework.graph import GraphKeys, get_collection, graph_of
from fastscope._src.framework.op_builder import build_op, convert_to_tensor
from fastscope._src.framework.registry import register_op
from fastscope._src.framework.tensor_shape import TensorShape
from fastscope._src.summary import event_file as _ef

_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w\.]")


def _clean_tag(name):
    """TF's tag clean-up: illegal characters become '_', a leading '/' goes."""
    if name is None:
        return None
    new = _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")
    return new


_SCALAR_TYPES = ("float32", "float64", "int32", "uint8", "int16", "int8", "int64", "uint16",
                 "float16", "uint32", "uint64")


# -- summary ops ------------------------------------------------------------------------------
def _scalar_kernel(ctx, op, value):
    v = np.asarray(value)
    if v.ndim != 0:
        raise _errors.InvalidArgumentError(
            None, op, "tags and values are not the same shape: [] != %s (tag '%s')"
            % (list(v.shape), op._attrs["tag"]))
    return _ef.scalar_summary(op._attrs["tag"], v)


def scalar(name, tensor, collections=None, family=None):
    """A scalar summary (op ``ScalarSummary``): a serialized ``Summary`` string.

    The tag is the op's name scope path (TF's rule), prefixed by ``family`` when given.

    Raises:
      TypeError: a tensor that is not real-valued.
      InvalidArgumentError (at run time): a value that is not a scalar.
    """
    name = _clean_tag(name)
    family = _clean_tag(family)
    tensor = convert_to_tensor(tensor)
    base = name if family is None else "%s/%s" % (family, name)
    g = graph_of((tensor,))
    with g.name_scope(base) as scope:
        tag = scope.rstrip("/") if family is None else "%s/%s" % (family, scope.rstrip("/"))
        op = build_op("ScalarSummary", (tensor,), {"tag": tag, "T": tensor.dtype.base_dtype},
                      scope)
    out = op._outputs[0]
    for key in (collections if collections is not None else [GraphKeys.SUMMARIES]):
        g.add_to_collection(key, out)
    return out


def _string_scalar(node):
    return [(_dt.string, TensorShape([]))]


register_op("ScalarSummary", ("values: T",), _string_scalar, _scalar_kernel,
            type_attrs={"T": tuple(_dt.as_dtype(n) for n in _SCALAR_TYPES)},
            tf_attrs=("T",))


def _merge_kernel(ctx, op, *summaries):
    seen = set()
    for s in summaries:
        for tag in _ef.summary_tags(s):
            if tag in seen:
                raise _errors.InvalidArgumentError(
                    None, op, "Duplicate tag %s found in summary inputs" % tag)
            seen.add(tag)
    # concatenated serialized messages are the merged message (repeated field 1)
    return b"".join(summaries)


register_op("MergeSummary", ("inputs: *",), _string_scalar, _merge_kernel, tf_attrs=("N",))


def merge(inputs, collections=None, name=None):
    """Merges summaries (op ``MergeSummary``); duplicate tags fail at run time.

    Raises:
      TypeError: an input that is not a string tensor.
    """
    inputs = [convert_to_tensor(t) for t in inputs]
    for t in inputs:
        if t.dtype.base_dtype is not _dt.string:
            raise TypeError("Input 'inputs' of 'MergeSummary' Op has type %s that does not "
                            "match expected type of string." % t.dtype.name)
    g = graph_of(inputs)
    with g.name_scope(name or "Merge"):
        op = build_op("MergeSummary", (inputs,), {"N": len(inputs)}, name, "MergeSummary")
    out = op._outputs[0]
    for key in collections or ():
        g.add_to_collection(key, out)
    return out


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """Merges every summary in collection ``key``; None when there are none."""
    summaries = get_collection(key, scope=scope)
    return merge(summaries, name=name) if summaries else None


def _not_built(what):
    def fn(*args, **kwargs):
        raise NotImplementedError("fastscope: tf.summary.%s is not built yet; tf.summary.scalar, "
                                  "merge, merge_all and FileWriter are" % what)
    fn.__name__ = what
    fn.__doc__ = "Not built yet: raises NotImplementedError."
    return fn


histogram = _not_built("histogram")
image = _not_built("image")
audio = _not_built("audio")
text = _not_built("text")
