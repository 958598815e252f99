"""Regression tests for the classes of defect an outside fuzz and fault campaign found.

One group per class, each pinned at its root: size arithmetic that overflows, fetched
values that alias variable storage, user code whose result is silently accepted,
duplicate op names, unbounded resources, and error types other than TensorFlow's.
"""
import errno
import os
import time

import numpy as np
import pytest

import fastscope as tf
from fastscope import _kernels as K


def _zero_stride(shape, dtype=np.float32):
    return np.lib.stride_tricks.as_strided(np.zeros(1, dtype), shape=shape,
                                           strides=(0,) * len(shape))


# -- 1. size arithmetic ------------------------------------------------------------------------
def test_a_feed_larger_than_memory_is_refused_at_once():
    p = tf.placeholder(tf.float32)
    t0 = time.perf_counter()
    with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError,
                                          match="more than this machine's memory"):
        s.run(tf.reduce_sum(p), {p: _zero_stride((1 << 20, 1 << 20))})
    assert time.perf_counter() - t0 < 5


def test_a_strided_feed_reaches_kernels_contiguous_and_exact():
    p = tf.placeholder(tf.float32, [None, 3])
    x = np.arange(24, dtype=np.float32).reshape(8, 3)[::-2]       # negative stride
    swapped = np.arange(6, dtype=">f4").reshape(2, 3)               # byte-swapped
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(p * 2, {p: x}), x * 2)
        np.testing.assert_array_equal(s.run(tf.matmul(p, tf.ones([3, 1])), {p: swapped}),
                                      swapped.astype(np.float32).sum(1, keepdims=True))


def test_matmul_small_does_not_overflow_on_zero_stride_views():
    a, b = _zero_stride((1 << 22, 1 << 21)), _zero_stride((1 << 21, 1 << 22))
    assert K.matmul_small(a, b) is None      # m*n*k = 2^65 wraps an int64: declined, not run
    got = K.matmul_small(_zero_stride((3, 4)) + 0, np.ones((4, 2), np.float32))
    np.testing.assert_array_equal(got, np.zeros((3, 2)))


@pytest.mark.parametrize("op", [tf.nn.max_pool, tf.nn.avg_pool])
def test_pool_strides_beyond_int32_are_refused_at_build(op):
    with pytest.raises(ValueError, match="out of range for an int32"):
        op(tf.zeros([2, 3, 3, 3]), [1, 2, 2, 1], [1, 2 ** 63 - 1, 2 ** 63 - 1, 1], "SAME")
    with pytest.raises(ValueError, match="below 2\\^31"):
        K.pool2d(np.zeros((2, 3, 3, 3), np.float32), "max", (2, 2), (2 ** 62, 2 ** 62), "SAME")


def test_pool_with_a_stride_past_the_image_agrees_with_its_static_shape():
    t = tf.nn.max_pool(tf.ones([2, 3, 3, 3]), [1, 2, 2, 1], [1, 2 ** 31 - 1, 2 ** 31 - 1, 1],
                       "SAME")
    with tf.Session() as s:
        assert s.run(t).shape == tuple(t.shape.as_list()) == (2, 1, 1, 3)


def test_reshape_shape_arithmetic_does_not_wrap():
    with pytest.raises(ValueError, match="Cannot reshape a tensor with 6 elements to shape "
                                         "\\[4294967296, 4294967296\\] \\(18446744073709551616"):
        tf.reshape(tf.zeros([2, 3]), [2 ** 32, 2 ** 32])


def test_a_constant_over_2gb_is_refused_before_it_is_copied():
    with pytest.raises(ValueError, match="larger than 2GB"):
        tf.constant(_zero_stride((1 << 20, 1 << 12)))


# -- 2. aliasing -------------------------------------------------------------------------------
def test_fetched_values_never_alias_a_variable():
    v = tf.Variable(np.zeros((2, 2), np.float32), name="v")
    views = [v, v.value(), tf.reshape(v, [4]), tf.identity(tf.identity(v.value())),
             tf.placeholder_with_default(v.value(), [2, 2]), v.assign(np.zeros((2, 2))),
             v.assign_add(np.zeros((2, 2)))]
    with tf.Session() as s:
        s.run(v.initializer)
        for t in views:
            got = s.run(t)
            got.reshape(-1)[0] = 7.0
            assert s.run(v)[0, 0] == 0.0, t
        a, b = s.run([v, v])
        a[0, 0] = 5.0
        assert b[0, 0] == 0.0 and s.run(v)[0, 0] == 0.0


def test_fetched_constants_are_the_callers_own_writable_arrays():
    c = tf.constant([1.0, 2.0])
    with tf.Session() as s:
        got = s.run(c)
        got[0] = 9.0
        assert s.run(c)[0] == 1.0


# -- 3. results of user code -------------------------------------------------------------------
def test_an_initializer_of_the_wrong_shape_is_an_error_naming_the_assign():
    with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal, but are 2 "
                                         "and 7. Shapes are \\[2,3\\] and \\[7,7\\]. for "
                                         "'\\{\\{node w/Assign\\}\\}"):
        tf.get_variable("w", [2, 3], initializer=lambda *a, **k: tf.zeros([7, 7]))
    assert not tf.global_variables()


def test_string_variables_and_zeros_are_empty_strings():
    v = tf.get_variable("s", [2], dtype=tf.string)
    z = tf.zeros([2], tf.string)
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(v).tolist() == [b"", b""] == s.run(z).tolist()


def test_explicit_variable_shape_is_checked_by_the_assign():
    with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal"):
        tf.Variable(tf.zeros([7, 7]), shape=[2, 3])
    assert tf.Variable(tf.zeros([7, 7]), shape=[None, 7]).shape.as_list() == [None, 7]


# -- 4. duplicate names ------------------------------------------------------------------------
def test_an_explicit_full_name_that_exists_is_a_duplicate_node():
    tf.constant(1.0, name="a")
    with pytest.raises(ValueError, match="Duplicate node name in graph: 'a'"):
        tf.constant(2.0, name="a/")


def test_a_failed_creation_that_hit_a_duplicate_keeps_the_first_op_and_its_name():
    first = tf.constant(1.0, name="a")

    def init(shape, dtype=None, partition_info=None):
        return tf.constant(2.0, name="a/")
    with pytest.raises(ValueError, match="Duplicate node name"):
        tf.get_variable("v", [], initializer=init)
    g = tf.get_default_graph()
    assert g.get_operation_by_name("a") is first.op
    assert g.unique_name("a") == "a_1"


# -- 6. resources ------------------------------------------------------------------------------
def test_short_lived_threads_do_not_leak_gemm_buffers(run_python):
    code = """
import resource, threading, numpy as np
from fastscope import _kernels as K
a = np.ones((300, 300), np.float32)
def work():
    K.matmul(a, a, nthreads=1)
def rss():
    return int(open('/proc/self/statm').read().split()[1]) * 4096 >> 20
for _ in range(20):
    t = threading.Thread(target=work); t.start(); t.join()
base = rss()
for _ in range(300):
    t = threading.Thread(target=work); t.start(); t.join()
print(rss() - base)
"""
    out = run_python(code, env={"FASTSCOPE_GEMM": "own"})
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.split()[-1]) < 40      # MiB; one buffer set each would be ~300


def test_a_huge_thread_count_is_clamped_not_fatal():
    from fastscope._src import kernels
    cfg = tf.ConfigProto(intra_op_parallelism_threads=40000, inter_op_parallelism_threads=40000)
    x = tf.matmul(tf.ones([256, 256]), tf.ones([256, 256]))
    with tf.Session(config=cfg) as s:
        assert s.run(x)[0, 0] == 256.0
    assert kernels.resolve_threads(40000) == kernels.max_threads() < 40000


def _peak_mib(run_python, code):
    out = run_python("import resource\n" + code +
                     "\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10)")
    assert out.returncode == 0, out.stderr
    return int(out.stdout.split()[-1])


BASE = "import fastscope as tf\ns = tf.Session()\n"


def test_float16_random_variables_peak_near_their_size(run_python):
    # 128 MiB of float16: a float32 fill plus a converted copy would be 3x
    base = _peak_mib(run_python, BASE + "s.run(tf.constant(1.0))")
    peak = _peak_mib(run_python, BASE + "v = tf.get_variable('v', [64 << 20], tf.float16)\n"
                     "s.run(v.initializer)")
    assert peak - base < 128 * 1.5


def test_constant_initialisers_are_filled_when_run_not_built(run_python):
    base = _peak_mib(run_python, BASE + "s.run(tf.constant(1.0))")
    peak = _peak_mib(run_python, BASE + "v = tf.get_variable('v', [64 << 20], "
                     "initializer=tf.constant_initializer(0.5))\ns.run(v.initializer)")
    assert peak - base < 256 * 1.4       # 256 MiB of float32, one copy
    v = tf.get_variable("huge", [1 << 45], initializer=tf.constant_initializer(1.0))
    w = tf.get_variable("eye", [1 << 24, 1 << 24], initializer=tf.initializers.identity())
    with tf.Session() as s:
        for var in (v, w):
            with pytest.raises(tf.errors.ResourceExhaustedError):
                s.run(var.initializer)


def test_identity_initializer_shards_hold_their_slice_of_the_identity():
    pv = tf.get_variable("e", [7, 5], initializer=tf.initializers.identity(gain=2.0),
                         partitioner=tf.fixed_size_partitioner(3))
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(s.run(pv), 2.0 * np.eye(7, 5))


# -- 7. error types ----------------------------------------------------------------------------
def test_a_filter_of_depth_zero_is_a_value_error():
    for x in (tf.zeros([1, 4, 4, 0]), tf.zeros([1, 4, 4, 3])):
        with pytest.raises(ValueError, match="Depth of filter must not be 0"):
            tf.nn.conv2d(x, tf.zeros([2, 2, 0, 3]), [1, 1, 1, 1], "SAME")


def test_padding_is_case_sensitive_as_in_tensorflow():
    for op in (lambda p: tf.nn.max_pool(tf.zeros([1, 4, 4, 1]), 2, 2, p),
               lambda p: tf.nn.conv2d(tf.zeros([1, 4, 4, 1]), tf.zeros([2, 2, 1, 1]), 1, p)):
        with pytest.raises(ValueError, match="passed string 'same' not in"):
            op("same")


def test_op_dtype_lists_follow_tensorflow():
    with pytest.raises(TypeError, match="parameter 'value' has DataType int32"):
        tf.nn.avg_pool(tf.zeros([1, 4, 4, 1], tf.int32), 2, 2, "VALID")
    tf.nn.max_pool(tf.zeros([1, 4, 4, 1], tf.int32), 2, 2, "VALID")
    for reduce in (tf.reduce_sum, tf.reduce_mean, tf.reduce_max):
        with pytest.raises(TypeError, match="parameter 'input' has DataType bool"):
            reduce(tf.zeros([2], tf.bool))


def test_reduce_max_of_nothing_is_the_lowest_value():
    with tf.Session() as s:
        assert s.run(tf.reduce_max(tf.zeros([0, 3]))) == -np.inf
        assert s.run(tf.reduce_max(tf.zeros([0], tf.int32))) == np.iinfo(np.int32).min
        np.testing.assert_array_equal(s.run(tf.reduce_max(tf.zeros([0, 3]), axis=0)),
                                      [-np.inf] * 3)


def test_file_writer_errors_are_tensorflows(tmp_path, monkeypatch):
    afile = tmp_path / "f"
    afile.write_text("x")
    with pytest.raises(tf.errors.FailedPreconditionError, match="not a directory"):
        tf.summary.FileWriter(str(afile))
    with pytest.raises(tf.errors.FailedPreconditionError):
        tf.summary.FileWriter(str(afile / "sub"))
    for code, cls in ((errno.EACCES, tf.errors.PermissionDeniedError),
                      (errno.ENOSPC, tf.errors.ResourceExhaustedError),
                      (errno.ENOENT, tf.errors.NotFoundError),
                      (errno.EEXIST, tf.errors.AlreadyExistsError)):
        def fail(*a, _code=code, **k):
            raise OSError(_code, os.strerror(_code))
        monkeypatch.setattr(os, "makedirs", fail)
        with pytest.raises(cls, match=str(tmp_path / "logs")):
            tf.summary.FileWriter(str(tmp_path / "logs"))
        monkeypatch.undo()


def test_two_file_writers_in_one_second_write_two_files(tmp_path):
    w1, w2 = tf.summary.FileWriter(str(tmp_path)), tf.summary.FileWriter(str(tmp_path))
    w1.close()
    w2.close()
    assert len(list(tmp_path.iterdir())) == 2
