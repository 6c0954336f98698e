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
