"""``manifest.json``: every export file with its size and sha256, and the versions used.
No timestamps, so the same exports give the same manifest."""

from __future__ import annotations

import json
from pathlib import Path

from asker_pipeline.filesystem import sha256_file

MANIFEST = "manifest.json"


def build_manifest(exports_dir: Path, versions: dict[str, str]) -> dict[str, object]:
    files = [
        {
            "path": p.relative_to(exports_dir).as_posix(),
            "bytes": p.stat().st_size,
            "sha256": sha256_file(p),
        }
        for p in sorted(exports_dir.rglob("*"))
        if p.is_file() and p.name != MANIFEST and not p.name.startswith(".")
    ]
    return {
        "generator": "asker-pipeline",
        "versions": dict(sorted(versions.items())),
        "files": files,
    }


def manifest_bytes(manifest: dict[str, object]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
