"""Writing export files: atomically, and with checksums for the manifest."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
