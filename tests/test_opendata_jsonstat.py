"""The JSON-stat decoder on each variant, with documents written here (not copied)."""

from __future__ import annotations

import json

import pytest

from asker_pipeline.opendata import jsonstat


def dataset(**overrides) -> dict:
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": ["Region", "Tid"],
        "size": [3, 2],
        "dimension": {
            "Region": {
                "category": {
                    "index": {"0220": 0, "0219": 1, "1103": 2},
                    "label": {"0220": "Asker", "0219": "Bærum", "1103": "Stavanger"},
                }
            },
            "Tid": {"category": {"index": {"2019": 0, "2024": 1}}},
        },
        "value": [1, 2, None, 4, None, None],
        "status": {"2": "..", "4": ":", "5": "."},
    }
    doc.update(overrides)
    return doc


def test_object_index_and_object_status_keep_codes_and_symbols_distinct():
    frame = jsonstat.decode(dataset())
    assert list(frame["Region"]) == ["0220", "0220", "0219", "0219", "1103", "1103"]
    assert list(frame["status"]) == [
        "reported",
        "reported",
        "missing",
        "reported",
        "confidential",
        "not_applicable",
    ]
    assert list(frame["symbol"]) == ["", "", "..", "", ":", "."]
    assert frame["value"].isna().sum() == 3  # nulls stay null, never 0


def test_array_index_array_status_and_string_codes():
    doc = dataset(status=["", "", "..", "", ":", "."])
    doc["dimension"]["Region"]["category"]["index"] = ["0220", "0219", "1103"]
    frame = jsonstat.decode(doc)
    assert frame["Region"].iloc[0] == "0220"
    assert list(frame["status"])[2:] == ["missing", "reported", "confidential", "not_applicable"]


def test_status_as_one_string_and_no_status():
    doc = dataset(value=[1, 2, 3, 4, 5, 6], status="")
    assert (jsonstat.decode(doc)["status"] == "reported").all()
    doc = dataset(value=[1, 2, 3, 4, 5, None])
    del doc["status"]
    assert jsonstat.decode(doc)["status"].iloc[-1] == "missing"


def test_sparse_value_object():
    frame = jsonstat.decode(dataset(value={"0": 10, "3": 40}, status=None))
    assert frame["value"].iloc[0] == 10 and frame["value"].iloc[3] == 40
    assert frame["value"].isna().sum() == 4


def test_row_major_order_last_dimension_fastest():
    frame = jsonstat.decode(dataset(value=[1, 2, 3, 4, 5, 6], status=None))
    row = frame[(frame["Region"] == "0219") & (frame["Tid"] == "2024")]
    assert row["value"].iloc[0] == 4


def test_jsonstat_1x_bundle():
    doc = {
        "dataset": {
            "label": "v1",
            "value": [5, None],
            "status": {"1": ".."},
            "dimension": {
                "id": ["Region", "Tid"],
                "size": [1, 2],
                "role": {"time": ["Tid"]},
                "Region": {"category": {"index": {"0220": 0}}},
                "Tid": {"category": {"index": {"2018": 0, "2019": 1}}},
            },
        }
    }
    frame = jsonstat.decode(doc)
    assert list(frame["Tid"]) == ["2018", "2019"]
    assert list(frame["status"]) == ["reported", "missing"]


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"version": "2.0", "class": "dataset", "id": ["Reg', "truncated"),
        (json.dumps(dataset(size=[3, 3])), "size says"),
        (json.dumps(dataset(value=[1, 2])), "value has 2 entries"),
        (json.dumps({"foo": 1}), "no JSON-stat dataset"),
    ],
)
def test_malformed_documents_are_rejected(text, message):
    with pytest.raises(jsonstat.JsonStatError, match=message):
        jsonstat.decode(jsonstat.parse(text))


def test_encode_and_merge_round_trip():
    doc = dataset()
    frame = jsonstat.decode(doc)
    dims = {name: doc["dimension"][name] for name in doc["id"]}
    first = jsonstat.encode(frame[frame["Tid"] == "2019"], dims, label="a")
    second = jsonstat.encode(frame[frame["Tid"] == "2024"], dims, label="a")
    merged = jsonstat.decode(jsonstat.merge([first, second]))
    merged = merged.sort_values(["Region", "Tid"]).reset_index(drop=True)
    expected = frame.sort_values(["Region", "Tid"]).reset_index(drop=True)
    assert merged["value"].equals(expected["value"])
    assert list(merged["symbol"]) == list(expected["symbol"])
