import sys
import numpy as np
if sys.argv[1] == "tf":
    import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()
else:
    import fastscope as tf


def show(label, t):
    ts = t if isinstance(t, list) else [t]
    print(label, [(x.name, str(x.shape), x.dtype.name) for x in ts])


def value(label, t, feed=None):
    got = sess.run(t, feed)
    got = got if isinstance(got, list) else [got]
    print(label, [(np.asarray(g).tolist(), np.asarray(g).dtype.name) for g in got])


def error(label, fn):
    try:
        fn()
        print(label, "no error")
    except (ValueError, TypeError) as e:
        print(label, type(e).__name__)
    except tf.errors.OpError as e:
        print(label, type(e).__name__)


x = tf.placeholder(tf.float32, [None, 3, 4], name="x")
u = tf.placeholder(tf.float32, None, name="u")
i = tf.placeholder(tf.int32, [], name="i")
d = tf.placeholder(tf.int32, [None], name="d")
xv = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
sess = tf.Session()
F = {x: xv}

# dynamic shapes
s = tf.shape(x)
show("shape", s)
show("shape0", s[0])
show("shape1:", s[1:])
show("size", tf.size(x))
show("rank", tf.rank(u))
print("static shape/size/rank", tf.shape(tf.zeros([2, 3])).op.type, tf.size(tf.zeros([2, 3])).op.type,
      tf.rank(x).op.type)
value("shape values", [s, s[0], s[-1], tf.size(x), tf.rank(x), tf.shape(x, out_type=tf.int64)], F)
r1 = tf.reshape(x, [-1, 12])
r2 = tf.reshape(x, [tf.shape(x)[0], -1])
r3 = tf.reshape(x, tf.shape(x))
r4 = tf.reshape(x, tf.stack([-1, tf.shape(x)[1] * 4]))
r5 = tf.reshape(u, tf.concat([tf.shape(x)[1:], [2]], 0))
r6 = tf.reshape(u, tf.cast(tf.shape(x), tf.int64))
for k, t in enumerate([r1, r2, r3, r4, r5, r6]):
    show("reshape%d" % k, t)
print("reshape inputs", [t.name for t in r2.op.inputs], r2.op.inputs[1].op.type)
value("reshape values", [r1, r2, r4], F)
value("reshape zero", tf.reshape(u, d), {u: np.zeros((0, 3)), d: [-1, 0]})
z1 = tf.zeros(tf.shape(x))
z2 = tf.ones(tf.shape(x), tf.int32)
z3 = tf.zeros([tf.shape(x)[0], 3])
f1 = tf.fill([2, 3], 5.0)
f2 = tf.fill(tf.shape(x), 7)
for k, t in enumerate([z1, z2, z3, f1, f2]):
    show("fill%d" % k, t)
print("fill types", [t.op.type for t in (z1, z2, z3, f1, f2)], [t.name for t in f1.op.inputs])
value("fill values", [z3, f1, tf.reduce_sum(f2)], F)
zl = [tf.zeros_like(x), tf.zeros_like(x, dtype=tf.int32), tf.ones_like(x), tf.ones_like(u, tf.bool)]
for k, t in enumerate(zl):
    show("like%d" % k, t)
print("like types", [t.op.type for t in zl])
value("like values", [tf.reduce_sum(zl[2]), zl[3]], {x: xv, u: np.zeros((2, 1))})
value("zeros/ones of strings and bools", [tf.zeros([2], tf.string), tf.ones([2], tf.bool),
                                          tf.zeros_like(tf.constant(["a", "b"]))])

# slicing
ss = [x[1:, ..., tf.newaxis, 2], x[i], x[i:, :i], x[:, ::-1, 1::2], x[..., -1], x[0, 1, 2],
      x[:, None, 1], x[tf.newaxis], u[1:, 2], tf.shape(x)[::-1], x[0][tf.constant(1, tf.int64)]]
for k, t in enumerate(ss):
    show("getitem%d" % k, t)
print("getitem masks", [[t.op.get_attr(m) for m in ("begin_mask", "end_mask", "ellipsis_mask",
                                                     "new_axis_mask", "shrink_axis_mask")]
                        for t in ss[:8]])
value("getitem values", ss[:8] + ss[9:], {x: xv, i: 1})
st = tf.strided_slice(x, [0, 2], [2, 0], [1, -1], begin_mask=1, shrink_axis_mask=0)
show("strided_slice", st)
print("strided_slice inputs", [t.name for t in st.op.inputs])
value("strided_slice values", st, F)
sl = [tf.slice(x, [0, 1, 0], [-1, 2, 3]), tf.slice(x, d, [1, 2, 2]), tf.slice(x, [1, 0, 0], d)]
for k, t in enumerate(sl):
    show("slice%d" % k, t)
value("slice values", sl[:2], {x: xv, d: [1, 1, 2]})
rv = [tf.reverse(x, [1]), tf.reverse(x, [-1, 0])]
show("reverse", rv)
value("reverse values", rv, F)

# shape manipulation
man = [tf.expand_dims(x, -1), tf.expand_dims(x, 0), tf.expand_dims(x, i), tf.squeeze(tf.zeros([1, 2, 1])),
       tf.squeeze(tf.zeros([1, 2, 1]), [2]), tf.squeeze(x[:1], 0), tf.transpose(x),
       tf.transpose(x, [1, 0, 2]), tf.tile(x, [1, 2, 3]), tf.tile(x, tf.shape(x)),
       tf.broadcast_to(tf.constant([1, 2, 3]), [2, 3]), tf.broadcast_to(x[:1], tf.shape(x)),
       tf.pad(x, [[1, 1], [0, 2], [0, 0]]), tf.pad(x, [[0, 0], [1, 1], [2, 0]], mode="REFLECT"),
       tf.pad(x, [[0, 0], [1, 2], [0, 0]], mode="symmetric"),
       tf.pad(x, [[0, 0], [1, 0], [0, 0]], constant_values=-1)]
for k, t in enumerate(man):
    show("manip%d" % k, t)
print("manip types", [t.op.type for t in man])
value("manip values", [tf.reduce_sum(t) for t in man if t is not man[2]] + [man[13][0, :, 0]], F)
value("transpose complex", tf.transpose(tf.constant([[1 + 2j, 3j]]), conjugate=True))

# stack, unstack, split
st1 = tf.stack([x, x], axis=1)
st2 = tf.stack([tf.shape(x)[0], 3])
st3 = tf.stack([1, 2])
show("stack", [st1, st2, st3])
print("stack types", st1.op.type, st2.op.type, st3.op.type)
un = tf.unstack(x, axis=1)
show("unstack", un)
sp1 = tf.split(x, 2, axis=2)
sp2 = tf.split(x, [1, -1], axis=1)
sp3 = tf.split(x, tf.constant([3, 1]), axis=-1)
show("split", sp1 + sp2 + sp3)
print("split types", sp1[0].op.type, sp2[0].op.type, [t.name for t in sp1[0].op.inputs])
value("stack values", [st2, st3, un[1][:, 0]] + sp2, F)

# errors: build time
zz = tf.zeros([2, 3])
for label, fn in [
        ("reshape size", lambda: tf.reshape(zz, [5, 5])),
        ("reshape divisible", lambda: tf.reshape(zz, [-1, 4])),
        ("reshape -2", lambda: tf.reshape(zz, [-2, 3])),
        ("reshape float", lambda: tf.reshape(zz, [2.0, 3.0])),
        ("reshape rank", lambda: tf.reshape(zz, [[6]])),
        ("fill negative", lambda: tf.fill([-1, 2], 1.0)),
        ("fill value vector", lambda: tf.fill([1, 2], [1.0])),
        ("zeros none", lambda: tf.zeros([None, 2])),
        ("ones string", lambda: tf.ones([2], tf.string)),
        ("slice lengths", lambda: tf.slice(zz, [0], [1, 3])),
        ("getitem out of range", lambda: zz[5]),
        ("getitem zero stride", lambda: zz[::0]),
        ("getitem too many", lambda: zz[0, 0, 0]),
        ("getitem two ellipses", lambda: zz[..., ...]),
        ("getitem float", lambda: zz[1.0]),
        ("getitem vector", lambda: zz[tf.constant([1])]),
        ("expand_dims range", lambda: tf.expand_dims(zz, 3)),
        ("expand_dims none", lambda: tf.expand_dims(zz)),
        ("squeeze not 1", lambda: tf.squeeze(zz, [1])),
        ("squeeze range", lambda: tf.squeeze(zz, [2])),
        ("transpose range", lambda: tf.transpose(zz, [0, 2])),
        ("transpose length", lambda: tf.transpose(zz, [0])),
        ("tile length", lambda: tf.tile(zz, [1])),
        ("broadcast_to", lambda: tf.broadcast_to(zz, [3, 3])),
        ("pad negative", lambda: tf.pad(zz, [[-1, 0], [0, 0]])),
        ("pad mode", lambda: tf.pad(zz, [[1, 0], [0, 0]], mode="WRAP")),
        ("reverse twice", lambda: tf.reverse(zz, [0, 0])),
        ("stack shapes", lambda: tf.stack([zz, tf.zeros([3])])),
        ("stack axis", lambda: tf.stack([zz, zz], axis=3)),
        ("stack dtypes", lambda: tf.stack([zz, tf.zeros([2, 3], tf.int32)])),
        ("unstack unknown", lambda: tf.unstack(tf.placeholder(tf.float32, [None, 3]))),
        ("unstack num", lambda: tf.unstack(zz, num=3)),
        ("split uneven", lambda: tf.split(zz, 2, axis=1)),
        ("split sizes", lambda: tf.split(zz, [1, 1], axis=1)),
        ("split two -1", lambda: tf.split(zz, [-1, -1], axis=1)),
        ("split axis", lambda: tf.split(zz, 1, axis=2))]:
    error(label, fn)

# errors: run time
p = tf.placeholder(tf.float32, None, name="p")
P = {p: np.zeros((2, 3), np.float32)}
for label, t, feed in [
        ("reshape run", tf.reshape(p, [5]), P),
        ("reshape run two -1", tf.reshape(p, d), {p: P[p], d: [-1, -1]}),
        ("fill run negative", tf.fill(d, 1.0), {d: [-1, 2]}),
        ("slice run", tf.slice(p, [1, 0], [2, 3]), P),
        ("getitem run", p[5], P),
        ("getitem run tensor", p[i], {p: P[p], i: -3}),
        ("expand_dims run", tf.expand_dims(p, i), {p: P[p], i: 5}),
        ("squeeze run", tf.squeeze(p, [0]), P),
        ("transpose run", tf.transpose(p, d), {p: P[p], d: [0, 0]}),
        ("tile run", tf.tile(p, d), {p: P[p], d: [1, -1]}),
        ("broadcast_to run", tf.broadcast_to(p, [3, 3]), P),
        ("pad run", tf.pad(p, [[2, 0], [0, 0]], mode="REFLECT"), P),
        ("reverse run", tf.reverse(p, d), {p: P[p], d: [0, -2]}),
        ("stack run", tf.stack([p, tf.zeros([1, 3])]), P),
        ("unstack run", tf.unstack(p, num=3)[0], P),
        ("split run", tf.split(p, 2)[0], {p: np.zeros((3, 3))}),
        ("split sizes run", tf.split(p, [1, 2])[0], P)]:
    error(label, lambda: sess.run(t, feed))

# names of the helper ops
with tf.Graph().as_default():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    i = tf.placeholder(tf.int32, [], name="i")
    a = x[i]
    print("getitem tensor", [t.name for t in a.op.inputs], [t.op.type for t in a.op.inputs[1:]],
          [t.name for t in a.op.inputs[2].op.inputs])
    print("zeros/ones names", tf.zeros([2]).name, tf.ones([2]).name)
    print("zeros_like/ones_like names", tf.zeros_like(x).name, tf.ones_like(x).name,
          [t.name for t in tf.ones_like(x).op.inputs])
    y = tf.reshape(x, [tf.shape(x)[0], 3, 1])
    print("autopacked", [t.name for t in y.op.inputs[1].op.inputs])
    z = tf.zeros([tf.shape(x)[0], 3])
    print("zeros of a list with tensors", [t.name for t in z.op.inputs],
          [t.name for t in z.op.inputs[0].op.inputs])
