"""Cell text as people type it -> a number or a status. Pure functions, no workbook involved.

Accepted: numbers stored as numbers or as text; decimal comma (``2,74``); thousands separated by
spaces, non-breaking or thin spaces (``95 424``); a trailing percent sign (``97 %``); a unicode
minus; ``NR``, ``n/a``, ``-``, ``–`` and empty cells as not reported; Statistics Norway's ``..``,
``:`` and ``.`` as missing, confidential and not applicable. Anything else raises ``NotANumber``
with the reason, so the row can be quarantined with it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time

from asker_pipeline.values.model import STATUS_BY_SYMBOL

#: Typed text meaning "not reported" (compared lower-case, spaces removed).
NOT_REPORTED = frozenset({"", "nr", "n/a", "na", "n.a.", "-", "–", "—", "ikkerapportert"})
_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$")
#: Units whose values are shares of a whole, written 0-100.
SHARE_UNITS = frozenset({"percent", "percent_of_gdp"})


class NotANumber(ValueError):
    """The cell holds something that is neither a number nor a not-reported marker."""


@dataclass(frozen=True)
class Parsed:
    status: str  # a value-model status
    value: float | None = None
    percent_sign: bool = False  # typed with a % sign (or formatted as a percentage)


def _to_float(text: str) -> float:
    """``2,74`` / ``95 424`` / ``1.234,5`` / ``1,234.5`` -> float. The last of ',' and '.' is the
    decimal mark when both occur; one comma alone is a decimal comma (Norwegian usage)."""
    text = _SPACES.sub("", text).replace("\u2212", "-")
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 and re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", text):
        text = text.replace(",", "")
    elif text.count(".") > 1 and re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    if not _NUMBER.match(text.lower()):
        raise NotANumber("not a number")
    return float(text)


def parse_cell(raw: object, percent_format: bool = False) -> Parsed:
    """One cell's content -> ``Parsed``. ``percent_format``: the cell is formatted as a percentage
    in Excel, where typing ``97 %`` stores 0.97; the value is then given back as 97."""
    if raw is None:
        return Parsed("not_reported")
    if isinstance(raw, bool):
        raise NotANumber("a yes/no (boolean) cell, not a number")
    if isinstance(raw, datetime | date | time):
        raise NotANumber("a date, not a number")
    if isinstance(raw, int | float):
        value = float(raw)
        if not math.isfinite(value):
            raise NotANumber("not a finite number")
        if percent_format:
            return Parsed("reported", round(value * 100, 10), percent_sign=True)
        return Parsed("reported", value)
    text = str(raw).strip()
    squeezed = _SPACES.sub("", text).lower()
    if squeezed in NOT_REPORTED:
        return Parsed("not_reported")
    if text in STATUS_BY_SYMBOL:
        return Parsed(STATUS_BY_SYMBOL[text])
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    value = _to_float(text)
    if not math.isfinite(value):
        raise NotANumber("not a finite number")
    return Parsed("reported", value, percent_sign=percent)


def unit_scale(unit: str) -> float:
    """What numerator/denominator is multiplied by to give a value in ``unit``."""
    if unit in SHARE_UNITS:
        return 100.0
    if "per_100k" in unit:
        return 100_000.0
    return 1.0


def looks_like_fraction_of_one(value: float, unit: str, percent_sign: bool) -> bool:
    """A share typed as 0.97 where the unit is percent (0-100): flagged for a person, not scaled.
    (Not for percent of GDP, where values below 1 are common.)"""
    return unit == "percent" and not percent_sign and 0 < value <= 1


def range_problem(
    value: float, unit: str, minimum: float | None, maximum: float | None
) -> str | None:
    """Why ``value`` is outside what ``unit`` allows (units.csv min/max), or None."""
    if minimum is not None and not math.isnan(minimum) and value < minimum:
        return f"value {value:g} is below {minimum:g}, the least unit {unit!r} allows"
    if maximum is not None and not math.isnan(maximum) and value > maximum:
        return f"value {value:g} is above {maximum:g}, the most unit {unit!r} allows"
    return None


def normalise_header(text: object) -> tuple[str, ...]:
    """Header cell -> the lower-case labels it holds (``"Verdi / Value"`` -> ("verdi", "value"))."""
    if text is None:
        return ()
    parts = re.split(r"[/|\n]", str(text))
    return tuple(p for p in (" ".join(_SPACES.split(part)).strip().lower() for part in parts) if p)


def normalise_data_point(raw: object) -> str:
    """``PM2,5`` / `` pm2.5 `` -> ``pm2.5``; empty -> ``main``."""
    text = _SPACES.sub("", "" if raw is None else str(raw)).lower().replace(",", ".")
    return text or "main"
