"""The target table: complete, sourced, consistent with the catalogue's directions."""

import shutil

import pytest

from asker_pipeline.paths import ASSETS_DIR
from asker_pipeline.reference.catalogue import CatalogueError
from asker_pipeline.scoring.targets import load_targets


def test_every_data_point_has_a_row_and_broadband_is_60():
    targets = load_targets()
    frame = targets.frame
    assert len(frame) == 112 and targets.version == "2026.1"
    row = frame[(frame["kpi_code"] == "EC: ICT: ICT: 2C")].iloc[0]
    assert row["target"] == 60 and "U4SSC" in row["target_source"]
    assert (frame["rationale"].str.len() > 0).all()
    assert (frame.loc[frame["has_target"], "target_source"].str.len() > 0).all()
    assert not frame.loc[frame["direction"] == "none", "has_target"].any()
    assert 0 < frame["has_target"].sum() < 112  # some KPIs are left out of scoring, marked


def _copy_assets(tmp_path):
    for path in ASSETS_DIR.iterdir():
        if path.is_file():
            shutil.copy(path, tmp_path / path.name)
    return tmp_path / "targets.csv"


def test_a_target_for_a_data_point_without_direction_is_refused(tmp_path):
    path = _copy_assets(tmp_path)
    text = path.read_text(encoding="utf-8").splitlines()
    i = next(i for i, line in enumerate(text) if line.startswith("EC: I: T: 4A,para,"))
    text[i] = "EC: I: T: 4A,para,5,,somewhere,because"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(
        CatalogueError, match=r"targets.csv row \d+: a target for a data point without direction"
    ):
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
