"""KPI code normaliser: accept what people type, return the catalogue's canonical code.

``SC: EH: ED: 1C``, ``SC: EH: ED:1C``, ``sc:eh:ed:1c``, `` SC : EH : ED : 1C `` (any spacing,
non-breaking spaces, full-width colons) all compact to ``SC:EH:ED:1C``; an alias table maps codes
that other catalogues use for the same KPI. Unknown codes raise ``UnknownKpiCode`` with the
closest known codes as a hint."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

_SEPARATORS = str.maketrans({"：": ":", "﹕": ":", ";": ":"})
_SPACE = re.compile(r"[\s\u00a0\u2007\u202f]+")


class UnknownKpiCode(ValueError):
    """The text is not a KPI code of the catalogue, nor one of its aliases."""


def compact(raw: str) -> str:
    """Uppercase, full-width colons to ':', all spaces removed."""
    return _SPACE.sub("", str(raw).translate(_SEPARATORS)).upper()


class CodeNormaliser:
    def __init__(self, canonical_codes: Iterable[str], aliases: Mapping[str, str] | None = None):
        self._by_compact: dict[str, str] = {}
        for code in canonical_codes:
            self._by_compact[compact(code)] = code
        for alias, code in (aliases or {}).items():
            if compact(code) not in self._by_compact:
                raise ValueError(
                    f"alias {alias!r} points to {code!r}, which is not in the catalogue"
                )
            self._by_compact.setdefault(compact(alias), self._by_compact[compact(code)])

    def normalise(self, raw: object) -> str:
        if raw is None or not str(raw).strip():
            raise UnknownKpiCode("empty KPI code")
        key = compact(str(raw))
        try:
            return self._by_compact[key]
        except KeyError:
            close = difflib.get_close_matches(key, self._by_compact, n=3, cutoff=0.75)
            hint = (
                f"; did you mean {', '.join(self._by_compact[c] for c in close)}?" if close else ""
            )
            raise UnknownKpiCode(
                f"unknown KPI code {str(raw)!r}: not in the U4SSC catalogue (assets/kpi_catalogue.csv) "
                f"nor its aliases (assets/kpi_code_aliases.csv){hint}"
            ) from None

    def is_known(self, raw: object) -> bool:
        try:
            self.normalise(raw)
        except UnknownKpiCode:
            return False
        return True
