"""The file-naming rules: which municipality and year a workbook is for, and which Dagster
partition it loads in. The store, the sensor and ``make run`` all go by these.

A workbook is named ``<code>_<anything>_<year>.xlsx`` (``3203_asker_2023.xlsx``; a predecessor's
code such as ``0220`` is allowed). Its partition is today's municipality, named so a person sees
which one it is: ``3203 Asker``. A code the reference data does not know keeps its own partition
(its rows are quarantined with the reason), and a name without a code goes to ``unknown``."""

from __future__ import annotations

import re

from asker_pipeline.reference.municipalities import MunicipalityHistory, UnknownMunicipalityCode

FILE_NAME = re.compile(r"^(?P<code>\d{3,4})_(?:.*_)?(?P<year>\d{4})\.xlsx$", re.IGNORECASE)
UNKNOWN_PARTITION = "unknown"


def parse_file_name(name: str) -> tuple[str, int] | None:
    """``3203_asker_2019.xlsx`` -> ("3203", 2019); None when the name does not follow the rule."""
    match = FILE_NAME.match(name)
    return (match["code"].zfill(4), int(match["year"])) if match else None


def municipality_partition(code: str, history: MunicipalityHistory) -> str:
    """``3203 Asker``: today's code and name; the bare code when the history does not know it."""
    try:
        current = history.current_code(code)
        return f"{current} {history.name(current)}"
    except UnknownMunicipalityCode:
        return code


def partition_key(name: str, history: MunicipalityHistory) -> str:
    """The municipality partition the workbook named ``name`` belongs to."""
    parsed = parse_file_name(name)
    return UNKNOWN_PARTITION if parsed is None else municipality_partition(parsed[0], history)


def partition_code(key: str) -> str | None:
    """The municipality code of a partition (``3203 Asker`` -> ``3203``); None for ``unknown``."""
    code = key.split(" ", 1)[0]
    return code if code.isdigit() else None
