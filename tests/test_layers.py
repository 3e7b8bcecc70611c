"""The layers stay apart, checked on the source with ``ast`` (no imports run):

- only ``backend/blender/`` imports bpy under ``backend/``;
- ``operators/`` and ``panels/`` never import each other;
- nothing under ``backend/`` imports the Blender-facing packages (operators, panels, properties);
- no job-type dispatch by ``if ... type == "..."`` outside the registry.
"""
import ast
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def modules(folder):
    base = os.path.join(ROOT, folder)
    for dirpath, _dirs, files in os.walk(base):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(dirpath, name)
                yield os.path.relpath(path, ROOT), ast.parse(open(path, encoding="utf-8").read(), path)


def imported(tree, relpath):
    """Absolute-ish names of everything a module imports (relative imports resolved against its package)."""
    package = os.path.dirname(relpath).replace(os.sep, ".")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[:len(parts) - (node.level - 1)] if node.level > 1 else parts
                base = ".".join(parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            yield base
            for a in node.names:
                yield f"{base}.{a.name}" if base else a.name


def test_only_backend_blender_imports_bpy():
    offenders = [rel for rel, tree in modules("backend")
                 if not rel.startswith(os.path.join("backend", "blender") + os.sep)
                 and any(n == "bpy" or n.startswith("bpy.") for n in imported(tree, rel))]
    assert not offenders, offenders


def test_operators_and_panels_do_not_import_each_other():
    bad = []
    for folder, other in (("operators", "panels"), ("panels", "operators")):
        for rel, tree in modules(folder):
            if any(n == other or n.startswith(other + ".") for n in imported(tree, rel)):
                bad.append(rel)
    assert not bad, bad


def test_backend_does_not_import_the_ui():
    bad = [rel for rel, tree in modules("backend")
           if any(n.split(".")[0] in ("operators", "panels", "properties") for n in imported(tree, rel))]
    assert not bad, bad


def test_no_job_type_if_chains():
    """Job types are dispatched through backend/job_types.py, never by comparing a type name."""
    names = {"noop", "implicit_shape", "generate", "cutout"}
    bad = []
    for folder in ("backend", "operators", "panels", "properties"):
        for rel, tree in modules(folder):
            for node in ast.walk(tree):
                if isinstance(node, ast.Compare) and any(isinstance(c, ast.Constant) and c.value in names
                                                         for c in [node.left, *node.comparators]):
                    bad.append(f"{rel}:{node.lineno}")
    assert not bad, bad
