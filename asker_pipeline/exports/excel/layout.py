"""A table on a sheet as a person reads it: headers from the table schema in the file's language,
coded values as labels, widths fitted to the content, wrapped headers tall enough to read,
frozen panes under the header, an autofilter, bands coloured."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from asker_pipeline.exports.excel.cells import INTEGER, NUMBER, PERCENT, safe_write
from asker_pipeline.missing import is_missing
from asker_pipeline.schema.columns import VOCABULARY
from asker_pipeline.schema.labels import Labels
from asker_pipeline.scoring.charts import BAND_COLOURS, band_points

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)
THIN = Side(style="thin", color="BFBFBF")
HEADER_BORDER = Border(bottom=THIN)
MIN_WIDTH, MAX_WIDTH = 6, 60
TOP, TOP_WRAPPED = Alignment(vertical="top"), Alignment(wrap_text=True, vertical="top")
LINE_HEIGHT = 15  # points per line of 11 pt text
#: Number formats by column type where the field does not say.
TYPE_FORMATS = {"INTEGER": INTEGER, "DOUBLE": NUMBER}


@dataclass(frozen=True)
class Field:
    """One column of a sheet: ``key`` in the frame; ``column`` the schema column that gives its
    header, description and value labels (default: ``key``); ``header`` a header taken from the
    data instead (a municipality's name). ``optional`` fields are shown only when the frame has
    them: columns other branches add (``under_review``, rank intervals) appear by themselves."""

    key: str
    column: str | None = None
    number_format: str | None = None
    header: str | None = None
    optional: bool = False
    max_width: int = MAX_WIDTH

    @property
    def schema(self):
        return VOCABULARY[self.column or self.key]

    def title(self, language: str) -> str:
        if self.header:
            return self.header
        column = self.schema
        return column.label_nb if language == "nb" else column.label_en

    def fmt(self) -> str | None:
        if self.number_format:
            return self.number_format
        column = self.schema
        if column.unit in ("percent", "score_0_100"):
            return PERCENT
        return TYPE_FORMATS.get(column.type)


def band_fill(band_key: object) -> PatternFill | None:
    points = band_points(band_key)
    if points is None:
        return None
    return PatternFill("solid", fgColor=BAND_COLOURS[points])


def shown(frame: pd.DataFrame, fields: list[Field], labels: Labels, language: str):
    """The fields present, and the frame's values as the reader sees them (labels for codes)."""
    present = [f for f in fields if not f.optional or f.key in frame.columns]
    out = {}
    for f in present:
        values = frame[f.key] if f.key in frame.columns else pd.Series([None] * len(frame))
        out[f.key] = list(labels.column(f.schema, values.reset_index(drop=True), language))
    return present, out


def display_width(value: object, number_format: str | None) -> int:
    if is_missing(value):
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, int | float) and not isinstance(value, bool):
        if number_format == INTEGER:
            return len(str(int(value)))
        return len(f"{value:,.1f}") + (2 if number_format == NUMBER else 0)
    return max(len(line) for line in str(value).split("\n"))


def header_lines(text: str, width: float) -> int:
    """How many lines a wrapped header takes in a column ``width`` characters wide."""
    lines, current = 1, 0
    for word in text.split():
        if current and current + 1 + len(word) > width:
            lines, current = lines + 1, len(word)
        else:
            current += (1 if current else 0) + len(word)
    return lines


def write_table(
    ws,
    frame: pd.DataFrame,
    fields: list[Field],
    labels: Labels,
    language: str,
    top: int = 1,
    left: int = 1,
    freeze: bool = True,
    autofilter: bool = True,
    fit_widths: bool = True,
) -> tuple[int, int]:
    """Header at row ``top``, one row per record below; returns (first data row, last row)."""
    present, values = shown(frame, fields, labels, language)
    bands = list(frame["band_label"]) if "band_label" in frame.columns else []
    widths, wrapped = [], []
    lines_by_row = [1] * len(frame)
    for f in present:  # first the widths, and which rows wrap (they need more height)
        title, fmt = f.title(language), f.fmt()
        longest_value = max((display_width(v, fmt) for v in values[f.key]), default=0)
        longest_word = max((len(w) for w in title.split()), default=0)
        width = min(f.max_width, max(MIN_WIDTH, longest_value, longest_word) + 2)
        widths.append(width)
        wraps = longest_value > width - 2  # more than fits on one line
        wrapped.append(wraps)
        if wraps:
            for i, value in enumerate(values[f.key]):
                if isinstance(value, str):
                    lines_by_row[i] = max(lines_by_row[i], header_lines(value, width - 2))
    for j, f in enumerate(present):
        col = left + j
        cell = safe_write(ws, top, col, f.title(language))
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
        cell.alignment = TOP_WRAPPED
        fmt = f.fmt()
        for i, value in enumerate(values[f.key]):
            cell = safe_write(ws, top + 1 + i, col, value, fmt)
            if lines_by_row[i] > 1:  # a one-line row reads the same at any vertical alignment
                cell.alignment = TOP_WRAPPED if wrapped[j] and isinstance(value, str) else TOP
            if f.key == "band_label" and i < len(bands):
                fill = band_fill(bands[i])
                if fill is not None:
                    cell.fill = fill
        if fit_widths:
            ws.column_dimensions[get_column_letter(col)].width = widths[j]
    lines = max(
        (header_lines(f.title(language), w - 1) for f, w in zip(present, widths, strict=True)),
        default=1,
    )
    ws.row_dimensions[top].height = LINE_HEIGHT * lines + 3
    for i, n in enumerate(lines_by_row):
        if n > 1:  # Excel does not grow a row for wrapped text by itself
            ws.row_dimensions[top + 1 + i].height = LINE_HEIGHT * n
    last = top + max(len(frame), 0)
    if freeze:
        ws.freeze_panes = ws.cell(top + 1, left)
    if autofilter and present:
        ws.auto_filter.ref = (
            f"{get_column_letter(left)}{top}:{get_column_letter(left + len(present) - 1)}"
            f"{max(last, top + 1)}"
        )
    return top + 1, last


def text_rows(ws, rows: list[tuple[str, str]], top: int, widths: tuple[int, int]) -> int:
    """Label / text pairs in two columns, text wrapped, rows tall enough for it in Excel (which
    does not grow rows by itself) and LibreOffice. Returns the next free row."""
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = widths
    for i, (label, body) in enumerate(rows):
        row = top + i
        safe_write(ws, row, 1, label).font = HEADER_FONT
        cell = safe_write(ws, row, 2, body)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        lines = max(header_lines(body or "", widths[1] * 1.1), header_lines(label, widths[0]))
        ws.row_dimensions[row].height = LINE_HEIGHT * lines + 2
    return top + len(rows)

