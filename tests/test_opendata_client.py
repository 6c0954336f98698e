"""The PxWebApi v2 client and the snapshot refresh against a local server replaying our own
recorded responses: normal fetch, 429 then success, 500s until the budget is spent, a timeout,
truncated JSON, a selection split by the cell limit, POST for long selections, the cache."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from replay_server import ReplayServer, Reply, Request, recorded_response

from asker_pipeline.opendata import jsonstat
from asker_pipeline.opendata.client import FetchError, PxWebClient, Query, split
from asker_pipeline.opendata.registry import REGISTRY_FILE, load_registry
from asker_pipeline.opendata.snapshots import read_snapshot, refresh_series
from asker_pipeline.paths import SOURCES_DIR
from asker_pipeline.reference.municipalities import load_municipalities

HISTORY = load_municipalities()
QUERY = Query(
    "07459",
    {"Region": ("K-3203", "K-3201"), "ContentsCode": ("Personer1",), "Tid": ("2019", "2024")},
    {"Region": "agg_KommSummer"},
    {"Region": "aggregated"},
)


def make_client(server: ReplayServer, sleeps: list[float], **kwargs) -> PxWebClient:
    options = dict(max_retries=3, backoff=0.01, min_interval=0.0, timeout=2.0, sleep=sleeps.append)
    options.update(kwargs)
    return PxWebClient(server.url, **options)


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


def test_429_then_success_honours_retry_after():
    sleeps: list[float] = []
    with ReplayServer(recorded_response) as server:
        server.script = [Reply(429, '{"title":"Too many requests"}', {"Retry-After": "7"})]
        doc = make_client(server, sleeps).data(QUERY)
    assert len(server.requests) == 2
    assert sleeps == [7.0]
    assert len(jsonstat.decode(doc)) == 4


def test_rate_limit_headers_pace_the_next_request():
    sleeps: list[float] = []
    with ReplayServer(recorded_response) as server:
        server.script = [
            Reply(
                200,
                recorded_response(
                    Request(
                        "GET",
                        "",
                        {
                            "valueCodes[Region]": "K-3203",
                            "valueCodes[ContentsCode]": "Personer1",
                            "valueCodes[Tid]": "2019",
                        },
                        {},
                        None,
                    )
                ).body,
                {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "30"},
            )
        ]
        client = make_client(server, sleeps)
        client.data(QUERY)
        client.data(QUERY)
    assert sleeps and 29 <= sleeps[0] <= 30


def test_500s_until_the_retry_budget_is_spent():
    sleeps: list[float] = []
    with ReplayServer(lambda r: Reply(500, "")) as server:
        with pytest.raises(FetchError, match="gave up after 4 attempts.*HTTP 500"):
            make_client(server, sleeps).data(QUERY)
    assert len(server.requests) == 4
    assert sleeps == [0.01, 0.02, 0.04]  # exponential backoff, injected sleep


def test_timeout_is_retried_and_then_reported():
    sleeps: list[float] = []
    with ReplayServer(lambda r: Reply(200, "{}", delay=0.5)) as server:
        with pytest.raises(FetchError, match="Timeout"):
            make_client(server, sleeps, timeout=0.1, max_retries=1).data(QUERY)
    assert len(server.requests) == 2


def test_truncated_json_is_malformed_not_data():
    body = recorded_response(Request("GET", "", {"valueCodes[Region]": "K-3203"}, {}, None)).body
    sleeps: list[float] = []
    with ReplayServer(lambda r: Reply(200, body[: len(body) // 2])) as server:
        with pytest.raises(FetchError, match="malformed response"):
            make_client(server, sleeps, max_retries=1).data(QUERY)


def test_a_client_error_is_not_retried_and_its_title_is_shown():
    with ReplayServer(lambda r: Reply(400, '{"title":"Non-existent value"}')) as server:
        with pytest.raises(FetchError, match="Non-existent value"):
            make_client(server, []).data(QUERY)
    assert len(server.requests) == 1


def test_selection_above_the_cell_limit_is_split_and_merged():
    regions = tuple(f"K-{c}" for c in HISTORY.network_codes)
    years = tuple(str(y) for y in range(2015, 2025))
    query = Query("07459", {"Region": regions, "ContentsCode": ("Personer1",), "Tid": years})
    assert query.cells() == 50
    parts = split(query, 20)
    assert all(q.cells() <= 20 for q in parts) and sum(q.cells() for q in parts) == 50
    with ReplayServer(recorded_response) as server:
        doc = make_client(server, [], max_cells=20).data(query)
    assert len(server.requests) == len(parts) > 1
    frame = jsonstat.decode(doc)
    assert len(frame) == 50 and frame["value"].notna().all()
    assert set(frame["Tid"]) == set(years) and set(frame["Region"]) == set(regions)


def test_long_selection_goes_by_post():
    codes = tuple(f"{i:04d}" for i in range(600))
    query = Query("07459", {"Region": codes, "ContentsCode": ("Personer1",), "Tid": ("2024",)})
    with ReplayServer(recorded_response) as server:
        make_client(server, []).data(query)
    request = server.requests[0]
    assert request.method == "POST"
    assert request.body["selection"][0] == {"variableCode": "Region", "valueCodes": list(codes)}


def test_cache_answers_a_repeated_query_without_a_request(tmp_path):
    with ReplayServer(recorded_response) as server:
        client = make_client(server, [], cache_dir=tmp_path / "cache")
        first = client.data(QUERY)
        second = client.data(QUERY)
    assert first == second and len(server.requests) == 1
    assert list((tmp_path / "cache" / "07459").glob("*.json"))


# -- refresh: snapshots are replaced only by complete responses ------------------------------


@pytest.fixture
def sources(tmp_path) -> Path:
    target = tmp_path / "sources"
    shutil.copytree(SOURCES_DIR / "opendata", target / "opendata")
    return target


def _refresh(sources: Path, server: ReplayServer, **kwargs):
    registry = load_registry(sources / REGISTRY_FILE)
    series = registry.series["population"]
    client = make_client(server, [], **kwargs)
    before = (sources / series.snapshot).read_bytes()
    outcome = refresh_series(series, registry, client, HISTORY, sources)
    return outcome, before, read_snapshot(series, sources)


def test_refresh_replaces_the_snapshot_with_a_complete_response(sources):
    with ReplayServer(recorded_response) as server:
        outcome, before, after = _refresh(sources, server)
    assert outcome.outcome == "refreshed"
    assert not after.is_example and after.provenance["retrieved_at"]
    assert "valueCodes[Region]=K-3203" in after.provenance["query"]
    assert after.path.read_bytes() != before


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
        outcome, before, after = _refresh(sources, server, max_retries=1)
    assert outcome.outcome == "failed" and outcome.error
    assert after.path.read_bytes() == before and after.is_example
    assert not list(after.path.parent.glob(".*.tmp"))


def test_metadata_endpoint():
    with ReplayServer(
        lambda r: Reply(200, '{"version": "2.0", "class": "dataset", "id": []}')
    ) as server:
        doc = make_client(server, []).metadata("07459")
    assert doc["class"] == "dataset"
    assert server.requests[0].path.startswith("/api/pxwebapi/v2/tables/07459/metadata?lang=no")
