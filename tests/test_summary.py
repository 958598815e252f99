"""tf.summary: scalar/merge ops with TensorFlow's names, tags and bytes; FileWriter event files."""
import numpy as np
import pytest

import fastscope as tf
from fastscope._src.summary import event_file as ef


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def test_scalar_summary_bytes_equal_tensorflows():
    # bytes printed by tensorflow-cpu 2.21 (compat.v1) for the same summaries
    a = tf.summary.scalar("loss", 1.0)
    b = tf.summary.scalar("loss", 2.0)
    with tf.name_scope("s"):
        c = tf.summary.scalar("a b", 3.0)
    d = tf.summary.scalar("x", 4.0, family="fam")
    assert [t.name for t in (a, b, c, d)] == ["loss:0", "loss_1:0", "s/a_b:0", "fam/x:0"]
    assert _run([a, b, c, d]) == [b"\n\x0b\n\x04loss\x15\x00\x00\x80?",
                                  b"\n\r\n\x06loss_1\x15\x00\x00\x00@",
                                  b"\n\x0c\n\x05s/a_b\x15\x00\x00@@",
                                  b"\n\x10\n\tfam/fam/x\x15\x00\x00\x80@"]


def test_merge_names_and_concatenates_values():
    a = tf.summary.scalar("a", tf.constant(1, tf.int64))
    b = tf.summary.scalar("b", tf.constant(0.25, tf.float64))
    assert tf.summary.merge([a, b], name="mm").name == "mm/mm:0"
    merged = tf.summary.merge_all()
    assert merged.name == "Merge/MergeSummary:0"
    out = _run(merged)
    assert ef.summary_tags(out) == ["a", "b"]
    assert out == _run(a) + _run(b)


def test_merge_all_of_an_empty_collection_is_none():
    assert tf.summary.merge_all(key="nothing") is None


def test_merge_duplicate_tags_fail_at_run_time():
    a = tf.summary.scalar("loss", 1.0)
    m = tf.summary.merge([a, a])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Duplicate tag loss"):
        _run(m)


def test_scalar_of_a_non_scalar_value_fails_at_run_time_naming_the_tag():
    p = tf.placeholder(tf.float32)
    s = tf.summary.scalar("p", p)
    assert _run(s, {p: 2.0}) == ef.scalar_summary("p", 2.0)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"tags and values are not the same shape: \[\] != \[2\] \(tag 'p'\)"):
        _run(s, {p: [1.0, 2.0]})


@pytest.mark.parametrize("value", [tf.string, tf.bool, tf.complex64])
def test_scalar_rejects_non_real_dtypes(value):
    with pytest.raises(TypeError, match="not in list of allowed values"):
        tf.summary.scalar("x", tf.zeros([], dtype=value) if value is not tf.string
                          else tf.constant("a"))


@pytest.mark.parametrize("what", ["histogram", "image", "audio", "text"])
def test_unbuilt_summaries_say_so(what):
    with pytest.raises(NotImplementedError, match="not built yet"):
        getattr(tf.summary, what)("x", tf.zeros([2]))


def _events(logdir):
    (path,) = list(logdir.iterdir())
    return [dict((n, v) for n, _, v in ef.fields(r)) for r in ef.read_records(path.read_bytes())]


def test_file_writer_writes_version_graph_and_summaries(tmp_path):
    with tf.variable_scope("s"):
        v = tf.get_variable("v", [2], initializer=tf.constant_initializer(1.0))
        y = tf.add(v, tf.constant(3.0, name="c"), name="y")
    s = tf.summary.scalar("loss", tf.reduce_sum(y))
    ops = tf.get_default_graph().get_operations()
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(str(tmp_path), sess.graph)
        sess.run(tf.global_variables_initializer())
        writer.add_summary(sess.run(s), global_step=7)
        writer.close()
    version, graph, summary = _events(tmp_path)
    assert version[3] == b"brain.Event:2"
    nodes = [dict((n, v) for n, _, v in ef.fields(node))
             for num, _, node in ef.fields(graph[4]) if num == 1]
    names = [n[1].decode() for n in nodes]
    assert names == [op.name for op in ops]
    assert [n[2].decode() for n in nodes] == [op.type for op in ops]
    y_node = [node for num, _, node in ef.fields(graph[4])
              if num == 1 and dict((n, v) for n, _, v in ef.fields(node))[1] == b"s/y"][0]
    assert [v for n, _, v in ef.fields(y_node) if n == 3] == [b"s/v/read", b"s/c"]
    assert summary[2] == 7 and ef.summary_tags(summary[5]) == ["loss"]
    (_, _, value), = [f for f in ef.fields(summary[5])]
    assert dict((n, v) for n, _, v in ef.fields(value))[2] == np.float32(8.0).tobytes()


def test_file_writer_inputs_and_control_inputs_use_graphdef_syntax():
    with tf.Graph().as_default() as g:
        a = tf.constant(1.0, name="a")
        with tf.control_dependencies([a.op]):
            b = tf.identity(a, name="b")
        node = dict((n, v) for n, _, v in ef.fields(ef._node_def(b.op)))
    assert g.get_operation_by_name("b") is b.op
    inputs = [v for n, _, v in ef.fields(ef._node_def(b.op)) if n == 3]
    assert inputs == [b"a", b"^a"] and node[2] == b"Identity"


def test_file_writer_rejects_what_it_cannot_write(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path))
    with pytest.raises(TypeError, match="serialized Summary"):
        writer.add_summary(3.0)
    with pytest.raises(TypeError, match="tf.Graph"):
        writer.add_graph("graph")
    writer.close()
    with pytest.raises(RuntimeError, match="closed"):
        writer.add_summary(b"")
    writer.reopen()
    writer.add_summary(b"", global_step=1)
    writer.close()
    assert len(list(tmp_path.iterdir())) >= 1


def test_crc32c_and_record_framing():
    assert ef.crc32c(b"123456789") == 0xE3069283          # the CRC-32C check value
    blob = ef.record(b"abc") + ef.record(b"")
    assert ef.read_records(blob) == [b"abc", b""]
    with pytest.raises(ValueError, match="corrupted record"):
        ef.read_records(blob[:13] + b"X" + blob[14:])


@pytest.mark.parametrize("n", [0, 1, 127, 128, 300, 2 ** 40, -1])
def test_varints_round_trip(n):
    ((num, wire, value),) = list(ef.fields(ef.field_varint(5, n)))
    assert (num, wire) == (5, 0) and value == n % 2 ** 64
