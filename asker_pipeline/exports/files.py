"""Export files: removing files no longer exported.

Files are written and checksummed with ``asker_pipeline.filesystem``."""

from __future__ import annotations

from pathlib import Path


def remove_stale(directory: Path, pattern: str, keep: set[Path]) -> list[str]:
    """Delete files matching ``pattern`` that this run did not write (a dropped table's file)."""
    removed = []
    for path in sorted(directory.glob(pattern)):
        if path not in keep:
            path.unlink()
            removed.append(path.name)
    return removed
