import sys
if sys.argv[1] == "tf":
    import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()
else:
    import fastscope as tf
with tf.variable_scope('f2'):
    a1 = tf.Variable(tf.random_normal(shape=[2, 3], mean=0, stddev=1), name='a1')
    a2 = tf.Variable(tf.random_normal(shape=[2, 3], mean=0, stddev=1), name='a1')
    a5 = tf.get_variable(name='a1', shape=[1], initializer=tf.constant_initializer(1))
with tf.variable_scope('f2', reuse=True):
    a3 = tf.get_variable(name='a1', shape=[1], initializer=tf.constant_initializer(1))
    a4 = tf.Variable(tf.random_normal(shape=[2, 3], mean=0, stddev=1), name='a2')
print(a1.name, a2.name, a1 == a2, a5.name, a3.name, a4.name)
v1 = tf.placeholder(tf.float32, shape=[2, 3, 4], name='ph'); print(v1)
v2 = tf.Variable([1, 2], dtype=tf.float32, name='V'); print(v2, v2.value())
with tf.name_scope("my_scope"):
    x = tf.get_variable("var1", [1], dtype=tf.float32)
    y = tf.Variable(1, name="var2", dtype=tf.float32)
    print(x.name, y.name, tf.add(x, y).name, (x + y).name, tf.add(x, y).name)
a = tf.constant([[1., 2.], [3., 4.]])
print((a * a).name, (a - a).name, (a / a).name, (-a).name, (a @ a).name, a[0].name,
      tf.subtract(a, a).name, tf.reduce_sum(a).name, tf.reshape(a, [4]).name,
      tf.concat([a, a], 0).name, tf.zeros([2]).name, tf.matmul(a, a).name)
for bad in (lambda: tf.get_variable('noshape'), lambda: tf.get_variable('V', [2]),
            lambda: tf.get_variable('c1', shape=[2], initializer=[1., 2.])):
    try:
        bad()
    except ValueError as e:
        print("ValueError:", str(e).split(" Originally")[0])
print([v.name for v in tf.global_variables()], [v.name for v in tf.trainable_variables()])
