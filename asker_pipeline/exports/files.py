"""Export files: checksums for the manifest, and removing files no longer exported.

Files are written with ``asker_pipeline.atomic.write_bytes_atomic``."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def remove_stale(directory: Path, pattern: str, keep: set[Path]) -> list[str]:
    """Delete files matching ``pattern`` that this run did not write (a dropped table's file)."""
    removed = []
    for path in sorted(directory.glob(pattern)):
        if path not in keep:
            path.unlink()
            removed.append(path.name)
    return removed
