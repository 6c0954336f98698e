"""Values for a former area: a workbook under a predecessor's code belongs to today's municipality
and is marked when its area is not today's (a merger, split or boundary change since); a pure
renumbering is not (issue 14)."""

from __future__ import annotations

import pytest

from asker_pipeline.reference.areas import area_label, area_of
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.spreadsheets.read import ReadContext, read_workbook
from asker_pipeline.spreadsheets.template import build_workbook, fill_workbook, write_workbook

HISTORY = load_municipalities()
CONTEXT = ReadContext(load_catalogue(), HISTORY)


@pytest.mark.parametrize(
    "code, year, former, label",
    [
        ("0220", 2019, True, "covers former Asker (0220)"),  # merged with Røyken and Hurum in 2020
        ("3025", 2022, False, None),  # 3025 -> 3203 in 2024: renumbered, same area
        ("3203", 2023, False, None),
        ("0219", 2019, False, None),  # Bærum: renumbered twice, never another area
        ("1103", 2019, True, "covers Stavanger within its borders before 2020 (1103)"),
        ("1103", 2020, False, None),
        ("1508", 2023, True, "covers Ålesund within its borders before 2024 (1508)"),  # Haram
    ],
)
def test_which_area_a_value_describes(code, year, former, label):
    area = area_of(HISTORY, code, year)
    assert area.former is former and area_label(HISTORY, area, "en") == label
    if former and code == "0220":
        assert area_label(HISTORY, area, "nb") == "gjelder tidligere Asker (0220)"


def _workbook(tmp_path, code: str, name: str, year: int):
    book = fill_workbook(
        build_workbook(CONTEXT.catalogue, code, name, year),
        {("EC: P: EM: 1C", "main"): {"value": "2,5"}},
    )
    return write_workbook(book, tmp_path / "spreadsheets" / f"{code}_{name.lower()}_{year}.xlsx")


def test_a_0220_workbook_loads_as_asker_marked_as_the_former_area(tmp_path):
    result = read_workbook(_workbook(tmp_path, "0220", "Asker", 2019), tmp_path, CONTEXT)
    (row,) = [v for v in result.values if v["kpi_code"] == "EC: P: EM: 1C"]
    assert (row["municipality_code"], row["source_municipality_code"]) == ("3203", "0220")
    assert row["area_code"] == "0220" and row["former_area"] is True


def test_a_3025_workbook_loads_as_asker_without_a_mark(tmp_path):
    result = read_workbook(_workbook(tmp_path, "3025", "Asker", 2022), tmp_path, CONTEXT)
    (row,) = [v for v in result.values if v["kpi_code"] == "EC: P: EM: 1C"]
    assert (row["municipality_code"], row["source_municipality_code"]) == ("3203", "3025")
    assert row["area_code"] == "3203" and row["former_area"] is False


def test_the_mark_reaches_the_zero_point_the_release_and_progress(example_run):
    """The example Asker 2019 workbook is the published report's former Asker (0220)."""
    import duckdb

    with duckdb.connect(str(example_run.warehouse), read_only=True) as conn:
        zero = conn.execute(
            "SELECT area_code, former_area, count(*) FROM marts.zero_point "
            "WHERE status = 'reported' GROUP BY ALL"
        ).fetchall()
        release = conn.execute(
            "SELECT n_reported, n_former_area FROM marts.baseline_releases "
            "WHERE release_id = (SELECT any_value(release_id) FROM marts.zero_point)"
        ).fetchall()
        progress = conn.execute(
            "SELECT trend, baseline_area_code, latest_area_code, change_in_value "
            "FROM marts.baseline_progress"
        ).df()
        compared = conn.execute(
            "SELECT DISTINCT municipality_code, year, former_area FROM marts.peer_comparison "
            "WHERE municipality_code IN ('3203', '3201') ORDER BY ALL"
        ).fetchall()
    assert zero == [("0220", True, 94)]
    assert release == [(94, 94)]
    # every later Asker value is today's Asker: across the merger, no trend is computed
    assert set(progress["trend"]) == {"area changed"}
    assert set(progress["baseline_area_code"]) == {"0220"}
    assert set(progress["latest_area_code"]) == {"3203"}
    assert progress["change_in_value"].isna().all()
    assert ("3203", 2019, True) in compared and ("3201", 2019, False) in compared  # renumbered


def test_within_one_area_progress_still_shows_a_trend():
    import pandas as pd

    from asker_pipeline.scoring.zero_point import progress

    base = pd.DataFrame(
        [
            {
                "release_id": "r",
                "municipality_code": "3203",
                "baseline_year": 2019,
                "kpi_code": "EC: P: EM: 1C",
                "data_point": "main",
                "kpi_name_en": "Unemployment",
                "unit": "percent",
                "direction": "lower",
                "year": 2019,
                "value": 3.0,
                "points": 3,
                "target": 2.0,
                "lower_bound": 10.0,
                "has_target": True,
                "target_method": "ratio",
                "status": "reported",
                "area_code": "3203",
            }
        ]
    )
    later = pd.DataFrame(
        [
            {
                "municipality_code": "3203",
                "year": 2023,
                "kpi_code": "EC: P: EM: 1C",
                "data_point": "main",
                "value": 2.5,
                "status": "reported",
                "area_code": "3203",
            }
        ]
    )
    (row,) = progress(base, later).to_dict("records")
    assert row["trend"] == "improved" and row["change_in_value"] == -0.5
    moved = progress(base.assign(area_code="0220"), later).iloc[0]
    assert moved["trend"] == "area changed" and pd.isna(moved["change_in_value"])
