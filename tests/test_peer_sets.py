"""The comparison per peer set: the vectorised figures agree with a plain reading of their
definitions, every set the subject is in is compared, a county or the country only where it has
data, and rank intervals sit around the rank."""

from __future__ import annotations

import statistics

import numpy as np
import pandas as pd
import pytest
from value_rows import BROADBAND, value_row

from asker_pipeline.quality import review
from asker_pipeline.quality.outcomes import plausibility_inputs
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.scoring import comparison, scores
from asker_pipeline.scoring.targets import load_targets

UNEMPLOYMENT = "EC: P: EM: 1C"  # lower is better, open data for every municipality


def _naive(values: list[float | None], orientation: str, parity: float) -> list[dict]:
    """The figures of one data point by their definitions, one municipality at a time."""
    def merit(v):
        if v is None or orientation not in ("higher", "lower", "parity"):
            return None
        return v if orientation == "higher" else -v if orientation == "lower" else -abs(v - parity)

    keyed = [merit(v) for v in values]
    present = [k for k in keyed if k is not None]
    counted = [v for v in values if v is not None]
    out = []
    for i, (v, k) in enumerate(zip(values, keyed, strict=True)):
        others = [o for j, o in enumerate(values) if j != i and o is not None]
        median = statistics.median(others) if others else None
        lead = None if k is None or median is None else round(k - merit(median), 9)
        figures = {
            "n_compared": len(counted),
            "rank": None if k is None else 1 + sum(o > k for o in present),
            "percentile_rank": None if k is None or len(present) < 2 else round(
                100 * (sum(o < k for o in present) + 0.5 * (sum(o == k for o in present) - 1))
                / (len(present) - 1), 9),
            "peer_median": median,
            "lead_over_peer_median": lead,
            "position": None if k is None else 100.0 if max(present) == min(present) else round(
                100 * (k - min(present)) / (max(present) - min(present)), 9),
        }
        if v is None:
            figures["standing"] = None
        elif median is None:
            figures["standing"] = "no peers"
        elif orientation not in ("higher", "lower", "parity"):
            figures["standing"] = "no direction"
        else:
            figures["standing"] = "level" if lead == 0 else "leads" if lead > 0 else "lags"
        out.append(figures)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_the_vectorised_figures_read_as_their_definitions(seed):
    rng = np.random.default_rng(seed)
    points, width = 40, 9
    values = rng.choice([0.0, 1.0, 2.0, 2.0, 3.5, 7.0, 10.0], (points, width))  # many ties
    values[rng.random(values.shape) < 0.2] = np.nan  # no value
    counted = rng.random(values.shape) > 0.15  # under review
    orientation = rng.choice(np.array(["higher", "lower", "parity", "none"], dtype=object), points)
    parity = np.where(orientation == "parity", 2.5, np.nan)
    got = comparison.figures(values, counted, orientation, parity)
    for g in range(points):
        row = [None if np.isnan(v) or not c else float(v)
               for v, c in zip(values[g], counted[g], strict=True)]
        expected = _naive(row, orientation[g], 2.5)
        for m in range(width):
            if np.isnan(values[g, m]):
                continue
            for name, want in expected[m].items():
                have = got[name][g] if name == "n_compared" else got[name][g, m]
                if want is None:
                    assert have is None or pd.isna(have), (g, m, name)
                else:
                    assert have == pytest.approx(want), (g, m, name, orientation[g])


@pytest.fixture(scope="module")
def inputs():
    catalogue = load_catalogue()
    targets = load_targets(catalogue=catalogue)
    return scores.data_points(catalogue, targets), scores.provenance(catalogue, targets)


def _values(rows: list[dict]) -> pd.DataFrame:
    return review.under_review(pd.DataFrame(rows), *plausibility_inputs())


def _national(history, year: int = 2023) -> list[dict]:
    """Unemployment for every municipality (open data), broadband for the network only."""
    rows = [
        value_row(code, year, UNEMPLOYMENT, "main", 1.5 + (i % 40) / 10, "percent",
                  kind="open_data")
        for i, code in enumerate(history.current_codes)
    ]
    for i, code in enumerate(history.network_codes):
        rows.append(value_row(code, year, BROADBAND, "main", 40.0 + 5 * i, "percent"))
    return rows


def test_every_set_of_the_subject_is_compared_and_large_ones_only_where_they_have_data(inputs):
    points, versions = inputs
    history = load_municipalities()
    assert comparison.peer_sets_compared(history) == [
        ("network", "list"), ("all", "all"), ("county_32", "county")
    ]
    frame = comparison.compare_peer_sets(_values(_national(history)), points, history, versions)
    sets = frame.groupby(["peer_set", "kpi_code"]).size()
    assert sets[("network", BROADBAND)] == 5 and sets[("network", UNEMPLOYMENT)] == 5
    assert sets[("all", UNEMPLOYMENT)] == 357 and sets[("county_32", UNEMPLOYMENT)] == 21
    assert ("all", BROADBAND) not in sets  # five of 357 is not the country
    national = frame[(frame["peer_set"] == "all")].set_index("municipality_code")
    asker = national.loc["3203"]
    assert asker["is_subject"] and asker["n_compared"] == 357
    better = (national["value"] < asker["value"]).sum()
    same = (national["value"] == asker["value"]).sum()
    assert asker["rank"] == 1 + better
    assert asker["percentile_rank"] == pytest.approx(100 * ((356 - better - same + 1) + 0.5 * (same - 1)) / 356)
    summary = comparison.summarise(frame, points)
    assert set(summary["peer_set"]) == {"network", "all", "county_32"}
    assert summary.groupby("peer_set")["municipality_code"].nunique().to_dict() == {
        "network": 5, "all": 357, "county_32": 21
    }


def test_the_default_set_fixes_the_reference_year_for_every_set(inputs):
    points, versions = inputs
    history = load_municipalities()
    rows = _national(history, 2023) + [  # the country also has 2024, Asker's network only 2023
        value_row(code, 2024, UNEMPLOYMENT, "main", 2.0, "percent", kind="open_data")
        for code in history.current_codes if code not in history.network_codes
    ]
    frame = comparison.compare_peer_sets(_values(rows), points, history, versions)
    unemployment = frame[frame["kpi_code"] == UNEMPLOYMENT]
    assert set(unemployment["reference_year"]) == {2023}
    assert set(unemployment.loc[unemployment["peer_set"] == "all", "year"]) == {2023}


def test_rank_intervals_sit_around_the_rank_and_someone_is_best(inputs):
    points, versions = inputs
    history = load_municipalities()
    frame = comparison.compare_peer_sets(_values(_national(history)), points, history, versions)
    ranked = frame[frame["rank"].notna()]
    assert (ranked["rank_low"] <= ranked["rank_median"]).all()
    assert (ranked["rank_median"] <= ranked["rank_high"]).all()
    assert (ranked["rank_high"] <= ranked["n_compared"]).all()
    broadband = ranked[ranked["kpi_code"] == BROADBAND]  # 40, 45, ... 60: no ties
    assert broadband["p_best"].sum() == pytest.approx(1.0)
    assert broadband.set_index("municipality_code")["p_best"].idxmax() == "1508"  # 60 %
