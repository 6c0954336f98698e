import shutil

import pytest

from asker_pipeline.paths import ASSETS_DIR
from asker_pipeline.reference.catalogue import CatalogueError, load_catalogue

CATALOGUE = load_catalogue()
KPIS = CATALOGUE.kpis


def test_91_kpis_with_unique_canonical_codes():
    assert len(KPIS) == 91
    assert KPIS["code"].is_unique


def test_structure_3_dimensions_7_sub_dimensions_22_categories():
    assert KPIS["dimension_code"].nunique() == 3
    assert KPIS[["dimension_code", "sub_dimension_code"]].drop_duplicates().shape[0] == 7
    # U4SSC counts 22 categories by name (Water and Sanitation appears under EC: ICT, EC: I and
    # EN: EN); scores roll up per category within its sub-dimension: 27 nodes.
    assert KPIS["category_code"].nunique() == 22
    assert KPIS[["category_code", "category_en"]].drop_duplicates().shape[0] == 22
    nodes = KPIS[["dimension_code", "sub_dimension_code", "category_code"]].drop_duplicates()
    assert len(nodes) == 27


@pytest.mark.parametrize(
    "dimension, core, advanced", [("EC", 24, 21), ("EN", 12, 5), ("SC", 19, 10)]
)
def test_documented_core_advanced_split(dimension, core, advanced):
    counts = KPIS[KPIS["dimension_code"] == dimension]["kpi_type"].value_counts()
    assert (counts.get("core", 0), counts.get("advanced", 0)) == (core, advanced)


def test_every_data_point_belongs_to_a_kpi_and_every_kpi_has_one():
    points = CATALOGUE.data_points
    assert set(points["kpi_code"]) == set(KPIS["code"])
    assert not points.duplicated(["kpi_code", "data_point"]).any()


@pytest.mark.parametrize(
    "code, points",
    [
        ("EC: ICT: ICT: 4C", {"3g", "4g"}),
        ("EN: EN: AQ: 1C", {"pm2.5", "pm10", "no2", "so2", "o3"}),
        ("EC: I: T: 4A", {"private", "public", "walking", "cycling", "para"}),
        ("EC: P: EM: 1C", {"main"}),
    ],
)
def test_multi_point_kpis(code, points):
    assert (
        set(CATALOGUE.data_points.loc[CATALOGUE.data_points["kpi_code"] == code, "data_point"])
        == points
    )


def test_every_kpi_has_norwegian_name_direction_unit_and_sdg():
    assert (KPIS["name_nb"].str.len() > 0).all()
    assert set(KPIS["direction"]) <= {"higher", "lower", "none"}
    assert set(KPIS["unit"]) <= set(CATALOGUE.units["unit"])
    assert (KPIS["sdg_goals"].str.len() > 0).all()


def test_settled_open_questions_are_documented():
    doc = (ASSETS_DIR / "CATALOGUE.md").read_text(encoding="utf-8")
    assert "Wi-Fi" in doc or "WiFi" in doc or "WIFI" in doc
    assert "Electronic Health Records" in doc
    wifi = KPIS[KPIS["name_en"].str.contains("Wi", case=False) & KPIS["name_en"].str.contains("Fi")]
    ehr = KPIS[KPIS["name_en"].str.contains("Health Record")]
    assert len(wifi) == 1 and len(ehr) == 1


def test_a_broken_catalogue_file_names_file_and_row(tmp_path):
    target = tmp_path / "assets"
    shutil.copytree(ASSETS_DIR, target)
    path = target / "kpi_catalogue.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",core,", ",advanced,", 1).replace(",advanced,", ",sometimes,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"kpi_catalogue.csv row 4"):
        load_catalogue(target)
