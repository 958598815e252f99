"""The package's shape: layers without cycles, one way to add ops, typed compiled modules.

These tests read the source (ASTs and the compiled modules' stubs), so a change
that breaks the structure fails here even when every behaviour test passes.
"""
import ast
import inspect
import json
import os
import pathlib
import re

import pytest

import fastscope
from fastscope._src.framework import registry

PKG = pathlib.Path(fastscope.__file__).parent
SRC = PKG / "_src"

# Imports inside a function body, each with its reason. Everything else imports at the top.
FUNCTION_IMPORT_ALLOWED = {
    ("fastscope._src.kernels", "fastscope._kernels"):
        "the compiled core, imported on first kernel use (it loads BLAS, ~30 ms)",
}

# Which packages of fastscope._src each package may import (the arrows run one way:
# public API -> summary/variables -> ops -> kernels facade -> framework -> compiled core;
# the client sits on the framework alone).
LAYERS = {
    "framework": set(),
    "kernels": {"framework"},
    "memory": set(),
    "missing": set(),
    "ops": {"framework", "kernels", "memory"},
    "client": {"framework", "kernels"},
    "variables": {"framework", "ops", "kernels"},
    "summary": {"framework", "ops", "kernels"},
}


def _modules():
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _imports(tree, modname, is_pkg):
    """(imported module, line, inside a function?) for each import in ``tree``."""
    out = []
    package = modname if is_pkg else modname.rpartition(".")[0]

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                      ast.Lambda))
            if isinstance(child, ast.Import):
                out.extend((a.name, child.lineno, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    base = ".".join(package.split(".")[:len(package.split(".")) - child.level + 1]
                                    + ([base] if base else []))
                for a in child.names:
                    target = base + "." + a.name
                    out.append((target if _is_module(target) else base, child.lineno,
                                in_function))
            visit(child, inner)
    visit(tree, False)
    return out


def _is_module(name):
    parts = name.split(".")
    if parts[0] != "fastscope":
        return False
    path = PKG.parent.joinpath(*parts)
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists() or any(
        path.parent.glob(parts[-1] + ".*.so")) or path.with_suffix(".pyx").exists()


def _graph():
    graph = {}
    function_imports = []
    for modname, path in _modules():
        tree = ast.parse(path.read_text(), str(path))
        deps = set()
        for target, line, in_function in _imports(tree, modname, path.name == "__init__.py"):
            if not target.startswith("fastscope"):
                continue
            if in_function:
                function_imports.append((modname, target, line))
            deps.add(target)
        graph[modname] = deps
    return graph, function_imports


def test_no_import_inside_a_function_body_outside_the_allow_list():
    _, function_imports = _graph()
    found = {(m, t) for m, t, _ in function_imports}
    bad = [(m, t, line) for m, t, line in function_imports
           if (m, t) not in FUNCTION_IMPORT_ALLOWED]
    assert not bad, "imports inside functions (move them to the top): %s" % bad
    assert found == set(FUNCTION_IMPORT_ALLOWED), "stale allow-list entries"


def test_no_import_cycle_among_src_modules():
    graph, _ = _graph()
    src = {m: {d for d in deps if d.startswith("fastscope._src") and d in graph}
           for m, deps in graph.items() if m.startswith("fastscope._src")}
    state = {}
    cycles = []

    def dfs(m, path):
        state[m] = 1
        for d in src.get(m, ()):
            if d == m or (d.startswith(m + ".") and m.endswith(("_src", "framework", "ops",
                                                                  "variables", "client",
                                                                  "summary"))):
                continue
            if state.get(d) == 1:
                cycles.append(path[path.index(d):] + [d] if d in path else path + [d])
            elif d not in state:
                dfs(d, path + [d])
        state[m] = 2
    for m in sorted(src):
        if m not in state:
            dfs(m, [m])
    assert not cycles, "import cycles: %s" % cycles


def _layer(modname):
    parts = modname.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "_src" else None


def test_packages_import_only_the_layers_below_them():
    graph, _ = _graph()
    bad = []
    for m, deps in graph.items():
        layer = _layer(m)
        if layer is None:
            continue
        assert layer in LAYERS, "new package %s: give it a place in LAYERS" % layer
        for d in deps:
            dl = _layer(d)
            if dl is not None and dl != layer and dl not in LAYERS[layer]:
                bad.append((m, d))
    assert not bad, "imports against the layering: %s" % bad


def test_the_public_package_only_reexports():
    for modname, path in _modules():
        if "._src" in modname:
            continue
        tree = ast.parse(path.read_text())
        for node in tree.body:
            assert isinstance(node, (ast.Import, ast.ImportFrom, ast.Expr, ast.Assign,
                                     ast.FunctionDef, ast.Try)), (modname, node.lineno)
            if isinstance(node, ast.FunctionDef):
                # only trivial functions: __getattr__ and TF's no-op switches
                assert len(node.body) <= 2, (modname, node.name)


def test_only_the_framework_adds_ops():
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.parent.name == "framework":
            continue
        for i, line in enumerate(path.read_text().splitlines(), 1):
            if "_add_op(" in line:
                offenders.append("%s:%d" % (path.relative_to(PKG), i))
    assert not offenders, offenders


def test_every_registered_op_has_kernel_shape_and_known_traits():
    ops = registry.registered_ops()
    assert len(ops) > 40
    for op_type, d in ops.items():
        assert callable(d.kernel), op_type
        assert callable(d.shape), op_type
        assert d.traits <= registry.TRAITS, op_type
        assert d.tf_type, op_type
        assert all(s.name for s in d.inputs), op_type
        for spec in d.inputs:
            if spec.type_attr is not None and d.type_attrs:
                assert spec.type_attr in d.type_attrs or spec.type_attr not in d.type_attrs
    assert registry.get_op_def("Placeholder").needs_feed
    assert registry.get_op_def("RandomUniform").fill
    assert registry.get_op_def("VariableV2").stateful
    with pytest.raises(KeyError, match="already registered"):
        registry.register_op("MatMul", shape=lambda n: [], kernel=lambda c, o: None)


def test_importing_fastscope_leaves_the_environment_unchanged(run_python):
    code = ("import os, json; before = dict(os.environ); import fastscope as tf; "
            "x = tf.matmul(tf.ones([64, 64]), tf.ones([64, 64])); "
            "y = tf.nn.conv2d(tf.ones([1, 8, 8, 3]), tf.ones([3, 3, 3, 4]), [1, 1, 1, 1], 'SAME'); "
            "tf.Session().run([x, y]); print(json.dumps(dict(os.environ) == before))")
    for env in ({}, {"OPENBLAS_CORETYPE": ""}):
        out = run_python(code, env={k: v for k, v in env.items() if v})
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout.strip().splitlines()[-1]) is True


def test_importing_fastscope_prints_nothing(run_python):
    out = run_python("import fastscope")
    assert out.returncode == 0 and out.stdout == "" and out.stderr == ""


def _stub_names(pyi):
    tree = ast.parse(pyi.read_text())
    names = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign):
            names[node.target.id] = node
    return names


@pytest.mark.parametrize("modname", ["_kernels", "_names"])
def test_stubs_match_the_compiled_module(modname):
    mod = __import__("fastscope." + modname, fromlist=["_"])
    stubs = _stub_names(PKG / (modname + ".pyi"))
    public = {n for n in dir(mod) if not n.startswith("_") and n not in ("np", "os", "sys",
                                                                          "ctypes", "cython")}
    assert public == set(stubs), "in module only: %s; in stub only: %s" % (
        sorted(public - set(stubs)), sorted(set(stubs) - public))
    for name, node in stubs.items():
        obj = getattr(mod, name)
        if isinstance(node, ast.FunctionDef):
            want = [a.arg for a in node.args.args]
            got = list(inspect.signature(obj).parameters)
            assert got == want, (name, got, want)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not item.name.startswith("__"):
                    assert hasattr(obj, item.name), (name, item.name)


def test_py_typed_is_shipped():
    assert (PKG / "py.typed").exists()


def test_no_module_over_600_lines():
    long = {str(p.relative_to(PKG)): n for p in PKG.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 600}
    assert not long, long


def _python_functions():
    for path in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield "%s:%s" % (path.relative_to(PKG), node.name), node.end_lineno - node.lineno + 1


_CY_DEF = re.compile(r"^(\s*)(?:cpdef|cdef|def)\s+(?:[\w\[\], *]+\s+)?(\w+)\s*\(")


def _cython_functions():
    """(name, length) of each def/cdef/cpdef in the .pyx/.pxi files that is not a nogil core."""
    for path in list(PKG.glob("*.pyx")) + list(PKG.glob("*.pxi")):
        lines = path.read_text().splitlines()
        i = 0
        while i < len(lines):
            m = _CY_DEF.match(lines[i])
            if not m or lines[i].lstrip().startswith(("cdef extern", "cdef class", "cdef struct")):
                i += 1
                continue
            indent = len(m.group(1))
            header_end = i
            while not lines[header_end].rstrip().endswith(":"):
                header_end += 1
            header = " ".join(lines[i:header_end + 1])
            j = header_end + 1
            while j < len(lines) and (not lines[j].strip() or lines[j].lstrip().startswith("#")
                                      or len(lines[j]) - len(lines[j].lstrip()) > indent):
                j += 1
            if "nogil" not in header:
                yield "%s:%s" % (path.name, m.group(2)), j - i
            i = header_end + 1


def test_no_function_over_80_lines():
    long = [(name, n) for name, n in list(_python_functions()) + list(_cython_functions())
            if n > 80]
    assert not long, long


def test_a_missing_tf1_name_says_it_is_not_provided_yet():
    with pytest.raises(AttributeError, match="tf.gradients is a TensorFlow 1.x API that "
                                             "fastscope does not provide yet"):
        fastscope.gradients
    with pytest.raises(AttributeError, match="tf.nn.dropout is a TensorFlow"):
        fastscope.nn.dropout
    with pytest.raises(AttributeError) as e:
        fastscope.no_such_thing
    assert "TensorFlow" not in str(e.value)
    assert os.path.exists(SRC / "tf1_api_names.txt")
