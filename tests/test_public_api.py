"""Public APIs only: nothing in asker_pipeline/ imports a private module (``dagster._core``) or
an underscore name of another package, so an upgrade does not break it silently."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "asker_pipeline"


def private_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name.startswith("asker_pipeline"):
                continue
            if any(part.startswith("_") and part != "__future__" for part in name.split(".")):
                found.append(name)
    for node in ast.walk(ast.parse(source)):  # dg._core... used as an attribute
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("dg", "dagster")
            and node.attr.startswith("_")
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_the_scan_finds_private_names():
    assert private_imports("from dagster._core.storage import tags") == [
        "dagster._core.storage",
        "dagster._core.storage.tags",
    ]
    assert private_imports("from dagster_duckdb.io_manager import _partition_where_clause") == [
        "dagster_duckdb.io_manager._partition_where_clause"
    ]
    assert private_imports("import dagster as dg\nx = dg._core") == ["dg._core"]
    assert private_imports("from asker_pipeline.x import _y\nimport dagster as dg") == []


def test_no_private_imports_anywhere_in_the_package():
    offenders = {
        str(path.relative_to(PACKAGE)): found
        for path in sorted(PACKAGE.rglob("*.py"))
        if (found := private_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
