"""The one-way dependencies of ../shared/DESIGN.md, checked from the import graph.

Every .py file of every project app is parsed (no import runs), and every import in it counts, also the ones
inside functions that are there to break a cycle at import time: a function-level import is still a dependency.
"""
import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

BASE = {"registry", "citizens"}
# app → the project apps it may import (itself always). Apps not on disk yet are skipped, not failed.
ALLOWED: dict[str, set[str]] = {
    "registry": set(),
    "citizens": {"registry"},
    "places": BASE,
    "vaccination": BASE,
    "clinics": BASE | {"vaccination"},
    "certificates": BASE | {"vaccination"},
    "reporting": BASE | {"vaccination"},
}
APPS = set(ALLOWED) | {"opendata", "api", "config"}
# The layers on top may import anything below them.
ALLOWED["opendata"] = set(ALLOWED) - {"opendata"}
ALLOWED["api"] = set(ALLOWED) - {"api"}
ALLOWED["config"] = APPS - {"config"}


def _present() -> list[str]:
    return sorted(app for app in APPS if (ROOT / app / "__init__.py").exists())


def _module_of(path: pathlib.Path) -> list[str]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imported_apps(path: pathlib.Path) -> set[tuple[str, int]]:
    """(top-level package, line) of every import in the file, relative imports resolved against its package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_of(path) if path.name == "__init__.py" else _module_of(path)[:-1]  # what "." means here
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update((alias.name.split(".")[0], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                found.add(((base + (node.module or "").split("."))[0], node.lineno))
            elif node.module:
                found.add((node.module.split(".")[0], node.lineno))
    return found


def violations(app: str) -> list[str]:
    wrong = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for target, line in sorted(imported_apps(path)):
            if target in APPS and target != app and target not in ALLOWED[app]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    return wrong


@pytest.mark.parametrize("app", _present())
def test_imports_point_one_way(app):
    assert violations(app) == [], f"{app} may import only {sorted(ALLOWED[app]) or 'no other app'}"


def test_the_checker_sees_function_level_and_relative_imports(tmp_path, monkeypatch):
    """The checker itself: a function-level import of a higher app and a relative import are both seen."""
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    (tmp_path / "registry" / "sub").mkdir(parents=True)
    (tmp_path / "registry" / "__init__.py").write_text("")
    (tmp_path / "registry" / "sub" / "__init__.py").write_text("")
    (tmp_path / "registry" / "sub" / "m.py").write_text(
        "from .. import models\nfrom ..selectors import x\n\ndef f():\n    from vaccination.models import Dose\n")
    assert violations("registry") == ["registry/sub/m.py:5 imports vaccination"]


def test_every_app_on_disk_has_a_rule():
    """A new app gets a line in ALLOWED before it can import anything unchecked."""
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= APPS, f"add {sorted(apps - APPS)} to the rule table"


def test_roles_are_asked_by_name_outside_registry():
    """`j.is_site`, `facility_of(j)` … (registry.selectors) rather than `j.role == "site"`: code and templates of
    the other apps never compare a role themselves."""
    import re

    wrong = []
    for app in _present():
        if app == "registry":
            continue
        for path in sorted((ROOT / app).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Compare) and any(
                        isinstance(side, ast.Attribute) and side.attr == "role"
                        for side in [node.left, *node.comparators]):
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.role\s*(==|!=|\bin\b)", line):
                wrong.append(f"{path.relative_to(ROOT)}:{number}")
    assert wrong == []
