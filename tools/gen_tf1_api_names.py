"""Regenerates fastscope/_src/tf1_api_names.txt: TensorFlow 1.x's public names (names only).

Run with a Python that has tensorflow-cpu and tf-keras installed:
    TF_USE_LEGACY_KERAS=1 python tools/gen_tf1_api_names.py > fastscope/_src/tf1_api_names.txt

Lists ``tf.compat.v1``'s names and those of its first-level namespaces (``nn.conv2d``,
``train.AdamOptimizer``, ``layers.dense`` ...), plus ``contrib`` (TF 1.15's namespace,
absent from TF 2.x). fastscope uses the list only to tell "not provided yet" from a typo.
"""
import types

import tensorflow.compat.v1 as tf

SKIP = {"keras", "estimator", "feature_column"}   # huge or broken to walk; their names suffice


def walk(mod, prefix, depth, out):
    for name in dir(mod):
        if name.startswith("_"):
            continue
        full = prefix + name
        out.add(full)
        if depth == 0 and name in SKIP:
            continue
        try:
            obj = getattr(mod, name)
            modname = getattr(obj, "__name__", "") if isinstance(obj, types.ModuleType) else ""
        except BaseException:   # lazy loaders of optional parts may fail: the name is enough
            continue
        if modname.startswith(("tensorflow", "tf_keras")) and depth < 1:
            walk(obj, full + ".", depth + 1, out)


def main():
    names = {"contrib"}
    walk(tf, "", 0, names)
    print("\n".join(sorted(names)))


if __name__ == "__main__":
    main()
