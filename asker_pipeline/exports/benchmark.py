"""What one municipality's partner files show (benchmark workbook and factsheet), read from the
warehouse once and shared by both.

Every query is limited to the municipality and its peer set (for the larger sets, its county and
all of Norway: only its own and the subject's positions), so the cost of one municipality's files
does not grow with the number of municipalities in the warehouse."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import pandas as pd

from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.warehouse import table_exists

if TYPE_CHECKING:
    import duckdb

QUALITY_REPORT = "quality.data_quality_report"
#: Overview levels, in the order shown.
OVERVIEW_LEVELS = ("dimension", "sub_dimension")
#: A year is the data year when it has at least this share of the best year's scored values.
DATA_YEAR_SHARE = 0.5


@dataclass
class BenchmarkData:
    """One municipality's partner files, language-neutral: codes, not labels."""

    code: str
    name: str
    is_subject: bool
    peers: pd.DataFrame  # code, name: the peer set in network order, this municipality included
    data_year: int | None
    overview: pd.DataFrame  # dimension and sub-dimension roll-ups at the data year + peer_median
    categories: pd.DataFrame  # category roll-ups at the data year + peer_median
    kpi_scores: pd.DataFrame  # every year, with `source` (file and cell, or provider and table)
    comparison: pd.DataFrame  # its default-set peer_comparison rows + peer_<code> values
    #: Positions in the other peer sets compared (county, all of Norway): this municipality's and
    #: the subject's rows (peer_set, kind, kpi_code, data_point, municipality_code, rank, ...)
    positions: pd.DataFrame
    not_reported: pd.DataFrame
    data_quality: pd.DataFrame | None
    sources: pd.DataFrame  # one row per source file or open-data table
    versions: dict[str, str]
    zero_point: dict[str, object] | None = None  # the subject's frozen baseline, summarised
    subject_code: str = ""
    subject_name: str = ""
    peer_set: str = "network"  # the default peer set: what ``peers`` is
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def peer_names(self) -> list[str]:
        """The other municipalities of the peer set."""
        return list(self.peers.loc[self.peers["code"] != self.code, "name"])

    @property
    def n_values(self) -> int:
        return len(self.kpi_scores)

    @property
    def n_example(self) -> int:
        if self.kpi_scores.empty:
            return 0
        return int(self.kpi_scores["is_example"].fillna(False).astype(bool).sum())


#: What a position in a larger peer set shows (``positions``).
POSITION_COLUMNS = [
    "peer_set", "kind", "kpi_code", "data_point", "municipality_code", "n_compared", "rank",
    "rank_low", "rank_high", "p_best", "percentile_rank",
]


def peer_codes(code: str) -> list[str]:
    """The municipalities ``code`` is compared with, itself included, in network order: the
    subject's default peer set, which is every network member's."""
    return list(load_municipalities().municipalities["code"])


def data_year(kpi_scores: pd.DataFrame) -> int | None:
    """The latest year with at least half as many scored values as the municipality's best year:
    a year with only a handful of open-data values does not stand for the whole set."""
    scored = kpi_scores[kpi_scores["scored"].fillna(False).astype(bool)]
    if scored.empty:
        return None
    counts = scored.groupby("year").size()
    enough = counts[counts >= DATA_YEAR_SHARE * counts.max()]
    return int(enough.index.max())


def source_label(row: dict) -> str | None:
    """Where one value came from, short: "0220_asker_2019.xlsx KPI!I51" or "SSB 13563"."""
    if row.get("source_kind") == "spreadsheet" and isinstance(row.get("source_file"), str):
        name = PurePosixPath(row["source_file"]).name
        cell = f" {row['source_sheet']}!{row['source_cell']}" if row.get("source_cell") else ""
        return name + cell
    if isinstance(row.get("provider"), str):
        return f"{row['provider']} {row['table_id']}"
    return row.get("source_ref")


def _rollups(conn, codes: list[str], year: int | None, levels: tuple[str, ...], code: str):
    """Roll-ups of ``code`` at ``year`` with the median of the other peers' percentages."""
    if year is None:
        return pd.DataFrame(
            columns=["level", "node_code", "node_name_nb", "node_name_en", "n_scored", "points",
                     "max_points", "percent", "points_band", "band_label", "peer_median"]
        )
    frame = conn.execute(
        """SELECT r.level, r.node_code, r.node_name_nb, r.node_name_en, r.n_scored, r.points,
                  r.max_points, r.percent, r.points_band, r.band_label,
                  (SELECT median(o.percent) FROM marts.rollup_scores o
                    WHERE o.level = r.level AND o.node_code = r.node_code AND o.year = r.year
                      AND o.municipality_code <> r.municipality_code
                      AND list_contains(?, o.municipality_code)) AS peer_median
           FROM marts.rollup_scores r
           WHERE r.municipality_code = ? AND r.year = ? AND list_contains(?, r.level)""",
        [codes, code, year, list(levels)],
    ).df()
    # Dimensions first, then sub-dimensions: the overview charts the dimension rows.
    order = frame.assign(_l=frame["level"].map({lv: i for i, lv in enumerate(levels)}))
    return order.sort_values(["_l", "node_code"], kind="stable").drop(columns="_l").reset_index(
        drop=True
    )


def distinct_names(frame: pd.DataFrame) -> pd.DataFrame:
    """Category names that repeat under different sub-dimensions ("Strømforsyning" under ICT and
    under infrastructure) get their code added, so a chart's rows can be told apart."""
    out = frame.copy()
    for column in ("node_name_nb", "node_name_en"):
        repeated = out[column].duplicated(keep=False)
        out.loc[repeated, column] = out.loc[repeated, column] + " (" + out.loc[repeated, "node_code"] + ")"
    return out


def _comparison(conn, code: str, peers: pd.DataFrame, peer_set: str) -> pd.DataFrame:
    codes = list(peers["code"])
    mine = conn.execute(
        "SELECT * FROM marts.peer_comparison WHERE peer_set = ? AND municipality_code = ? "
        "ORDER BY kpi_code, data_point",
        [peer_set, code],
    ).df()
    values = conn.execute(
        "SELECT kpi_code, data_point, municipality_code, value FROM marts.peer_comparison "
        "WHERE peer_set = ? AND list_contains(?, municipality_code) ORDER BY ALL",
        [peer_set, codes],
    ).df()
    keys = ["kpi_code", "data_point"]
    wide = values.pivot(index=keys, columns="municipality_code", values="value")
    wide = wide.reindex(columns=codes).set_axis([f"peer_{c}" for c in codes], axis=1)
    return mine.join(wide, on=keys)


def _positions(conn, codes: list[str], default_set: str, kinds: dict[str, str]) -> pd.DataFrame:
    """Rows of ``codes`` in the peer sets other than the default one: a handful per data point,
    whatever the size of the set."""
    frame = conn.execute(
        f"SELECT {', '.join(c for c in POSITION_COLUMNS if c != 'kind')} "
        "FROM marts.peer_comparison WHERE peer_set <> ? AND list_contains(?, municipality_code) "
        "ORDER BY kpi_code, data_point, municipality_code",
        [default_set, codes],
    ).df()
    frame = frame.assign(kind=frame["peer_set"].map(kinds))
    # smaller sets first: lists, the county, all of Norway
    frame["_o"] = frame["kind"].map({"list": 0, "county": 1, "all": 2})
    return frame.sort_values(["_o", "peer_set", "kpi_code", "data_point"], kind="stable")[
        POSITION_COLUMNS
    ].reset_index(drop=True)


def _kpi_scores(conn, code: str) -> pd.DataFrame:
    frame = conn.execute(
        """SELECT s.*, v.source_kind, v.source_file, v.source_sheet, v.source_cell, v.provider,
                  v.table_id, v.retrieved_at
           FROM marts.kpi_scores s
           LEFT JOIN staging.kpi_values v ON v.is_selected
                AND v.municipality_code = s.municipality_code AND v.year = s.year
                AND v.kpi_code = s.kpi_code AND v.data_point = s.data_point
           WHERE s.municipality_code = ?
           ORDER BY s.kpi_code, s.data_point, s.year""",
        [code],
    ).df()
    frame["source"] = [source_label(r) for r in frame.to_dict("records")]
    return frame


def _sources(kpi: pd.DataFrame) -> pd.DataFrame:
    """One row per workbook or open-data table: its kind, years, values and retrieval date."""
    columns = ["source_kind", "source", "year", "values_loaded", "retrieved_at", "is_example"]
    if kpi.empty:
        return pd.DataFrame(columns=columns)
    keyed = kpi.assign(
        file=[
            PurePosixPath(f).name if k == "spreadsheet" and isinstance(f, str) else s
            for k, f, s in zip(kpi["source_kind"], kpi["source_file"], kpi["source"], strict=True)
        ]
    )
    rows = []
    for (kind, name), g in keyed.groupby(["source_kind", "file"], sort=True, dropna=False):
        retrieved = g["retrieved_at"].dropna()
        rows.append(
            {
                "source_kind": kind,
                "source": name,
                "year": ", ".join(str(y) for y in sorted(g["year"].unique())),
                "values_loaded": len(g),
                "retrieved_at": retrieved.max().strftime("%Y-%m-%d") if len(retrieved) else None,
                "is_example": bool(g["is_example"].fillna(False).astype(bool).any()),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _not_reported(conn, code: str, is_subject: bool) -> pd.DataFrame:
    if is_subject:
        return conn.execute(
            "SELECT * FROM marts.zero_point_not_reported ORDER BY kpi_code, data_point"
        ).df()
    return conn.execute(
        """SELECT z.kpi_code, z.data_point, z.category_node, z.kpi_name_nb, z.kpi_name_en,
                  z.data_point_name_nb, z.data_point_name_en, z.kpi_type, z.unit,
                  'not_reported' AS status
           FROM marts.zero_point z
           WHERE NOT EXISTS (SELECT 1 FROM marts.kpi_scores s WHERE s.municipality_code = ?
                             AND s.kpi_code = z.kpi_code AND s.data_point = z.data_point)
           ORDER BY z.kpi_code, z.data_point""",
        [code],
    ).df()


def _zero_point(conn, release_id: str) -> dict[str, object] | None:
    if not release_id or not table_exists(conn, "marts.baseline_releases"):
        return None
    row = conn.execute(
        "SELECT * FROM marts.baseline_releases WHERE release_id = ?", [release_id]
    ).df()
    return row.iloc[0].to_dict() if len(row) else None


def benchmark_data(
    conn: duckdb.DuckDBPyConnection, code: str, versions: dict[str, str]
) -> BenchmarkData:
    """Everything one municipality's workbook and factsheet show."""
    history = load_municipalities()
    network = history.municipalities
    me = network[network["code"] == code].iloc[0]
    is_subject = me["role"] == "subject"
    codes = peer_codes(code)
    definitions = history.peer_set_definitions
    kinds = dict(zip(definitions["peer_set"], definitions["kind"], strict=True))
    peers = network.loc[network["code"].isin(codes), ["code", "name"]].reset_index(drop=True)
    kpi = _kpi_scores(conn, code)
    year = data_year(kpi)
    quality = None
    if table_exists(conn, QUALITY_REPORT):
        quality = conn.execute(
            f"SELECT * FROM {QUALITY_REPORT} WHERE municipality_code IS NULL "
            "OR municipality_code = ? ORDER BY ALL",
            [code],
        ).df()
    return BenchmarkData(
        code=code,
        name=me["name"],
        is_subject=bool(is_subject),
        peers=peers,
        data_year=year,
        overview=_rollups(conn, codes, year, OVERVIEW_LEVELS, code),
        categories=distinct_names(_rollups(conn, codes, year, ("category",), code)),
        kpi_scores=kpi,
        comparison=_comparison(conn, code, peers, history.default_peer_set),
        positions=_positions(
            conn, sorted({code, history.subject_code}), history.default_peer_set, kinds
        ),
        not_reported=_not_reported(conn, code, bool(is_subject)),
        data_quality=quality,
        sources=_sources(kpi),
        versions=versions,
        zero_point=_zero_point(conn, versions.get("baseline_release_id", ""))
        if is_subject
        else None,
        subject_code=history.subject_code,
        subject_name=history.name(history.subject_code),
        peer_set=history.default_peer_set,
    )
