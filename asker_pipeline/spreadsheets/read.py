"""A filled-in workbook -> accepted values (common value model) and rejected rows (quarantine).

Nothing is lost: every row either becomes a value (reported or with a not-reported status) or a
quarantine row whose reason names file, sheet, cell and the raw text. A file that cannot be read
at all becomes one quarantine row for the whole file."""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from asker_pipeline.reference.catalogue import Catalogue
from asker_pipeline.reference.codes import UnknownKpiCode
from asker_pipeline.reference.municipalities import MunicipalityHistory, UnknownMunicipalityCode
from asker_pipeline.spreadsheets import layout
from asker_pipeline.spreadsheets.parse import (
    SHARE_UNITS,
    NotANumber,
    Parsed,
    looks_like_fraction_of_one,
    normalise_data_point,
    normalise_header,
    parse_cell,
    range_problem,
    unit_scale,
)
from asker_pipeline.spreadsheets.safety import unreadable_reason

FILE_NAME = re.compile(r"^(?P<code>\d{3,4})_(?:.*_)?(?P<year>\d{4})\.xlsx$", re.IGNORECASE)
UNKNOWN_PARTITION = "unknown"
NUMERIC = ("numerator", "denominator", "value")


class FileRejected(Exception):
    """The whole workbook is rejected; the message is the reason."""


@dataclass(frozen=True)
class ReadContext:
    """What reading needs from the reference data, looked up once for many workbooks."""

    catalogue: Catalogue
    municipalities: MunicipalityHistory

    @cached_property
    def units_by_point(self) -> dict[tuple[str, str], str]:
        points = self.catalogue.data_points
        return dict(
            zip(
                zip(points["kpi_code"], points["data_point"], strict=True),
                points["unit"],
                strict=True,
            )
        )

    @cached_property
    def points_by_kpi(self) -> dict[str, tuple[str, ...]]:
        grouped: dict[str, list[str]] = defaultdict(list)
        for kpi, point in self.units_by_point:
            grouped[kpi].append(point)
        return {kpi: tuple(points) for kpi, points in grouped.items()}

    @cached_property
    def ranges(self) -> dict[str, tuple[float, float]]:
        units = self.catalogue.units
        return dict(
            zip(
                units["unit"], zip(units["min_value"], units["max_value"], strict=True), strict=True
            )
        )

    @cached_property
    def _resolved(self) -> dict[str, str]:
        return {}

    def current_code(self, code: str) -> str:
        """Today's code for a code of any year (cached: the history is walked once per code)."""
        code = str(code).strip().zfill(4)
        if code not in self._resolved:
            self._resolved[code] = self.municipalities.current_code(code)
        return self._resolved[code]


def parse_file_name(name: str) -> tuple[str, int] | None:
    """``3203_asker_2019.xlsx`` -> ("3203", 2019); None when the name does not follow the rule."""
    match = FILE_NAME.match(name)
    return (match["code"].zfill(4), int(match["year"])) if match else None


def partition_key(name: str, context: ReadContext) -> str:
    """The municipality partition a workbook belongs to: today's code of the code in its name;
    the code as written when it is unknown; ``unknown`` when the name carries no code."""
    parsed = parse_file_name(name)
    if parsed is None:
        return UNKNOWN_PARTITION
    try:
        return context.current_code(parsed[0])
    except UnknownMunicipalityCode:
        return parsed[0]


@dataclass
class WorkbookResult:
    file: str  # relative to the sources folder
    sha256: str
    municipality_code: str | None = None  # today's code
    source_municipality_code: str | None = None
    year: int | None = None
    is_example: bool = False
    values: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    error: str | None = None

    def reject(
        self, sheet: str | None, cell: str | None, raw: object, why: str, row_text: str = ""
    ) -> None:
        where = f"{self.file}" + (f" {sheet}!{cell}" if sheet else "")
        shown = "" if raw is None else f" {str(raw)!r}"
        self.rejected.append(
            {
                "file": self.file,
                "sha256": self.sha256,
                "sheet": sheet,
                "cell": cell,
                "raw_text": None if raw is None else str(raw),
                "row_text": row_text or None,
                "reason": f"{where}{shown}: {why}",
                "municipality_code": self.source_municipality_code,
                "year": self.year,
            }
        )


def read_workbook(path: Path, sources_dir: Path, context: ReadContext) -> WorkbookResult:
    """Read one workbook; never raises for a bad file (the result carries ``error`` instead)."""
    data = path.read_bytes()
    result = WorkbookResult(
        file=path.relative_to(sources_dir).as_posix()
        if path.is_relative_to(sources_dir)
        else path.name,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    try:
        _read(data, path.name, context, result)
    except FileRejected as rejected:
        result.error = str(rejected)
        result.values.clear()
        result.rejected = []
        result.reject(None, None, None, f"whole workbook rejected: {rejected}")
    return result


def _read(data: bytes, name: str, context: ReadContext, result: WorkbookResult) -> None:
    reason = unreadable_reason(data)
    if reason:
        raise FileRejected(reason)
    named = parse_file_name(name)
    if named is None:
        raise FileRejected(
            f"file name {name!r} does not follow <municipality code>_<name>_<year>.xlsx"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about data validation extensions
            from openpyxl import load_workbook  # ~0.2 s: only when a workbook is read

            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for damaged files
        raise FileRejected(f"corrupt workbook, openpyxl cannot open it: {error}") from error
    try:
        _check_identity(book, named, context, result)
        candidates: list[dict] = []
        tables = 0
        for sheet in book.worksheets:
            tables += _read_sheet(sheet, context, result, candidates)
        if not tables:
            raise FileRejected(
                "no sheet has a header row with 'KPI-kode / KPI code' and 'Verdi / Value' columns"
            )
        _drop_duplicates(candidates, result)
        result.values.extend(candidates)
    finally:
        book.close()


def _check_identity(
    book, named: tuple[str, int], context: ReadContext, result: WorkbookResult
) -> None:
    """Municipality and year recorded in the workbook must be there and agree with the file name."""
    meta: dict[str, object] = {}
    sheet = next(
        (s for s in book.worksheets if s.title.strip().lower() == layout.METADATA_SHEET.lower()),
        None,
    )
    if sheet is not None:
        for row in sheet.iter_rows(min_row=1, max_row=20, max_col=2, values_only=True):
            if len(row) >= 2 and (key := layout.metadata_key(row[0])):
                meta[key] = row[1]
    code_text = str(meta.get("municipality_code") or "").strip()
    year_text = str(meta.get("year") or "").strip()
    result.year = named[1]
    result.source_municipality_code = named[0]
    if not code_text:
        raise FileRejected(
            f"the municipality code is missing in the workbook (sheet {layout.METADATA_SHEET!r})"
        )
    if not re.fullmatch(r"\d{3,4}(\.0)?", code_text) or not re.fullmatch(
        r"\d{4}(\.0)?", year_text or "x"
    ):
        if not year_text:
            raise FileRejected(
                f"the reporting year is missing in the workbook (sheet {layout.METADATA_SHEET!r})"
            )
        raise FileRejected(
            f"municipality code {code_text!r} or year {year_text!r} in sheet "
            f"{layout.METADATA_SHEET!r} is not a 4-digit number"
        )
    code, year = code_text.split(".")[0].zfill(4), int(float(year_text))
    try:
        current, named_current = context.current_code(code), context.current_code(named[0])
    except UnknownMunicipalityCode as error:
        raise FileRejected(
            f"{error}; a new partner is added in assets/municipality_codes.csv"
        ) from None
    if current != named_current:
        raise FileRejected(
            f"the workbook says municipality {code} but the file name says {named[0]}"
        )
    if year != named[1]:
        raise FileRejected(f"the workbook says year {year} but the file name says {named[1]}")
    result.municipality_code, result.source_municipality_code, result.year = current, code, year
    result.is_example = (
        str(meta.get("example") or "").strip().lower().startswith(("ja", "yes", "true"))
    )


def _find_header(rows: list[tuple]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows):
        columns: dict[str, int] = {}
        for position, cell in enumerate(row):
            key = layout.column_for_header(normalise_header(getattr(cell, "value", None)))
            if key and key not in columns:
                columns[key] = position
        if all(k in columns for k in layout.REQUIRED):
            return index, columns
    return None


def _read_sheet(sheet, context: ReadContext, result: WorkbookResult, candidates: list[dict]) -> int:
    """Append the sheet's rows to ``candidates`` (or the quarantine); 1 if it held a KPI table."""
    rows = sheet.iter_rows()
    head = []
    for _ in range(layout.HEADER_SEARCH_ROWS):
        try:
            head.append(next(rows))
        except StopIteration:
            break
    found = _find_header(head)
    if found is None:
        return 0
    header_index, columns = found
    row_number = header_index + 1
    pending = head[header_index + 1 :]

    def remaining():
        yield from pending
        yield from rows

    for row in remaining():
        row_number += 1
        number = next((c.row for c in row if getattr(c, "row", None)), row_number)
        row_number = number
        _read_row(row, number, columns, sheet.title, context, result, candidates)
    return 1


def _cell(row: tuple, columns: dict[str, int], key: str):
    position = columns.get(key)
    if position is None or position >= len(row):
        return None
    return row[position]


def _value(cell) -> object:
    value = getattr(cell, "value", None)
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _read_row(
    row, number, columns, sheet_title, context: ReadContext, result: WorkbookResult, out
) -> None:
    raw = {key: _value(_cell(row, columns, key)) for key in columns}
    if all(v is None for v in raw.values()):
        return
    row_text = " | ".join(str(v) for v in (getattr(c, "value", None) for c in row) if v is not None)

    def ref(key: str) -> str:
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(columns[key] + 1)}{number}"

    def reject(key: str, why: str) -> None:
        result.reject(sheet_title, ref(key), raw.get(key), why, row_text)

    if raw.get("kpi_code") is None:
        if any(raw.get(k) is not None for k in NUMERIC):
            reject(
                "value" if raw.get("value") is not None else "kpi_code",
                "a value without a KPI code",
            )
        return
    try:
        kpi = context.catalogue.normaliser.normalise(raw["kpi_code"])
    except UnknownKpiCode as error:
        reject("kpi_code", str(error))
        return
    point = normalise_data_point(raw.get("data_point"))
    if (kpi, point) not in context.units_by_point:
        known = context.points_by_kpi[kpi]
        reject(
            "data_point" if "data_point" in columns else "kpi_code",
            f"KPI {kpi} has data points {', '.join(known)}; {point!r} is not one of them",
        )
        return
    unit = context.units_by_point[(kpi, point)]
    parsed = {}
    for key in NUMERIC:
        if key not in columns:
            continue
        cell = _cell(row, columns, key)
        try:
            parsed[key] = parse_cell(raw[key], "%" in str(getattr(cell, "number_format", "") or ""))
        except NotANumber as error:
            reject(key, f"{error}")
            return
    value, numerator, denominator = (parsed.get(k) for k in ("value", "numerator", "denominator"))
    notes = []
    has_fraction = all(p is not None and p.status == "reported" for p in (numerator, denominator))
    if has_fraction:
        if denominator.value == 0:
            reject("denominator", "denominator is zero")
            return
        if unit in SHARE_UNITS and numerator.value > denominator.value:
            reject(
                "numerator",
                f"numerator {numerator.value:g} is above denominator "
                f"{denominator.value:g} for a share ({unit})",
            )
            return
    if (value is None or value.status == "not_reported") and has_fraction:
        computed = round(numerator.value / denominator.value * unit_scale(unit), 10)
        value = Parsed("reported", computed, percent_sign=True)
        notes.append(
            f"computed from numerator {ref('numerator')} / denominator {ref('denominator')}"
        )
    value = value or Parsed("not_reported")
    if value.status == "reported":
        low, high = context.ranges[unit]
        problem = range_problem(value.value, unit, low, high)
        if problem:
            reject("value", problem)
            return
        if looks_like_fraction_of_one(value.value, unit, value.percent_sign):
            notes.append(
                f"FLAG: {value.value:g} looks like a share typed as a fraction of 1; "
                f"{unit} is written 0-100: kept as typed, please check"
            )
    quality_text = raw.get("data_quality")
    quality = layout.quality_key(quality_text) if value.status == "reported" else None
    if quality_text is not None and quality is None and value.status == "reported":
        notes.append(f"data quality {str(quality_text)!r} is not one of the six U4SSC levels")
    for key in ("source", "comment"):
        if raw.get(key) is not None:
            notes.append(f"{key}: {raw[key]}")
    cell_ref = ref("value") if "value" in columns else ref("kpi_code")
    out.append(
        {
            "municipality_code": result.municipality_code,
            "source_municipality_code": result.source_municipality_code,
            "year": result.year,
            "kpi_code": kpi,
            "data_point": point,
            "value": value.value if value.status == "reported" else None,
            "unit": unit,
            "status": value.status,
            "source_kind": "spreadsheet",
            "source_ref": f"{result.file} {sheet_title}!{cell_ref}",
            "source_file": result.file,
            "source_sheet": sheet_title,
            "source_cell": cell_ref,
            "source_sha256": result.sha256,
            "provider": None,
            "table_id": None,
            "query": None,
            "retrieved_at": None,
            "data_quality": quality,
            "is_example": result.is_example,
            "note": "; ".join(notes) or None,
            "_row_text": row_text,
            "_raw": raw.get("value"),
        }
    )


def _drop_duplicates(candidates: list[dict], result: WorkbookResult) -> None:
    """The same KPI data point twice: which one is meant is unclear, so all of them are rejected."""
    by_key: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in candidates:
        by_key[(row["kpi_code"], row["data_point"])].append(row)
    keep = []
    for (kpi, point), rows in by_key.items():
        if len(rows) == 1:
            keep.append(rows[0])
            continue
        places = ", ".join(f"{r['source_sheet']}!{r['source_cell']}" for r in rows)
        for row in rows:
            result.reject(
                row["source_sheet"],
                row["source_cell"],
                row["_raw"],
                f"KPI data point {kpi} / {point} appears {len(rows)} times ({places})",
                row["_row_text"],
            )
    candidates[:] = [{k: v for k, v in r.items() if not k.startswith("_")} for r in keep]
