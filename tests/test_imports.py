"""The house's rules, read from the source: core imports no widget, no widget imports
another, no grouptools module imports itself back (at import time or later), and no
module grows past 400 lines."""
import ast
from pathlib import Path

import pytest

from grouptools.core.widgets import registered_widgets

PACKAGE = Path(__file__).resolve().parent.parent / "grouptools"


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def _top_level_nodes(tree):
    """Nodes executed when the module is imported: everything but function bodies."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(node))


def imported_modules(name, top_level_only):
    """The grouptools modules `name` imports (a `from package import x` names the module
    `package.x` when there is one, else the package)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    nodes = _top_level_nodes(tree) if top_level_only else ast.walk(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                       for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t == "grouptools" or t.startswith("grouptools."))
    return found


def widget_packages(app):
    """The packages of the registered widgets ("grouptools.poll", …)."""
    return {".".join(kind.lister.__module__.split(".")[:2]) for kind in registered_widgets(app)}


def _inside(module, package):
    return module == package or module.startswith(package + ".")


def test_core_imports_no_widget_not_even_inside_a_function(app):
    widgets = widget_packages(app) | {"grouptools.poll", "grouptools.relay"}
    offences = [(name, target) for name in MODULES if _inside(name, "grouptools.core")
                for target in imported_modules(name, top_level_only=False)
                if any(_inside(target, widget) for widget in widgets)]
    assert offences == []


def test_no_widget_imports_another(app):
    widgets = widget_packages(app)
    assert {"grouptools.poll", "grouptools.relay"} <= widgets
    offences = [(name, target) for widget in widgets for name in MODULES if _inside(name, widget)
                for target in imported_modules(name, top_level_only=False)
                if any(_inside(target, other) for other in widgets - {widget})]
    assert offences == []


def import_cycles(top_level_only=True):
    """Each strongly connected group of modules of two or more modules, or one that
    imports itself; with `top_level_only=False` imports inside functions count too."""
    graph = {name: imported_modules(name, top_level_only=top_level_only) & MODULES.keys()
             for name in MODULES}
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                cycles.append(frozenset(group))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return cycles


def test_no_import_cycles():
    assert [sorted(c) for c in import_cycles()] == []


def test_no_import_cycles_even_through_imports_inside_functions():
    assert [sorted(c) for c in import_cycles(top_level_only=False)] == []


def test_no_module_is_over_400_lines():
    """A module is read in one sitting; split by meaning before it grows past this."""
    long = {name: lines for name in MODULES
            if (lines := len(MODULES[name].read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


@pytest.mark.parametrize("source, expected", [
    ("from grouptools.relay import service\n", {"grouptools.relay.service"}),
    ("from grouptools.relay import blp\n", {"grouptools.relay"}),
    ("import grouptools.poll.views as v\n", {"grouptools.poll.views"}),
    ("from . import links\n", {"grouptools.core.links"}),
    ("def later():\n    from grouptools.poll import service\n", set()),
])
def test_the_import_reader_sees_what_python_would_import(tmp_path, monkeypatch, source, expected):
    """The rules above are only as good as the reader of import statements."""
    monkeypatch.setitem(MODULES, "grouptools.core.probe", tmp_path / "probe.py")
    monkeypatch.setitem(MODULES, "grouptools.core.links", tmp_path / "links.py")
    (tmp_path / "probe.py").write_text(source, encoding="utf-8")
    assert imported_modules("grouptools.core.probe", top_level_only=True) == expected
