"""Configuration defaults, in one place. A value set in the environment always wins.

``apply_defaults()`` runs when the code location is imported, so ``make run``, ``make dev``, the
Dagster CLI, the daemon and every run worker see the same defaults. ``DAGSTER_HOME`` must be set
before Dagster starts (it picks the instance), so the commands that start Dagster go through
``python -m asker_pipeline.settings <command>``, which sets the defaults and then runs it.

There is deliberately no ``.env`` file: Dagster's loader lets a ``.env`` file override the
shell, and a value typed in the shell should win."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from asker_pipeline.paths import (
    ASSETS_DIR,
    DEFAULT_EXPORTS,
    DEFAULT_WAREHOUSE,
    REPO_ROOT,
    SOURCES_DIR,
)

DEFAULTS: dict[str, str] = {
    "ASKER_ASSETS": str(ASSETS_DIR),  # reference data: catalogue, targets, municipalities, labels
    "ASKER_WAREHOUSE": str(DEFAULT_WAREHOUSE),  # the published DuckDB file
    "ASKER_SOURCES": str(SOURCES_DIR),  # spreadsheets, open-data snapshots, source registry
    "ASKER_EXPORTS": str(DEFAULT_EXPORTS),  # the published export folder (a symlink)
    "DAGSTER_HOME": str(REPO_ROOT / "dagster_home"),  # run history and the one-run queue
}


def assets_dir() -> Path:
    """The reference-data folder every loader reads (``ASKER_ASSETS``): the repository's
    ``assets/`` unless the environment names another, so a test or a benchmark can run the
    pipeline on a changed copy (another subject, one more partner) without touching the real one."""
    return Path(os.environ.get("ASKER_ASSETS") or DEFAULTS["ASKER_ASSETS"])


def apply_defaults() -> None:
    """Set every default that the environment does not already set."""
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)


def main(argv: list[str]) -> None:
    """``python -m asker_pipeline.settings COMMAND ...``: run COMMAND with the defaults set."""
    if not argv:
        for name in DEFAULTS:
            print(f"{name}={os.environ.get(name, DEFAULTS[name])}")
        return
    apply_defaults()
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
