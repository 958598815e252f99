import sys
import numpy as np
if sys.argv[1] == "tf":
    import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()
else:
    import fastscope as tf


def r(x):
    return np.round(np.asarray(x, np.float64), 4).tolist()


def err(fn):
    try:
        fn()
        print("no error")
    except (TypeError, ValueError) as e:
        print(type(e).__name__, str(e).split(":")[0].split("<")[0][:60])


table = np.arange(21, dtype=np.float32).reshape(7, 3) / 4 - 2
p = tf.constant(table)
shards = [tf.constant(table[:3]), tf.constant(table[3:5]), tf.constant(table[5:])]
modshards = [tf.constant(table[i::3]) for i in range(3)]
pv = tf.get_variable("emb", initializer=tf.constant(table),
                     partitioner=tf.fixed_size_partitioner(3))
st = tf.SparseTensor([[0, 0], [0, 1], [0, 2], [2, 0], [2, 1], [3, 0]],
                     tf.constant([1, 3, 1, 6, 0, 4], tf.int64), [5, 3])
wt = tf.SparseTensor([[0, 0], [0, 1], [0, 2], [2, 0], [2, 1], [3, 0]],
                     [1.0, 2.0, 0.5, -1.0, 3.0, 0.25], [5, 3])
print(st.indices.name, st.values.name, st.dense_shape.name, st.op.name, st.dtype, st.shape)
print(st.get_shape().as_list(), st.graph is tf.get_default_graph(), wt.dtype)
ph = tf.placeholder(tf.int64, [2])
st2 = tf.SparseTensor([[0, 1]], [1], ph)
print(st2.shape, st2.dtype, st2.values.name)
fetches = {}
for c in ["sum", "mean", "sqrtn"]:
    for w in [None, wt]:
        for name, params, strat in [("t", p, "mod"), ("l", shards, "div"), ("m", modshards, "mod"),
                                    ("pv", pv, "div")]:
            for mn in [None, 1.5]:
                o = tf.nn.embedding_lookup_sparse(params, st, w, combiner=c,
                                                  partition_strategy=strat, max_norm=mn)
                fetches[(c, w is None, name, mn)] = o
d = tf.nn.embedding_lookup_sparse(p, st, None)
foo = tf.nn.embedding_lookup_sparse(p, st, wt, name="foo")
print(d.name, foo.name, d.shape, fetches[("sum", True, "t", None)].name)
st1 = tf.SparseTensor([[1], [1]], tf.constant([1, 2], tf.int32), [3])
o1 = tf.nn.embedding_lookup_sparse(p, st1, None, combiner="sum")
zw = tf.SparseTensor([[0, 0], [0, 1]], [1.0, -1.0], [1, 2])
zi = tf.SparseTensor([[0, 0], [0, 1]], tf.constant([2, 2], tf.int64), [1, 2])
o0 = [tf.nn.embedding_lookup_sparse(p, zi, zw, combiner=c) for c in ["mean", "sqrtn"]]

sp3 = tf.SparseTensor([[0, 0, 0], [0, 1, 1], [1, 0, 2], [1, 0, 3]],
                      tf.constant([1, -1, 5, 2], tf.int64), [2, 2, 4])
w3 = tf.SparseTensor([[0, 0, 0], [0, 1, 1], [1, 0, 2], [1, 0, 3]], [1.0, 2.0, 0.5, 0.0], [2, 2, 4])
sp2 = tf.SparseTensor([[0, 0], [0, 1], [2, 0], [3, 1]], tf.constant([1, 3, -5, 2], tf.int64),
                      [5, 4])
w2 = tf.SparseTensor([[0, 0], [0, 1], [2, 0], [3, 1]], [1.0, 2.0, 0.5, -2.0], [5, 4])
safe = []
for c in ["sum", "mean", "sqrtn"]:
    for ids, w in [(sp2, None), (sp2, w2), (sp3, None), (sp3, w3)]:
        for default in [None, 4]:
            for params, strat in [(p, "div"), (shards, "div"), (modshards, "mod"), (pv, "div")]:
                for mn in [None, 2.0]:
                    safe.append(tf.nn.safe_embedding_lookup_sparse(
                        params, ids, w, combiner=c, default_id=default,
                        partition_strategy=strat, max_norm=mn))
print([(s.name, s.shape.as_list()) for s in safe[:: 8]])
sn = tf.nn.safe_embedding_lookup_sparse(p, sp2, w2, name="bar")
sn2 = tf.nn.safe_embedding_lookup_sparse(p, sp2, None, name="bar")
print(sn.name, sn2.name)

with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    v = s.run(st)
    print(type(v).__name__, v._fields, v.indices.dtype, v.values.dtype, v.dense_shape.dtype)
    print(v.indices.tolist(), v.values.tolist(), v.dense_shape.tolist())
    print(s.run(st2, {ph: [4, 5]}).dense_shape.tolist())
    both = s.run([st, {"x": st2}], {ph: [2, 2]})
    print(type(both[0]).__name__, type(both[1]["x"]).__name__)
    res = s.run(fetches)
    for k in sorted(res, key=str):
        print(k, r(res[k]))
    print(r(s.run(d)), r(s.run(foo)), r(s.run(o1)), [r(x) for x in s.run(o0)])
    for x in s.run(safe):
        print(r(x))
    print(r(s.run(sn)), r(s.run(sn2)))

err(lambda: tf.nn.embedding_lookup_sparse(p, st, None, combiner="max"))
err(lambda: tf.nn.embedding_lookup_sparse(p, st, tf.SparseTensor([[0, 0]], [1.0], [5, 3])))
err(lambda: tf.nn.embedding_lookup_sparse(p, tf.constant([1, 2]), None))
err(lambda: tf.nn.embedding_lookup_sparse(p, st, tf.constant([1.0, 2.0])))
err(lambda: tf.nn.embedding_lookup_sparse(p, tf.SparseTensor([[0, 0]], [1.5], [5, 4]), None))
err(lambda: tf.nn.embedding_lookup_sparse([], st, None))
err(lambda: tf.nn.safe_embedding_lookup_sparse(p, st, combiner="max"))
err(lambda: tf.nn.safe_embedding_lookup_sparse(p, st, tf.SparseTensor([[0, 0]], [1.0], [5, 4])))
err(lambda: tf.nn.safe_embedding_lookup_sparse(
    p, st, tf.SparseTensor(st.indices, tf.constant([1.0] * 6, tf.float64), st.dense_shape)))
