"""Seed 003 (es): name_scope vs variable_scope for ops and variables (my_scope/Add:0)."""
import fastscope as tf


def test_name_scope_prefixes_ops_and_variables_not_get_variable():
    with tf.name_scope("my_scope"):
        v1 = tf.get_variable("var1", [1], dtype=tf.float32)
        v2 = tf.Variable(1, name="var2", dtype=tf.float32)
        a = tf.add(v1, v2)
    assert (v1.name, v2.name, a.name) == ("var1:0", "my_scope/var2:0", "my_scope/Add:0")


def test_variable_scope_prefixes_everything():
    with tf.variable_scope("my_scope"):
        v1 = tf.get_variable("var1", [1], dtype=tf.float32)
        v2 = tf.Variable(1, name="var2", dtype=tf.float32)
        a = tf.add(v1, v2)
    assert (v1.name, v2.name, a.name) == ("my_scope/var1:0", "my_scope/var2:0", "my_scope/Add:0")


def test_sharing_across_name_scopes():
    with tf.name_scope("foo"):
        with tf.variable_scope("var_scope"):
            v = tf.get_variable("var", [1])
    with tf.name_scope("bar"):
        with tf.variable_scope("var_scope", reuse=True):
            v1 = tf.get_variable("var", [1])
    assert v1 == v
    assert v.name == v1.name == "var_scope/var:0"


def test_scoping_function_names_and_values(tmp_path):
    def scoping(fn, scope1, scope2, vals):
        with fn(scope1):
            a = tf.Variable(vals[0], name="a")
            b = tf.get_variable("b", initializer=vals[1])
            c = tf.constant(vals[2], name="c")
            with fn(scope2):
                d = tf.add(a * b, c, name="res")
        return [scope1, a.name, b.name, c.name, d.name], d

    names1, d1 = scoping(tf.variable_scope, "scope_vars", "res", [1, 2, 3])
    names2, d2 = scoping(tf.name_scope, "scope_name", "res", [1, 2, 3])
    assert names1 == ["scope_vars", "scope_vars/a:0", "scope_vars/b:0", "scope_vars/c:0",
                      "scope_vars/res/res:0"]
    assert names2 == ["scope_name", "scope_name/a:0", "b:0", "scope_name/c:0",
                      "scope_name/res/res:0"]
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(str(tmp_path / "logs"), sess.graph)
        sess.run(tf.global_variables_initializer())
        assert sess.run([d1, d2]) == [5, 5]
        writer.close()
    (event_file,) = (tmp_path / "logs").iterdir()
    assert event_file.name.startswith("events.out.tfevents.")
    assert b"scope_vars/res/res" in event_file.read_bytes()   # the graph TensorBoard draws
