"""Benchmark: ingest 357 filled-in workbooks, one per Norwegian municipality, for one year.

The workbooks are generated once into a temporary folder (or --folder, reused when it exists)
through the real template, filled with example values, for 357 synthetic municipality codes
(9001-9357, added to a copy of the municipality history: the repository does not ship all of
Norway's codes). Then each municipality's partition is loaded with the same function the Dagster
asset calls (read, check, write values / quarantine / load history to a DuckDB file).

Goals (issue 3): at least 20 workbooks a second; memory that does not grow with the number of
files (peak resident memory loading all 357 at most 25 MB above the peak loading the first 50).
Workbooks are parsed in forked worker processes, one per core (spreadsheets/store.py).
Exit status 1 when a goal is missed. Usage: python benchmarks/ingest_workbooks.py [--folder DIR]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.spreadsheets.examples import example_entries
from asker_pipeline.spreadsheets.layout import METADATA_SHEET
from asker_pipeline.spreadsheets.read import ReadContext
from asker_pipeline.spreadsheets.store import load_partitions
from asker_pipeline.spreadsheets.template import build_workbook, fill_workbook, write_workbook
from asker_pipeline.warehouse import connect_warehouse

COUNT, YEAR, FIRST_CODE = 357, 2023, 9001
GOAL_PER_SECOND, GOAL_GROWTH_MB, WARM_UP = 20.0, 25.0, 50


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (the reader workers are bounded per task)."""
    text = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", text).group(1)) / 1024


def synthetic_history():
    history = load_municipalities()
    codes = [str(FIRST_CODE + i) for i in range(COUNT)]
    extra = pd.DataFrame({"code": codes, "name": [f"Synthetic {c}" for c in codes]})
    extra = extra.assign(valid_from="", valid_to="", certainty="", source="benchmark (synthetic)")
    return replace(history, codes=pd.concat([history.codes, extra], ignore_index=True))


def generate(folder: Path, catalogue) -> list[Path]:
    """One workbook per synthetic municipality (built once, then re-labelled and re-filled)."""
    book = build_workbook(catalogue, str(FIRST_CODE), "Synthetic", YEAR, example=True)
    meta = book[METADATA_SHEET]
    paths = []
    for i in range(COUNT):
        code = str(FIRST_CODE + i)
        meta.cell(1, 2).value, meta.cell(2, 2).value = code, f"Synthetic {code}"
        fill_workbook(book, example_entries(catalogue, code, YEAR))
        paths.append(
            write_workbook(book, folder / "spreadsheets" / f"{code}_synthetic_{YEAR}.xlsx")
        )
    return paths


def openpyxl_floor(folder: Path, sample: int = 60) -> float:
    """Seconds per workbook for openpyxl alone to open it and walk the KPI sheet (the floor)."""
    from openpyxl import load_workbook

    files = sorted((folder / "spreadsheets").glob("*.xlsx"))[:sample]
    started = time.perf_counter()
    for path in files:
        book = load_workbook(path, read_only=True, data_only=True)
        for _ in book["KPI"].iter_rows():
            pass
        book.close()
    return (time.perf_counter() - started) / len(files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, help="where the workbooks are (generated if absent)")
    args = parser.parse_args()
    catalogue = load_catalogue()
    context = ReadContext(catalogue, synthetic_history())
    with tempfile.TemporaryDirectory() as tmp:
        sources = args.folder or Path(tmp) / "sources"
        if not (sources / "spreadsheets").is_dir():
            started = time.perf_counter()
            generate(sources, catalogue)
            print(f"generated {COUNT} workbooks in {time.perf_counter() - started:.1f} s")
        keys = [str(FIRST_CODE + i) for i in range(COUNT)]
        # Warm-up: the first WARM_UP workbooks into a warehouse of their own; then all of them,
        # timed, in one call, as a single-run backfill of every municipality does.
        with connect_warehouse(Path(tmp) / "warm_up.duckdb") as conn:
            load_partitions(conn, keys[:WARM_UP], sources, context)
        rss_after_warm_up = peak_rss_mb()
        with connect_warehouse(Path(tmp) / "bench.duckdb") as conn:
            started = time.perf_counter()
            load_partitions(conn, keys, sources, context)
            elapsed = time.perf_counter() - started
            values = conn.execute("SELECT count(*) FROM raw.spreadsheet_values").fetchone()[0]
        rss_end = peak_rss_mb()
        floor = openpyxl_floor(sources)
    per_second = COUNT / elapsed
    growth = rss_end - rss_after_warm_up
    print(
        f"ingested {COUNT} workbooks ({values} values) in {elapsed:.1f} s: {per_second:.1f} "
        "workbooks/s"
    )
    print(f"openpyxl floor (open + walk the KPI sheet, nothing else): {1 / floor:.1f} workbooks/s")
    print(
        f"peak resident memory loading {WARM_UP}: {rss_after_warm_up:.0f} MB, loading {COUNT}: "
        f"{rss_end:.0f} MB (growth {growth:+.1f} MB)"
    )
    ok = per_second >= GOAL_PER_SECOND and growth <= GOAL_GROWTH_MB
    print(
        f"goals: >= {GOAL_PER_SECOND:g} workbooks/s, growth <= {GOAL_GROWTH_MB:g} MB: "
        f"{'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
