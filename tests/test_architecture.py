"""Import boundaries that keep the layers honest (DESIGN.md): checked on the source with ast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        (
            "scoring",
            {
                "streamlit",
                "sqlmodel",
                "sqlalchemy",
                "models",
                "records",
                "pandas",
                "ui",
                "exports",
                "study",
            },
        ),
        ("study", {"streamlit", "sqlmodel", "sqlalchemy", "models", "records", "scoring"}),
        ("exports", {"streamlit", "sqlmodel", "ui", "models"}),
        ("records", {"streamlit", "ui", "demo"}),
        ("models", {"streamlit", "records", "ui", "exports", "demo"}),
        # The demo builder sits above records (it writes through the use cases), below the pages.
        ("demo", {"streamlit", "ui", "exports"}),
        ("charts", {"streamlit", "sqlmodel", "sqlalchemy", "models"}),
    ],
)
def test_layer_does_not_import_upwards(package, forbidden):
    offenders = {
        str(p.relative_to(ROOT)): sorted(_imports(p) & forbidden)
        for p in _files(package)
        if _imports(p) & forbidden
    }
    assert not offenders, offenders


def test_pages_hold_no_sql():
    offenders = {}
    for path in [*_files("app_pages"), ROOT / "workbench.py"]:
        source = path.read_text(encoding="utf-8")
        bad = _imports(path) & {"sqlalchemy", "sqlmodel", "sqlite3", "models"}
        if bad or "SELECT " in source.upper().replace("ST.SELECT", ""):
            offenders[path.name] = sorted(bad) or ["SQL text"]
    assert not offenders, offenders


def test_every_page_starts_with_a_guard():
    for path in _files("app_pages"):
        if path.name in ("login.py", "setup.py"):
            continue
        source = path.read_text(encoding="utf-8")
        assert "session.require(" in source, f"{path.name} has no sign-in/role guard"
