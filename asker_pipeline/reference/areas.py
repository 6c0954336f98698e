"""Which area a value describes, and whether that is today's municipality's area.

A value for a year describes the municipality as it was that year. When a merger, split or
boundary change has happened since (per the municipality history), that area is not today's:
Asker's 2019 figures under 0220 cover Asker before Røyken and Hurum joined, and Stavanger's 2019
figures under 1103 cover Stavanger before Finnøy and Rennesøy did. Such a value is kept, for
today's municipality, and marked, so no one reads it as today's area's figure. A pure renumbering
(3025 -> 3203 in the 2024 county reform) is the same area and is not marked."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from asker_pipeline.reference.municipalities import MunicipalityHistory


@dataclass(frozen=True)
class Area:
    code: str  # the code of the area the value describes (as reported, or today's)
    current_code: str  # today's municipality it belongs to
    year: int
    changed_in: int | None  # the first merger, split or boundary change after the year, if any

    @property
    def former(self) -> bool:
        return self.changed_in is not None


@cache
def _change_years(history: MunicipalityHistory, current_code: str) -> tuple[int, ...]:
    return tuple(sorted(set(history.series_breaks(current_code)["year"].astype(int))))


def area_of(history: MunicipalityHistory, code: str, year: int) -> Area:
    """The area a value reported under ``code`` for ``year`` describes."""
    current = history.current_code(code)
    later = [changed for changed in _change_years(history, current) if changed > year]
    return Area(code, current, year, min(later) if later else None)


def area_label(history: MunicipalityHistory, area: Area, language: str = "nb") -> str | None:
    """"gjelder tidligere Asker (0220)" / "covers former Asker (0220)"; None for today's area."""
    if not area.former:
        return None
    name = history.name(area.code)
    if area.code != area.current_code:
        return {
            "nb": f"gjelder tidligere {name} ({area.code})",
            "en": f"covers former {name} ({area.code})",
        }[language]
    return {
        "nb": f"gjelder {name} med grensene før {area.changed_in} ({area.code})",
        "en": f"covers {name} within its borders before {area.changed_in} ({area.code})",
    }[language]
