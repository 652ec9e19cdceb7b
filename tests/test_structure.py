"""The package stays readable: no module over 400 lines, no import cycles, core imports
no widget and no widget imports another.

Imports are read with `ast`, not by importing: an import at module level runs when the
module loads, so a cycle of those can break loading depending on which module comes
first; one inside a function runs only when it is called, so it is counted apart."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "grouptools"
MAX_LINES = 400
WIDGETS = ("poll", "relay")


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_sources():
    """{module name: (source, is a package)} for every module of grouptools."""
    return {module_name(path): (path.read_text(encoding="utf-8"), path.name == "__init__.py")
            for path in sorted(PACKAGE.rglob("*.py"))}


def _known(name, modules):
    """The module an import names: itself, or the nearest enclosing one we have."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _targets(node, name, is_package, modules):
    if isinstance(node, ast.Import):
        return [_known(alias.name, modules) for alias in node.names]
    if node.level:  # relative: from the module's own package, up `level - 1` packages
        base = name.split(".") if is_package else name.split(".")[:-1]
        base = base[:len(base) - node.level + 1]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module
    # `from package import module` names that module; `from module import name` the module.
    return [f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules
            else _known(source, modules) for alias in node.names]


def import_graph(sources):
    """{module: {"module": {imported modules}, "function": {…}}} among the given modules;
    "function" holds imports that run only when a function (or lambda) is called."""
    graph = {}
    for name, (source, is_package) in sources.items():
        edges = {"module": set(), "function": set()}

        def visit(node, in_function):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    found = _targets(child, name, is_package, sources)
                    edges["function" if in_function else "module"].update(
                        t for t in found if t and t != name)
                visit(child, in_function or isinstance(
                    child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

        visit(ast.parse(source), False)
        graph[name] = edges
    return graph


def cycles(graph, kinds):
    """Every group of modules that import one another in a circle (Tarjan's strongly
    connected components, iteratively), as sorted lists."""
    edges = {n: sorted({t for k in kinds for t in graph[n][k]}) for n in graph}
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(edges[node]):
                work.append((node, i + 1))
                target = edges[node][i]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(found)


@pytest.fixture(scope="module")
def graph():
    return import_graph(package_sources())


def test_no_module_is_over_400_lines():
    long = {module_name(path): lines for path in PACKAGE.rglob("*.py")
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, "split these by meaning"


def test_no_import_cycles_at_module_level(graph):
    assert cycles(graph, ["module"]) == []


def test_no_import_cycles_counting_imports_inside_functions(graph):
    assert cycles(graph, ["module", "function"]) == []


def _part(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_core_imports_no_widget_and_no_widget_another(graph):
    crossing = [(name, target) for name, edges in graph.items()
                for target in edges["module"] | edges["function"]
                if _part(target) in WIDGETS and _part(name) not in (None, _part(target))]
    assert crossing == []


def test_the_graph_sees_what_it_must():
    """The checks above can fail: a circle through a package's __init__, relative
    imports and function-level imports are all found."""
    sources = {
        "pkg": ("from pkg import views  # registers the routes\n", True),
        "pkg.blueprint": ("BP = object()\n", False),
        "pkg.views": ("from . import manage\nfrom .blueprint import BP\n", False),
        "pkg.manage": ("from pkg.views import BP\n", False),
        "pkg.api": ("from pkg import BP\n\ndef late():\n    import pkg.tickets\n", False),
        "pkg.tickets": ("import pkg.api as api\n", False),
    }
    graph = import_graph(sources)
    assert graph["pkg"]["module"] == {"pkg.views"}
    assert graph["pkg.views"]["module"] == {"pkg.manage", "pkg.blueprint"}
    assert graph["pkg.api"] == {"module": {"pkg"}, "function": {"pkg.tickets"}}
    assert cycles(graph, ["module"]) == [["pkg.manage", "pkg.views"]]
    assert cycles(graph, ["module", "function"]) == [
        ["pkg.api", "pkg.tickets"], ["pkg.manage", "pkg.views"]]
