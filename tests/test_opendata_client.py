"""The PxWebApi v2 client and the snapshot refresh against a local server replaying our own
recorded responses (real HTTP): normal fetch, Retry-After and x-ratelimit-reset, 5xx retried
then success, the retry budget, POST retried, a timeout, malformed and partial bodies (asked
for again, never cached), a selection split by the cell limit, POST for long selections, the
cache, and the connectivity probe without network.

Waits urllib3 makes (Retry-After, backoff) are real and measured on the server's side; waits
our own code makes (pacing, a malformed body's backoff) go through an injected ``sleep``."""

from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path

import pandas as pd
import pytest
from replay_server import ReplayServer, Reply, Request, recorded_response, unreachable_url

from asker_pipeline.filesystem import sha256_file
from asker_pipeline.opendata import jsonstat
from asker_pipeline.opendata.client import (
    MAX_CELLS,
    FetchError,
    PxWebClient,
    Query,
    StatisticsNorway,
    split,
)
from asker_pipeline.opendata.registry import REGISTRY_FILE, load_registry
from asker_pipeline.opendata.snapshots import read_snapshot, refresh_all, refresh_series
from asker_pipeline.paths import SOURCES_DIR
from asker_pipeline.reference.municipalities import load_municipalities

HISTORY = load_municipalities()
QUERY = Query(
    "07459",
    {"Region": ("K-3203", "K-3201"), "ContentsCode": ("Personer1",), "Tid": ("2019", "2024")},
    {"Region": "agg_KommSummer"},
    {"Region": "aggregated"},
)
#: Small waits and budgets, so failure paths take milliseconds.
FAST = dict(
    retries=3,
    backoff_seconds=0.01,
    min_interval_seconds=0.0,
    timeout_seconds=2.0,
    max_wait_seconds=5.0,
)


def make_client(
    server: ReplayServer,
    sleeps: list[float] | None = None,
    *,
    cache_dir: Path | None = None,
    max_cells: int = MAX_CELLS,
    **settings,
) -> PxWebClient:
    resource = StatisticsNorway(base_url=server.url, **{**FAST, **settings})
    sleep = sleeps.append if sleeps is not None else time.sleep
    return resource.client(cache_dir, max_cells=max_cells, sleep=sleep)


def _gaps(server: ReplayServer) -> list[float]:
    times = [r.at for r in server.data_requests]
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def server_request(query: Query) -> Request:
    """The request the client sends for ``query``, as the server records it."""
    return Request("GET", "", dict(query.params()), {}, None)


def _body(request: Request) -> str:
    return recorded_response(request).body


@pytest.fixture
def sources(tmp_path) -> Path:
    """A copy of the open-data sources (registry and snapshots) that a refresh may rewrite."""
    target = tmp_path / "sources"
    shutil.copytree(SOURCES_DIR / "opendata", target / "opendata")
    return target


def test_normal_fetch_uses_get_with_value_codes_and_a_clear_user_agent():
    sleeps: list[float] = []
    with ReplayServer(recorded_response) as server:
        doc = make_client(server, sleeps).data(QUERY)
    request = server.requests[0]
    assert request.method == "GET" and request.path.startswith("/api/pxwebapi/v2/tables/07459/data")
    assert request.params["valueCodes[Region]"] == "K-3203,K-3201"
    assert request.params["codelist[Region]"] == "agg_KommSummer"
    assert request.params["outputFormat"] == "json-stat2"
    assert "asker-pipeline" in request.headers["User-Agent"]
    frame = jsonstat.decode(doc)
    assert len(frame) == 4 and set(frame["Region"]) == {"K-3203", "K-3201"}
    assert sleeps == []


def test_the_resource_holds_the_defaults():
    resource = StatisticsNorway()
    assert resource.base_url == "https://data.ssb.no/api/pxwebapi/v2"
    assert resource.min_interval_seconds >= 2.0  # SSB: about 30 requests a minute
    assert 0 < resource.probe_timeout_seconds < resource.timeout_seconds
    client = resource.client()
    retry = client.session.get_adapter(resource.base_url).max_retries
    assert retry.total == resource.retries and retry.respect_retry_after_header
    assert {"GET", "POST"} <= retry.allowed_methods
    assert {429, 500, 502, 503, 504} <= retry.status_forcelist


@pytest.mark.parametrize(
    "headers, max_wait, low, high",
    [
        ({"Retry-After": "1"}, 5.0, 1.0, 2.0),
        ({"x-ratelimit-reset": "1"}, 5.0, 1.0, 2.0),  # no Retry-After: the window's reset
        ({"Retry-After": "3600"}, 0.3, 0.3, 1.3),  # never longer than max_wait_seconds
    ],
    ids=["retry-after", "x-ratelimit-reset", "capped"],
)
def test_429_waits_as_long_as_the_api_asks(headers, max_wait, low, high):
    with ReplayServer(recorded_response) as server:
        server.script = [Reply(429, '{"title":"Too many requests"}', headers)]
        doc = make_client(server, max_wait_seconds=max_wait).data(QUERY)
    assert len(server.data_requests) == 2
    assert low <= _gaps(server)[0] < high
    assert len(jsonstat.decode(doc)) == 4


def test_5xx_is_retried_then_succeeds():
    with ReplayServer(recorded_response) as server:
        server.script = [Reply(503, ""), Reply(502, "bad gateway"), Reply(500, "")]
        doc = make_client(server).data(QUERY)
    assert len(server.data_requests) == 4
    assert jsonstat.decode(doc)["value"].notna().all()


def test_500s_until_the_retry_budget_is_spent():
    with ReplayServer(lambda r: Reply(500, "")) as server:
        with pytest.raises(FetchError, match="HTTP 500 after 4 attempts"):
            make_client(server).data(QUERY)
    assert len(server.data_requests) == 4
    first, *later = _gaps(server)
    assert later[0] >= 0.02 and later[1] >= 0.04  # urllib3's backoff: 0, 2, 4 × 0.01 s


def test_post_is_retried_too():
    """A PxWebApi v2 POST is a read: retrying it is as safe as retrying a GET."""
    codes = tuple(f"{i:04d}" for i in range(600))
    query = Query("07459", {"Region": codes, "ContentsCode": ("Personer1",), "Tid": ("2024",)})
    with ReplayServer(recorded_response) as server:
        server.script = [Reply(503, "")]
        make_client(server).data(query)
    first, second = server.data_requests
    assert first.method == second.method == "POST" and first.body == second.body


def test_timeout_is_retried_and_then_reported():
    with ReplayServer(lambda r: Reply(200, "{}", delay=0.5)) as server:
        with pytest.raises(FetchError, match="timed out"):
            make_client(server, timeout_seconds=0.1, retries=1).data(QUERY)
    assert len(server.data_requests) == 2


def test_a_client_error_is_not_retried_and_its_title_is_shown():
    with ReplayServer(lambda r: Reply(400, '{"title":"Non-existent value"}')) as server:
        with pytest.raises(FetchError, match="HTTP 400 Non-existent value"):
            make_client(server).data(QUERY)
    assert len(server.data_requests) == 1


def test_a_truncated_body_is_asked_for_again():
    sleeps: list[float] = []
    with ReplayServer(recorded_response) as server:
        truncated = _body(server_request(QUERY))
        server.script = [Reply(200, truncated[: len(truncated) // 2])]
        doc = make_client(server, sleeps).data(QUERY)
    assert len(server.data_requests) == 2 and sleeps == [0.01]
    assert len(jsonstat.decode(doc)) == 4


@pytest.mark.parametrize(
    "bad, message",
    [
        (lambda r: Reply(200, _body(r)[:-40]), "not valid JSON"),
        (lambda r: recorded_response(r, drop=frozenset({"K-3201"})), "Region lacks K-3201"),
        (lambda r: recorded_response(r, drop=frozenset({"2024"})), "Tid lacks 2024"),
        (lambda r: recorded_response(r, values=False), "holds no values"),
    ],
    ids=["truncated", "partial-region", "partial-year", "no-values"],
)
def test_a_bad_answer_is_never_cached_and_the_next_refresh_asks_again(tmp_path, bad, message):
    cache = tmp_path / "cache"
    with ReplayServer(bad) as server:
        with pytest.raises(FetchError, match=message):
            make_client(server, [], cache_dir=cache, retries=1).data(QUERY)
        assert not list(cache.rglob("*.json"))
        asked = len(server.data_requests)
        server.default = recorded_response  # the API answers properly again
        doc = make_client(server, [], cache_dir=cache, retries=1).data(QUERY)
    assert len(server.data_requests) == asked + 1
    assert len(jsonstat.decode(doc)) == 4
    assert len(list(cache.rglob("*.json"))) == 1


def test_a_partial_answer_left_in_the_cache_is_not_used(tmp_path):
    """A cache written before this check existed may hold a partial answer: read, it is checked."""
    cache = tmp_path / "cache"
    path = cache / "07459" / f"{QUERY.key()}.json"
    path.parent.mkdir(parents=True)
    request = server_request(QUERY)
    path.write_text(recorded_response(request, drop=frozenset({"K-3201"})).body, "utf-8")
    with ReplayServer(recorded_response) as server:
        doc = make_client(server, [], cache_dir=cache).data(QUERY)
    assert len(server.data_requests) == 1
    assert set(jsonstat.decode(doc)["Region"]) == {"K-3203", "K-3201"}
    assert set(jsonstat.decode(jsonstat.parse(path.read_bytes()))["Region"]) == {
        "K-3203",
        "K-3201",
    }


def test_rate_limit_headers_pace_the_next_request():
    sleeps: list[float] = []
    with ReplayServer(recorded_response) as server:
        server.script = [
            Reply(
                200,
                _body(server_request(QUERY)),
                {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "30"},
            )
        ]
        client = make_client(server, sleeps, max_wait_seconds=60.0)
        client.data(QUERY)
        client.data(QUERY)
    assert len(sleeps) == 1 and 29 <= sleeps[0] <= 30


def test_requests_are_spaced_by_min_interval():
    sleeps: list[float] = []
    with ReplayServer(recorded_response) as server:
        client = make_client(server, sleeps, min_interval_seconds=2.0)
        client.data(QUERY)
        client.data(Query("07459", {**QUERY.selection, "Tid": ("2019",)}))
    assert len(sleeps) == 1 and 1.5 < sleeps[0] <= 2.0


def test_selection_above_the_cell_limit_is_split_and_merged():
    regions = tuple(f"K-{c}" for c in HISTORY.network_codes)
    years = tuple(str(y) for y in range(2015, 2025))
    query = Query("07459", {"Region": regions, "ContentsCode": ("Personer1",), "Tid": years})
    assert query.cells() == 50
    parts = split(query, 20)
    assert all(q.cells() <= 20 for q in parts) and sum(q.cells() for q in parts) == 50
    with ReplayServer(recorded_response) as server:
        doc = make_client(server, [], max_cells=20).data(query)
    assert len(server.data_requests) == len(parts) > 1
    frame = jsonstat.decode(doc)
    assert len(frame) == 50 and frame["value"].notna().all()
    assert set(frame["Tid"]) == set(years) and set(frame["Region"]) == set(regions)


def test_long_selection_goes_by_post():
    codes = tuple(f"{i:04d}" for i in range(600))
    query = Query("07459", {"Region": codes, "ContentsCode": ("Personer1",), "Tid": ("2024",)})
    with ReplayServer(recorded_response) as server:
        make_client(server, []).data(query)
    request = server.data_requests[0]
    assert request.method == "POST"
    assert request.body["selection"][0] == {"variableCode": "Region", "valueCodes": list(codes)}


def test_cache_answers_a_repeated_query_without_a_request(tmp_path):
    with ReplayServer(recorded_response) as server:
        client = make_client(server, [], cache_dir=tmp_path / "cache")
        first = client.data(QUERY)
        second = client.data(QUERY)
    assert first == second and len(server.data_requests) == 1
    assert list((tmp_path / "cache" / "07459").glob("*.json"))


def test_metadata_endpoint():
    with ReplayServer(
        lambda r: Reply(200, '{"version": "2.0", "class": "dataset", "id": []}')
    ) as server:
        doc = make_client(server, []).metadata("07459")
    assert doc["class"] == "dataset"
    assert server.requests[0].path.startswith("/api/pxwebapi/v2/tables/07459/metadata?lang=no")


# -- the connectivity probe ------------------------------------------------------------------


def test_probe_without_network_fails_at_once():
    """With the resource's real settings (4 retries, backoff 2 s) a refused connection would be
    retried for about half a minute per series; the probe makes one attempt."""
    client = StatisticsNorway(base_url=unreachable_url()).client()
    started = time.monotonic()
    with pytest.raises(FetchError, match="cannot reach .*refused"):
        client.probe()
    assert time.monotonic() - started < 2.0


def test_probe_of_a_host_that_never_answers_times_out_quickly():
    with socket.socket() as silent:  # accepts connections into its backlog, never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/api/pxwebapi/v2"
        client = StatisticsNorway(base_url=url, probe_timeout_seconds=0.3).client()
        started = time.monotonic()
        with pytest.raises(FetchError, match="0.3 s timeout.*timed out"):
            client.probe()
        assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    "status, refreshed", [(200, True), (429, True), (404, False), (503, False)]
)
def test_probe_needs_the_api_to_answer(sources, status, refreshed):
    """A proxy without a way out (502/503) or a wrong base URL (404) fails before any series;
    a 429 means the API is there and busy: the series' retries will wait as it asks."""
    registry = load_registry(sources / REGISTRY_FILE)
    with ReplayServer(recorded_response) as server:
        server.config = Reply(status, '{"title":"probe"}')
        outcomes = refresh_all(registry, make_client(server, []), HISTORY, sources)
    assert len(server.data_requests) == (len(registry.series) if refreshed else 0)
    expected = "refreshed" if refreshed else "failed"
    assert {o.outcome for o in outcomes} == {expected}
    if not refreshed:
        assert f"HTTP {status} probe" in outcomes[0].error


# -- refresh: snapshots are replaced only by complete responses ------------------------------


def _checksums(sources: Path) -> dict[str, str]:
    return {p.name: sha256_file(p) for p in (sources / "opendata" / "snapshots").glob("*.json")}


def _refresh(sources: Path, server: ReplayServer, **settings):
    registry = load_registry(sources / REGISTRY_FILE)
    series = registry.series["population"]
    client = make_client(server, [], **settings)
    before = (sources / series.snapshot).read_bytes()
    outcome = refresh_series(series, registry, client, HISTORY, sources)
    return outcome, before, read_snapshot(series, sources)


def test_refresh_replaces_the_snapshot_with_a_complete_response(sources):
    with ReplayServer(recorded_response) as server:
        outcome, before, after = _refresh(sources, server)
    assert outcome.outcome == "refreshed"
    assert not after.is_example and after.provenance["retrieved_at"]
    regions = after.provenance["query"].split("valueCodes[Region]=")[1].split("&")[0].split(",")
    assert len(regions) == 357 and "K-3203" in regions  # every municipality in Norway
    assert after.path.read_bytes() != before


def test_a_national_selection_is_split_at_the_cell_limit_and_merged(sources):
    registry = load_registry(sources / REGISTRY_FILE)
    series = registry.series["employed_tourism"]  # every code in use in 2019 or 2024, 3 NACE
    query = series.query(HISTORY, registry.years, registry.lang)
    regions = query.selection[series.region_variable]
    assert set(regions) == HISTORY.codes_in_use(2019) | HISTORY.codes_in_use(2024)
    assert {"0220", "1850", "3203", "1580"} <= set(regions)  # old, split, today's, re-established
    with ReplayServer(recorded_response) as server:
        doc = make_client(server, [], max_cells=1000).data(query)
    assert len(server.data_requests) >= query.cells() // 1000
    frame = jsonstat.decode(doc)
    assert set(frame[series.region_variable]) == set(regions) and len(frame) == query.cells()


@pytest.mark.parametrize(
    "reply",
    [
        Reply(500, ""),
        Reply(200, '{"version": "2.0", "class": "dataset", "id": ["Region"'),
        Reply(
            200,
            json.dumps(
                jsonstat.encode(
                    pd.DataFrame(
                        {
                            "Region": ["K-3203"],
                            "Tid": ["2019"],
                            "ContentsCode": ["Personer1"],
                            "value": [1.0],
                        }
                    ),
                    {"Region": {}, "ContentsCode": {}, "Tid": {}},
                )
            ),
        ),  # partial: other regions lacking
    ],
    ids=["500s", "truncated", "partial"],
)
def test_a_failed_refresh_keeps_the_last_good_snapshot(sources, reply):
    with ReplayServer(lambda r: reply) as server:
        outcome, before, after = _refresh(sources, server, retries=1)
    assert outcome.outcome == "failed" and outcome.error
    assert after.path.read_bytes() == before and after.is_example
    assert not list(after.path.parent.glob(".*.tmp"))


def test_refresh_probes_once_before_the_series(sources):
    registry = load_registry(sources / REGISTRY_FILE)
    with ReplayServer(recorded_response) as server:
        outcomes = refresh_all(registry, make_client(server, []), HISTORY, sources)
    assert [r.is_probe for r in server.requests] == [True] + [False] * len(registry.series)
    assert {o.outcome for o in outcomes} == {"refreshed"}


def test_refresh_without_network_fails_fast_and_keeps_every_snapshot(sources):
    registry = load_registry(sources / REGISTRY_FILE)
    before = _checksums(sources)
    client = StatisticsNorway(base_url=unreachable_url()).client()  # the real retry settings
    started = time.monotonic()
    outcomes = refresh_all(registry, client, HISTORY, sources)
    assert time.monotonic() - started < 10.0
    assert [o.series_id for o in outcomes] == list(registry.series)
    assert all(o.outcome == "failed" and "cannot reach" in o.error for o in outcomes)
    assert _checksums(sources) == before
