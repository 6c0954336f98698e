"""Cell text as people type it: pure parsing, no workbook."""

from datetime import date

import pytest

from asker_pipeline.spreadsheets.parse import (
    AmbiguousNumber,
    NotANumber,
    Unit,
    fraction_disagreement,
    looks_like_fraction_of_one,
    normalise_data_point,
    parse_cell,
    parse_value,
    range_problem,
)

PERCENT = Unit("percent", "share", 0, 100, "Prosent", "Percent")
PER_100K = Unit("per_100k_inhabitants", "rate", 0, 500_000, "Per 100 000 innbyggere")
RATIO = Unit("ratio", "ratio", 0, 5, "Forholdstall", "Ratio")
YES_NO = Unit("yes_no", "flag", 0, 1, "Ja/nei", "Yes/No")
COUNT_UNBOUNDED = Unit("count", "count", 0, None)


@pytest.mark.parametrize(
    "typed, value",
    [
        (2.74, 2.74),
        (97, 97.0),
        ("2,74", 2.74),
        ("2.74", 2.74),
        ("97 %", 97.0),
        ("97%", 97.0),
        ("95 424", 95424.0),
        ("95\u00a0424", 95424.0),
        ("95\u202f424,5", 95424.5),
        ("1.234.567", 1234567.0),
        ("1,234,567", 1234567.0),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        (" 12 ", 12.0),
        ("\u221212,5", -12.5),
    ],
)
def test_numbers_as_people_type_them(typed, value):
    parsed = parse_cell(typed)
    assert parsed.status == "reported" and parsed.value == pytest.approx(value)


@pytest.mark.parametrize("typed", [None, "", "  ", "NR", "nr", "n/a", "N/A", "-", "–", "—"])
def test_not_reported_markers(typed):
    assert parse_cell(typed).status == "not_reported"
    assert parse_cell(typed).value is None


@pytest.mark.parametrize(
    "typed, status", [("..", "missing"), (":", "confidential"), (".", "not_applicable")]
)
def test_statistics_norway_symbols_keep_their_status(typed, status):
    assert parse_cell(typed).status == status


@pytest.mark.parametrize(
    "typed", ["ca. 40", "40-50", "ja", "12 kr", True, date(2019, 1, 1), float("nan")]
)
def test_text_that_is_not_a_number_is_refused(typed):
    with pytest.raises(NotANumber):
        parse_cell(typed)


def test_percent_sign_and_percent_format_are_remembered():
    assert parse_cell("97 %").percent_sign
    formatted = parse_cell(
        0.97, percent_format=True
    )  # Excel stores "97 %" typed in a % cell as 0.97
    assert formatted.value == pytest.approx(97.0) and formatted.percent_sign


def test_share_typed_as_fraction_is_flagged_not_scaled():
    assert looks_like_fraction_of_one(0.97, PERCENT, percent_sign=False)
    assert not looks_like_fraction_of_one(0.97, PERCENT, percent_sign=True)
    assert not looks_like_fraction_of_one(97, PERCENT, percent_sign=False)
    assert not looks_like_fraction_of_one(0.97, RATIO, percent_sign=False)


def test_ranges_and_scales_follow_the_unit():
    assert "above 100" in range_problem(101, PERCENT)
    assert "below 0" in range_problem(-1, COUNT_UNBOUNDED)
    assert range_problem(1e9, COUNT_UNBOUNDED) is None
    assert "above 500 000" in range_problem(1e308, PER_100K)
    assert PERCENT.scale == 100 and PER_100K.scale == 100_000 and RATIO.scale == 1


@pytest.mark.parametrize("typed", ["95.424", "1.234", "-1.234", "100.000", " 95.424 "])
def test_a_single_dot_before_three_digits_is_ambiguous(typed):
    with pytest.raises(AmbiguousNumber) as raised:
        parse_cell(typed)
    decimal, whole = raised.value.readings
    assert whole == decimal * 1000
    assert "can be read as" in str(raised.value) and "kan leses som" in str(raised.value)


@pytest.mark.parametrize("typed", ["0.424", "95.42", "95.4240", "1.234.567", "1234.567", "95,424"])
def test_forms_that_are_not_ambiguous(typed):
    assert parse_cell(typed).status == "reported"


def test_an_ambiguous_number_keeps_the_one_reading_the_unit_allows_and_says_so():
    parsed = parse_value("95.424", PERCENT)  # 95 424 % is impossible
    assert parsed.value == pytest.approx(95.424)
    assert parsed.note.startswith("FLAG") and "95 424" in parsed.note
    with pytest.raises(AmbiguousNumber):  # both readings are possible rates
        parse_value("95.424", PER_100K)
    with pytest.raises(AmbiguousNumber):  # neither is a possible ratio
        parse_value("95.424", RATIO)


def test_percent_format_scales_shares_only():
    assert parse_value(0.95, PERCENT, percent_format=True).value == pytest.approx(95)
    assert parse_value(0.95, RATIO, percent_format=True).value == pytest.approx(0.95)
    assert parse_value(0.95, RATIO, percent_format=True).percent_sign is False


def test_a_percent_sign_is_refused_where_the_unit_is_not_a_percentage():
    assert parse_value("97 %", PERCENT).value == 97
    with pytest.raises(NotANumber, match="not a percentage"):
        parse_value("0,95 %", RATIO)


@pytest.mark.parametrize(
    "typed, value",
    [
        (True, 1), (False, 0), ("TRUE", 1), ("false", 0), ("Ja", 1), ("nei", 0), ("YES", 1),
        ("No", 0), ("SANN", 1), ("usann", 0), ("1", 1), ("0", 0), (1, 1), (0.0, 0), (" ja ", 1),
    ],
)  # fmt: skip
def test_yes_no_answers(typed, value):
    parsed = parse_value(typed, YES_NO)
    assert parsed.status == "reported" and parsed.value == value


@pytest.mark.parametrize(
    "typed, status", [("NR", "not_reported"), (None, "not_reported"), ("..", "missing")]
)
def test_yes_no_not_reported_and_symbols(typed, status):
    assert parse_value(typed, YES_NO).status == status


@pytest.mark.parametrize("typed", ["kanskje", 0.5, "2", "ja/nei"])
def test_yes_no_refuses_other_answers(typed):
    with pytest.raises(NotANumber, match="Ja/Nei, Yes/No, TRUE/FALSE or 1/0"):
        parse_value(typed, YES_NO)


@pytest.mark.parametrize("typed", ["#DIV/0!", "#REF!", "#n/a"])
def test_excel_error_values_are_refused_with_their_meaning(typed):
    with pytest.raises(NotANumber, match="an Excel error value"):
        parse_cell(typed)


@pytest.mark.parametrize(
    "value, numerator, denominator, unit, disagrees",
    [
        (96.27, 95424, 99120, PERCENT, False),  # 96.2711... rounded to two decimals
        (96.3, 95424, 99120, PERCENT, False),
        (96, 95424, 99120, PERCENT, False),
        (96.28, 95424, 99120, PERCENT, True),
        (95, 95424, 99120, PERCENT, True),
        (96.2711864406779, 95424, 99120, PERCENT, False),  # as Excel computes it
        (333.72, 1800, 539_370, PER_100K, False),
        (3337.2, 1800, 539_370, PER_100K, True),
        (0.64, 64, 100, RATIO, False),
    ],
)
def test_value_against_its_own_fraction(value, numerator, denominator, unit, disagrees):
    recomputed = fraction_disagreement(value, numerator, denominator, unit)
    assert (recomputed is not None) == disagrees
    if disagrees:
        assert recomputed == pytest.approx(numerator / denominator * unit.scale)


def test_data_point_variants():
    assert normalise_data_point(" PM2,5 ") == "pm2.5"
    assert normalise_data_point(None) == "main"
