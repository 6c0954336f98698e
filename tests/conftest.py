"""Shared fixtures: a temporary warehouse and the resources pointed at it."""

from __future__ import annotations

from pathlib import Path

import pytest

from asker_pipeline.paths import SOURCES_DIR
from asker_pipeline.resources import build_resources


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "test.duckdb"


@pytest.fixture
def exports_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "exports"


@pytest.fixture
def resources(warehouse_path: Path, exports_path: Path) -> dict[str, object]:
    """Resources on a temporary warehouse, reading the bundled sources, exporting to tmp."""
    return build_resources(
        warehouse=str(warehouse_path), sources=str(SOURCES_DIR), exports=str(exports_path)
    )
