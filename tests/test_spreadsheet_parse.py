"""Cell text as people type it: pure parsing, no workbook."""

from datetime import date

import pytest

from asker_pipeline.spreadsheets.parse import (
    NotANumber,
    looks_like_fraction_of_one,
    normalise_data_point,
    parse_cell,
    range_problem,
    unit_scale,
)


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
    assert looks_like_fraction_of_one(0.97, "percent", percent_sign=False)
    assert not looks_like_fraction_of_one(0.97, "percent", percent_sign=True)
    assert not looks_like_fraction_of_one(97, "percent", percent_sign=False)
    assert not looks_like_fraction_of_one(0.97, "ratio", percent_sign=False)


def test_ranges_and_scales_follow_the_unit():
    assert range_problem(101, "percent", 0, 100)
    assert range_problem(-1, "count", 0, float("nan"))
    assert range_problem(1e9, "count", 0, float("nan")) is None
    assert unit_scale("percent") == 100 and unit_scale("per_100k_inhabitants") == 100_000
    assert unit_scale("ratio") == 1


def test_data_point_variants():
    assert normalise_data_point(" PM2,5 ") == "pm2.5"
    assert normalise_data_point(None) == "main"
