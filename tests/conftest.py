"""Shared fixtures: a temporary warehouse and the resources pointed at it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
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


@dataclass(frozen=True)
class ExampleRun:
    warehouse: Path
    exports: Path
    results: list


@pytest.fixture(scope="session")
def example_run(tmp_path_factory) -> ExampleRun:
    """``make run``'s two runs on the bundled example data, once for the whole session."""
    from asker_pipeline.build import materialize_everything

    folder = tmp_path_factory.mktemp("example_run")
    warehouse, exports = folder / "warehouse" / "asker.duckdb", folder / "warehouse" / "exports"
    resources = build_resources(
        warehouse=str(warehouse), sources=str(SOURCES_DIR), exports=str(exports)
    )
    results = materialize_everything(dg.DagsterInstance.ephemeral(), resources)
    assert all(r.success for r in results)
    return ExampleRun(warehouse, exports, results)
