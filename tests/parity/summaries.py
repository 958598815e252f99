import sys
import tempfile
if sys.argv[1] == "tf":
    import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()
else:
    import fastscope as tf
a = tf.summary.scalar("loss", 1.0)
b = tf.summary.scalar("loss", tf.constant(2, tf.int64))
with tf.name_scope("outer"):
    c = tf.summary.scalar("a b", 3.0)
d = tf.summary.scalar("x", 4.0, family="fam")
m = tf.summary.merge_all()
mm = tf.summary.merge([a, c], name="mm")
print(a.name, b.name, c.name, d.name, m.name, mm.name, m.dtype)
print(tf.summary.merge_all(key="nothing"))
with tf.Session() as sess:
    writer = tf.summary.FileWriter(tempfile.mkdtemp(), sess.graph)
    print(sess.run([a, b, c, d]))
    print(sess.run(m))
    print(sess.run(mm))
    writer.add_summary(sess.run(m), 3)
    writer.close()
    try:
        sess.run(tf.summary.merge([a, a]))
    except tf.errors.InvalidArgumentError as e:
        print("InvalidArgumentError", "Duplicate tag loss found in summary inputs" in str(e))
