"""Excel benchmark workbooks, one per municipality of the network.

Sheets: "Les meg" (what the file is, example-data notice, sources, method, versions, and the
English label of every Norwegian header), "Oversikt", "KPI-er" (bands coloured), "Sammenligning",
"Datakvalitet", "Ikke rapportert". Headers are Norwegian (``Column.en`` gives English labels, and
``language="en"`` writes them instead); panes are frozen under the header, columns filterable.

Safe: every text cell is written as text, so input starting with = + - @ is never a formula.
Reproducible: fixed document timestamps and zip entry dates, fixed sheet and row order."""

from __future__ import annotations

import io
import math
import numbers
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime

import openpyxl
import pandas as pd
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from asker_pipeline.scoring import method

#: Document properties and zip entries carry this instead of "now", so bytes are reproducible.
FIXED_TIME = datetime(2026, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FORMULA_PREFIXES = ("=", "+", "-", "@")
BAND_FILLS = {  # points -> fill colour (red, orange, yellow, green)
    1: "F8696B",
    2: "FFB266",
    3: "FFE699",
    4: "63BE7B",
}
NUMBER = "#,##0.00"
PERCENT = "0.00"
INTEGER = "0"


@dataclass(frozen=True)
class Column:
    key: str
    nb: str
    en: str
    number_format: str | None = None


#: Which data point a row is about, first in the KPI and not-reported sheets.
DATA_POINT_IDENTITY = [
    Column("kpi_code", "KPI-kode", "KPI code"),
    Column("data_point", "Datapunkt", "Data point"),
    Column("category_node", "Kategori", "Category"),
    Column("kpi_name_nb", "KPI (norsk)", "KPI (Norwegian)"),
    Column("data_point_name_en", "KPI (engelsk)", "KPI (English)"),
    Column("kpi_type", "Type", "Core/advanced"),
]
KPI_COLUMNS = [
    *DATA_POINT_IDENTITY,
    Column("year", "År", "Year", INTEGER),
    Column("value", "Verdi", "Value", NUMBER),
    Column("unit", "Enhet", "Unit"),
    Column("direction", "Retning", "Better direction"),
    Column("target", "Mål", "Target", NUMBER),
    Column("percent_of_target", "Prosent av mål", "% of target", PERCENT),
    Column("percent_formula", "Formel", "Formula"),
    Column("points", "Poeng", "Points", INTEGER),
    Column("band_label", "Bånd", "Band"),
    Column("goalposts_score", "Skår 0–100", "Goalposts score 0-100", PERCENT),
    Column("not_scored_reason", "Ikke skåret fordi", "Not scored because"),
    Column("source_ref", "Kilde", "Source"),
    Column("is_example", "Eksempeldata", "Example data"),
]
OVERVIEW_COLUMNS = [
    Column("level", "Nivå", "Level"),
    Column("node_code", "Kode", "Code"),
    Column("node_name_nb", "Navn", "Name"),
    Column("year", "År", "Year", INTEGER),
    Column("n_scored", "Antall skåret", "Values scored", INTEGER),
    Column("points", "Poeng", "Points", INTEGER),
    Column("max_points", "Maks poeng", "Maximum points", INTEGER),
    Column("percent", "Prosent av maks", "% of maximum", PERCENT),
    Column("band_label", "Bånd", "Band"),
]
COMPARISON_COLUMNS = [
    Column("kpi_code", "KPI-kode", "KPI code"),
    Column("data_point", "Datapunkt", "Data point"),
    Column("data_point_name_nb", "KPI", "KPI"),
    Column("unit", "Enhet", "Unit"),
    Column("direction", "Retning", "Better direction"),
    Column("reference_year", "Referanseår", "Reference year", INTEGER),
    Column("value", "Verdi", "Value", NUMBER),
    Column("year", "År", "Year", INTEGER),
    Column("year_note", "Årsmerknad", "Year note"),
    Column("n_compared", "Antall sammenlignet", "Values compared", INTEGER),
    Column("rank", "Rangering", "Rank", INTEGER),
    Column("peer_median", "Median for de andre", "Peer median", NUMBER),
    Column(
        "lead_over_peer_median",
        "Forsprang på median (+ = bedre)",
        "Lead over peer median (+ = better)",
        NUMBER,
    ),
    Column("position", "Posisjon 0–100", "Position 0-100", PERCENT),
    Column("standing", "Foran/bak", "Leads/lags"),
]
NOT_REPORTED_COLUMNS = [
    *DATA_POINT_IDENTITY,
    Column("unit", "Enhet", "Unit"),
    Column("status", "Status", "Status"),
]
MUNICIPALITY_VALUE = "Verdi {name}"  # one comparison column per municipality


@dataclass
class WorkbookData:
    """What one workbook shows; the asset reads it from the warehouse."""

    code: str
    name: str
    is_subject: bool
    kpi_scores: pd.DataFrame
    rollups: pd.DataFrame
    comparison: pd.DataFrame  # this municipality's rows of marts.peer_comparison
    network_values: pd.DataFrame  # kpi_code, data_point, municipality_name, value (all five)
    not_reported: pd.DataFrame
    data_quality: pd.DataFrame | None
    versions: dict[str, str]
    sources: list[str] = field(default_factory=list)
    network_names: list[str] = field(default_factory=list)
    not_reported_basis: str = ""


def cell_value(value: object) -> object:
    """None for missing; text, booleans, numbers and (naive UTC) datetimes as they are; anything
    else (lists, dicts, ...) as its text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str | bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return None if math.isnan(value) else float(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    return str(value)


def safe_write(ws, row: int, column: int, value: object, number_format: str | None = None):
    """Write one cell; text is always text (never a formula), missing values stay empty."""
    cell = ws.cell(row=row, column=column)
    value = cell_value(value)
    if value is None:
        return cell
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # openpyxl would make "=..." a formula
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True  # Excel keeps it text when the cell is edited
        return cell
    cell.value = int(value) if number_format == INTEGER and not isinstance(value, bool) else value
    if number_format:
        cell.number_format = number_format
    return cell


def write_table(ws, frame: pd.DataFrame, columns: list[Column], language: str = "nb") -> None:
    """Header row, rows, frozen panes under the header, an autofilter, fixed column widths."""
    for j, col in enumerate(columns, start=1):
        safe_write(ws, 1, j, col.nb if language == "nb" else col.en).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(j)].width = max(10, min(45, len(col.nb) + 4))
    for i, record in enumerate(frame.to_dict("records"), start=2):
        for j, col in enumerate(columns, start=1):
            cell = safe_write(ws, i, j, record.get(col.key), col.number_format)
            band = record.get("points_band", record.get("points"))  # roll-ups sum points
            if col.key == "band_label" and not pd.isna(band):
                colour = BAND_FILLS[int(band)]
                cell.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(frame) + 1)}"


def comparison_frame(data: WorkbookData) -> tuple[pd.DataFrame, list[Column]]:
    """This municipality's comparison rows with the five network values beside them."""
    wide = (
        data.network_values.pivot_table(
            index=["kpi_code", "data_point"],
            columns="municipality_name",
            values="value",
            aggfunc="first",
        )
        if not data.network_values.empty
        else pd.DataFrame()
    )
    frame = data.comparison.copy()
    extra = []
    for name in data.network_names:
        key = MUNICIPALITY_VALUE.format(name=name)
        frame[key] = [
            wide.loc[(k, d), name] if (k, d) in wide.index and name in wide.columns else None
            for k, d in zip(frame["kpi_code"], frame["data_point"], strict=True)
        ]
        extra.append(Column(key, key, f"Value {name}", NUMBER))
    return frame, COMPARISON_COLUMNS + extra


def readme_rows(data: WorkbookData, columns: list[list[Column]]) -> list[tuple[str, str]]:
    n_example = (
        int(data.kpi_scores["is_example"].fillna(False).astype(bool).sum())
        if len(data.kpi_scores)
        else 0
    )
    rows = [
        (
            "Fil",
            f"U4SSC-benchmark for {data.name} kommune ({data.code}) i Norwegian SDG Network of "
            "Excellence.",
        ),
        (
            "File",
            f"U4SSC benchmark for {data.name} ({data.code}): scores against targets and comparison "
            "with the network (Asker, Bærum, Trondheim, Stavanger, Ålesund).",
        ),
        (
            "Eksempeldata / example data",
            f"{n_example} av verdiene i denne filen er eksempeldata (is_example), ikke kommunens "
            "virkelige tall. "
            f"{n_example} values in this file are bundled example data, not real figures.",
        ),
        (
            "Metode / method",
            "Prosent av mål: høyere er bedre = verdi / mål × 100; lavere er bedre = mål / verdi "
            "× 100, "
            "maks 100. Bånd (U4SSC): under 33 % = 1 poeng, 33–66 % = 2, 66–95 % = 3, 95 % og "
            "over = 4. "
            "Sammenstilling: poeng ÷ (4 × antall skårede verdier). Skår 0–100: mellom nedre "
            "grense og mål.",
        ),
        (
            "Method (English)",
            f"higher is better: {method.PERCENT_FORMULAS['higher']}; lower is better: "
            f"{method.PERCENT_FORMULAS['lower']}. Bands: under 33 % = 1, 33–66 % = 2, 66–95 % = 3, "
            "95 % and over = 4. Roll-up: points ÷ (4 × n scored). KPIs not reported or without a "
            "target are "
            "left out. Comparison: same unit only, reference year or nearest year (shown), rank "
            "1 = best, "
            "ties share a rank, peer median = median of the other municipalities.",
        ),
        ("Ikke rapportert / not reported", data.not_reported_basis),
    ]
    rows += [(f"Versjon {k}", v) for k, v in sorted(data.versions.items())]
    rows += [("Kilde / source", s) for s in data.sources] or [
        ("Kilde / source", "ingen verdier ennå / no values yet")
    ]
    seen = set()
    for group in columns:
        for col in group:
            if (col.nb, col.en) not in seen:
                seen.add((col.nb, col.en))
                rows.append((f"Kolonne: {col.nb}", f"English: {col.en}"))
    return rows


def build_workbook(data: WorkbookData, language: str = "nb") -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    readme = wb.active
    readme.title = "Les meg"
    compared, comparison_columns = comparison_frame(data)
    quality = data.data_quality
    quality_columns = (
        [Column(str(c), str(c), str(c)) for c in quality.columns]
        if quality is not None
        else [Column("melding", "Melding", "Message")]
    )
    quality_frame = (
        quality
        if quality is not None
        else pd.DataFrame(
            {
                "melding": [
                    "Datakvalitetsrapport er ikke tilgjengelig (quality.data_quality_report "
                    "finnes ikke). "
                    "Data quality report not available."
                ]
            }
        )
    )
    sheets = [
        ("Oversikt", data.rollups, OVERVIEW_COLUMNS),
        ("KPI-er", data.kpi_scores, KPI_COLUMNS),
        ("Sammenligning", compared, comparison_columns),
        ("Datakvalitet", quality_frame, quality_columns),
        ("Ikke rapportert", data.not_reported, NOT_REPORTED_COLUMNS),
    ]
    for i, (key, value) in enumerate(readme_rows(data, [c for _, _, c in sheets]), start=1):
        safe_write(readme, i, 1, key).font = Font(bold=True)
        safe_write(readme, i, 2, value)
    readme.column_dimensions["A"].width = 32
    readme.column_dimensions["B"].width = 120
    for title, frame, columns in sheets:
        write_table(wb.create_sheet(title), frame, columns, language)
    wb.properties.creator = "asker-pipeline"
    wb.properties.title = f"U4SSC benchmark {data.name}"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def workbook_bytes(wb: openpyxl.Workbook) -> bytes:
    """Serialise without openpyxl's "modified = now" and with fixed zip entry dates."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
