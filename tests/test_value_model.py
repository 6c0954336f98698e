import pandas as pd
import pytest

from asker_pipeline.values import model


def _row(**overrides):
    row = {
        "municipality_code": "3203",
        "source_municipality_code": "3203",
        "area_code": "3203",
        "former_area": False,
        "year": 2019,
        "kpi_code": "EC: P: EM: 1C",
        "data_point": "main",
        "value": 2.1,
        "unit": "percent",
        "status": "reported",
        "source_kind": "spreadsheet",
        "source_ref": "asker_2019.xlsx KPI!G7",
        "loaded_at": pd.Timestamp("2026-11-27T10:00:00Z"),
        "is_example": True,
    }
    row.update(overrides)
    return {c: row.get(c) for c in model.COLUMN_NAMES}


def test_conform_orders_and_types_columns():
    frame = pd.DataFrame([_row()])[list(reversed(model.COLUMN_NAMES))]
    out = model.conform(frame)
    assert tuple(out.columns) == model.COLUMN_NAMES
    assert out["year"].dtype == "Int64" and out["value"].dtype == "Float64"


def test_statuses_are_kept_distinct():
    assert set(model.STATUS_KEYS) == {
        "reported",
        "not_reported",
        "missing",
        "confidential",
        "not_applicable",
    }
    assert model.STATUS_BY_SYMBOL == {
        "NR": "not_reported",
        "..": "missing",
        ":": "confidential",
        ".": "not_applicable",
    }


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"status": "weird"}, "unknown status"),
        ({"status": "missing"}, "a value is given exactly when"),
        ({"value": None}, "a value is given exactly when"),
        ({"source_kind": "email"}, "unknown source_kind"),
        ({"kpi_code": None}, "column kpi_code is empty"),
    ],
)
def test_conform_rejects_rows_that_break_the_model(overrides, message):
    with pytest.raises(ValueError, match=message):
        model.conform(pd.DataFrame([_row(**overrides)]))
