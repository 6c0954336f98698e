"""Messy workbooks as they come back from municipalities and scripts (issue 10): every typed cell
is loaded exactly, or rejected with file, sheet, cell, raw text and a reason in Norwegian and
English. The workbooks are built with openpyxl: formulas without a saved result, hidden sheets,
percent formats, boolean cells."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from asker_pipeline.quality import suites
from asker_pipeline.spreadsheets.formulas import cells_without_result
from asker_pipeline.spreadsheets.layout import COLUMNS, HEADER_ROW, KPI_SHEET
from asker_pipeline.spreadsheets.parse import shown
from tests.test_spreadsheet_read import (
    CATALOGUE,
    CONTEXT,
    INTERNET,
    NAME,
    PATENTS,
    UNEMPLOYMENT,
    make,
    read,
    value_of,
)

TRAVEL_TIME = ("EC: I: T: 5A", "main")  # ratio
HOTSPOTS = ("EC: ICT: ICT: 5C", "main")  # count
GREEN_AREAS = ("EN: EN: PSN: 1C", "main")  # hectares per 100 000 inhabitants
COMPACT = ("EC: I: UP: 2A", "compact")  # yes/no
CONNECTED = ("EC: I: UP: 2A", "connected")
INTEGRATED = ("EC: I: UP: 2A", "integrated")
INCLUSIVE = ("EC: I: UP: 2A", "inclusive")
RESILIENT = ("EC: I: UP: 2A", "resilient")
RESILIENCE_PLANS = ("SC: SH: SA: 3A", "main")
LETTER = {c.key: chr(ord("A") + i) for i, c in enumerate(COLUMNS)}
FORMULA_REASON = (
    "the cell holds a formula with no saved result: open and save the file in Excel or "
    "LibreOffice, or type the value"
)


def cell_of(key: tuple[str, str], column: str = "value") -> str:
    """Where the template puts a data point's cell (one row per data point, catalogue order)."""
    points = CATALOGUE.data_point_index.reset_index(drop=True)
    offset = points.index[(points["kpi_code"] == key[0]) & (points["data_point"] == key[1])][0]
    return f"{LETTER[column]}{HEADER_ROW + 1 + offset}"


def formatted(cells: dict[str, str]):
    """An edit that gives cells a number format (``{"I5": "0%"}``)."""

    def edit(book):
        for reference, number_format in cells.items():
            book[KPI_SHEET][reference].number_format = number_format

    return edit


def rejected_at(result, reference: str) -> dict:
    (row,) = [r for r in result.rejected if r["cell"] == reference]
    assert NAME in row["reason"] and f"{KPI_SHEET}!{reference}" in row["reason"]
    return row


def keys_of(result) -> set[tuple[str, str]]:
    return {(r["kpi_code"], r["data_point"]) for r in result.values}


# -- formulas --------------------------------------------------------------------------------


@pytest.mark.parametrize("formula", ["=95424/99120*3", "=SUM(Lister!Z1:Z2)+4"])
def test_a_formula_without_a_saved_result_is_rejected_with_what_to_do(tmp_path, formula):
    result = read(make(tmp_path, {INTERNET: {"value": formula}}))
    row = rejected_at(result, cell_of(INTERNET))
    assert FORMULA_REASON in row["reason"] and "formel uten lagret resultat" in row["reason"]
    assert row["raw_text"] == formula and formula in row["row_text"]
    assert INTERNET not in keys_of(result)
    assert len(result.rejected) == 1 and len(result.values) == len(CATALOGUE.data_points) - 1


def test_formulas_without_result_in_numerator_and_below_the_table_are_rejected(tmp_path):
    def below(book):
        sheet = book[KPI_SHEET]
        sheet[f"I{sheet.max_row + 2}"] = "=SUM(I4:I50)"

    entries = {INTERNET: {"numerator": "=95424", "denominator": 99120}}
    result = read(make(tmp_path, entries, edit=below))
    assert FORMULA_REASON in rejected_at(result, cell_of(INTERNET, "numerator"))["reason"]
    last = HEADER_ROW + len(CATALOGUE.data_points) + 2
    assert rejected_at(result, f"I{last}")["raw_text"] == "=SUM(I4:I50)"
    assert len(result.rejected) == 2


def _save_results(path: Path, results: dict[str, tuple[str, str | None]]) -> None:
    """Write formula results into the file as Excel and LibreOffice save them (``<v>`` next to
    ``<f>``; a text result has ``t="str"``): openpyxl itself cannot save a formula's result."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.startswith("xl/worksheets/"):
                text = data.decode()
                for reference, (value, kind) in results.items():
                    kind_attribute = f' t="{kind}"' if kind else ""
                    text = re.sub(
                        rf'<c r="{reference}"([^>]*)>(<f>[^<]*</f>)<v\s*/>',
                        rf'<c r="{reference}"\1{kind_attribute}>\2<v>{value}</v>',
                        text,
                    )
                data = text.encode()
            target.writestr(member, data)
    path.write_bytes(buffer.getvalue())


def test_a_formula_with_a_saved_result_loads_the_result(tmp_path):
    entries = {
        INTERNET: {"value": "=95424/99120*100"},
        UNEMPLOYMENT: {"value": '=IF(H5="","",G5/H5*100)'},  # saved result: empty text
    }
    path = make(tmp_path, entries)
    _save_results(
        path, {cell_of(INTERNET): ("96.2711864406779", None), cell_of(UNEMPLOYMENT): ("", "str")}
    )
    result = read(path)
    assert result.rejected == []
    assert value_of(result, INTERNET)["value"] == pytest.approx(96.2711864406779)
    assert value_of(result, UNEMPLOYMENT)["status"] == "not_reported"


def test_formulas_without_result_are_found_as_other_programs_write_them():
    """Prefixed tags, cells without a reference, shared formulas, saved text and error results."""
    xml = b"""<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
    <x:sheetData>
      <x:row r="4"><x:c r="G4"><x:v>5</x:v></x:c><x:c><x:f>G4*2</x:f></x:c></x:row>
      <x:row><x:c r="I5"><x:f t="shared" si="0" ref="I5:I6">G5/H5</x:f><x:v></x:v></x:c></x:row>
      <x:row r="6"><x:c r="I6"><x:f t="shared" si="0"/></x:c>
        <x:c r="J6" t="str"><x:f>IF(1,"",2)</x:f><x:v></x:v></x:c>
        <x:c r="K6" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c>
        <x:c r="L6"><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row>
    </x:sheetData></x:worksheet>"""
    assert cells_without_result(xml) == {(4, 8): "=G4*2", (5, 9): "=G5/H5", (6, 9): "=G5/H5"}


# -- numbers that read two ways --------------------------------------------------------------


def test_a_single_thousands_dot_is_never_read_one_way_silently(tmp_path):
    entries = {
        INTERNET: {"value": "95.424"},  # percent: 95 424 is impossible, 95.424 is kept, flagged
        PATENTS: {"value": "95.424"},  # per 100 000: both readings possible, rejected
        GREEN_AREAS: {"value": "1.234.567"},  # groups of three: one reading
        UNEMPLOYMENT: {"numerator": "1.234", "denominator": 99120},  # a count: rejected
    }
    result = read(make(tmp_path, entries))
    internet = value_of(result, INTERNET)
    assert internet["value"] == pytest.approx(95.424)
    assert internet["note"].startswith("FLAG") and "'95.424' read as 95.424" in internet["note"]
    ambiguous = rejected_at(result, cell_of(PATENTS))
    assert (
        ambiguous["raw_text"] == "95.424"
        and "can be read as 95.424 or 95 424" in (ambiguous["reason"])
    )
    assert "1.234" in rejected_at(result, cell_of(UNEMPLOYMENT, "numerator"))["raw_text"]
    assert value_of(result, GREEN_AREAS)["value"] == 1_234_567
    assert {PATENTS, UNEMPLOYMENT}.isdisjoint(keys_of(result))


def test_a_numeric_cell_is_a_number_not_ambiguous(tmp_path):
    result = read(make(tmp_path, {PATENTS: {"value": 95.424}}))
    assert value_of(result, PATENTS)["value"] == 95.424 and result.rejected == []


# -- percent format ----------------------------------------------------------------------------


def test_percent_format_scales_percentages_only(tmp_path):
    entries = {
        INTERNET: {"value": 0.97},
        TRAVEL_TIME: {"value": 0.95},
        UNEMPLOYMENT: {"numerator": 0.5, "denominator": 20},
    }
    edit = formatted(
        {cell_of(k, c): "0%" for k, c in ((INTERNET, "value"), (TRAVEL_TIME, "value"))}
        | {cell_of(UNEMPLOYMENT, "numerator"): "0%"}
    )
    result = read(make(tmp_path, entries, edit=edit))
    assert value_of(result, INTERNET)["value"] == pytest.approx(97)
    assert value_of(result, TRAVEL_TIME)["value"] == pytest.approx(0.95)
    assert value_of(result, UNEMPLOYMENT)["value"] == pytest.approx(2.5)  # 0.5 / 20 × 100
    assert result.rejected == []


def test_a_percent_sign_where_the_unit_is_not_a_percentage_is_rejected(tmp_path):
    result = read(make(tmp_path, {TRAVEL_TIME: {"value": "95 %"}}))
    assert "not a percentage" in rejected_at(result, cell_of(TRAVEL_TIME))["reason"]


# -- hidden and extra sheets -------------------------------------------------------------------


def _copy_kpi_sheet(title: str, state: str):
    def edit(book):
        copy = book.copy_worksheet(book[KPI_SHEET])
        copy.title, copy.sheet_state = title, state

    return edit


def test_a_hidden_backup_of_the_kpi_sheet_is_reported_not_merged(tmp_path):
    entries = {UNEMPLOYMENT: {"value": 2.5}}
    result = read(make(tmp_path, entries, edit=_copy_kpi_sheet("KPI (backup)", "hidden")))
    assert len(result.values) == len(CATALOGUE.data_points)
    assert value_of(result)["source_sheet"] == KPI_SHEET
    (backup,) = result.rejected
    assert backup["sheet"] == "KPI (backup)" and backup["cell"] == f"A{HEADER_ROW}"
    assert f"a hidden sheet with {len(CATALOGUE.data_points)} KPI rows" in backup["reason"]
    assert "only sheet 'KPI' is loaded" in backup["reason"]


def test_an_extra_visible_copy_is_reported_not_merged(tmp_path):
    entries = {UNEMPLOYMENT: {"value": 2.5}}
    result = read(make(tmp_path, entries, edit=_copy_kpi_sheet("KPI 2", "visible")))
    assert len(result.values) == len(CATALOGUE.data_points)
    (extra,) = result.rejected
    assert extra["sheet"] == "KPI 2" and "an extra sheet with" in extra["reason"]


def test_a_kpi_table_only_in_hidden_sheets_rejects_the_file_saying_so(tmp_path):
    def hide(book):
        book[KPI_SHEET].sheet_state = "hidden"

    result = read(make(tmp_path, {UNEMPLOYMENT: {"value": 2.5}}, edit=hide))
    assert result.values == [] and "only in hidden sheets ('KPI')" in result.error


# -- yes/no ----------------------------------------------------------------------------------


def test_yes_no_data_points_take_the_answers_people_give(tmp_path):
    typed = {
        COMPACT: True,
        CONNECTED: "Ja",
        INTEGRATED: "FALSE",
        INCLUSIVE: "nei",
        RESILIENT: 1,
        RESILIENCE_PLANS: "No",
    }
    result = read(make(tmp_path, {key: {"value": value} for key, value in typed.items()}))
    assert result.rejected == []
    assert {key: value_of(result, key)["value"] for key in typed} == {
        COMPACT: 1,
        CONNECTED: 1,
        INTEGRATED: 0,
        INCLUSIVE: 0,
        RESILIENT: 1,
        RESILIENCE_PLANS: 0,
    }


def test_yes_no_rejects_other_answers_and_numbers_reject_booleans(tmp_path):
    result = read(make(tmp_path, {COMPACT: {"value": "delvis"}, UNEMPLOYMENT: {"value": True}}))
    assert "Ja/Nei, Yes/No, TRUE/FALSE or 1/0" in rejected_at(result, cell_of(COMPACT))["reason"]
    assert "a yes/no (TRUE/FALSE) cell" in rejected_at(result, cell_of(UNEMPLOYMENT))["reason"]


# -- upper bounds --------------------------------------------------------------------------------


def test_every_unit_has_a_plausible_upper_bound_with_its_reasoning():
    units = CATALOGUE.units
    assert units["max_value"].notna().all()
    assert (units["max_value"] > units["min_value"]).all()
    for notes, bound in zip(units["notes"], units["max_value"], strict=True):
        assert f"Upper bound {shown(bound)}" in notes


def test_a_value_above_its_units_bound_is_rejected_naming_the_bound(tmp_path):
    result = read(make(tmp_path, {PATENTS: {"value": 1e308}, HOTSPOTS: {"value": "1e308"}}))
    assert (
        "above 500 000, the most unit 'per_100k_inhabitants' allows"
        in (rejected_at(result, cell_of(PATENTS))["reason"])
    )
    assert "above 100 000" in rejected_at(result, cell_of(HOTSPOTS))["reason"]


def test_the_reader_and_the_gx_suite_use_the_same_bounds():
    """One place for each bound: assets/units.csv, read by both."""
    every_unit = pd.DataFrame({"unit": CATALOGUE.units["unit"], "value": 1.0})
    bounded = suites.with_unit_bounds(every_unit, CATALOGUE)  # what the GX suite compares with
    gx_max = dict(zip(bounded["unit"], bounded["unit_max"].astype(float), strict=True))
    reader_max = {key: unit.maximum for key, unit in CONTEXT.units.items()}
    assert (
        gx_max
        == reader_max
        == dict(zip(CATALOGUE.units["unit"], CATALOGUE.units["max_value"], strict=True))
    )


# -- a value and its own fraction --------------------------------------------------------------


def test_a_value_that_disagrees_with_its_fraction_is_kept_and_flagged(tmp_path):
    entries = {
        INTERNET: {"numerator": "95 424", "denominator": "99 120", "value": 95},
        UNEMPLOYMENT: {"numerator": 2120, "denominator": 112186, "value": "1,89"},  # 1.8897
        PATENTS: {"numerator": 36, "denominator": 102_388, "value": "35,16"},  # 35.1604
    }
    result = read(make(tmp_path, entries))
    flagged = value_of(result, INTERNET)
    assert flagged["value"] == 95 and flagged["note"].startswith("FLAG")
    assert (
        "value 95 disagrees with numerator 95 424 / denominator 99 120 × 100 = 96.2712 "
        f"({cell_of(INTERNET, 'numerator')}/{cell_of(INTERNET, 'denominator')})"
    ) in flagged["note"]
    assert value_of(result, UNEMPLOYMENT)["note"] is None
    assert value_of(result, PATENTS)["note"] is None


# -- all of it at once ---------------------------------------------------------------------------


def test_every_typed_cell_is_loaded_or_rejected_exactly_once(tmp_path):
    """A workbook with every kind of messy cell: each typed value cell ends up either as a value
    of its data point or as a quarantine row naming that cell, never both, never neither."""
    typed = {
        INTERNET: "=95424/99120*3",
        PATENTS: "95.424",
        UNEMPLOYMENT: "95.424",
        TRAVEL_TIME: 0.95,
        HOTSPOTS: 1e308,
        COMPACT: True,
        CONNECTED: "Ja",
        INTEGRATED: "kanskje",
        RESILIENCE_PLANS: "#DIV/0!",
        ("EC: P: EM: 2C", "main"): "2,4 %",
        ("EC: P: IN: 1C", "main"): "1.51",
    }
    edit = formatted({cell_of(TRAVEL_TIME): "0%"})
    result = read(make(tmp_path, {k: {"value": v} for k, v in typed.items()}, edit=edit))
    loaded = {r["source_cell"]: r for r in result.values if r["status"] != "not_reported"}
    rejected = {r["cell"]: r for r in result.rejected}
    assert len(rejected) == len(result.rejected)
    for key in typed:
        reference = cell_of(key)
        assert (reference in loaded) != (reference in rejected), key
    assert set(loaded) | set(rejected) == {cell_of(key) for key in typed}
    assert loaded[cell_of(UNEMPLOYMENT)]["value"] == pytest.approx(95.424)
    assert loaded[cell_of(TRAVEL_TIME)]["value"] == pytest.approx(0.95)
    assert loaded[cell_of(("EC: P: IN: 1C", "main"))]["value"] == pytest.approx(1.51)
    assert all(r["raw_text"] is not None and r["reason"] for r in rejected.values())
