import sys
if sys.argv[1] == "tf":
    import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()
else:
    import fastscope as tf
import numpy as np

p = tf.placeholder(tf.bool, [], name="p")
x = tf.constant(2.0)
r = tf.cond(p, lambda: x * 2, lambda: x + 1)
r2 = tf.cond(p, lambda: (x, [x * 3]), lambda: (x, [x]))
print(r.name, r.shape, r2[0].name, r2[1][0].name)
seen = []


def body(i, s):
    seen.append(i.name)
    return i + 1, s + tf.cast(i, tf.float32)


w = tf.while_loop(lambda i, s: i < 10, body, (tf.constant(0), tf.constant(0.0)))
print(seen, [t.name for t in w], [str(t.shape) for t in w])
grown = tf.while_loop(lambda v: tf.shape(v)[0] < 8, lambda v: tf.concat([v, v], 0),
                      [tf.constant([1])], shape_invariants=[tf.TensorShape([None])])
print(grown.name, grown.shape)
for label, fn in (
        ("pred int", lambda: tf.cond(tf.constant(1), lambda: x, lambda: x)),
        ("dtypes", lambda: tf.cond(p, lambda: x, lambda: tf.constant(1))),
        ("cond int", lambda: tf.while_loop(lambda v: v, lambda v: v + 1, [tf.constant(1)])),
        ("invariant", lambda: tf.while_loop(lambda v: tf.reduce_sum(v) < 10,
                                            lambda v: tf.concat([v, v], 0),
                                            [tf.constant([1], name="start")]))):
    try:
        fn()
        print(label, "no error")
    except (TypeError, ValueError) as e:
        print(label, type(e).__name__, str(e).split(" for '")[0])
ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
_, ta = tf.while_loop(lambda i, t: i < 4, lambda i, t: (i + 1, t.write(i, tf.cast(i, tf.float32))),
                      (tf.constant(0), ta))
m = tf.map_fn(lambda v: v * v, tf.constant([1.0, 2.0, 3.0]))
sc = tf.scan(lambda a, v: a + v, tf.constant([1.0, 2.0, 3.0]))
fl = tf.foldl(lambda a, v: a * 10 + v, tf.constant([1.0, 2.0, 3.0]))
fr = tf.foldr(lambda a, v: a * 10 + v, tf.constant([1.0, 2.0, 3.0]))
c = tf.case([(p, lambda: tf.constant(1))], default=lambda: tf.constant(0))
with tf.Session() as s:
    for feed in (True, False):
        print(s.run(r, {p: feed}), s.run(r2, {p: feed}), s.run(c, {p: feed}))
    print(s.run(w), s.run(grown).tolist(), s.run(ta.stack()).tolist(), s.run(ta.size()))
    print(s.run(m).tolist(), s.run(sc).tolist(), s.run(fl), s.run(fr))
    fixed = tf.TensorArray(tf.float32, size=1)
    for label, t in (("write past end", fixed.write(3, 1.0).stack()),
                     ("write twice", fixed.write(0, 1.0).write(0, 2.0).stack())):
        try:
            s.run(t)
        except tf.errors.OpError as e:
            print(label, type(e).__name__)
