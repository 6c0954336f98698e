"""One row of the KPI table -> a value in the common value model, or a rejected row.

A row is read in four steps, each a small function: its identity (KPI code and data point, hence
its unit), its cells parsed for that unit, its status and value (typed, or computed from
numerator and denominator), and the checks the value must pass (range; flags for a person to
look at). A step that fails raises ``Rejected`` naming the cell; ``read_row`` turns that into a
quarantine row through ``WorkbookResult.reject``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from asker_pipeline.reference.codes import UnknownKpiCode
from asker_pipeline.spreadsheets import layout
from asker_pipeline.spreadsheets.layout import both
from asker_pipeline.spreadsheets.parse import (
    NotANumber,
    Parsed,
    Unit,
    fraction_disagreement,
    looks_like_fraction_of_one,
    normalise_data_point,
    parse_cell,
    parse_value,
    range_problem,
    shown,
    shown_nb,
)

if TYPE_CHECKING:
    from asker_pipeline.spreadsheets.read import ReadContext, WorkbookResult

NUMERIC = ("numerator", "denominator", "value")
FORMULA_WITHOUT_RESULT = both(
    "cellen har en formel uten lagret resultat: åpne og lagre filen i Excel eller LibreOffice, "
    "eller skriv inn verdien",
    "the cell holds a formula with no saved result: open and save the file in Excel or "
    "LibreOffice, or type the value",
)


def cell_reference(position: int, row: int) -> str:
    """0-based column position and row number -> ``"I5"`` (openpyxl loads only when reading)."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(position + 1)}{row}"


class Rejected(Exception):
    """The row is rejected; ``key`` is the column of the offending cell."""

    def __init__(self, key: str, why: str) -> None:
        super().__init__(why)
        self.key, self.why = key, why


@dataclass(frozen=True)
class TypedRow:
    """One table row as typed: its cells by column key, and where it is."""

    cells: tuple  # openpyxl read-only cells, in sheet order
    number: int  # the sheet's row number
    sheet: str
    columns: dict[str, int]  # column key -> 0-based position in ``cells``
    formulas: dict[int, str]  # 0-based position -> a formula in this row without a saved result

    def ref(self, key: str) -> str:
        return cell_reference(self.columns[key], self.number)

    def cell(self, key: str):
        position = self.columns.get(key)
        return None if position is None or position >= len(self.cells) else self.cells[position]

    def raw(self, key: str) -> object:
        """What the cell holds (empty text as None); a formula without a result as its text."""
        if self.formulas and self.columns.get(key) in self.formulas:
            return self.formulas[self.columns[key]]
        value = getattr(self.cell(key), "value", None)
        return None if isinstance(value, str) and not value.strip() else value

    def formula_without_result(self, key: str) -> bool:
        return bool(self.formulas) and self.columns.get(key) in self.formulas

    @property
    def text(self) -> str:
        """The whole row as typed, formulas without a result included."""
        typed = (
            self.formulas.get(position, getattr(cell, "value", None))
            for position, cell in enumerate(self.cells)
        )
        return " | ".join(str(value) for value in typed if value is not None)

    def is_empty(self) -> bool:
        return all(self.raw(key) is None for key in self.columns)


def read_row(row: TypedRow, context: ReadContext, result: WorkbookResult) -> dict | None:
    """The row's value record (with ``_row_text`` and ``_raw`` for the duplicate check), or None
    when the row is empty or rejected (then it is in ``result.rejected``)."""
    if row.is_empty():
        return None
    try:
        identity = identify(row, context)
        if identity is None:
            return None
        kpi, point, unit = identity
        cells = parse_cells(row, unit)
        value, notes = status_and_value(row, cells, unit)
        notes += checks(row, value, cells, unit)
    except Rejected as rejected:
        key = rejected.key if rejected.key in row.columns else "kpi_code"
        result.reject(row.sheet, row.ref(key), row.raw(key), rejected.why, row.text)
        return None
    notes += reporter_notes(row, value)
    return record(row, result, kpi, point, unit, value, notes)


def identify(row: TypedRow, context: ReadContext) -> tuple[str, str, Unit] | None:
    """KPI code and data point -> (canonical code, data point, unit); None for a row without a
    code and without figures (a note or a blank line under the table)."""
    for key in ("kpi_code", "data_point"):
        if row.formula_without_result(key):
            raise Rejected(key, FORMULA_WITHOUT_RESULT)
    code = row.raw("kpi_code")
    if code is None:
        for key in NUMERIC:
            if row.formula_without_result(key):
                raise Rejected(key, FORMULA_WITHOUT_RESULT)
        if any(row.raw(key) is not None for key in NUMERIC):
            key = "value" if row.raw("value") is not None else "kpi_code"
            raise Rejected(key, both("en verdi uten KPI-kode", "a value without a KPI code"))
        return None
    try:
        kpi = context.catalogue.normaliser.normalise(code)
    except UnknownKpiCode as error:
        raise Rejected(
            "kpi_code",
            both(f"ukjent KPI-kode {str(code)!r}: finnes ikke i U4SSC-katalogen", str(error)),
        ) from None
    point = normalise_data_point(row.raw("data_point"))
    if (kpi, point) not in context.units_by_point:
        known = ", ".join(context.points_by_kpi[kpi])
        raise Rejected(
            "data_point" if "data_point" in row.columns else "kpi_code",
            both(
                f"KPI {kpi} har datapunktene {known}; {point!r} er ikke ett av dem",
                f"KPI {kpi} has data points {known}; {point!r} is not one of them",
            ),
        )
    return kpi, point, context.units[context.units_by_point[(kpi, point)]]


def _percent_format(cell) -> bool:
    return "%" in str(getattr(cell, "number_format", "") or "")


def parse_cells(row: TypedRow, unit: Unit) -> dict[str, Parsed]:
    """Numerator, denominator and value as numbers or statuses. Only the value is read in the
    data point's unit; numerator and denominator are plain numbers (counts)."""
    parsed = {}
    for key in NUMERIC:
        if key not in row.columns:
            continue
        if row.formula_without_result(key):
            raise Rejected(key, FORMULA_WITHOUT_RESULT)
        try:
            if key == "value":
                parsed[key] = parse_value(row.raw(key), unit, _percent_format(row.cell(key)))
            else:
                parsed[key] = parse_cell(row.raw(key))
        except NotANumber as error:
            raise Rejected(key, str(error)) from None
    return parsed


def _fraction(cells: dict[str, Parsed]) -> tuple[float, float] | None:
    numerator, denominator = cells.get("numerator"), cells.get("denominator")
    if numerator and denominator and numerator.status == denominator.status == "reported":
        return numerator.value, denominator.value
    return None


def status_and_value(row: TypedRow, cells: dict[str, Parsed], unit: Unit) -> tuple[Parsed, list]:
    """The value as typed, or computed from numerator and denominator when none is reported.
    A fraction whose denominator is zero, or a share whose numerator exceeds its denominator,
    rejects the row."""
    fraction = _fraction(cells)
    if fraction is not None:
        numerator, denominator = fraction
        if denominator == 0:
            raise Rejected("denominator", both("nevneren er null", "denominator is zero"))
        if unit.is_share and numerator > denominator:
            raise Rejected(
                "numerator",
                both(
                    f"telleren {shown_nb(numerator)} er større enn nevneren {shown_nb(denominator)} "
                    "for en andel",
                    f"numerator {shown(numerator)} is above denominator {shown(denominator)} "
                    f"for a share ({unit.key})",
                ),
            )
    value = cells.get("value") or Parsed("not_reported")
    if value.status != "not_reported" or fraction is None:
        return value, [value.note] if value.note else []
    computed = round(fraction[0] / fraction[1] * unit.scale, 10)
    numerator_ref, denominator_ref = row.ref("numerator"), row.ref("denominator")
    return Parsed("reported", computed), [
        both(
            f"regnet ut fra teller {numerator_ref} / nevner {denominator_ref}",
            f"computed from numerator {numerator_ref} / denominator {denominator_ref}",
        )
    ]


def checks(row: TypedRow, value: Parsed, cells: dict[str, Parsed], unit: Unit) -> list[str]:
    """A reported value must lie within its unit's range (else the row is rejected); flags for a
    share typed as a fraction of 1 and for a value that disagrees with its own fraction."""
    if value.status != "reported":
        return []
    problem = range_problem(value.value, unit)
    if problem:
        raise Rejected("value", problem)
    flags = []
    typed = cells.get("value")
    if typed is not None and typed.status == "reported":
        if looks_like_fraction_of_one(value.value, unit, value.percent_sign):
            flags.append(
                "FLAG: "
                + both(
                    f"{shown_nb(value.value)} ser ut som en andel skrevet som brøk "
                    "av 1; prosent skrives 0-100: beholdt som skrevet, kontroller",
                    f"{shown(value.value)} looks like a share typed as a fraction of 1; "
                    f"{unit.key} is written 0-100: kept as typed, please check",
                )
            )
        fraction = _fraction(cells)
        if fraction is not None:
            flags += _disagreement(row, value.value, *fraction, unit)
    return flags


def _disagreement(
    row: TypedRow, value: float, numerator: float, denominator: float, unit: Unit
) -> list[str]:
    recomputed = fraction_disagreement(value, numerator, denominator, unit)
    if recomputed is None:
        return []
    scale = f" × {shown(unit.scale)}" if unit.scale != 1 else ""
    figure = round(recomputed, 4)
    cells = f"{row.ref('numerator')}/{row.ref('denominator')}"
    return [
        "FLAG: "
        + both(
            f"verdien {shown_nb(value)} stemmer ikke med teller {shown_nb(numerator)} / nevner "
            f"{shown_nb(denominator)}{scale} = {shown_nb(figure)} ({cells}): beholdt som "
            "skrevet, kontroller",
            f"value {shown(value)} disagrees with numerator {shown(numerator)} / denominator "
            f"{shown(denominator)}{scale} = {shown(figure)} ({cells}): kept as typed, please check",
        )
    ]


def reporter_notes(row: TypedRow, value: Parsed) -> list[str]:
    """Data quality the reporter chose (when not one of the six levels), source and comment."""
    notes = []
    quality_text = row.raw("data_quality")
    if value.status == "reported" and quality_text is not None:
        if layout.quality_key(quality_text) is None:
            notes.append(
                both(
                    f"datakvalitet {str(quality_text)!r} er ikke ett av de seks U4SSC-nivåene",
                    f"data quality {str(quality_text)!r} is not one of the six U4SSC levels",
                )
            )
    for key in ("source", "comment"):
        if row.raw(key) is not None:
            notes.append(f"{key}: {row.raw(key)}")
    return notes


def record(
    row: TypedRow,
    result: WorkbookResult,
    kpi: str,
    point: str,
    unit: Unit,
    value: Parsed,
    notes: list[str],
) -> dict:
    reported = value.status == "reported"
    cell_ref = row.ref("value") if "value" in row.columns else row.ref("kpi_code")
    return {
        "municipality_code": result.municipality_code,
        "source_municipality_code": result.source_municipality_code,
        "area_code": result.area.code if result.area.former else result.municipality_code,
        "former_area": result.area.former,
        "year": result.year,
        "kpi_code": kpi,
        "data_point": point,
        "value": value.value if reported else None,
        "unit": unit.key,
        "status": value.status,
        "source_kind": "spreadsheet",
        "source_ref": f"{result.file} {row.sheet}!{cell_ref}",
        "source_file": result.file,
        "source_sheet": row.sheet,
        "source_cell": cell_ref,
        "source_sha256": result.sha256,
        "provider": None,
        "table_id": None,
        "query": None,
        "retrieved_at": None,
        "data_quality": layout.quality_key(row.raw("data_quality")) if reported else None,
        "is_example": result.is_example,
        "note": "; ".join(notes) or None,
        "_row_text": row.text,
        "_raw": row.raw("value"),
    }
