import pytest

from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.codes import CodeNormaliser, UnknownKpiCode

CATALOGUE = load_catalogue()


@pytest.mark.parametrize(
    "typed",
    [
        "SC: EH: ED: 1C",
        "SC: EH: ED:1C",
        "sc:eh:ed:1c",
        "  SC :EH:  ED : 1C ",
        "SC:\u00a0EH:\u00a0ED:\u00a01C",
        "SC：EH：ED：1C",
    ],
)
def test_normaliser_accepts_what_people_type(typed):
    assert CATALOGUE.normaliser.normalise(typed) == "SC: EH: ED: 1C"


def test_aliases_resolve_to_their_canonical_code():
    for alias, code in zip(CATALOGUE.aliases["alias"], CATALOGUE.aliases["code"], strict=False):
        assert CATALOGUE.normaliser.normalise(alias) == code
        assert CATALOGUE.normaliser.normalise(alias.lower().replace(" ", "")) == code


@pytest.mark.parametrize("typed", ["SC: EH: ED: 9C", "XX: YY: ZZ: 1C", "", "1C", None])
def test_normaliser_rejects_unknown_codes_clearly(typed):
    with pytest.raises(UnknownKpiCode) as info:
        CATALOGUE.normaliser.normalise(typed)
    if typed:
        assert repr(typed) in str(info.value)


def test_unknown_code_message_suggests_close_codes():
    with pytest.raises(UnknownKpiCode, match="did you mean EC: ICT: ICT: 1C"):
        CATALOGUE.normaliser.normalise("EC: ICT: ICT: 1X")


def test_alias_to_unknown_code_is_refused():
    with pytest.raises(ValueError, match="not in the catalogue"):
        CodeNormaliser(["EC: ICT: ICT: 1C"], {"EC: ICT: ICT: 9A": "EC: ICT: ICT: 7C"})
