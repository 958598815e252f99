"""Records TensorFlow's output of every parity script in tests/parity/recorded/.

Run with a Python that has tensorflow-cpu (and tf-keras, tf_slim where scripts need them):
    /path/to/tf-venv/bin/python tests/parity/record.py [script ...]
The recordings are what tests/test_tf_parity.py compares fastscope with when TensorFlow is
not installed.
"""
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent


def main():
    names = sys.argv[1:] or sorted(p.name for p in HERE.glob("*.py") if p.name != "record.py")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore",
               TF_USE_LEGACY_KERAS="1")
    (HERE / "recorded").mkdir(exist_ok=True)
    for name in names:
        script = HERE / name
        out = subprocess.run([sys.executable, str(script), "tf"], capture_output=True,
                             text=True, env=env, cwd=str(HERE), timeout=600)
        if out.returncode:
            sys.exit("%s failed under TensorFlow:\n%s" % (name, out.stderr[-3000:]))
        (HERE / "recorded" / (script.stem + ".txt")).write_text(out.stdout)
        print("recorded", script.stem)


if __name__ == "__main__":
    main()
