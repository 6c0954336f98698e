"""A small client for Statistics Norway's PxWebApi v2 (``/tables/{id}/metadata``, ``/data``),
and ``StatisticsNorway``, the Dagster resource that holds its settings (the one place for their
defaults) and builds it.

- GET with ``valueCodes[VAR]=a,b`` (plus ``codelist[VAR]`` / ``outputValues[VAR]``); POST with
  the same selection in the body when the URL would be too long (SSB answers 404 above ~2 100
  characters).
- Status retries (429, 5xx, timeouts, dropped connections, ``Retry-After``) are urllib3's, and
  requests are paced (``session.py``). This module retries what urllib3 cannot see: a 200 whose
  body does not decode, or does not cover every plain code that was asked for.
- Before a refresh, ``probe`` asks the API once, with a short timeout and no retries, so a
  machine without network fails in seconds rather than after every series' retries.
- Selections above 800 000 cells are split into several requests and the responses merged.
- A clear User-Agent, and an on-disk cache of raw responses keyed by table and query. Only an
  accepted answer is cached (every part decoded and covers its selection, and the whole holds
  values), and the cache is checked again when read, so a partial or malformed response never
  stands in for a request.

``sleep`` and ``clock`` (pacing) are injectable so tests run without waiting."""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg
from pydantic import Field

from asker_pipeline.filesystem import write_bytes_atomic
from asker_pipeline.opendata import jsonstat

if TYPE_CHECKING:
    import requests

SSB_BASE_URL = "https://data.ssb.no/api/pxwebapi/v2"
USER_AGENT = "asker-pipeline/0.1 (U4SSC baseline assessment for Asker kommune; python-requests)"
MAX_CELLS = 800_000
MAX_GET_URL = 2000
_EXPRESSION_CHARS = set("*?(")


class FetchError(RuntimeError):
    """The API did not give a usable answer within the retry budget."""


class StatisticsNorway(dg.ConfigurableResource):
    """Statistics Norway's PxWebApi v2: where it is and how politely to ask it. Used only when a
    run refreshes open data (``refresh`` on ``raw/opendata_snapshots``, or
    ASKER_OPENDATA_REFRESH=1); offline runs read the snapshots and make no request."""

    base_url: str = Field(
        default=SSB_BASE_URL, description="PxWebApi v2 root (a mirror, or a local server in tests)."
    )
    timeout_seconds: float = Field(
        default=30.0, description="Connect and read timeout of one request."
    )
    probe_timeout_seconds: float = Field(
        default=5.0,
        description="Timeout of the one connectivity check (GET /config, no retries) that starts "
        "a refresh: without network the refresh fails within this time.",
    )
    min_interval_seconds: float = Field(
        default=2.0,
        description="Spacing between requests (SSB allows about 30 a minute per IP address).",
    )
    retries: int = Field(
        default=4,
        description="Retries of one request on 429, 5xx, timeouts and dropped connections "
        "(urllib3), and again on a body that is malformed or partial.",
    )
    backoff_seconds: float = Field(
        default=2.0,
        description="urllib3's backoff factor: retries wait 0, 2, 4, 8 × this many seconds, "
        "unless the API says how long (Retry-After, x-ratelimit-reset).",
    )
    max_wait_seconds: float = Field(
        default=60.0, description="The longest single wait, whatever a header asks for."
    )
    cache_hours: float = Field(
        default=24.0, description="How long an accepted response is reused from the cache."
    )

    def client(self, cache_dir: Path | None = None, **options: Any) -> PxWebClient:
        """A client for one refresh (``options``: ``max_cells``, ``sleep``, ``clock``, for tests)."""
        return PxWebClient(self, cache_dir=cache_dir, **options)


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


def accept(query: Query, body: str | bytes) -> dict[str, Any]:
    """The response as a JSON-stat document when it decodes and holds every plain code asked
    for, in every variable; otherwise ``JsonStatError``. Expressions (``top(5)``, ``*``) are not
    checked: their codes are not known before the answer. Codes compare case-insensitively, as
    PxWebApi v2 reads them."""
    doc = jsonstat.parse(body)
    frame = jsonstat.decode(doc)
    columns = {str(column).casefold(): column for column in frame.columns}
    for var, codes in query.selection.items():
        if any(set(code) & _EXPRESSION_CHARS for code in codes):
            continue
        column = columns.get(var.casefold())
        if column is None:
            raise jsonstat.JsonStatError(f"partial response: no dimension {var!r}")
        present = {str(code).casefold() for code in frame[column].unique()}
        lacking = [code for code in codes if code.casefold() not in present]
        if lacking:
            raise jsonstat.JsonStatError(f"partial response: {var} lacks {', '.join(lacking)}")
    return doc


class PxWebClient:
    """One refresh's conversation with the API, configured by a ``StatisticsNorway`` resource."""

    def __init__(
        self,
        settings: StatisticsNorway,
        *,
        cache_dir: Path | None = None,
        max_cells: int = MAX_CELLS,
        max_get_url: int = MAX_GET_URL,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        from asker_pipeline.opendata import session  # requests, urllib3: only when used

        self.settings = settings
        self.base_url = settings.base_url.rstrip("/")
        self.session = session.PacedSession(
            session.retry_policy(
                settings.retries, settings.backoff_seconds, settings.max_wait_seconds
            ),
            min_interval=settings.min_interval_seconds,
            max_wait=settings.max_wait_seconds,
            user_agent=USER_AGENT,
            sleep=sleep,
            clock=clock,
        )
        self.max_cells, self.max_get_url = max_cells, max_get_url
        self.cache_dir = cache_dir
        self.sleep = sleep

    # -- public -----------------------------------------------------------------------------
    def probe(self) -> None:
        """Fail fast without network: one GET of ``/config``, short timeout, no retries. The
        API must answer (429 counts: it is there, and the retries will wait as it asks); a 404
        or 5xx means a wrong base URL, a proxy without a way out, or the API down for now."""
        import requests

        timeout = self.settings.probe_timeout_seconds
        try:
            response = self.session.probe(f"{self.base_url}/config", timeout)
        except requests.RequestException as error:
            raise FetchError(
                f"cannot reach {self.base_url} (GET /config, {timeout:g} s timeout, no retries): "
                f"{_reason(error)}. Check the network connection, or the statistics_norway "
                "resource's base_url."
            ) from error
        if response.status_code >= 400 and response.status_code != 429:
            raise FetchError(
                f"{self.base_url} does not answer as PxWebApi v2: "
                f"{_http_error('GET', response)}. Check the statistics_norway resource's "
                "base_url, or try again later."
            )

    def metadata(self, table_id: str, lang: str = "no") -> dict[str, Any]:
        url = f"{self.base_url}/tables/{table_id}/metadata"
        return self._send("GET", url, params={"lang": lang}, check=jsonstat.parse)[1]

    def data(self, query: Query) -> dict[str, Any]:
        """One JSON-stat2 dataset for the query (split into several requests when it is large).

        Raises ``FetchError`` unless every part decoded and covers its selection and the whole
        holds at least one value; only then are the parts fetched live written to the cache."""
        docs, fetched = [], []
        for part in split(query, self.max_cells):
            doc = self._cache_read(part)
            if doc is None:
                body, doc = self._fetch(part)
                fetched.append((part, body))
            docs.append(doc)
        merged = jsonstat.merge(docs)
        if not (jsonstat.decode(merged)["status"] == "reported").any():
            raise FetchError(f"{query.describe()}: the response holds no values at all")
        for part, body in fetched:
            self._cache_write(part, body)
        return merged

    # -- internals --------------------------------------------------------------------------
    def _fetch(self, query: Query) -> tuple[bytes, dict[str, Any]]:
        import requests

        url = f"{self.base_url}/tables/{query.table_id}/data"
        check = partial(accept, query)
        get_url = requests.Request("GET", url, params=query.params()).prepare().url or ""
        if len(get_url) <= self.max_get_url:
            return self._send("GET", url, params=query.params(), check=check)
        params = [("lang", query.lang), ("outputFormat", "json-stat2")]
        return self._send("POST", url, params=params, json_body=query.body(), check=check)

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Any,
        check: Callable[[bytes], dict[str, Any]],
        json_body: dict[str, Any] | None = None,
    ) -> tuple[bytes, dict[str, Any]]:
        """The body and its document. Statuses, timeouts and dropped connections were already
        retried by urllib3; a 200 whose body ``check`` rejects (urllib3 never looks at bodies)
        is asked for again here, after a backoff of our own."""
        import requests

        attempts = self.settings.retries + 1
        problem = ""
        for attempt in range(attempts):
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json_body,
                    timeout=self.settings.timeout_seconds,
                )
            except requests.RequestException as error:
                raise FetchError(f"{method} {url}: {_reason(error)}") from error
            if response.status_code >= 400:
                raise FetchError(_http_error(method, response))
            try:
                return response.content, check(response.content)
            except jsonstat.JsonStatError as error:
                problem = str(error)
            if attempt + 1 < attempts:
                wait = self.settings.backoff_seconds * 2**attempt
                self.sleep(min(wait, self.settings.max_wait_seconds))
        raise FetchError(
            f"{method} {url}: gave up after {attempts} malformed or partial responses "
            f"(last: {problem})"
        )

    def _cache_path(self, query: Query) -> Path | None:
        if self.cache_dir is None:
            return None
        return Path(self.cache_dir) / query.table_id / f"{query.key()}.json"

    def _cache_read(self, query: Query) -> dict[str, Any] | None:
        """A fresh cached answer, checked again (a cache written by an older version may hold a
        partial one); None when there is none."""
        path = self._cache_path(query)
        max_age = self.settings.cache_hours * 3600
        if path is None or not path.exists() or time.time() - path.stat().st_mtime > max_age:
            return None
        try:
            return accept(query, path.read_bytes())
        except jsonstat.JsonStatError:
            return None

    def _cache_write(self, query: Query, body: bytes) -> None:
        path = self._cache_path(query)
        if path is not None:
            write_bytes_atomic(path, body)


def _reason(error: Exception) -> str:
    """The last underlying error of a requests exception (urllib3 wraps it in MaxRetryError)."""
    cause = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
    cause = getattr(cause, "reason", None) or cause
    return f"{type(cause).__name__}: {cause}"


def _http_error(method: str, response: requests.Response) -> str:
    """Status, PxWebApi v2's ``title`` (the meaning of a 400: "Non-existent value", ...) and how
    many attempts urllib3 made."""
    try:
        title = str(response.json().get("title", ""))
    except (ValueError, AttributeError):
        title = response.text[:200]
    retries = getattr(response.raw, "retries", None)
    attempts = 1 + len(retries.history) if retries is not None else 1
    tried = f" after {attempts} attempts" if attempts > 1 else ""
    return f"{method} {response.url}: HTTP {response.status_code} {title}".rstrip() + tried
