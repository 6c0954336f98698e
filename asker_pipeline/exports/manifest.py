"""``manifest.json``: the seal of a published export set.

Written when a run publishes its exports (``publish.py``), after every file of the set is in place,
so it always lists exactly the files beside it: each with its size and sha256, and the versions
that produced the set. No timestamps, so the same exports give the same manifest."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from asker_pipeline.filesystem import sha256_file, write_bytes_atomic
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.scoring import scores
from asker_pipeline.scoring.targets import load_targets
from asker_pipeline.warehouse import table_exists

MANIFEST = "manifest.json"


def export_versions(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Catalogue, targets and method versions, and the baseline release the exports show."""
    catalogue = load_catalogue()
    versions = scores.provenance(catalogue, load_targets(catalogue=catalogue))
    row = (
        conn.execute("SELECT release_id FROM marts.zero_point LIMIT 1").fetchone()
        if table_exists(conn, "marts.zero_point")
        else None
    )
    return {**versions, "baseline_release_id": row[0] if row else ""}


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


def seal(exports_dir: Path, conn: duckdb.DuckDBPyConnection) -> Path:
    """Write the manifest of ``exports_dir`` as it stands now."""
    built = build_manifest(exports_dir, export_versions(conn))
    return write_bytes_atomic(exports_dir / MANIFEST, manifest_bytes(built))
