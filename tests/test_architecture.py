"""The house has no import circle: every module of the package can be read from the
kernel up, and no import hides inside a function to dodge one. Only the application
factory imports its parts inside itself (Flask's factory pattern: create_app and the
blueprints it registers)."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "facilitator"
FACTORY = {("facilitator", "create_app"), ("facilitator.views", "register_blueprints")}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _targets(module: str, node: ast.ImportFrom) -> set[str]:
    """The package's modules an `from … import …` names."""
    if not node.level and not (node.module or "").startswith("facilitator"):
        return set()
    package = module.split(".")
    if MODULES[module].name != "__init__.py":
        package = package[:-1]
    base = package[:len(package) - node.level + 1] if node.level else []
    start = ".".join(base + (node.module.split(".") if node.module else [])) \
        if node.level else node.module
    found = set()
    for alias in node.names:
        candidate = f"{start}.{alias.name}" if start else alias.name
        found.add(candidate if candidate in MODULES else start)
    return {name for name in found if name in MODULES and name != module}


def _imports() -> tuple[dict[str, set[str]], list[tuple[str, str, set[str]]]]:
    """Module -> the package's modules it imports at its top; and the imports of the
    package's modules made inside a function (module, function, targets)."""
    graph, inside = {}, []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[module] = set().union(*(_targets(module, node) for node in tree.body
                                      if isinstance(node, ast.ImportFrom)))
        graph[module] -= {"facilitator"}
        for function in ast.walk(tree):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                targets = set().union(*(_targets(module, node) for node in ast.walk(function)
                                        if isinstance(node, ast.ImportFrom)))
                if targets and (module, function.name) not in FACTORY:
                    inside.append((module, function.name, targets))
    return graph, inside


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles (Tarjan's strongly connected components of two or more)."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node: str) -> None:
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
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return circles


def test_no_module_imports_its_way_back_to_itself():
    graph, _inside = _imports()
    assert len(graph) > 40 and graph["facilitator.live.operations"]  # the graph was read
    assert _circles(graph) == []


def test_no_import_hides_inside_a_function():
    _graph, inside = _imports()
    assert inside == []


def test_the_check_sees_a_circle_when_there_is_one():
    graph, _inside = _imports()
    graph["facilitator.models"] = graph["facilitator.models"] | {"facilitator.live.operations"}
    assert any("facilitator.models" in circle for circle in _circles(graph))
