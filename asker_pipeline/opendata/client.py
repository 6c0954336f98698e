"""A small client for Statistics Norway's PxWebApi v2 (``/tables/{id}/metadata``, ``/data``).

- GET with ``valueCodes[VAR]=a,b`` (plus ``codelist[VAR]`` / ``outputValues[VAR]``); POST with
  the same selection in the body when the URL would be too long (SSB answers 404 above ~2 100
  characters).
- Timeouts; retries with exponential backoff on 429, 5xx, timeouts, dropped connections and
  malformed bodies, honouring ``Retry-After`` and the ``x-ratelimit-*`` headers; requests are
  spaced to stay under SSB's ~30 a minute.
- Selections above 800 000 cells are split into several requests and the responses merged.
- A clear User-Agent, and an on-disk cache of raw responses keyed by table and query.

``sleep`` and ``clock`` are injectable so tests run without waiting."""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import requests

from asker_pipeline.opendata import jsonstat

SSB_BASE_URL = "https://data.ssb.no/api/pxwebapi/v2"
USER_AGENT = "asker-pipeline/0.1 (U4SSC baseline assessment for Asker kommune; python-requests)"
MAX_CELLS = 800_000
MAX_GET_URL = 2000
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_EXPRESSION_CHARS = set("*?(")


class FetchError(RuntimeError):
    """The API did not give a usable answer within the retry budget."""


@dataclass(frozen=True)
class Query:
    """One data request: selected value codes per variable, optional codelists and output values."""

    table_id: str
    selection: dict[str, tuple[str, ...]]
    codelists: dict[str, str] = field(default_factory=dict)
    output_values: dict[str, str] = field(default_factory=dict)
    lang: str = "no"

    def cells(self) -> int:
        """Cells the selection asks for. Expressions (``*``, ``top(5)``) count as one value: the
        client cannot know their size without the table's metadata."""
        return math.prod(len(codes) for codes in self.selection.values())

    def params(self) -> list[tuple[str, str]]:
        params = [("lang", self.lang), ("outputFormat", "json-stat2")]
        for var, codes in self.selection.items():
            params.append((f"valueCodes[{var}]", ",".join(codes)))
        params += [(f"codelist[{v}]", c) for v, c in self.codelists.items()]
        params += [(f"outputValues[{v}]", o) for v, o in self.output_values.items()]
        return params

    def body(self) -> dict[str, Any]:
        selection = []
        for var, codes in self.selection.items():
            entry: dict[str, Any] = {"variableCode": var, "valueCodes": list(codes)}
            if var in self.codelists:
                entry["codeList"] = self.codelists[var]
            if var in self.output_values:
                entry["outputValues"] = self.output_values[var]
            selection.append(entry)
        return {"selection": selection}

    def describe(self) -> str:
        """The query as a readable GET path (provenance)."""
        query = "&".join(f"{k}={v}" for k, v in self.params())
        return f"/tables/{self.table_id}/data?{query}"

    def key(self) -> str:
        canonical = json.dumps([self.table_id, self.params()], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:20]


def split(query: Query, max_cells: int = MAX_CELLS) -> list[Query]:
    """Queries of at most ``max_cells`` each, halving the largest plain-code selection in turn."""
    if query.cells() <= max_cells:
        return [query]
    splittable = {
        var: codes
        for var, codes in query.selection.items()
        if len(codes) > 1 and not any(set(c) & _EXPRESSION_CHARS for c in codes)
    }
    if not splittable:
        raise FetchError(f"{query.describe()}: {query.cells()} cells and nothing left to split")
    var = max(splittable, key=lambda v: len(splittable[v]))
    codes = splittable[var]
    half = len(codes) // 2
    parts = []
    for chunk in (codes[:half], codes[half:]):
        parts += split(replace(query, selection={**query.selection, var: chunk}), max_cells)
    return parts


def _retry_delay(
    response: requests.Response | None, attempt: int, backoff: float, cap: float
) -> float:
    """Seconds to wait: Retry-After (seconds or HTTP date), else x-ratelimit-reset, else backoff."""
    if response is not None:
        retry_after = response.headers.get("Retry-After")
        if retry_after:
            try:
                return min(float(retry_after), cap)
            except ValueError:
                try:
                    when = parsedate_to_datetime(retry_after)
                    return min(max(when.timestamp() - time.time(), 0.0), cap)
                except (TypeError, ValueError):
                    pass
        reset = response.headers.get("x-ratelimit-reset")
        if reset:
            try:
                return min(float(reset), cap)
            except ValueError:
                pass
    return min(backoff * 2**attempt, cap)


class PxWebClient:
    def __init__(
        self,
        base_url: str = SSB_BASE_URL,
        *,
        session: requests.Session | None = None,
        timeout: float = 30.0,
        max_retries: int = 4,
        backoff: float = 2.0,
        max_backoff: float = 60.0,
        min_interval: float = 2.0,
        max_cells: int = MAX_CELLS,
        max_get_url: int = MAX_GET_URL,
        cache_dir: Path | None = None,
        cache_max_age: float = 24 * 3600,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        user_agent: str = USER_AGENT,
    ):
        import requests  # imported when a client is made, not when the code location loads

        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
        self.timeout, self.max_retries = timeout, max_retries
        self.backoff, self.max_backoff, self.min_interval = backoff, max_backoff, min_interval
        self.max_cells, self.max_get_url = max_cells, max_get_url
        self.cache_dir, self.cache_max_age = cache_dir, cache_max_age
        self.sleep, self.clock = sleep, clock
        self._not_before = 0.0
        self.requests_made = 0

    # -- public -----------------------------------------------------------------------------
    def metadata(self, table_id: str, lang: str = "no") -> dict[str, Any]:
        url = f"{self.base_url}/tables/{table_id}/metadata"
        return jsonstat.parse(self._send("GET", url, params={"lang": lang}).text)

    def data(self, query: Query) -> dict[str, Any]:
        """One JSON-stat2 dataset for the query (split into several requests when it is large)."""
        parts = [self._data_part(part) for part in split(query, self.max_cells)]
        return jsonstat.merge(parts)

    # -- internals --------------------------------------------------------------------------
    def _data_part(self, query: Query) -> dict[str, Any]:
        cached = self._cache_read(query)
        if cached is not None:
            return cached
        import requests

        url = f"{self.base_url}/tables/{query.table_id}/data"
        get_url = requests.Request("GET", url, params=query.params()).prepare().url or ""
        if len(get_url) <= self.max_get_url:
            text = self._send("GET", url, params=query.params(), validate=True).text
        else:
            params = [("lang", query.lang), ("outputFormat", "json-stat2")]
            text = self._send(
                "POST", url, params=params, json_body=query.body(), validate=True
            ).text
        self._cache_write(query, text)
        return jsonstat.parse(text)

    def _send(self, method: str, url: str, params=None, json_body=None, validate: bool = False):
        import requests

        last_error = "no attempt made"
        for attempt in range(self.max_retries + 1):
            self._pace()
            response = None
            try:
                self.requests_made += 1
                response = self.session.request(
                    method, url, params=params, json=json_body, timeout=self.timeout
                )
            except (requests.Timeout, requests.ConnectionError) as error:
                last_error = f"{type(error).__name__}: {error}"
            else:
                self._note_rate_limit(response)
                if response.status_code in RETRY_STATUSES:
                    last_error = f"HTTP {response.status_code}"
                elif response.status_code >= 400:
                    raise FetchError(
                        f"{method} {response.url}: HTTP {response.status_code} {_title(response)}"
                    )
                else:
                    try:
                        if validate:
                            jsonstat.decode(jsonstat.parse(response.text))
                        return response
                    except jsonstat.JsonStatError as error:
                        last_error = f"malformed response: {error}"
            if attempt < self.max_retries:
                self.sleep(_retry_delay(response, attempt, self.backoff, self.max_backoff))
        raise FetchError(
            f"{method} {url}: gave up after {self.max_retries + 1} attempts ({last_error})"
        )

    def _pace(self) -> None:
        wait = self._not_before - self.clock()
        if wait > 0:
            self.sleep(wait)
        self._not_before = self.clock() + self.min_interval

    def _note_rate_limit(self, response: requests.Response) -> None:
        """When the window is used up, wait for its reset before the next request."""
        if response.headers.get("x-ratelimit-remaining") == "0":
            delay = _retry_delay(response, 0, self.min_interval, self.max_backoff)
            self._not_before = max(self._not_before, self.clock() + delay)

    def _cache_path(self, query: Query) -> Path | None:
        if self.cache_dir is None:
            return None
        return Path(self.cache_dir) / query.table_id / f"{query.key()}.json"

    def _cache_read(self, query: Query) -> dict[str, Any] | None:
        path = self._cache_path(query)
        if (
            path is None
            or not path.exists()
            or time.time() - path.stat().st_mtime > self.cache_max_age
        ):
            return None
        try:
            return jsonstat.parse(path.read_text(encoding="utf-8"))
        except jsonstat.JsonStatError:
            return None

    def _cache_write(self, query: Query, text: str) -> None:
        path = self._cache_path(query)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)


def _title(response: requests.Response) -> str:
    """PxWebApi v2 puts the meaning of a 400 in ``title`` ("Non-existent value", ...)."""
    try:
        return str(response.json().get("title", ""))
    except ValueError:
        return response.text[:200]
