import sys
if sys.argv[1] == "tf":
    import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()
else:
    import fastscope as tf
with tf.variable_scope("outer") as outer:
    v = tf.get_variable("v", [1])
with tf.variable_scope("other"):
    with tf.variable_scope(outer, reuse=True) as again:
        print(again.name, tf.constant(1).name, tf.get_variable("v", [1]) is v)
        with tf.variable_scope("inner") as inner:
            print(inner.name, tf.constant(1).name)
with tf.variable_scope(outer, auxiliary_name_scope=False) as s:
    print(s.name, tf.constant(1).name)
with tf.name_scope("ns"):
    with tf.variable_scope("vs", auxiliary_name_scope=False):
        print(tf.get_variable("w", [1]).name, tf.constant(1.0).name)
with tf.variable_scope(None, default_name="layer") as a: pass
with tf.variable_scope(None, default_name="layer") as b: pass
with tf.variable_scope("fixed") as c: pass
with tf.variable_scope("fixed") as d: pass
print(a.name, b.name, a.original_name_scope, b.original_name_scope, c.original_name_scope, d.original_name_scope)
with tf.variable_scope("a"): tf.get_variable("w", [1])
with tf.variable_scope("a", reuse=True):
    with tf.variable_scope("b", reuse=False): print(tf.get_variable_scope().reuse)
print(tf.Variable(1.0).name, tf.Variable(1.0, name="x/").name if False else "")
g = tf.get_default_graph()
print(g.unique_name("foo"), g.unique_name("foo"), g.unique_name("foo_1"))
with tf.name_scope(None, "dflt") as s: print(s)
i = tf.get_variable("ii", [1], dtype=tf.int32)
with tf.variable_scope("", reuse=True):
    try: tf.get_variable("ii", [1])
    except ValueError as e: print("VE", e)
