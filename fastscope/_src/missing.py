"""Missing TF1 names: "not provided yet" rather than a bare AttributeError.

``tf1_api_names.txt`` lists the public names of TensorFlow's ``tf.compat.v1``
(and its first-level namespaces, ``tf.layers`` with legacy Keras, and
``tf.contrib``), one ``namespace.name`` per line, generated from TensorFlow
2.21 (names only). A public fastscope module's ``__getattr__`` asks
``missing_attribute`` what to raise for a name it lacks.

>>> str(missing_attribute("fastscope", "gradients")).startswith("module 'fastscope' has no")
True
"""
import os

_NAMES = []



def _known():
    if not _NAMES:
        path = os.path.join(os.path.dirname(__file__), "tf1_api_names.txt")
        with open(path, encoding="utf-8") as f:
            _NAMES.append(frozenset(line.strip() for line in f if line.strip()))
    return _NAMES[0]


def missing_attribute(module, name):
    """The AttributeError for ``module.name`` (``module`` a public fastscope module name).

    A TensorFlow 1.x API name gets a message saying fastscope does not provide it
    yet; any other name gets Python's usual message.
    """
    prefix = module[len("fastscope"):].lstrip(".")
    prefix = prefix[len("compat.v1"):].lstrip(".") if prefix.startswith("compat.v1") else prefix
    qualified = prefix + "." + name if prefix else name
    msg = "module '%s' has no attribute '%s'" % (module, name)
    if not name.startswith("_") and qualified in _known():
        msg += ("; tf.%s is a TensorFlow 1.x API that fastscope does not provide yet (the "
                "README's support table lists what is provided)" % qualified)
    return AttributeError(msg)
