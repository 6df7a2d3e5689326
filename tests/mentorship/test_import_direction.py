"""Imports run one way, profiles ← notifications ← matching ← meetings (ARCHITECTURE.md), and the engine imports
nothing from Django. Read from the source, so an import inside a function or under TYPE_CHECKING counts too: a lower
app that reaches up breaks the day the higher one is left out or changes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORDER = ["profiles", "notifications", "matching", "meetings"]
ENGINE = ["matching/scoring", "matching/assignment", "matching/quality.py"]


def _modules(path: Path) -> set[str]:
    """Every module `path` imports, by its full name."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def _imports(path: Path) -> set[str]:
    """The top-level package of every module `path` imports."""
    return {module.split(".")[0] for module in _modules(path)}


def _sources(part: str) -> list[Path]:
    path = ROOT / part
    return [path] if path.is_file() else sorted(p for p in path.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("app", ORDER[:-1])
def test_an_app_imports_no_app_above_it(app: str) -> None:
    above = set(ORDER[ORDER.index(app) + 1 :])
    reaching_up = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & above) for path in _sources(app) if _imports(path) & above
    }
    assert reaching_up == {}


@pytest.mark.parametrize("part", ENGINE)
def test_the_engine_imports_nothing_from_django_or_the_apps(part: str) -> None:
    sources = _sources(part)
    assert sources, f"{part} is not where the engine is"
    engine = tuple(part.removesuffix(".py").replace("/", ".") for part in ENGINE)
    forbidden = {"django", "rest_framework", "celery", *ORDER}
    reaching_out = {
        str(path.relative_to(ROOT)): outside
        for path in sources
        if (outside := sorted(m for m in _modules(path) if m.split(".")[0] in forbidden and not m.startswith(engine)))
    }
    assert reaching_out == {}


def test_the_checker_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from meetings.models import Meeting\n    import django.db\n")
    assert _imports(module) == {"meetings", "django"}
