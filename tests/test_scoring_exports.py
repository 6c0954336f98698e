"""Scoring and export assets on a temporary warehouse holding a small staging.kpi_values; the
exported Parquet files and workbooks read back and checked cell by cell against the warehouse."""

import json
from datetime import UTC
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from value_rows import BROADBAND, network_values, write_kpi_values

from asker_pipeline.exports import excel
from asker_pipeline.exports.assets import defs as exports_defs
from asker_pipeline.scoring.assets import defs as scoring_defs
from asker_pipeline.scoring.assets import zero_point_measurement

ASSETS = [*scoring_defs.assets, *exports_defs.assets]
ZERO_POINT = list(zero_point_measurement.keys)


def _run(resources, config=None, selection=None):
    result = dg.materialize(ASSETS, resources=resources, run_config=config, selection=selection)
    assert result.success
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One materialization shared by the read-back tests (keeps the suite fast)."""
    from asker_pipeline.paths import SOURCES_DIR
    from asker_pipeline.resources import build_resources

    root = tmp_path_factory.mktemp("scoring")
    warehouse = root / "w.duckdb"
    exports = root / "exports"
    write_kpi_values(warehouse, network_values())
    resources = build_resources(str(warehouse), str(SOURCES_DIR), str(exports))
    result = _run(resources)
    return {"warehouse": warehouse, "exports": exports, "resources": resources, "result": result}


def _query(path: Path, sql: str, params=()):
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql, list(params)).df()


def test_zero_point_asset_metadata_shows_scores_and_chart(built):
    event = built["result"].asset_materializations_for_node("zero_point_measurement")
    zero = next(e for e in event if e.asset_key == dg.AssetKey(["marts", "zero_point"]))
    assert "EC: ICT: ICT" in zero.metadata["category_scores"].value
    assert "| dimension" in zero.metadata["dimension_scores"].value
    assert "█" in zero.metadata["category_chart"].value
    assert zero.metadata["dagster/row_count"].value == 112


def test_releases_are_kept_and_not_duplicated(resources, warehouse_path):
    write_kpi_values(warehouse_path, network_values())
    for _ in range(2):  # same inputs: same release, nothing added
        _run(resources, selection=ZERO_POINT)
        assert len(_query(warehouse_path, "SELECT * FROM marts.baseline_releases")) == 1
    changed = network_values()
    changed.loc[changed["value"] == 45.0, "value"] = 50.0
    write_kpi_values(warehouse_path, changed)
    _run(resources, selection=ZERO_POINT)
    releases = _query(
        warehouse_path, "SELECT * FROM marts.baseline_releases ORDER BY release_number"
    )
    assert list(releases["release_number"]) == [1, 2]
    first = releases["release_id"].iloc[0]
    old = _query(
        warehouse_path,
        "SELECT value FROM marts.baseline_release_values WHERE release_id = ? AND kpi_code = ?",
        [first, BROADBAND],
    )
    assert old["value"].iloc[0] == 45.0  # the frozen release is untouched
    current = _query(
        warehouse_path, "SELECT value FROM marts.zero_point WHERE kpi_code = ?", [BROADBAND]
    )
    assert current["value"].iloc[0] == 50.0
    pinned = {"ops": {"zero_point_measurement": {"config": {"release_id": first}}}}
    _run(resources, pinned, selection=ZERO_POINT)
    zero = _query(
        warehouse_path, "SELECT value FROM marts.zero_point WHERE kpi_code = ?", [BROADBAND]
    )
    assert zero["value"].iloc[0] == 45.0


def test_parquet_files_match_the_warehouse(built):
    folder = built["exports"] / "parquet"
    for name in (
        "kpi_scores",
        "zero_point",
        "peer_comparison",
        "rollup_scores",
        "baseline_releases",
    ):
        table = pq.read_table(folder / f"{name}.parquet")
        expected = _query(built["warehouse"], f"SELECT * FROM marts.{name} ORDER BY ALL")
        got = table.to_pandas()
        assert list(got.columns) == list(expected.columns)
        assert (
            got.astype(object).where(got.notna(), None).values.tolist()
            == expected.astype(object).where(expected.notna(), None).values.tolist()
        )
        meta = table.schema.metadata
        assert json.loads(meta[b"asker.versions"])["targets_version"] == "2026.2"
    points = json.loads(
        pq.read_schema(folder / "kpi_scores.parquet").metadata[b"asker.kpi_data_points"]
    )
    broadband = next(p for p in points if p["kpi_code"] == BROADBAND)
    assert broadband["unit"] == "percent" and broadband["target"] == 60.0


def test_asker_workbook_matches_the_warehouse_cell_by_cell(built):
    wb = openpyxl.load_workbook(built["exports"] / "excel" / "benchmark_3203_Asker.xlsx")
    assert wb.sheetnames == [
        "Les meg",
        "Oversikt",
        "KPI-er",
        "Sammenligning",
        "Datakvalitet",
        "Ikke rapportert",
    ]
    readme = "\n".join(str(c.value) for row in wb["Les meg"].iter_rows() for c in row if c.value)
    from asker_pipeline.reference.catalogue import load_catalogue

    catalogue_version = load_catalogue().version
    assert "eksempeldata" in readme.lower() and catalogue_version in readme
    assert "Prosent av mål" in readme
    ws = wb["KPI-er"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert [c.value for c in ws[1]] == [c.nb for c in excel.KPI_COLUMNS]
    expected = _query(
        built["warehouse"],
        "SELECT * FROM marts.kpi_scores WHERE municipality_code = '3203' "
        "ORDER BY kpi_code, data_point, year",
    )
    assert ws.max_row == len(expected) + 1
    for i, record in enumerate(expected.to_dict("records"), start=2):
        for j, col in enumerate(excel.KPI_COLUMNS, start=1):
            want = record[col.key]
            got = ws.cell(i, j).value
            if want is None or (not isinstance(want, str) and want != want):
                assert got is None, (i, col.key)
            else:
                assert got == want, (i, col.key, got, want)
    band_col = [c.key for c in excel.KPI_COLUMNS].index("band_label") + 1
    scored_row = next(
        i for i, r in enumerate(expected.to_dict("records"), start=2) if r["points"] == 3
    )
    assert ws.cell(scored_row, band_col).fill.start_color.rgb.endswith(excel.BAND_FILLS[3])
    pct_col = [c.key for c in excel.KPI_COLUMNS].index("percent_of_target") + 1
    assert ws.cell(scored_row, pct_col).number_format == excel.PERCENT
    not_reported = wb["Ikke rapportert"]
    assert not_reported.max_row - 1 == len(
        _query(built["warehouse"], "SELECT * FROM marts.zero_point_not_reported")
    )
    assert "ikke tilgjengelig" in str(wb["Datakvalitet"]["A2"].value)


def test_partner_workbook_compares_five_values(built):
    wb = openpyxl.load_workbook(built["exports"] / "excel" / "benchmark_5001_Trondheim.xlsx")
    ws = wb["Sammenligning"]
    header = [c.value for c in ws[1]]
    row = {h: c.value for h, c in zip(header, ws[2], strict=True)}
    assert row["KPI-kode"] == BROADBAND and row["Årsmerknad"] == "nearest year: 2018"
    assert row["Verdi Asker"] == 45.0 and row["Verdi Trondheim"] == 19.8 and row["Rangering"] == 5


def test_formula_like_text_is_written_as_text(built):
    path = built["exports"] / "excel" / "benchmark_3203_Asker.xlsx"
    wb = openpyxl.load_workbook(path)
    cells = [c for row in wb["KPI-er"].iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value.startswith(("=", "+"))]
    assert {c.value[:1] for c in risky} == {"=", "+"}
    assert all(c.data_type == "s" for c in risky)
    import zipfile

    with zipfile.ZipFile(path) as archive:
        sheets = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
        )
    assert "<f>" not in sheets and "HYPERLINK" in sheets


def test_exports_are_reproducible_and_listed_in_the_manifest(built):
    manifest_path = built["exports"] / "manifest.json"
    first = manifest_path.read_bytes()
    _run(built["resources"])
    assert manifest_path.read_bytes() == first
    manifest = json.loads(first)
    paths = {f["path"] for f in manifest["files"]}
    assert "excel/benchmark_3203_Asker.xlsx" in paths and "parquet/kpi_scores.parquet" in paths
    assert manifest["versions"]["method_version"] == "2026.2"
    assert manifest["versions"]["baseline_release_id"].startswith("2019-")


def test_cell_values_of_any_input_type_are_written_safely():
    from datetime import datetime

    import numpy as np

    assert excel.cell_value(np.int32(3)) == 3 and excel.cell_value(np.float64("nan")) is None
    assert excel.cell_value(pd.NA) is None and excel.cell_value(["a", 1]) == "['a', 1]"
    aware = datetime(2026, 5, 1, 12, tzinfo=UTC)
    assert excel.cell_value(aware) == datetime(2026, 5, 1, 12)
    ws = openpyxl.Workbook().active
    cell = excel.safe_write(ws, 1, 1, "@SUM(A1:A9)")
    assert cell.data_type == "s" and cell.value == "@SUM(A1:A9)" and cell.quotePrefix
    assert excel.safe_write(ws, 2, 1, "-2+3").data_type == "s"


def test_releases_come_back_from_their_files_into_a_new_warehouse(resources, warehouse_path):
    write_kpi_values(warehouse_path, network_values())
    _run(resources, selection=ZERO_POINT)
    changed = network_values()
    changed.loc[changed["value"] == 45.0, "value"] = 50.0
    write_kpi_values(warehouse_path, changed)
    _run(resources, selection=ZERO_POINT)
    query = "SELECT * FROM marts.baseline_releases ORDER BY release_number"
    before = _query(warehouse_path, query)
    frozen = _query(warehouse_path, "SELECT * FROM marts.baseline_release_values ORDER BY ALL")
    files = sorted(p.stem for p in (warehouse_path.parent / "releases").glob("*.parquet"))
    assert files == sorted(before["release_id"])  # each release is also a file

    warehouse_path.unlink()  # the warehouse is lost
    write_kpi_values(warehouse_path, changed)  # ... and rebuilt from the sources
    _run(resources, selection=ZERO_POINT)
    after = _query(warehouse_path, query)
    assert after[["release_id", "release_number"]].equals(before[["release_id", "release_number"]])
    restored = _query(warehouse_path, "SELECT * FROM marts.baseline_release_values ORDER BY ALL")
    pd.testing.assert_frame_equal(restored, frozen)
