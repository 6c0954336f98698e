"""Cell text as people type it -> a number or a status, and the checks a number must pass for its
unit. Pure functions, no workbook involved.

Accepted: numbers stored as numbers or as text; decimal comma (``2,74``); thousands separated by
spaces, non-breaking or thin spaces (``95 424``) or by dots in groups (``1.234.567``, ``1.234,5``);
a trailing percent sign (``97 %``) where the unit is a percentage; a unicode minus; ``NR``,
``n/a``, ``-``, ``–`` and empty cells as not reported; Statistics Norway's ``..``, ``:`` and
``.`` as missing, confidential and not applicable; for yes/no data points TRUE/FALSE (cells or
text), Ja/Nei, Yes/No, SANN/USANN (Norwegian Excel's TRUE/FALSE) and 1/0.

Never guessed: ``95.424`` (one dot, three digits) is 95.424 in English usage and 95 424 in
Norwegian usage. ``AmbiguousNumber`` carries both readings; ``parse_value`` keeps one only when
the unit allows no other (and says so in the value's note), else the cell is refused.
Anything else raises ``NotANumber`` with the reason, so the row can be quarantined with it.

Reasons and notes are for the people filling in the workbook, in Norwegian and English."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from asker_pipeline.spreadsheets.layout import both
from asker_pipeline.values.model import STATUS_BY_SYMBOL

#: Typed text meaning "not reported" (compared lower-case, spaces removed).
NOT_REPORTED = frozenset({"", "nr", "n/a", "na", "n.a.", "-", "–", "—", "ikkerapportert"})
#: Typed answers of a yes/no data point (compared lower-case, spaces removed).
YES = frozenset({"ja", "yes", "true", "sann", "1"})
NO = frozenset({"nei", "no", "false", "usann", "0"})
#: What Excel shows when a formula fails; saved as the cell's result.
EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!"}
)
_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$")
#: One dot followed by exactly three digits: a decimal point or a thousands dot.
_AMBIGUOUS_DOT = re.compile(r"^[+-]?[1-9]\d{0,2}\.\d{3}$")
#: Numerator / denominator is multiplied by this to give a value in a "per 100 000" unit.
PER_100K = 100_000.0


@dataclass(frozen=True)
class Unit:
    """What parsing and checking need to know of a unit (one row of assets/units.csv)."""

    key: str
    kind: str  # units.csv ``kind``: share, rate, flag, ...
    minimum: float | None = None
    maximum: float | None = None
    label_nb: str = ""
    label_en: str = ""

    @property
    def is_share(self) -> bool:
        """A percentage of a whole, written 0-100: a %-formatted cell is scaled by 100."""
        return self.kind == "share"

    @property
    def is_yes_no(self) -> bool:
        return self.kind == "flag"

    @property
    def scale(self) -> float:
        """What numerator / denominator is multiplied by to give a value in this unit."""
        if self.is_share:
            return 100.0
        if "per_100k" in self.key:
            return PER_100K
        return 1.0


class NotANumber(ValueError):
    """The cell holds something that is neither a number nor a not-reported marker."""


class AmbiguousNumber(NotANumber):
    """Text that reads as two different numbers (``95.424``): both readings are kept."""

    def __init__(self, readings: tuple[float, float], percent_sign: bool = False) -> None:
        decimal, whole = readings
        super().__init__(
            both(
                f"kan leses som {shown_nb(decimal)} eller {shown(whole)} "
                "(punktum brukes også som tusenskille): skriv "
                f"{shown(whole)} for heltallet eller {shown_nb(decimal)} "
                "for desimaltallet",
                f"can be read as {shown(decimal)} or {shown(whole)} (a dot is also used as a "
                f"thousands separator): type {shown(whole)} for the whole number or "
                f"{shown_nb(decimal)} for the decimal",
            )
        )
        self.readings = readings
        self.percent_sign = percent_sign


@dataclass(frozen=True)
class Parsed:
    status: str  # a value-model status
    value: float | None = None
    percent_sign: bool = False  # typed with a % sign (or a %-formatted cell of a share)
    note: str | None = None  # how the cell was read, when a person should check it


def shown(number: float) -> str:
    """A number as a person reads it in a reason: ``95 424``, ``2.74``, ``1e+308``."""
    if number == int(number) and abs(number) < 1e15:
        return f"{int(number):,}".replace(",", " ")
    return f"{number:.10g}"


def shown_nb(number: float) -> str:
    """The same in Norwegian: decimal comma (``95,424``)."""
    return shown(number).replace(".", ",")


def _readings(text: str) -> tuple[float, ...]:
    """``2,74`` / ``95 424`` / ``1.234,5`` / ``1,234.5`` -> (float,); ``95.424`` -> both readings.
    The last of ',' and '.' is the decimal mark when both occur; one comma alone is a decimal
    comma (Norwegian usage); dots or commas in groups of three are thousands separators."""
    text = _SPACES.sub("", text).replace("\u2212", "-")
    if _AMBIGUOUS_DOT.match(text):
        return float(text), float(text.replace(".", ""))
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
        raise NotANumber(both("ikke et tall", "not a number"))
    return (float(text),)


def parse_cell(raw: object, percent_format: bool = False) -> Parsed:
    """One cell's content -> ``Parsed``. ``percent_format``: the cell is a %-formatted share, where
    typing ``97 %`` stores 0.97 in Excel; the value is then given back as 97."""
    if raw is None:
        return Parsed("not_reported")
    if isinstance(raw, bool):
        raise NotANumber(
            both(
                "en ja/nei-celle (SANN/USANN), ikke et tall",
                "a yes/no (TRUE/FALSE) cell, not a number",
            )
        )
    if isinstance(raw, datetime | date | time):
        raise NotANumber(both("en dato, ikke et tall", "a date, not a number"))
    if isinstance(raw, int | float):
        value = float(raw)
        if not math.isfinite(value):
            raise NotANumber(both("ikke et endelig tall", "not a finite number"))
        if percent_format:
            return Parsed("reported", round(value * 100, 10), percent_sign=True)
        return Parsed("reported", value)
    text = str(raw).strip()
    squeezed = _SPACES.sub("", text).lower()
    if squeezed in NOT_REPORTED:
        return Parsed("not_reported")
    if text in STATUS_BY_SYMBOL:
        return Parsed(STATUS_BY_SYMBOL[text])
    if text.upper() in EXCEL_ERRORS:
        raise NotANumber(
            both(
                "Excel-feilverdi: formelen i cellen gir en feil; rett formelen eller skriv inn "
                "verdien",
                "an Excel error value: the formula in the cell fails; correct it or type the value",
            )
        )
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    readings = _readings(text)
    if len(readings) > 1:
        raise AmbiguousNumber(readings, percent_sign=percent)
    if not math.isfinite(readings[0]):
        raise NotANumber(both("ikke et endelig tall", "not a finite number"))
    return Parsed("reported", readings[0], percent_sign=percent)


def parse_yes_no(raw: object) -> Parsed:
    """A yes/no data point: TRUE/FALSE, Ja/Nei, Yes/No, SANN/USANN or 1/0 -> 1 or 0."""
    if isinstance(raw, bool):
        return Parsed("reported", float(raw))
    if isinstance(raw, str):
        squeezed = _SPACES.sub("", raw).lower()
        if squeezed in YES or squeezed in NO:
            return Parsed("reported", 1.0 if squeezed in YES else 0.0)
    try:
        parsed = parse_cell(raw)
    except NotANumber:
        parsed = None
    if parsed is None or (parsed.status == "reported" and parsed.value not in (0.0, 1.0)):
        raise NotANumber(
            both(
                "et ja/nei-datapunkt tar Ja/Nei, SANN/USANN, TRUE/FALSE eller 1/0",
                "a yes/no data point takes Ja/Nei, Yes/No, TRUE/FALSE or 1/0",
            )
        )
    return parsed


def parse_value(raw: object, unit: Unit, percent_format: bool = False) -> Parsed:
    """The value cell of a data point in ``unit``. A %-formatted cell is scaled by 100 only for a
    share; a % sign is refused for any other unit; ``95.424`` keeps the one reading the unit
    allows, with a note, or is refused."""
    if unit.is_yes_no:
        return parse_yes_no(raw)
    try:
        parsed = parse_cell(raw, percent_format and unit.is_share)
    except AmbiguousNumber as ambiguous:
        parsed = _the_reading_the_unit_allows(ambiguous, raw, unit)
    if parsed.percent_sign and not unit.is_share:
        raise NotANumber(
            both(
                f"skrevet med %, men datapunktet er i «{unit.label_nb}», ikke prosent: "
                "skriv tallet uten %",
                f"typed with a % sign, but this data point is in {unit.label_en or unit.key}, "
                "not a percentage: type the number without %",
            )
        )
    return parsed


def _the_reading_the_unit_allows(ambiguous: AmbiguousNumber, raw: object, unit: Unit) -> Parsed:
    allowed = [r for r in ambiguous.readings if range_problem(r, unit) is None]
    if len(allowed) != 1:
        raise ambiguous
    (kept,) = allowed
    (other,) = [r for r in ambiguous.readings if r != kept]
    note = "FLAG: " + both(
        f"{str(raw).strip()!r} er lest som {shown_nb(kept)}: "
        f"{shown_nb(other)} er utenfor det «{unit.label_nb}» tillater; kontroller tallet",
        f"{str(raw).strip()!r} read as {shown(kept)}: {shown(other)} is outside what "
        f"{unit.key!r} allows; please check",
    )
    return Parsed("reported", kept, percent_sign=ambiguous.percent_sign, note=note)


def looks_like_fraction_of_one(value: float, unit: Unit, percent_sign: bool) -> bool:
    """A share typed as 0.97 where the unit is percent (0-100): flagged for a person, not scaled.
    (Not for percent of GDP, where values below 1 are common.)"""
    return unit.key == "percent" and not percent_sign and 0 < value <= 1


def range_problem(value: float, unit: Unit) -> str | None:
    """Why ``value`` is outside what ``unit`` allows (units.csv min_value/max_value), or None."""
    if unit.minimum is not None and value < unit.minimum:
        return both(
            f"verdien {shown_nb(value)} er under {shown_nb(unit.minimum)}, det laveste "
            f"«{unit.label_nb}» tillater",
            f"value {shown(value)} is below {shown(unit.minimum)}, the least unit "
            f"{unit.key!r} allows",
        )
    if unit.maximum is not None and value > unit.maximum:
        return both(
            f"verdien {shown_nb(value)} er over {shown_nb(unit.maximum)}, det høyeste "
            f"«{unit.label_nb}» tillater (assets/units.csv)",
            f"value {shown(value)} is above {shown(unit.maximum)}, the most unit {unit.key!r} "
            "allows (assets/units.csv)",
        )
    return None


def fraction_disagreement(
    value: float, numerator: float, denominator: float, unit: Unit
) -> float | None:
    """The figure numerator / denominator gives (times the unit's scale) when ``value`` differs
    from it by more than rounding to the decimals ``value`` was typed with; None when they agree."""
    recomputed = numerator / denominator * unit.scale
    decimals = max(0, -int(Decimal(repr(value)).normalize().as_tuple().exponent))
    tolerance = 0.5 * 10.0**-decimals + 1e-9 * abs(recomputed)
    return recomputed if abs(value - recomputed) > tolerance else None


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
