"""Every docstring example in the package runs and prints what it shows."""
import doctest
import importlib
import pathlib

import pytest

import fastscope

PKG = pathlib.Path(fastscope.__file__).parent
MODULES = sorted(
    ".".join(p.relative_to(PKG.parent).with_suffix("").parts).replace(".__init__", "")
    for p in PKG.rglob("*.py"))


@pytest.mark.parametrize("modname", MODULES)
def test_docstring_examples_run(modname):
    mod = importlib.import_module(modname)
    fastscope.reset_default_graph()
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


@pytest.mark.parametrize("modname", ["fastscope._kernels", "fastscope._names"])
def test_compiled_docstring_examples_run(modname):
    mod = importlib.import_module(modname)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = [t for t in finder.find(mod) if t.examples]
    for t in tests:
        runner.run(t)
    assert runner.failures == 0
