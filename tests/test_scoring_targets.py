"""The target table: complete, sourced, of a stated kind, matching each data point's definition."""

import shutil

import pytest

from asker_pipeline.paths import ASSETS_DIR
from asker_pipeline.reference.catalogue import CatalogueError
from asker_pipeline.scoring.targets import CERTAINTIES, KINDS, load_targets


@pytest.fixture(scope="module")
def frame():
    return load_targets().frame


def test_every_data_point_has_a_row_and_broadband_is_u4sscs_60(frame):
    assert len(frame) == 112 and load_targets().version == "2026.2"
    row = frame[(frame["kpi_code"] == "EC: ICT: ICT: 2C")].iloc[0]
    assert row["target"] == 60 and row["target_kind"] == "U4SSC"
    assert (frame["rationale"].str.len() > 0).all()
    assert not frame.loc[frame["direction"] == "none", "has_target"].any()


def test_at_least_95_of_the_109_directional_data_points_have_a_target(frame):
    directional = frame[frame["direction"] != "none"]
    assert len(directional) == 109
    assert directional["has_target"].sum() >= 95


def test_every_target_has_a_kind_a_source_a_certainty_and_a_method(frame):
    with_target = frame[frame["has_target"]]
    assert set(with_target["target_kind"]) <= set(KINDS)
    assert set(with_target["certainty"]) <= set(CERTAINTIES)
    assert set(with_target["target_method"]) <= {"ratio", "goalposts", "parity"}
    assert (with_target["target_source"].str.len() > 20).all()
    # each kind of the preference order is used, not only the fallback
    assert set(with_target["target_kind"]) == set(KINDS)


def test_top_performers_rows_state_peer_set_year_and_data(frame):
    rule = frame[frame["target_kind"] == "top performers"]
    assert rule["peer_set"].notna().all() and rule["peer_year"].notna().all()
    example = rule[rule["certainty"] == "example data"]
    assert example["target_source"].str.startswith("EXAMPLE DATA").all()
    assert example["target_source"].str.contains("recompute after the real collection").all()
    # real data says where it came from
    published = rule[rule["certainty"] == "read"]
    assert published["target_source"].str.contains("Sustainable Development Report").all()


def test_natural_zero_targets_are_scored_by_goalposts(frame):
    rows = frame.set_index(["kpi_code", "data_point"])
    for key in [("SC: SH: SA: 9C", "main"), ("SC: EH: H: 2C", "main"), ("SC: SH: HO: 1C", "main")]:
        row = rows.loc[key]
        assert row["target"] == 0 and row["target_method"] == "goalposts"
        assert row["lower_bound"] > 0
    assert "Nullvisjonen" in rows.loc[("SC: SH: SA: 9C", "main"), "target_source"]


def test_targets_match_the_definition_of_their_data_point(frame):
    rows = frame.set_index(["kpi_code", "data_point"])
    # O3 is reported as an annual mean; WHO's 60 µg/m³ is a peak-season statistic
    o3 = rows.loc[("EN: EN: AQ: 1C", "o3")]
    assert o3["target_kind"] != "WHO" and "peak-season" in o3["rationale"]
    for pollutant in ("pm2.5", "pm10", "no2"):
        assert "annual mean" in rows.loc[("EN: EN: AQ: 1C", pollutant), "target_source"]
    assert "calendar-year mean" in rows.loc[("EN: EN: AQ: 1C", "so2"), "target_source"]
    # gender income equity is a parity ratio: distance from 1.0 either way
    equity = rows.loc[("SC: SH: SI: 1C", "main")]
    assert equity["target_method"] == "parity" and equity["target"] == 1
    # emergency response time is an average; the national norms are percentiles
    assert rows.loc[("SC: SH: SA: 5A", "main"), "target_kind"] == "top performers"


def _copy_assets(tmp_path):
    for path in ASSETS_DIR.iterdir():
        if path.is_file():
            shutil.copy(path, tmp_path / path.name)
    return tmp_path / "targets.csv"


def _edit(tmp_path, prefix, replacement):
    path = _copy_assets(tmp_path)
    text = path.read_text(encoding="utf-8").splitlines()
    i = next(i for i, line in enumerate(text) if line.startswith(prefix))
    text[i] = replacement
    path.write_text("\n".join(text) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    "prefix, replacement, message",
    [
        (
            "EC: I: T: 4A,para,",
            "EC: I: T: 4A,para,5,,ratio,WHO,somewhere,read,,,because",
            "a target for a data point without direction",
        ),
        (
            "SC: SH: SA: 9C,main,",
            "SC: SH: SA: 9C,main,0,,goalposts,Norwegian national,NTP,read,,,Vision Zero",
            "goalposts method needs a lower_bound",
        ),
        (
            "SC: SH: SA: 9C,main,",
            "SC: SH: SA: 9C,main,0,5,ratio,Norwegian national,NTP,read,,,Vision Zero",
            "target must be positive",
        ),
        (
            "EC: ICT: ICT: 2C,main,",
            "EC: ICT: ICT: 2C,main,60,0,ratio,ITU,somewhere,read,,,because",
            "target_kind 'ITU'",
        ),
        (
            "EC: ICT: ICT: 2C,main,",
            "EC: ICT: ICT: 2C,main,inf,0,ratio,U4SSC,somewhere,read,,,because",
            "finite number",
        ),
        (
            "EC: ICT: ICT: 2C,main,",
            "EC: ICT: ICT: 2C,main,60,0,ratio,top performers,somewhere,computed,,,because",
            "peer_set and peer_year",
        ),
        (
            "EC: ICT: ICT: 2C,main,",
            "EC: ICT: ICT: 2C,main,60,0,ratio,U4SSC,somewhere,example data,,,because",
            "only top-performers targets are computed",
        ),
    ],
)
def test_a_bad_row_is_named(tmp_path, prefix, replacement, message):
    _edit(tmp_path, prefix, replacement)
    with pytest.raises(CatalogueError, match=rf"targets.csv row \d+: .*{message}"):
        load_targets(tmp_path)


def test_a_missing_data_point_is_named(tmp_path):
    path = _copy_assets(tmp_path)
    lines = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if "SC: SH: FS: 1A" not in line
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="SC: SH: FS: 1A"):
        load_targets(tmp_path)
