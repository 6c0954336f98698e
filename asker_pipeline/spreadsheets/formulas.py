"""Cells that hold a formula but no saved result.

Excel and LibreOffice save each formula's last result next to it; openpyxl, and scripts built on
it, write the formula alone. openpyxl (``data_only=True``) then gives such a cell as empty, which
would read as "not reported". The sheet's XML tells the two apart: a formula whose ``<v>`` is
missing or empty (a saved empty text result is ``t="str"`` with an empty ``<v>``).

Formulas are not evaluated here (no formula engine): the reader rejects these cells and asks for
the file to be saved in a spreadsheet program, or the value typed. The XML is read only after
``safety.unreadable_reason`` has bounded the archive's sizes."""

from __future__ import annotations

import io
import posixpath
import zipfile
from xml.etree.ElementTree import iterparse

#: How a formula element starts, with or without a namespace prefix (a quick search first).
_FORMULA_TAGS = (b"<f>", b"<f ", b":f>", b":f ")
_TEXT_TYPES = ("str", "inlineStr")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attribute(element, name: str) -> str | None:
    """An attribute by its local name, whatever its namespace (``r:id``, strict OOXML)."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> the worksheet's XML member, from xl/workbook.xml and its relationships."""
    targets = {}
    rels = "xl/_rels/workbook.xml.rels"
    if rels in archive.namelist():
        for _, element in iterparse(io.BytesIO(archive.read(rels))):
            if _local(element.tag) == "Relationship":
                target = element.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                targets[element.get("Id")] = posixpath.normpath(path)
    paths = {}
    for _, element in iterparse(io.BytesIO(archive.read("xl/workbook.xml"))):
        if _local(element.tag) == "sheet":
            target = targets.get(_attribute(element, "id") or "")
            if target:
                paths[element.get("name")] = target
    return paths


def unsaved_formulas(data: bytes, sheet_title: str) -> dict[tuple[int, int], str]:
    """(row, column), both 1-based -> formula (``"=95424/99120*3"``) for each formula in the sheet
    that has no saved result; empty when there is none (the XML is then searched, not parsed)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        member = sheet_paths(archive).get(sheet_title)
        if member is None or member not in archive.namelist():
            return {}
        xml = archive.read(member)
    if not any(tag in xml for tag in _FORMULA_TAGS):
        return {}
    return cells_without_result(xml)


def cells_without_result(xml: bytes) -> dict[tuple[int, int], str]:
    """The formulas of one worksheet's XML that have no saved result, by (row, column). Cells
    without an ``r`` reference follow the previous cell; namespace prefixes are ignored."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    found: dict[tuple[int, int], str] = {}
    shared: dict[str, str] = {}  # a shared formula's text is written on its first cell only
    row = column = 0
    for event, element in iterparse(io.BytesIO(xml), events=("start", "end")):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row":
                row = int(element.get("r") or row + 1)
                column = 0
            elif tag == "c":
                reference = element.get("r")
                if reference:
                    letters, row = coordinate_from_string(reference)
                    column = column_index_from_string(letters)
                else:
                    column += 1
            continue
        if tag == "c":
            formula = value = None
            for child in element:
                if _local(child.tag) == "f":
                    formula = child
                elif _local(child.tag) == "v":
                    value = child
            if formula is not None:
                text = formula.text or ""
                if formula.get("t") == "shared" and formula.get("si") is not None:
                    text = shared.setdefault(formula.get("si"), text) or text
                saved = value is not None and (bool(value.text) or element.get("t") in _TEXT_TYPES)
                if not saved:
                    found[(row, column)] = f"={text}"
        elif tag == "row":
            element.clear()
    return found
