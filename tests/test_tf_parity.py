"""Each script in tests/parity/ prints the same under TensorFlow and fastscope.

Every script has TensorFlow's output recorded in ``tests/parity/recorded/<script>.txt``
(made by ``python tests/parity/record.py`` with a TensorFlow Python). Without TensorFlow,
fastscope's output is compared with the recording; with one (``FASTSCOPE_TF_PYTHON``, or the
current interpreter when it can import tensorflow) it is compared with TensorFlow's live
output, and the recording must still match it, so it cannot go stale.
"""
import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).parent / "parity"
RECORDED = HERE / "recorded"
SCRIPTS = sorted(p for p in HERE.glob("*.py") if p.name != "record.py")


def _tf_python():
    exe = os.environ.get("FASTSCOPE_TF_PYTHON")
    if exe:
        return exe
    return sys.executable if importlib.util.find_spec("tensorflow") else None


def run_script(python, script, mode):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore",
               TF_USE_LEGACY_KERAS="1")
    if mode == "fs":
        import fastscope
        env["PYTHONPATH"] = os.path.dirname(os.path.dirname(fastscope.__file__))
    out = subprocess.run([python, str(script), mode], capture_output=True, text=True, env=env,
                         timeout=600, cwd=str(script.parent))
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_prints_what_tensorflow_prints(script):
    recorded = RECORDED / (script.stem + ".txt")
    assert recorded.exists(), "record TensorFlow's output: python tests/parity/record.py"
    ours = run_script(sys.executable, script, "fs")
    tf_python = _tf_python()
    if tf_python is None:
        assert ours == recorded.read_text()
        return
    theirs = run_script(tf_python, script, "tf")
    assert theirs == recorded.read_text(), "the recording is stale: rerun tests/parity/record.py"
    assert ours == theirs
