"""The import graph the apps' ownership rests on: tasks call services, never the other way round; the applicant
portal's pages are a leaf that only the URL configuration loads."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "accounts",
    "applications",
    "audit",
    "banking",
    "notifications",
    "portal",
    "reviews",
    "screening",
    "vasp_licensing",
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }


def _imported_at_load(path: Path, known: set[str]) -> set[str]:
    """Project modules `path` imports when it is loaded (module level only; imports inside functions run later)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    loaded: set[str] = set()
    for name in names:
        parts = name.split(".")
        # Importing a.b.c runs a/__init__ and a/b/__init__ first.
        loaded.update(prefix for i in range(1, len(parts) + 1) if (prefix := ".".join(parts[:i])) in known)
    return loaded


def _cycles_through(module: str, graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, stack = [], [(module, [module])]
    seen: set[str] = set()
    while stack:
        current, path = stack.pop()
        for target in graph.get(current, ()):
            if target == module:
                cycles.append([*path, module])
            elif target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return cycles


def test_no_tasks_module_is_part_of_an_import_cycle():
    modules = _modules()
    graph = {name: _imported_at_load(path, set(modules)) - {name} for name, path in modules.items()}
    tasks_modules = [name for name in modules if name.endswith(".tasks")]
    assert tasks_modules  # the scan found the apps' tasks

    cycles = {name: _cycles_through(name, graph) for name in tasks_modules}

    assert {name: found[0] for name, found in cycles.items() if found} == {}


def test_only_the_url_configuration_loads_the_portal():
    modules = _modules()
    importers = {
        name
        for name, path in modules.items()
        if not name.startswith("portal") and any(m.startswith("portal") for m in _imported_at_load(path, set(modules)))
    }

    assert importers == {"vasp_licensing.urls"}


def test_the_portal_pages_live_in_the_portal_app():
    leftovers = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "applications/portal", ROOT / "accounts/team", ROOT / "banking/portal")
        if path.exists()
    ]

    assert leftovers == []
