"""A filled-in workbook -> accepted values (common value model) and rejected rows (quarantine).

Nothing is lost: every row either becomes a value (reported or with a not-reported status) or a
quarantine row whose reason names file, sheet, cell and the raw text. A file that cannot be read
at all becomes one quarantine row for the whole file.

One sheet is read: the visible KPI sheet (``choose_table``). Other sheets holding KPI rows, a
hidden backup copy for instance, are reported in the quarantine and never merged. Each row is
read by ``rows.read_row``; formulas without a saved result are found in the sheet's XML
(``formulas.py``), since openpyxl shows them as empty cells."""

from __future__ import annotations

import hashlib
import io
import math
import re
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from asker_pipeline.reference.areas import Area, area_of
from asker_pipeline.reference.catalogue import Catalogue
from asker_pipeline.reference.municipalities import MunicipalityHistory, UnknownMunicipalityCode
from asker_pipeline.spreadsheets import layout
from asker_pipeline.spreadsheets.formulas import unsaved_formulas
from asker_pipeline.spreadsheets.layout import both
from asker_pipeline.spreadsheets.naming import parse_file_name
from asker_pipeline.spreadsheets.parse import Unit, normalise_header
from asker_pipeline.spreadsheets.rows import TypedRow, cell_reference, read_row
from asker_pipeline.spreadsheets.safety import unreadable_reason


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
    def units(self) -> dict[str, Unit]:
        """Each unit of assets/units.csv with its kind and range (missing bounds as None)."""
        return {
            row.unit: Unit(
                row.unit,
                row.kind,
                None if math.isnan(row.min_value) else float(row.min_value),
                None if math.isnan(row.max_value) else float(row.max_value),
                row.label_nb,
                row.label_en,
            )
            for row in self.catalogue.units.itertuples(index=False)
        }

    @cached_property
    def _resolved(self) -> dict[str, str]:
        return {}

    def current_code(self, code: str) -> str:
        """Today's code for a code of any year (cached: the history is walked once per code)."""
        code = str(code).strip().zfill(4)
        if code not in self._resolved:
            self._resolved[code] = self.municipalities.current_code(code)
        return self._resolved[code]


@dataclass
class WorkbookResult:
    file: str  # relative to the sources folder
    sha256: str
    municipality_code: str | None = None  # today's code
    source_municipality_code: str | None = None
    area: Area | None = None  # the area the values describe (a former one after a merger)
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
        whole = both("hele arbeidsboken avvist", "whole workbook rejected")
        result.reject(None, None, None, f"{whole}: {rejected}")
    return result


def _read(data: bytes, name: str, context: ReadContext, result: WorkbookResult) -> None:
    reason = unreadable_reason(data)
    if reason:
        raise FileRejected(reason)
    named = parse_file_name(name)
    if named is None:
        raise FileRejected(
            both(
                f"filnavnet {name!r} følger ikke <kommunenummer>_<navn>_<år>.xlsx",
                f"file name {name!r} does not follow <municipality code>_<name>_<year>.xlsx",
            )
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about data validation extensions
            from openpyxl import load_workbook  # ~0.2 s: only when a workbook is read

            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for damaged files
        corrupt = both(
            "skadet arbeidsbok, openpyxl kan ikke åpne den",
            "corrupt workbook, openpyxl cannot open it",
        )
        raise FileRejected(f"{corrupt}: {error}") from error
    try:
        _check_identity(book, named, context, result)
        tables = [t for t in map(_find_table, book.worksheets) if t is not None]
        if not tables:
            raise FileRejected(
                both(
                    "ingen ark har en overskriftsrad med kolonnene 'KPI-kode' og 'Verdi'",
                    "no sheet has a header row with 'KPI-kode / KPI code' and 'Verdi / Value' "
                    "columns",
                )
            )
        chosen, others = choose_table(tables)
        for table in others:
            _report_unread(table, chosen, result)
        unsaved = unsaved_formulas(data, chosen.sheet.title)
        candidates = _read_table(chosen, unsaved, context, result)
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
    sheet_name = repr(layout.METADATA_SHEET)
    if not code_text:
        raise FileRejected(
            both(
                f"kommunenummeret mangler i arbeidsboken (arket {sheet_name})",
                f"the municipality code is missing in the workbook (sheet {sheet_name})",
            )
        )
    if not re.fullmatch(r"\d{3,4}(\.0)?", code_text) or not re.fullmatch(
        r"\d{4}(\.0)?", year_text or "x"
    ):
        if not year_text:
            raise FileRejected(
                both(
                    f"rapporteringsåret mangler i arbeidsboken (arket {sheet_name})",
                    f"the reporting year is missing in the workbook (sheet {sheet_name})",
                )
            )
        raise FileRejected(
            both(
                f"kommunenummer {code_text!r} eller år {year_text!r} i arket {sheet_name} er "
                "ikke et firesifret tall",
                f"municipality code {code_text!r} or year {year_text!r} in sheet {sheet_name} "
                "is not a 4-digit number",
            )
        )
    code, year = code_text.split(".")[0].zfill(4), int(float(year_text))
    try:
        current, named_current = context.current_code(code), context.current_code(named[0])
    except UnknownMunicipalityCode as error:
        raise FileRejected(
            both(
                f"ukjent kommunenummer ({error}); en ny partner legges inn i "
                "assets/municipality_codes.csv",
                f"{error}; a new partner is added in assets/municipality_codes.csv",
            )
        ) from None
    if current != named_current:
        raise FileRejected(
            both(
                f"arbeidsboken sier kommune {code}, men filnavnet sier {named[0]}",
                f"the workbook says municipality {code} but the file name says {named[0]}",
            )
        )
    if year != named[1]:
        raise FileRejected(
            both(
                f"arbeidsboken sier år {year}, men filnavnet sier {named[1]}",
                f"the workbook says year {year} but the file name says {named[1]}",
            )
        )
    result.municipality_code, result.source_municipality_code, result.year = current, code, year
    result.area = area_of(context.municipalities, code, year)
    result.is_example = (
        str(meta.get("example") or "").strip().lower().startswith(("ja", "yes", "true"))
    )


@dataclass(frozen=True)
class KpiTable:
    """A sheet holding the KPI table: where its header row is and which column holds what."""

    sheet: object  # openpyxl read-only worksheet
    header_row: int  # the sheet's row number
    columns: dict[str, int]  # column key -> 0-based position

    @property
    def visible(self) -> bool:
        return getattr(self.sheet, "sheet_state", "visible") == "visible"

    @property
    def header_cell(self) -> str:
        return cell_reference(self.columns["kpi_code"], self.header_row)

    def rows(self):
        """(row number, cells) for every row under the header."""
        return enumerate(self.sheet.iter_rows(min_row=self.header_row + 1), self.header_row + 1)


def _find_table(sheet) -> KpiTable | None:
    """The sheet's KPI table: a header row naming at least the KPI code and value columns."""
    for number, row in enumerate(sheet.iter_rows(max_row=layout.HEADER_SEARCH_ROWS), 1):
        columns: dict[str, int] = {}
        for position, cell in enumerate(row):
            key = layout.column_for_header(normalise_header(getattr(cell, "value", None)))
            if key and key not in columns:
                columns[key] = position
        if all(k in columns for k in layout.REQUIRED):
            return KpiTable(sheet, number, columns)
    return None


def choose_table(tables: list[KpiTable]) -> tuple[KpiTable, list[KpiTable]]:
    """The one table to read, and the others (reported, never merged): the visible sheet named
    like the template's KPI sheet, else the first visible sheet with a KPI table. A hidden copy
    (a backup, an earlier version) is never read: its rows would duplicate or contradict."""
    visible = [t for t in tables if t.visible]
    if not visible:
        names = ", ".join(repr(t.sheet.title) for t in tables)
        raise FileRejected(
            both(
                f"KPI-tabellen finnes bare i skjulte ark ({names}): vis arket (høyreklikk en "
                "arkfane > Vis) og lagre filen",
                f"the KPI table is only in hidden sheets ({names}): unhide the sheet "
                "(right-click a sheet tab > Unhide) and save the file",
            )
        )
    named = [t for t in visible if t.sheet.title.strip().lower() == layout.KPI_SHEET.lower()]
    chosen = (named or visible)[0]
    return chosen, [t for t in tables if t is not chosen]


def _kpi_rows(table: KpiTable) -> int:
    """How many rows of a table carry a KPI code (to report a sheet that is not read)."""
    position = table.columns["kpi_code"]
    count = 0
    for _, cells in table.rows():
        value = getattr(cells[position], "value", None) if position < len(cells) else None
        count += value is not None and bool(str(value).strip())
    return count


def _report_unread(table: KpiTable, chosen: KpiTable, result: WorkbookResult) -> None:
    rows = _kpi_rows(table)
    if not rows:
        return
    title = chosen.sheet.title
    kind_nb, kind_en = ("skjult", "a hidden") if not table.visible else ("ekstra", "an extra")
    result.reject(
        table.sheet.title,
        table.header_cell,
        None,
        both(
            f"{kind_nb} ark med {rows} KPI-rader: radene er ikke lest, bare arket {title!r} "
            f"lastes; slett arket, eller flytt tallene inn i {title!r}",
            f"{kind_en} sheet with {rows} KPI rows: they are not read, only sheet {title!r} "
            f"is loaded; delete the sheet, or move its figures into {title!r}",
        ),
    )


def _read_table(
    table: KpiTable,
    unsaved: dict[tuple[int, int], str],
    context: ReadContext,
    result: WorkbookResult,
) -> list[dict]:
    """The table's rows as value records; rejected rows go to ``result``. ``unsaved``: the
    sheet's formulas without a saved result, by (row, column)."""
    by_row: dict[int, dict[int, str]] = defaultdict(dict)
    for (number, column), formula in unsaved.items():
        by_row[number][column - 1] = formula
    records = []
    for number, cells in table.rows():
        formulas = by_row.get(number, {})
        row = TypedRow(cells, number, table.sheet.title, table.columns, formulas)
        found = read_row(row, context, result)
        if found is not None:
            records.append(found)
    return records


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
