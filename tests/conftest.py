import pytest

import fastscope as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    """Every test starts on an empty default graph with no default session."""
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()


@pytest.fixture
def run_python(tmp_path):
    """Runs ``python -c code`` against the fastscope these tests import (installed or
    built in place), from a directory where the source tree cannot shadow it."""
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(tf.__file__)))

    def run(code, env=None):
        env = {**os.environ, **(env or {})}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              cwd=str(tmp_path), env=env)
    return run
