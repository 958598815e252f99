"""Prints the same under TensorFlow and fastscope (runs when a TensorFlow interpreter exists).

Set FASTSCOPE_TF_PYTHON to a Python that has ``tensorflow`` (e.g. a throwaway venv); by default
the current interpreter is used when it can import tensorflow. Skipped otherwise.
"""
import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).parent / "parity"


def _tf_python():
    exe = os.environ.get("FASTSCOPE_TF_PYTHON")
    if exe:
        return exe
    return sys.executable if importlib.util.find_spec("tensorflow") else None


def _run(python, script, mode):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore")
    if mode == "fs":
        import fastscope
        env["PYTHONPATH"] = os.path.dirname(os.path.dirname(fastscope.__file__))
    out = subprocess.run([python, str(script), mode], capture_output=True, text=True, env=env,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


@pytest.mark.parametrize("script", sorted(HERE.glob("*.py")), ids=lambda p: p.stem)
def test_prints_what_tensorflow_prints(script):
    tf_python = _tf_python()
    if tf_python is None:
        pytest.skip("TensorFlow not installed (set FASTSCOPE_TF_PYTHON to compare)")
    assert _run(sys.executable, script, "fs") == _run(tf_python, script, "tf")
