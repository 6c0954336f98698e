import shutil
from pathlib import Path

import pytest

from asker_pipeline.paths import ASSETS_DIR
from asker_pipeline.reference.catalogue import CatalogueError
from asker_pipeline.reference.municipalities import (
    AmbiguousMunicipalityCode,
    UnknownMunicipalityCode,
    load_municipalities,
)

HISTORY = load_municipalities()


def test_network_is_asker_and_four_partners():
    roles = dict(zip(HISTORY.municipalities["code"], HISTORY.municipalities["role"], strict=False))
    assert roles == {
        "3203": "subject",
        "3201": "partner",
        "5001": "partner",
        "1103": "partner",
        "1508": "partner",
    }
    assert HISTORY.subject_code == "3203"


@pytest.mark.parametrize(
    "old, current, relation",
    [
        ("0220", "3203", "merged"),  # Asker 2019 became part of 3025 with Røyken and Hurum
        ("0627", "3203", "merged"),  # Røyken
        ("3025", "3203", "renumbered"),
        ("0219", "3201", "renumbered"),
        ("3024", "3201", "renumbered"),
        ("1601", "5001", "renumbered"),
        ("5030", "5001", "merged"),  # Klæbu
        ("1141", "1103", "merged"),  # Finnøy
        ("1504", "1508", "split"),  # merged in 2020, then Haram split off in 2024
        ("1507", "1508", "split"),  # Haram left in 2024
        ("3203", "3203", "current"),
        ("220", "3203", "merged"),  # a code that lost its leading zero
    ],
)
def test_old_codes_resolve_to_today(old, current, relation):
    resolution = HISTORY.resolve(old)
    assert (resolution.current_code, resolution.relation) == (current, relation)


def test_predecessors_to_sum_for_a_merged_municipality():
    assert set(HISTORY.predecessors("3203", 2019)) == {"0220", "0627", "0628"}
    assert HISTORY.predecessors("3203", 2021) == ("3025",)
    assert HISTORY.predecessors("3203", 2024) == ("3203",)


def test_boundary_changes_without_new_code_are_series_breaks():
    breaks = HISTORY.series_breaks("1103")
    assert 2020 in set(breaks.loc[breaks["kind"] == "boundary_change", "year"])
    assert "split" in set(HISTORY.series_breaks("1508")["kind"])
    assert HISTORY.series_breaks("3201").empty  # Bærum was only renumbered


def test_unknown_code_is_refused():
    with pytest.raises(UnknownMunicipalityCode, match="9999"):
        HISTORY.resolve("9999")


# -- all of Norway -------------------------------------------------------------------------------


def test_every_current_municipality_is_in_the_register_with_its_county():
    register = HISTORY.register
    assert len(register) == 357 and register["code"].is_unique
    assert (register["county_code"] == register["code"].str[:2]).all()
    assert register["county"].nunique() == 15
    assert set(HISTORY.current_codes) == HISTORY.codes_in_use(2024) == HISTORY.codes_in_use(2026)


def test_code_counts_follow_the_reforms():
    assert len(HISTORY.codes_in_use(2019)) == 422  # before the 2020 regional reform
    assert len(HISTORY.codes_in_use(2020)) == 356  # after it
    assert len(HISTORY.codes_in_use(2024)) == 357  # Haram re-established


def test_every_2019_code_resolves_or_is_a_documented_split():
    ambiguous = set()
    for code in HISTORY.codes_in_use(2019):
        try:
            assert HISTORY.resolve(code).current_code in HISTORY.current_codes
        except AmbiguousMunicipalityCode:
            ambiguous.add(code)
    assert ambiguous == {"1850", "5012"}  # Tysfjord and Snillfjord, divided in 2020
    assert HISTORY.successors("1850") == ("1806", "1875")
    assert HISTORY.successors("5012") == ("5055", "5056", "5059")


@pytest.mark.parametrize(
    "old, current",
    [
        ("0213", "3207"),  # Ski -> Nordre Follo (3020, then 3207 in 2024)
        ("0716", "3905"),  # Re -> Tønsberg
        ("1444", "1577"),  # Hornindal, Sogn og Fjordane -> Volda, Møre og Romsdal
        ("1571", "5055"),  # Halsa, Møre og Romsdal -> Heim, Trøndelag
        ("1913", "5512"),  # Skånland -> Tjeldsund (5412, then 5512)
        ("2017", "5603"),  # Kvalsund -> Hammerfest
        ("1567", "5061"),  # Rindal moved county in 2019
        ("0301", "0301"),  # Oslo
    ],
)
def test_the_2020_and_2024_reforms_resolve(old, current):
    assert HISTORY.current_code(old) == current


def test_a_boundary_change_between_codes_that_go_on_is_not_followed():
    assert HISTORY.resolve("3118").relation == "current"  # part of it went to 3207 and 3216 (2026)
    assert 2026 in set(HISTORY.series_breaks("3216")["year"])


def test_peer_sets_are_data():
    assert HISTORY.peer_set("network") == ("3203", "3201", "5001", "1103", "1508")
    assert len(HISTORY.peer_set("all")) == 357
    assert {"3203", "3201"} <= set(HISTORY.peer_set("county_32"))
    assert set(HISTORY.peer_sets["peer_set"]) >= {"network", "all", "county_03", "county_56"}
    with pytest.raises(KeyError, match="unknown peer set"):
        HISTORY.peer_set("kostra_13")


def _assets_copy(tmp_path: Path) -> Path:
    target = tmp_path / "assets"
    shutil.copytree(ASSETS_DIR, target)
    return target


def test_adding_a_partner_is_a_row(tmp_path):
    assets = _assets_copy(tmp_path)
    with (assets / "peer_set_members.csv").open("a", encoding="utf-8") as f:
        f.write("network,1149,Example partner added as a data change.\n")
    history = load_municipalities(assets)
    assert "1149" in history.network_codes
    karmoy = history.municipalities.set_index("code").loc["1149"]
    assert (karmoy["name"], karmoy["role"], karmoy["county"]) == ("Karmøy", "partner", "Rogaland")
    assert history.predecessors("1149", 2019) == ("1149",)


def test_the_subject_is_configuration(tmp_path):
    assets = _assets_copy(tmp_path)
    (assets / "subject.yaml").write_text('subject: "1103"\ndefault_peer_set: county_11\n')
    history = load_municipalities(assets)
    assert history.subject_code == "1103" and history.network_codes[0] == "1103"
    roles = dict(zip(history.municipalities["code"], history.municipalities["role"], strict=True))
    assert roles["1103"] == "subject" and roles["1149"] == "partner" and len(roles) == 23


def test_a_peer_set_member_that_is_no_municipality_is_refused_with_its_row(tmp_path):
    assets = _assets_copy(tmp_path)
    with (assets / "peer_set_members.csv").open("a", encoding="utf-8") as f:
        f.write("network,0220,Former Asker is not a municipality today.\n")
    with pytest.raises(CatalogueError, match=r"peer_set_members.csv row 7: .*0220"):
        load_municipalities(assets)
