import sys
import numpy as np
if sys.argv[1] == "tf":
    import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()
else:
    import fastscope as tf

PH = tf.placeholder_with_default


def v(x):
    """A fetched value as plain Python (floats rounded, strings as str)."""
    x = np.asarray(x)
    if x.dtype == object:
        return [s.decode() if isinstance(s, bytes) else s for s in x.reshape(-1).tolist()]
    if x.dtype.kind in "fc":
        return np.round(x.astype(np.complex128 if x.dtype.kind == "c" else np.float64),
                        4).tolist()
    return x.tolist()


def desc(t):
    return "%s %s %s" % (t.name, t.shape, t.dtype.name)


def message(e):
    """The error's own text: TensorFlow 2.21 wraps run-time ones in node and traceback lines."""
    lines = [line for line in str(getattr(e, "message", e)).split("\n") if line.strip()]
    keep = [line for line in lines if not line.startswith((" ", "\t", "Graph execution",
                                                           "Detected at", "Node:", "Hint:"))]
    return keep[-1] if keep else ""


def err(label, fn, n=45):
    try:
        with tf.Graph().as_default():
            out = fn()
            if isinstance(out, (tf.Tensor, list, tuple)):
                tf.Session().run(out)
        print(label, "no error")
    except (TypeError, ValueError, tf.errors.OpError) as e:
        text = message(e).split(" for '")[0]
        print(label, type(e).__name__, text[:n])


def show(label, fn, feed=None):
    with tf.Graph().as_default():
        ts = fn()
        ts = ts if isinstance(ts, (list, tuple)) else [ts]
        phs = {}
        got = tf.Session().run(list(ts), phs)
        print(label, "|", " ; ".join(desc(t) for t in ts), "|", [v(g) for g in got])


P = np.arange(20, dtype=np.float32).reshape(4, 5)
A = np.arange(24).reshape(2, 3, 4)

# gather
show("gather", lambda: [tf.gather(P, [[2, 0]]), tf.gather(P, [1, 3], axis=1),
                        tf.gather(P, 2, axis=-1), tf.gather(A, [[0, 2], [1, 1]], axis=2,
                                                            batch_dims=1),
                        tf.gather(A, [[0], [2]], batch_dims=1),
                        tf.gather(A, [[0], [1]], axis=2, batch_dims=-1),
                        tf.gather(P, [[0]], axis=0, batch_dims=1),
                        tf.gather(tf.constant(["a", "b", "c"]), [2, 0]),
                        tf.gather(P, tf.constant([1], tf.int16)),
                        tf.gather(P, [1], axis=tf.constant(1, tf.int64))])
with tf.Graph().as_default():
    p = tf.placeholder(tf.float32, [None, 4, 5], name="p")
    i = tf.placeholder(tf.int32, [2, 3], name="i")
    gs = [tf.gather(p, i), tf.gather(p, i, axis=1), tf.gather(p, i, axis=-1),
          tf.gather(p, [1, 2], axis=2), tf.gather(p, tf.placeholder(tf.int32, [None, None]),
                                                  axis=1, batch_dims=1),
          tf.gather(p, tf.placeholder(tf.int32), axis=1),
          tf.gather(tf.placeholder(tf.float32), i, axis=1),
          tf.gather(p, i, axis=tf.placeholder(tf.int32, []))]
    for g in gs:
        print(desc(g), [t.name for t in g.op.inputs], g.op.type)
err("gather oob", lambda: tf.gather(P, [[0, 1, 7]]))
err("gather neg", lambda: tf.gather(P, [-1]))
err("gather oob axis1", lambda: tf.gather(P, [[0], [5]], axis=1))
err("gather oob scalar", lambda: tf.gather([1, 2], 5))
err("gather bd oob", lambda: tf.gather(P, [[0, 1], [2, 9], [1, 1], [0, 0]], axis=1,
                                       batch_dims=1))
err("gather bd mismatch", lambda: tf.gather(P, [[0], [1]], axis=1, batch_dims=1))
err("gather bd>axis", lambda: tf.gather(np.zeros((2, 3, 4)), [[0], [1]], axis=1, batch_dims=2))
err("gather axis oob", lambda: tf.gather(P, [0], axis=2))
err("gather axis -3", lambda: tf.gather(P, [0], axis=-3))
err("gather scalar params", lambda: tf.gather(tf.constant(1.0), [0]))
err("gather bd>rank", lambda: tf.gather(P, [0], axis=1, batch_dims=2))
err("gather axis vec", lambda: tf.gather(P, [0], axis=[1]))
err("gather idx float", lambda: tf.gather(P, [0.0]), 80)
err("gather idx u8", lambda: tf.gather(P, tf.constant([1], tf.uint8)), 80)
err("gather empty", lambda: tf.gather(np.zeros((0, 3), np.float32), np.zeros((2,), np.int32)))

# gather_nd
show("gather_nd", lambda: [tf.gather_nd(P, [[1, 2], [3, 0]]), tf.gather_nd(P, [[[1]], [[2]]]),
                           tf.gather_nd(P, np.zeros((2, 0), np.int32)),
                           tf.gather_nd(P, [[1], [2], [0], [4]], batch_dims=1),
                           tf.gather_nd(A, [[[1], [2]], [[0], [2]]], batch_dims=1),
                           tf.gather_nd(A, [[1, 0], [2, 3]], batch_dims=1, name="gg"),
                           tf.gather_nd(["a", "b"], [[1]])])
with tf.Graph().as_default():
    for g in [tf.gather_nd(tf.placeholder(tf.float32, [None, 4, 5]),
                           tf.placeholder(tf.int32, [7, 2])),
              tf.gather_nd(tf.placeholder(tf.float32, [None, 4, 5]),
                           tf.placeholder(tf.int32, [None, 1, 3])),
              tf.gather_nd(tf.placeholder(tf.float32, [2, None, 4]),
                           tf.placeholder(tf.int32, [2, 5, 1]), batch_dims=1),
              tf.gather_nd(tf.placeholder(tf.float32, [None, None, 4]),
                           tf.placeholder(tf.int32, [None, 5, 1]), batch_dims=1),
              tf.gather_nd(tf.placeholder(tf.float32, [2, 3, 4]),
                           tf.placeholder(tf.int32, [None, 5, 2]), batch_dims=1),
              tf.gather_nd(tf.placeholder(tf.float32), tf.placeholder(tf.int32, [3, 2])),
              tf.gather_nd(tf.placeholder(tf.float32, [3, 4, 5]),
                           tf.placeholder(tf.int32, [3, None]))]:
        print(desc(g))
err("gather_nd oob", lambda: tf.gather_nd(P, [[0, 1], [3, 5]]))
err("gather_nd oob1", lambda: tf.gather_nd(P, [[[0], [4]]]))
err("gather_nd too deep", lambda: tf.gather_nd(P, [[0, 1, 2]]))
err("gather_nd scalar idx", lambda: tf.gather_nd(P, 1))
err("gather_nd bd neg", lambda: tf.gather_nd(A, [[1], [2]], batch_dims=-1), 60)
err("gather_nd bd big", lambda: tf.gather_nd(A, [[1], [2]], batch_dims=2), 60)
err("gather_nd run depth", lambda: tf.gather_nd(PH(np.zeros((2, 3)), None), PH([[1, 1, 1]], None)),
    60)
err("gather_nd run rank0", lambda: tf.gather_nd(PH(np.zeros((2, 3)), None), PH(1, None)))

# scatter_nd
show("scatter_nd", lambda: [tf.scatter_nd([[1], [3], [1]], [1.0, 2.0, 5.0], [5]),
                            tf.scatter_nd([[0, 1], [2, 0]], [1, 2], [3, 2]),
                            tf.scatter_nd([[1]], [[1, 2]], [3, 2]),
                            tf.scatter_nd(tf.constant([[1]], tf.int64), [1.0],
                                          tf.constant([3], tf.int64)),
                            tf.scatter_nd([[1], [1]], [True, False], [3]),
                            tf.scatter_nd([[1], [1]], ["a", "b"], [3]),
                            tf.scatter_nd([[1], [1]], tf.constant([200, 100], tf.uint8), [3]),
                            tf.scatter_nd(np.zeros((0, 1), np.int32), np.zeros(0, np.float32),
                                          [0], name="sn")])
with tf.Graph().as_default():
    ph = tf.placeholder
    s = tf.scatter_nd([[1]], [1.0], [3], name="sn")
    print(desc(s), [t.name for t in s.op.inputs])
    for g in [tf.scatter_nd(ph(tf.int32, [None, 1]), ph(tf.float32, [None, 3]), [5, 3]),
              tf.scatter_nd(ph(tf.int32, [2, 1]), ph(tf.float32, [2, 3]), ph(tf.int32, [2])),
              tf.scatter_nd(ph(tf.int32, [2, 1]), ph(tf.float32, [2, 3]), ph(tf.int32)),
              tf.scatter_nd(ph(tf.int32, [2, 3]), ph(tf.float32, [2]), [5, 3])]:
        print(desc(g))
err("scatter bad upd", lambda: tf.scatter_nd(tf.placeholder(tf.int32, [4, 1]),
                                             tf.placeholder(tf.float32, [5]), [8]), 80)
err("scatter bad upd2", lambda: tf.scatter_nd(tf.placeholder(tf.int32, [4, 1]),
                                              tf.placeholder(tf.float32, [4, 2]), [8, 3]), 80)
err("scatter i16", lambda: tf.scatter_nd(tf.placeholder(tf.int16, [4, 1]),
                                         tf.placeholder(tf.float32, [4]), [8]))
err("scatter oob", lambda: tf.scatter_nd([[1], [7]], [1.0, 2.0], [5]))
err("scatter oob2", lambda: tf.scatter_nd([[1, 0], [1, 7]], [1.0, 2.0], [5, 2]))
err("scatter neg", lambda: tf.scatter_nd([[-1]], [1.0], [5]))
err("scatter shape neg", lambda: tf.scatter_nd([[1]], [1.0], [-2]))
err("scatter shape 2d", lambda: tf.scatter_nd([[1]], [1.0], [[3]]))
err("scatter empty out", lambda: tf.scatter_nd(np.zeros((1, 1), np.int32),
                                               np.zeros((1,), np.float32), [0]))
err("scatter run shape neg", lambda: tf.scatter_nd([[1]], [1.0], PH([-3], [1])))

# one_hot
show("one_hot", lambda: [tf.one_hot([[0, 3, -1, 5]], 4), tf.one_hot([0, 2], 3, axis=0, on_value=7,
                                                                   off_value=1),
                         tf.one_hot([0, 2], 0), tf.one_hot([0, 2], 3, on_value=True,
                                                          off_value=False),
                         tf.one_hot(2, 3), tf.one_hot([1], 3, off_value=2.0),
                         tf.one_hot([1], 3, on_value=2), tf.one_hot([1], 3, on_value=2.0,
                                                                   dtype=tf.float64),
                         tf.one_hot([1], 3, off_value=2, dtype=tf.float32),
                         tf.one_hot([[0, 1], [2, 0]], 3, axis=1),
                         tf.one_hot(tf.constant([255, 1], tf.uint8), 3),
                         tf.one_hot([0, 2], 3, on_value="a", off_value="b")])
with tf.Graph().as_default():
    i = tf.placeholder(tf.int32, [2, None])
    for h in [tf.one_hot(i, 4), tf.one_hot(i, 4, axis=0), tf.one_hot(i, 4, on_value=5, off_value=-1),
              tf.one_hot(i, 4, dtype=tf.int64), tf.one_hot(i, tf.placeholder(tf.int32, [])),
              tf.one_hot(tf.placeholder(tf.int32), 3), tf.one_hot([1], 3, name="oh")]:
        print(desc(h), [t.name for t in h.op.inputs], h.op.type)
err("one_hot mismatched", lambda: tf.one_hot([1], 4, on_value=5.0, dtype=tf.int64), 80)
err("one_hot mix", lambda: tf.one_hot([1], 4, on_value=5.0, off_value=1), 80)
err("one_hot float idx", lambda: tf.one_hot(tf.placeholder(tf.float32, [3]), 4), 80)
err("one_hot axis -2", lambda: tf.one_hot([1], 4, axis=-2))
err("one_hot depth neg", lambda: tf.one_hot([1], -1), 80)
err("one_hot depth vec", lambda: tf.one_hot([1], [3]))
err("one_hot run axis", lambda: tf.one_hot([1, 2], 3, axis=3), 70)
err("one_hot run depth", lambda: tf.one_hot([0, 2], PH(-1, [])))
err("one_hot on vec", lambda: tf.one_hot([0, 2], 3, on_value=[1.0, 2.0]))

# where, Select, SelectV2
show("where", lambda: [tf.where([[True, False], [False, True]]), tf.where([0.0, 1.0, np.nan, -0.0]),
                       tf.where(np.zeros((2, 0, 3), bool)),
                       tf.where([True, False], [[1, 2], [3, 4]], [[5, 6], [7, 8]]),
                       tf.where(True, [[1, 2], [3, 4]], [[5, 6], [7, 8]]),
                       tf.where(True, 1, 2), tf.where([True], name="w"),
                       tf.where([True], [1], [2], name="s"),
                       tf.where_v2([[True], [False]], [1, 2, 3], 0),
                       tf.where_v2([True, False], ["a", "b"], "c"),
                       tf.where_v2(tf.constant([[True, False]]))])
with tf.Graph().as_default():
    ph = tf.placeholder
    for s in [tf.where(ph(tf.bool, [3, None])), tf.where(ph(tf.float32, [3])), tf.where(ph(tf.bool)),
              tf.where(ph(tf.bool, [])),
              tf.where(ph(tf.bool, [3, None]), ph(tf.float32, [3, 4]), ph(tf.float32, [3, 4])),
              tf.where(ph(tf.bool, [3]), ph(tf.float32, [3, 4]), ph(tf.float32, [None, 4])),
              tf.where(ph(tf.bool, []), ph(tf.float32, [3, 4]), ph(tf.float32, [3, 4])),
              tf.where(ph(tf.bool), ph(tf.float32, [None, 3]), ph(tf.float32, [2, None])),
              tf.where(ph(tf.bool, [2, 3]), ph(tf.float32), ph(tf.float32)),
              tf.where(ph(tf.bool, [2, None]), ph(tf.float32, [None, 3]), ph(tf.float32)),
              tf.where([True, False], [1, 2], [3, 4]),
              tf.where_v2(ph(tf.bool, [3, 1]), ph(tf.float32, [1, 4]), 0.0),
              tf.compat.v1.where_v2(ph(tf.bool, [3, 1]), 1, 2, name="w2")]:
        print(desc(s), [t.name for t in s.op.inputs], s.op.type)
with tf.Graph().as_default():
    print([[t.name for t in w.op.inputs] for w in [tf.where([True, False]), tf.where([1, 0], name="w"),
                                                   tf.where_v2([True]), tf.argmax([1, 2]),
                                                   tf.unique([1, 2]).y,
                                                   tf.gather_nd([[1, 2]], [[0, 1]])]])
err("where scalar", lambda: tf.where(True))
err("where string", lambda: tf.where(tf.placeholder(tf.string, [3])), 60)
err("select bcast", lambda: tf.where(tf.placeholder(tf.bool, [3, 1]), tf.zeros([3, 4]),
                                     tf.zeros([3, 4])), 90)
err("select xy", lambda: tf.where(tf.placeholder(tf.bool, [3]), tf.zeros([3]), tf.zeros([4])), 90)
err("select rank", lambda: tf.where(tf.placeholder(tf.bool, [2, 3]), tf.zeros([2, 3, 4]),
                                    tf.zeros([2, 3, 4])))
err("select rank1 mismatch", lambda: tf.where(tf.placeholder(tf.bool, [3]), tf.zeros([2, 3]),
                                              tf.zeros([2, 3])), 90)
err("select scalar xy", lambda: tf.where([True], 1, 2))
err("select dtypes", lambda: tf.where([True], [1.0], [1]), 90)
err("select x only", lambda: tf.where([True], x=[1]), 60)
err("select run batches", lambda: tf.where(PH([True, False, True], None), [[1, 2], [3, 4]],
                                           [[5, 6], [7, 8]]), 70)
err("select run shape", lambda: tf.where(PH([[True, False, True]], None), [[1, 2], [3, 4]],
                                         [[5, 6], [7, 8]]), 90)
err("select run then else", lambda: tf.where([True, False], PH([[1], [2]], None), PH([3, 4], None)),
    50)
err("select run scalar then", lambda: tf.where([True, False], PH(1, None), PH(2, None)), 60)
err("where_v2 bad", lambda: tf.where_v2([True, False], [1, 2, 3], 0))
err("where_v2 run bad", lambda: tf.where_v2(PH([True, False], [None]), [1, 2, 3], 0), 70)

# range
show("range", lambda: [tf.range(5), tf.range(2, 10, 3), tf.range(10, 2, -3), tf.range(0.5, 3),
                       tf.range(1, 3.5, 0.5), tf.range(5, 5), tf.range(0.0, -1.0, -0.25),
                       tf.range(0, 1, 0.3), tf.range(0.0, 1.0, 0.1), tf.range(1.0, 0.0, -0.3),
                       tf.range(-5, 5, 3), tf.range(5, -5, -3), tf.range(0, -1, -5),
                       tf.range(5, dtype=tf.int64), tf.range(5, dtype=tf.float64),
                       tf.range(0, 3, dtype=tf.float32), tf.range(PH(3, []), dtype=tf.int64),
                       tf.range(3, name="foo")])
with tf.Graph().as_default():
    for r in [tf.range(3), tf.range(0.5, 3), tf.range(1, 3.5, 0.5), tf.range(PH(3, [])),
              tf.range(PH(np.int64(3), []), 10), tf.range(PH(1.0, []), 5),
              tf.range(PH(1, []), PH(5, []), dtype=tf.float32), tf.range(1, 5, dtype=tf.float32),
              tf.range(0, 5, PH(2, [])), tf.range(0, 5, name="r/"), tf.range(1, 2, 0.3)]:
        print(desc(r), [t.name for t in r.op.inputs], r.op.type)
err("range zero delta", lambda: tf.range(0, 5, 0))
err("range wrong sign", lambda: tf.range(0, 5, -1))
err("range nonscalar", lambda: tf.range([3, 4]))
err("range dtype uint8", lambda: tf.range(3, dtype=tf.uint8), 80)
err("range float int", lambda: tf.range(0, 3.5, dtype=tf.int32), 14)
err("range run zero", lambda: tf.range(0, 5, PH(0, [])))
err("range run sign", lambda: tf.range(0, PH(-5, []), 1))
err("range run huge", lambda: tf.range(0, PH(np.int64(2 ** 62), []), 1), 40)
err("range run inf", lambda: tf.range(0.0, PH(np.inf, []), 1.0), 80)
err("range run nan", lambda: tf.range(0.0, PH(np.nan, []), 1.0), 80)

# linspace (TensorFlow 1.15's LinSpace: values, dtypes, static shapes)
with tf.Graph().as_default():
    ls = [tf.linspace(0.0, 1.0, 5), tf.linspace(1.0, 0.0, 4), tf.linspace(2.0, 3.0, 1),
          tf.linspace(0.1, 0.7, 7), tf.linspace(tf.constant(0.0, tf.float64), 1.0, 3),
          tf.lin_space(-1.0, 1.0, 3), tf.linspace(0.0, 1.0, tf.constant(3, tf.int64)),
          tf.linspace(0.0, 1.0, PH(4, []))]
    print("linspace", [(str(t.shape), t.dtype.name) for t in ls],
          [v(x) for x in tf.Session().run(ls)])

# argmax, argmin
nan, inf = np.nan, np.inf
show("argmax", lambda: [tf.argmax([[1, 3, 3], [2, 0, 1]], 1), tf.argmin([[1, 3, 3], [2, 0, 1]], 0),
                        tf.argmax([1.0, nan, 3.0]), tf.argmin([1.0, nan, 3.0]),
                        tf.argmax([nan, 1.0]), tf.argmax([nan, nan]), tf.argmin([-inf, -inf]),
                        tf.argmax([nan, -inf, 2.0]), tf.argmin([nan, -inf, 2.0]),
                        tf.argmax([3.0, 1.0, 3.0]), tf.argmax([False, True, True]),
                        tf.argmax(np.zeros((0, 3)), 1), tf.argmax([[1.0, 2.0]], -1,
                                                                   output_type=tf.int32),
                        tf.argmax(np.arange(40000.0), 0, output_type=tf.int16),
                        tf.argmax(tf.constant([1, 5, 2], tf.int8), 0),
                        tf.argmin([[4, 2], [1, 3]], dimension=1, name="am")])
with tf.Graph().as_default():
    x = tf.placeholder(tf.float32, [3, 4])
    for a in [tf.argmax(x), tf.argmax(x, 1), tf.argmax(x, -1, output_type=tf.int32),
              tf.argmin(tf.placeholder(tf.int32, [3, None, 2]), 1), tf.argmax(x, tf.placeholder(
                  tf.int32, [])), tf.argmax(tf.placeholder(tf.float32), 1),
              tf.argmax(tf.placeholder(tf.float32, []), 0), tf.argmax(x, name="am")]:
        print(desc(a), [t.name for t in a.op.inputs], a.op.type)
err("argmax both", lambda: tf.argmax(tf.zeros([3, 4]), axis=1, dimension=1))
err("argmax axis oob", lambda: tf.argmax(tf.zeros([3, 4]), 2), 90)
err("argmax complex", lambda: tf.argmax(tf.placeholder(tf.complex64, [3]), 0), 70)
err("argmax out float", lambda: tf.argmax(tf.zeros([3]), 0, output_type=tf.float32), 70)
err("argmax axis list", lambda: tf.argmax(tf.zeros([2, 3]), [1]))
err("argmax empty", lambda: tf.argmax(np.zeros((0, 3)), 0))
err("argmax scalar run", lambda: tf.argmax(tf.constant(1.0), 0))
err("argmax run oob", lambda: tf.argmax([[1.0]], PH(3, [])))

# unique
show("unique", lambda: list(tf.unique([3, 1, 3, 2, 1])) + list(tf.unique(
    [nan, 1.0, nan, -0.0, 0.0], out_idx=tf.int64)) + list(tf.unique(np.zeros([0], np.float32)))
    + list(tf.unique(["b", "a", "b"])) + list(tf.unique([True, False, True], name="uu")))
with tf.Graph().as_default():
    u = tf.unique(tf.placeholder(tf.int32, [5]))
    print(type(u).__name__, u._fields, desc(u.y), desc(u.idx), desc(tf.unique(tf.placeholder(
        tf.int32)).idx))
err("unique 2d", lambda: tf.unique(tf.placeholder(tf.int32, [5, 2])))
err("unique out float", lambda: tf.unique([1], out_idx=tf.float32), 70)
err("unique run 0d", lambda: tf.unique(PH(np.float32(1), None)))

# sequence_mask
show("sequence_mask", lambda: [tf.sequence_mask([1, 3, 0], 4), tf.sequence_mask([[1, 3], [0, 2]]),
                               tf.sequence_mask([1.5, 2.5], 3), tf.sequence_mask([1.5, 2.5], 3.0),
                               tf.sequence_mask(np.zeros([0], np.int32)),
                               tf.sequence_mask([-1, 2], 3), tf.sequence_mask([1, 2], 3,
                                                                              dtype=tf.int32),
                               tf.sequence_mask([1, 2], 3, dtype=tf.float16, name="sm"),
                               tf.sequence_mask([1, 2], tf.constant(3, tf.int64)),
                               tf.sequence_mask([True, False], 3), tf.sequence_mask(2, 3),
                               tf.sequence_mask([-0.5, 2.9], 4)])
with tf.Graph().as_default():
    for m in [tf.sequence_mask(tf.placeholder(tf.int32, [None])),
              tf.sequence_mask(tf.placeholder(tf.int32)), tf.sequence_mask(tf.placeholder(
                  tf.int32), 3), tf.sequence_mask(tf.placeholder(tf.int32, [None, 2]), 3),
              tf.sequence_mask([1, 2], tf.placeholder(tf.int32)),
              tf.sequence_mask(tf.placeholder(tf.int32, [2]), tf.placeholder(tf.int32, []))]:
        print(desc(m))
err("seqmask maxlen vec", lambda: tf.sequence_mask([1, 2], [3]), 50)
err("seqmask neg max", lambda: tf.sequence_mask([1, 2], -1))
err("seqmask uint8 max", lambda: tf.sequence_mask([1, 2], tf.constant(3, tf.uint8)), 70)
err("seqmask run neg", lambda: tf.sequence_mask([1, 2], PH(-1, [])))

# boolean_mask
show("boolean_mask", lambda: [tf.boolean_mask([[1, 2], [3, 4], [5, 6]], [True, False, True]),
                              tf.boolean_mask([[1, 2], [3, 4], [5, 6]], [False, True], axis=1),
                              tf.boolean_mask([[1, 2], [3, 4], [5, 6]], [0, 2, 1]),
                              tf.boolean_mask(A, [True, False, True], axis=-2),
                              tf.boolean_mask(A, [[True, False, True], [False, False, True]]),
                              tf.boolean_mask(A, [True, False, True], axis=tf.constant(1)),
                              tf.boolean_mask(np.zeros((0, 3)), np.zeros((0,), bool)),
                              tf.boolean_mask([[1, 2], [3, 4], [5, 6]], PH([True, False], [None])),
                              tf.boolean_mask([1, 2, 3], [True, False, True], name="bm")])
with tf.Graph().as_default():
    ph = tf.placeholder
    for m in [tf.boolean_mask(ph(tf.float32, [3, 4]), ph(tf.bool, [3])),
              tf.boolean_mask(ph(tf.float32, [3, 4, 5]), ph(tf.bool, [3, 4])),
              tf.boolean_mask(ph(tf.float32, [3, 4, 5]), ph(tf.bool, [4]), axis=1),
              tf.boolean_mask(ph(tf.float32, [None, 4]), ph(tf.bool, [None])),
              tf.boolean_mask(ph(tf.float32), ph(tf.bool, [3])),
              tf.boolean_mask(ph(tf.float32, [None, None, 3]), ph(tf.bool, [None, 2])),
              tf.boolean_mask(ph(tf.float32), ph(tf.bool, [3]), axis=1)]:
        print(desc(m))
err("bmask mismatch", lambda: tf.boolean_mask(tf.zeros([3, 4]), tf.placeholder(tf.bool, [4])))
err("bmask axis -1", lambda: tf.boolean_mask(tf.zeros([3, 4, 5]), tf.placeholder(tf.bool, [5]),
                                             axis=-1))
err("bmask scalar", lambda: tf.boolean_mask(tf.zeros([3, 4]), tf.placeholder(tf.bool, [])))
err("bmask unknown", lambda: tf.boolean_mask(tf.zeros([3, 4]), tf.placeholder(tf.bool)), 60)
err("bmask rank", lambda: tf.boolean_mask(tf.zeros([3]), tf.placeholder(tf.bool, [3, 1])))
err("bmask run long", lambda: tf.boolean_mask([[1, 2], [3, 4], [5, 6]],
                                              PH([True, False, True, True], [None])))

# eye
show("eye", lambda: [tf.eye(3), tf.eye(2, 4, dtype=tf.int32), tf.eye(2, batch_shape=[3, 1]),
                     tf.eye(2, 3, batch_shape=[2]), tf.eye(3, 2, dtype=tf.int32),
                     tf.eye(2, dtype=tf.bool), tf.eye(0), tf.eye(2, dtype=tf.complex64),
                     tf.eye(2, PH(3, [])), tf.eye(2, batch_shape=PH([2], [1])), tf.eye(2, 2),
                     tf.eye(2, name="ey"), tf.eye(np.int64(2))])
with tf.Graph().as_default():
    for e in [tf.eye(tf.placeholder(tf.int32, [])), tf.eye(tf.placeholder(tf.int32, []), 3),
              tf.eye(2, batch_shape=tf.placeholder(tf.int32, [2])),
              tf.eye(tf.constant(2, tf.int64)), tf.eye(2, 3, name="e")]:
        print(desc(e))
err("eye neg", lambda: tf.eye(-1))
err("eye float", lambda: tf.eye(2.0), 90)
err("eye batch neg", lambda: tf.eye(2, batch_shape=[-1]))
err("eye run neg", lambda: tf.eye(PH(-1, [])))
err("eye run batch neg", lambda: tf.eye(2, batch_shape=PH([-2], [1])))
