"""The SDSN top-performers rule, and the command that freezes its targets into targets.csv.

Where no U4SSC, international or national target exists, the SDSN Sustainable Development
Report sets the optimum at the average of the top 5 performers. Here the performers are a stated
peer set (by default the network: ``reference.municipalities``) in a stated year, and the values
are the selected, reported values of ``staging.kpi_values``. The command rewrites only the rows
of assets/targets.csv whose kind is "top performers" and whose certainty says they are computed;
it records the peer set, the year and the data the numbers came from in each row, and says so
plainly when that data is the bundled example data. Bump ``targets`` in assets/versions.yaml when
the frozen values change in substance.

    python -m asker_pipeline.scoring.top_performers --year 2023          # rewrite targets.csv
    python -m asker_pipeline.scoring.top_performers --year 2023 --check  # exit 1 if it would change
"""

from __future__ import annotations

import argparse
import io
import math
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from asker_pipeline.filesystem import write_bytes_atomic
from asker_pipeline.paths import DEFAULT_WAREHOUSE
from asker_pipeline.reference.catalogue import load_catalogue, read_csv
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.scoring import method
from asker_pipeline.scoring.targets import COMPUTED, TOP_PERFORMERS
from asker_pipeline.settings import assets_dir

#: SDSN's rule averages the top 5 performers.
TOP = 5
#: Below this many peer values no target is computed (the rationale of the row says why).
MIN_PEERS = 3
#: Targets are frozen with this many decimals.
DECIMALS = 4
DEFAULT_YEAR = 2023
EXAMPLE_NOTICE = (
    "EXAMPLE DATA: computed from the bundled example data, not from real figures; recompute "
    "after the real collection. "
)
RULE = (
    "SDSN top-performers rule: the average of the top {top} performers (SDR methodology, "
    "Lafortune et al. 2018, 'SDG Index and Dashboards - Detailed methodological paper', "
    "section 1.6; the 'top 5' wording is recalled, the SDR 2025 codebook reads 'Average of best "
    "performers'), computed by `python -m asker_pipeline.scoring.top_performers --year {year}` "
    "from staging.kpi_values (selected, reported values; each municipality's latest value in "
    "{first}–{year}, as the SDR takes each country's latest available year)"
)
#: How many years back a municipality's latest value may be (the SDR's latest available year).
WINDOW_YEARS = 4


class NotEnoughPeers(ValueError):
    """The peer values cannot give a target (too few, or all at 0 where 0 is the worst end)."""


@dataclass(frozen=True)
class PeerTarget:
    target: float
    #: the worst peer value, when strictly worse than the target (the 0 goalpost)
    lower_bound: float | None
    #: ratio; goalposts when the mean of the lowest values is 0 (a ratio to 0 is undefined)
    target_method: str
    n_peers: int
    n_used: int


def top_performers_target(
    values: Sequence[object], direction: str, top: int = TOP, min_peers: int = MIN_PEERS
) -> PeerTarget:
    """The mean of the best ``top`` values (the highest, or the lowest when lower is better).

    Missing values are not peers and are dropped; negative, infinite and non-numeric ones raise
    ``method.ScoringInputError``. With fewer than ``top`` peers all of them are averaged, with
    fewer than ``min_peers`` it raises NotEnoughPeers. A lower-is-better mean of 0 becomes a
    goalposts target of 0 with the worst peer value as the worse bound."""
    if direction not in ("higher", "lower"):
        raise method.ScoringInputError(f"direction must be 'higher' or 'lower', got {direction!r}")
    if top < 1 or min_peers < 1:
        raise ValueError(f"top and min_peers must be at least 1, got {top} and {min_peers}")
    checked = [method.check_number("peer value", v) for v in values]
    peers = [v for v in checked if v is not None]
    if len(peers) < min_peers:
        raise NotEnoughPeers(f"{len(peers)} peer values, at least {min_peers} needed")
    higher = direction == "higher"
    best = sorted(peers, reverse=higher)[:top]
    mean = round(math.fsum(best) / len(best), DECIMALS)
    worst = min(peers) if higher else max(peers)
    if mean == 0 and (higher or worst == 0):
        raise NotEnoughPeers("every peer value is 0, so there is nothing to score against")
    if mean == 0:
        return PeerTarget(0.0, worst, method.GOALPOSTS, len(peers), len(best))
    worse = worst < mean if higher else worst > mean
    return PeerTarget(mean, worst if worse else None, method.RATIO, len(peers), len(best))


def format_number(x: float | None) -> str:
    """Targets as they are written to the CSV: no trailing zeros, no exponent for our ranges."""
    return "" if x is None else f"{round(x, DECIMALS):.12g}"


def recompute(
    targets: pd.DataFrame,
    values: pd.DataFrame,
    directions: Mapping[tuple[str, str], str],
    peers: Mapping[str, str],
    year: int,
    top: int = TOP,
    min_peers: int = MIN_PEERS,
) -> pd.DataFrame:
    """The rows of targets.csv (text columns, as read) with the computed top-performers rows
    filled in from ``values`` (municipality_code, year, kpi_code, data_point, value, is_example:
    selected, reported values) of the ``peers`` (code -> name): each peer's latest value in the
    ``WINDOW_YEARS`` up to ``year``. Other rows are kept."""
    out = targets.copy()
    first = year - WINDOW_YEARS
    window = values[
        values["year"].between(first, year) & values["municipality_code"].isin(peers)
    ].sort_values("year")
    in_year = window.drop_duplicates(
        ["municipality_code", "kpi_code", "data_point"], keep="last"
    )
    by_point = {key: g for key, g in in_year.groupby(["kpi_code", "data_point"], sort=False)}
    names = ", ".join(peers.values())
    rule = RULE.format(top=top, year=year, first=first)
    for i, row in out.iterrows():
        if row["target_kind"] != TOP_PERFORMERS or row["certainty"] not in COMPUTED:
            continue
        key = (row["kpi_code"], row["data_point"])
        group = by_point.get(key, in_year.iloc[0:0])
        # no peer value: the row waits for data from the same source as the others
        example = bool((group if len(group) else in_year)["is_example"].any())
        reported = f"{len(group)} of {len(peers)} reported in {first}–{year} (latest value each)"
        out.loc[i, ["peer_year", "certainty"]] = [
            str(year),
            "example data" if example else "computed",
        ]
        out.loc[i, "target_source"] = (EXAMPLE_NOTICE if example else "") + rule
        try:
            result = top_performers_target(list(group["value"]), directions[key], top, min_peers)
        except NotEnoughPeers as reason:
            out.loc[i, ["target", "lower_bound", "target_method"]] = ["", "", ""]
            out.loc[i, "peer_set"] = f"network ({names}); {reported}: no target ({reason})"
            continue
        best = "lowest" if directions[key] == "lower" else "highest"
        out.loc[i, ["target", "lower_bound", "target_method"]] = [
            format_number(result.target),
            format_number(result.lower_bound),
            result.target_method,
        ]
        out.loc[i, "peer_set"] = (
            f"network ({names}); {reported}; mean of the {result.n_used} {best}"
            + ("; goalposts to the worst peer value" if result.target_method == "goalposts" else "")
        )
    return out


def read_values(warehouse: Path) -> pd.DataFrame:
    if not warehouse.exists():
        raise FileNotFoundError(f"{warehouse} does not exist: run `make run` first")
    conn = duckdb.connect(str(warehouse), read_only=True)
    try:
        return conn.execute(
            "SELECT municipality_code, year, kpi_code, data_point, value, is_example "
            "FROM staging.kpi_values WHERE is_selected AND status = 'reported' "
            "AND value IS NOT NULL"
        ).df()
    finally:
        conn.close()


def csv_text(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", type=int, default=DEFAULT_YEAR, help="the peer year")
    parser.add_argument("--top", type=int, default=TOP, help="how many best values to average")
    parser.add_argument("--min-peers", type=int, default=MIN_PEERS)
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=Path(os.environ.get("ASKER_WAREHOUSE", DEFAULT_WAREHOUSE)),
    )
    parser.add_argument("--assets", type=Path, default=assets_dir())
    parser.add_argument("--check", action="store_true", help="exit 1 if targets.csv would change")
    args = parser.parse_args(argv)

    path = args.assets / "targets.csv"
    current = read_csv(path)
    points = load_catalogue(args.assets).data_points
    directions = dict(
        zip(
            zip(points["kpi_code"], points["data_point"], strict=True),
            points["direction"],
            strict=True,
        )
    )
    network = load_municipalities(args.assets).municipalities
    peers = dict(zip(network["code"], network["name"], strict=True))
    updated = recompute(
        current, read_values(args.warehouse), directions, peers, args.year, args.top, args.min_peers
    )
    text = csv_text(updated)
    changed = text != path.read_text(encoding="utf-8")
    computed = updated[updated["certainty"].isin(COMPUTED)]
    print(
        f"top-performers rows: {len(computed)}, with a target: {(computed['target'] != '').sum()}, "
        f"from example data: {(computed['certainty'] == 'example data').sum()}; "
        f"targets.csv {'changes' if changed else 'is unchanged'}"
    )
    if args.check:
        return 1 if changed else 0
    if changed:
        write_bytes_atomic(path, text.encode("utf-8"))
        print(f"wrote {path}; bump `targets` in {args.assets / 'versions.yaml'} if values changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
