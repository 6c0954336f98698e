"""Writing cells safely, and saving a workbook reproducibly.

Safe: every text cell is written as text, so input starting with = + - @ is never a formula.
Reproducible: fixed document timestamps and zip entry dates, so the same workbook gives the
same bytes (the run's time belongs in the run's metadata, not in the file). The data-collection
template is saved the same way."""

from __future__ import annotations

import io
import math
import numbers
import zipfile
from datetime import UTC, datetime

import openpyxl
import pandas as pd
from openpyxl.writer.excel import ExcelWriter

#: Document properties carry this instead of "now", so bytes are reproducible.
FIXED_TIME = datetime(2026, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FORMULA_PREFIXES = ("=", "+", "-", "@")
NUMBER = "#,##0.0##"
PERCENT = "0.0"
INTEGER = "0"
SHARE = "0%"  # a share 0-1 shown as a percentage (p_best)


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


def workbook_bytes(wb: openpyxl.Workbook) -> bytes:
    """Serialise with fixed document times (openpyxl would write "now") and zip entry dates."""
    wb.properties.creator = wb.properties.creator or "asker-pipeline"
    wb.properties.lastModifiedBy = None
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
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
