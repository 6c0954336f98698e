"""Scoring and export assets on a temporary warehouse holding a small staging.kpi_values; the
exported Parquet files and workbooks read back and checked cell by cell against the warehouse."""

import base64
import json
import re
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
from asker_pipeline.exports.excel import sheets
from asker_pipeline.schema.labels import load_labels
from asker_pipeline.scoring.assets import defs as scoring_defs
from asker_pipeline.scoring.assets import zero_point_measurement
from asker_pipeline.scoring.charts import BAND_COLOURS

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
    categories = zero.metadata["category_scores"].value  # a table the UI shows in place
    nodes = [record.data["category_node"] for record in categories.records]
    assert len(nodes) == 27 and "EC: ICT: ICT" in nodes
    assert all(
        isinstance(r.data["percent"], float) and r.data["percent"] == round(r.data["percent"], 2)
        for r in categories.records
        if r.data["percent"] is not None
    )
    assert "| dimension" in zero.metadata["dimension_scores"].value
    percent = zero.metadata["overall_percent"].value  # rounded for people
    assert isinstance(percent, float) and percent == round(percent, 2)
    images = re.findall(r"!\[([^\]]*)\]\(data:image/png;base64,([^)]+)\)", zero.metadata["score_chart"].value)
    assert [alt for alt, _ in images] == ["Dimension scores", "Category scores"]
    for _, data in images:
        assert base64.b64decode(data).startswith(b"\x89PNG\r\n")
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
        "Oversikt",
        "Les meg",
        "Kategorier",
        "KPI-er",
        "Sammenligning",
        "Datakvalitet",
        "Ikke rapportert",
        "Kilder",
    ]
    readme = "\n".join(str(c.value) for row in wb["Les meg"].iter_rows() for c in row if c.value)
    from asker_pipeline.reference.catalogue import load_catalogue

    catalogue_version = load_catalogue().version
    assert "eksempeldata" in readme.lower() and catalogue_version in readme
    assert "Prosent av mål" in readme and "Slik leser du et bånd" in readme
    ws = wb["KPI-er"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    fields = sheets.kpi_fields("nb")
    expected = _query(
        built["warehouse"],
        "SELECT * FROM marts.kpi_scores WHERE municipality_code = '3203' "
        "ORDER BY kpi_code, data_point, year",
    )
    shown = [f for f in fields if not f.optional or f.key in expected.columns]
    assert [c.value for c in ws[1]] == [f.title("nb") for f in shown]
    assert "Til kontroll" in [c.value for c in ws[1]]  # the review marks, shown as declared
    labels = load_labels()
    assert ws.max_row == len(expected) + 1
    for i, record in enumerate(expected.to_dict("records"), start=2):
        for j, field in enumerate(shown, start=1):
            got = ws.cell(i, j).value
            if field.key == "source":
                assert got == record["source_ref"], (i, got)  # no file and cell in the test data
                continue
            want = record[field.key]
            if field.key == "review_reason":
                want = sheets.review_text(want, labels, "nb")
            if want is None or (not isinstance(want, str) and want != want):
                assert got is None, (i, field.key)
            elif field.schema.values:
                assert got == labels.label(field.schema.values, want, "nb"), (i, field.key)
            else:
                assert got == want, (i, field.key, got, want)
    keys = [f.key for f in shown]
    scored_row = next(
        i for i, r in enumerate(expected.to_dict("records"), start=2) if r["points"] == 3
    )
    band = ws.cell(scored_row, keys.index("band_label") + 1)
    assert band.fill.start_color.rgb.endswith(BAND_COLOURS[3]) and band.value == "66–95 %"
    assert ws.cell(scored_row, keys.index("percent_of_target") + 1).number_format == excel.PERCENT
    assert ws.cell(scored_row, keys.index("is_example") + 1).value in ("ja", "nei")
    not_reported = wb["Ikke rapportert"]
    assert not_reported.max_row - 1 == len(
        _query(built["warehouse"], "SELECT * FROM marts.zero_point_not_reported")
    )
    assert "ikke tilgjengelig" in str(wb["Datakvalitet"]["A2"].value)


def test_partner_workbook_compares_its_peer_set(built):
    wb = openpyxl.load_workbook(built["exports"] / "excel" / "benchmark_5001_Trondheim.xlsx")
    ws = wb["Sammenligning"]
    header = [c.value for c in ws[1]]
    assert header[:2] == ["KPI-kode", "Indikator og datapunkt"]
    row = {h: c.value for h, c in zip(header, ws[2], strict=True)}
    assert row["KPI-kode"] == BROADBAND and row["Årsmerknad"] == "nærmeste år: 2018"
    assert row["Asker"] == 45.0 and row["Trondheim"] == 19.8
    assert row["Rangering (90 %-intervall)"] == "5 av 5"  # last in every draw
    # one value column per municipality of the peer set, nothing more
    names = {"Asker", "Bærum", "Trondheim", "Stavanger", "Ålesund"}
    assert [h for h in header if h in names] == ["Asker", "Bærum", "Trondheim", "Stavanger",
                                                   "Ålesund"]
    english = openpyxl.load_workbook(
        built["exports"] / "excel" / "benchmark_5001_Trondheim_en.xlsx"
    )
    assert english.sheetnames[:2] == ["Overview", "Read me"]
    en_row = {c.value: d.value for c, d in zip(english["Comparison"][1], english["Comparison"][2],
                                                strict=True)}
    assert en_row["Year note"] == "nearest year: 2018" and en_row["Direction"] == "higher is better"


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
