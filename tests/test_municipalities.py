import pytest

from asker_pipeline.reference.municipalities import UnknownMunicipalityCode, load_municipalities

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
