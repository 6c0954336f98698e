"""The sheets of a benchmark workbook, in the order a reader meets them: Oversikt (the scores at
a glance, with charts), Les meg (what this is, then a glossary), Kategorier, KPI-er,
Sammenligning, Datakvalitet, Ikke rapportert, Kilder.

Every sheet shows only this municipality and its peer set, never one column per municipality in
the country, so a workbook's size does not grow with the warehouse."""

from __future__ import annotations

import re

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from asker_pipeline.exports.benchmark import BenchmarkData
from asker_pipeline.exports.excel.cells import NUMBER, PERCENT, SHARE, safe_write
from asker_pipeline.exports.excel.charts import score_bars
from asker_pipeline.exports.excel.layout import (
    HEADER_FONT,
    Field,
    band_fill,
    text_rows,
    write_table,
)
from asker_pipeline.exports.texts import join_names, rank_text, text
from asker_pipeline.missing import is_missing
from asker_pipeline.schema.columns import VOCABULARY
from asker_pipeline.schema.labels import Labels
from asker_pipeline.scoring import method, rank_intervals

NOTICE_FILL = PatternFill("solid", fgColor="FCE4D6")
TITLE_FONT = Font(bold=True, size=14)
OVERVIEW_TOP = 6  # header row of the overview table
OVERVIEW_ZOOM = 80

# Marks on a value, shown when the table has them (``optional``): under review (with why) and
# whether it describes a former area (Asker before 2020).
REVIEW = [
    Field("under_review", optional=True),
    Field("review_reason", optional=True, max_width=50),
    Field("former_area", optional=True),
]


def _name(language: str, base: str = "node_name") -> str:
    return f"{base}_{language}"


def overview_fields(language: str) -> list[Field]:
    return [
        Field("level"),
        Field("node_code"),
        Field(_name(language), max_width=40),
        Field("n_scored"),
        Field("points"),
        Field("max_points"),
        Field("percent"),
        Field("band_label"),
        Field("peer_median", number_format=PERCENT),
    ]


def category_fields(language: str) -> list[Field]:
    return [f for f in overview_fields(language) if f.key != "level"]


def kpi_fields(language: str) -> list[Field]:
    return [
        Field("kpi_code"),
        Field(_name(language, "data_point_name"), max_width=60),
        Field("year"),
        Field("value"),
        Field("unit", max_width=24),
        Field("direction"),
        Field("target"),
        Field("target_kind", max_width=18),
        Field("percent_of_target"),
        Field("percent_of_target_uncapped"),
        Field("points"),
        Field("band_label"),
        Field("not_scored_reason", max_width=24),
        Field("source", column="source_ref", max_width=40),
        Field("is_example"),
        *REVIEW,
    ]


def comparison_fields(data: BenchmarkData, labels: Labels, language: str) -> list[Field]:
    """The comparison sheet's columns: one value column per member of the peer set (never more),
    the figures, then this municipality's (and the subject's) positions in the larger sets."""
    peers = [
        Field(f"peer_{code}", column="value", header=name, number_format=NUMBER, max_width=12)
        for code, name in zip(data.peers["code"], data.peers["name"], strict=True)
    ]
    return [
        Field("kpi_code"),
        Field(_name(language, "data_point_name"), max_width=60),
        Field("unit", max_width=24),
        Field("direction"),
        Field("year"),
        *peers,
        Field("peer_median"),
        Field("lead_over_peer_median"),
        Field("rank_interval", max_width=16),
        Field("p_best", number_format=SHARE),
        Field("percentile_rank", number_format=PERCENT),
        Field("standing"),
        *position_fields(data, labels, language),
        Field("year_note", max_width=18),
        *REVIEW,
    ]


def _shown_positions(data: BenchmarkData) -> list[tuple[str, str]]:
    """(peer set, municipality) pairs shown beside the comparison: this municipality where it is
    a member, and the subject, in the order of ``data.positions``."""
    pairs = data.positions[["peer_set", "municipality_code"]].drop_duplicates()
    mine = [(s, c) for s, c in pairs.itertuples(index=False) if c == data.code]
    theirs = [(s, c) for s, c in pairs.itertuples(index=False) if c != data.code]
    return [p for s in dict.fromkeys(pairs["peer_set"]) for p in (*mine, *theirs) if p[0] == s]


def position_fields(data: BenchmarkData, labels: Labels, language: str) -> list[Field]:
    """Per larger set (county, all of Norway): this municipality's rank with its interval and its
    percentile; for another municipality's workbook, the subject's percentile as well."""
    fields = []
    for peer_set, code in _shown_positions(data):
        name = labels.label("peer_set", peer_set, language)
        if code == data.code:
            fields += [
                Field(f"{peer_set}_{code}_rank", column="rank_interval", max_width=16,
                      header=text(language, "position_rank", set=name)),
                Field(f"{peer_set}_{code}_percentile", column="percentile_rank",
                      number_format=PERCENT, header=text(language, "position_percentile", set=name)),
            ]
        else:
            fields.append(
                Field(f"{peer_set}_{code}_percentile", column="percentile_rank",
                      number_format=PERCENT,
                      header=text(language, "subject_percentile", set=name, name=data.subject_name))
            )
    return fields


def comparison_frame(data: BenchmarkData, labels: Labels, language: str) -> pd.DataFrame:
    """The comparison rows with the rank written with its interval ("2 (1–4) av 5") and the
    positions in the larger sets as columns (``position_fields``)."""
    frame = with_review_text(data.comparison, labels, language)
    frame = frame.assign(rank_interval=_rank_texts(frame, language))
    keys = list(zip(frame["kpi_code"], frame["data_point"], strict=True))
    for peer_set, code in _shown_positions(data):
        rows = data.positions[
            (data.positions["peer_set"] == peer_set) & (data.positions["municipality_code"] == code)
        ].set_index(["kpi_code", "data_point"])
        texts = dict(zip(rows.index, _rank_texts(rows, language), strict=True))
        percentiles = rows["percentile_rank"].to_dict()
        frame[f"{peer_set}_{code}_rank"] = [texts.get(k) for k in keys]
        frame[f"{peer_set}_{code}_percentile"] = [percentiles.get(k) for k in keys]
    return frame


def _rank_texts(frame: pd.DataFrame, language: str) -> list[str | None]:
    if frame.empty or "rank_low" not in frame.columns:
        return [None] * len(frame)
    columns = (frame[c] for c in ("rank", "rank_low", "rank_high", "n_compared"))
    return [rank_text(*row, language) for row in zip(*columns, strict=True)]


def not_reported_fields(language: str) -> list[Field]:
    return [
        Field("kpi_code"),
        Field(_name(language, "data_point_name"), max_width=50),
        Field("category_node"),
        Field("kpi_type"),
        Field("unit", max_width=30),
        Field("status"),
    ]


QUALITY_FIELDS = [
    Field("rule", max_width=55),
    Field("severity"),
    Field("outcome"),
    Field("failing_rows"),
    Field("first_failure", max_width=60),
]
SOURCE_FIELDS = [
    Field("source_kind"),
    Field("source", column="source_ref", max_width=40),
    Field("year"),
    Field("values_loaded"),
    Field("retrieved_at"),
    Field("is_example"),
]

_FAILURE = re.compile(
    r"^(?P<year>\d{4}) (?P<kpi>\S+: \S+: \S+: \S+) (?P<point>\S+) = (?P<value>\S+) "
    r"(?P<unit>\S+): (?P<detail>.*)$"
)


def number_text(value: float, language: str) -> str:
    """A number as the reader writes it: "97,97" in bokmål, "97.97" in English."""
    shown = f"{value:,.2f}".rstrip("0").rstrip(".")
    if language == "nb":
        return shown.replace(",", " ").replace(".", ",")
    return shown


def detail_text(detail: str, labels: Labels, language: str) -> str:
    """A rule's finding ("shares sum to 108.99, not 100", parts joined with "; ") in the file's
    language: the words from assets/value_labels.csv, units by their label, numbers as the
    reader writes them."""
    units = "|".join(re.escape(k) for k in sorted(labels.keys("unit"), key=len, reverse=True))
    parts = []
    for part in detail.split("; "):
        words = labels.label("quality_detail", part, language)
        words = re.sub(
            rf"\b({units})\b", lambda m: labels.label("unit", m.group(), language).lower(), words
        )
        parts.append(re.sub(r"\d+\.\d+", lambda m: number_text(float(m.group()), language), words))
    return "; ".join(parts)


def failure_text(failure: object, labels: Labels, language: str) -> str | None:
    """The report's first failing row ("2023 EC: ICT: ICT: 2C main = 97.97 percent: above ...")
    with its data point, unit, number and reason in the file's language."""
    if is_missing(failure):
        return None
    match = _FAILURE.match(failure)
    if not match:
        return failure  # a table-level finding: shown as the report has it
    try:
        value = number_text(float(match["value"]), language)
    except ValueError:
        value = match["value"]
    return (
        f"{match['year']} {match['kpi']} {labels.label('data_point', match['point'], language)} "
        f"= {value} {labels.label('unit', match['unit'], language).lower()}: "
        f"{detail_text(match['detail'], labels, language)}"
    )


_RULE_REASON = re.compile(r"^(?P<nb>.+?) / (?P<en>.+?) \((?P<detail>.*); rule (?P<rule>\S+)\)$")
_FLAG_REASON = re.compile(r"^flagget ved innlesing / flagged when loaded: (?P<flag>.*)$")


def review_text(reason: object, labels: Labels, language: str) -> str | None:
    """Why a value is under review (``quality/review.py`` writes each reason in both languages,
    joined with " | ") in the file's language only."""
    if is_missing(reason):
        return None
    shown = []
    for part in reason.split(" | "):
        rule, flag = _RULE_REASON.match(part), _FLAG_REASON.match(part)
        if rule:
            words = rule["nb"] if language == "nb" else rule["en"]
            detail = detail_text(rule["detail"], labels, language)
            name = labels.label("quality_rule", rule["rule"], language)
            shown.append(f"{words} ({detail}; {'kontroll' if language == 'nb' else 'check'}: {name})")
        elif flag:
            nb, _, en = flag["flag"].partition(" / ")
            shown.append(
                f"flagget ved innlesing: {nb}" if language == "nb" else f"flagged when loaded: {en or nb}"
            )
        else:
            shown.append(part)
    return " | ".join(shown)


def with_review_text(frame: pd.DataFrame, labels: Labels, language: str) -> pd.DataFrame:
    if "review_reason" not in frame.columns:
        return frame
    return frame.assign(
        review_reason=[review_text(r, labels, language) for r in frame["review_reason"]]
    )


def overview_sheet(ws, data: BenchmarkData, labels: Labels, language: str, categories_ws) -> None:
    release = data.versions.get("baseline_release_id", "")
    safe_write(ws, 1, 1, text(language, "title", name=data.name, code=data.code)).font = TITLE_FONT
    safe_write(
        ws, 2, 1,
        text(language, "subtitle", year=data.data_year or "–",
             peers=join_names(data.peer_names, language), release=release),
    )
    notice = (
        text(language, "example_notice", n=data.n_example, total=data.n_values)
        if data.n_example
        else text(language, "no_example")
    )
    cell = safe_write(ws, 3, 1, notice)
    if data.n_example:
        cell.font = Font(bold=True, color="9C0006")
        for col in range(1, 10):
            ws.cell(3, col).fill = NOTICE_FILL
    if data.zero_point:
        z = data.zero_point
        safe_write(
            ws, 4, 1,
            text(language, "zero_point_line", year=z["baseline_year"], release=z["release_id"],
                 percent=_percent(z["percent"], language), reported=z["n_reported"],
                 points=z["n_data_points"]),
        )
    fields = overview_fields(language)
    first, last = write_table(
        ws, data.overview, fields, labels, language, top=OVERVIEW_TOP, autofilter=False
    )
    keys = [f.key for f in fields]
    band_col = keys.index("band_label") + 1
    legend_row = last + 2
    safe_write(ws, legend_row, band_col - 1, text(language, "band_legend")).font = HEADER_FONT
    ws.cell(legend_row, band_col - 1).alignment = Alignment(horizontal="right")
    for i, band in enumerate(method.BANDS):
        cell = safe_write(ws, legend_row + i, band_col, labels.label("band", band.label, language))
        cell.fill = band_fill(band.label)
    ws.freeze_panes = None
    ws.sheet_view.zoomScale = OVERVIEW_ZOOM
    dimensions = data.overview[data.overview["level"] == "dimension"]
    if len(dimensions):
        dims = score_bars(
            ws, keys.index(_name(language)) + 1, keys.index("percent") + 1,
            keys.index("peer_median") + 1, OVERVIEW_TOP, OVERVIEW_TOP + len(dimensions),
            list(dimensions["band_label"]), text(language, "chart_dimensions", name=data.name),
            data.name, text(language, "axis_percent"), width_cm=16,
            height_cm=3.2 + 1.0 * len(dimensions),
        )
        ws.add_chart(dims, f"A{legend_row}")
    if len(data.categories):
        cat_keys = [f.key for f in category_fields(language)]
        n = len(data.categories)
        cats = score_bars(
            categories_ws, cat_keys.index(_name(language)) + 1, cat_keys.index("percent") + 1,
            cat_keys.index("peer_median") + 1, 1, n + 1, list(data.categories["band_label"]),
            text(language, "chart_categories", name=data.name), data.name,
            text(language, "axis_percent"), width_cm=17.5, height_cm=3.0 + 0.5 * n,
        )
        ws.add_chart(cats, f"{get_column_letter(len(fields) + 2)}1")
    for cell_ref in ("A1", "A2", "A3", "A4"):
        ws[cell_ref].alignment = Alignment(wrap_text=False)


def _percent(value: object, language: str) -> str:
    return "–" if is_missing(value) else number_text(round(float(value), 1), language)


def readme_sheet(ws, data: BenchmarkData, labels: Labels, language: str, shown: list[Field]):
    t = lambda key, **kw: text(language, key, **kw)  # noqa: E731
    peers = join_names(data.peer_names, language)
    safe_write(ws, 1, 1, t("readme_title")).font = TITLE_FONT
    rows = [
        (
            t("what_label"),
            t("what", peers=peers, year=data.data_year or "–",
              peer_set=labels.label("peer_set", data.peer_set, language)),
        ),
        (
            t("example_label"),
            t("example_notice", n=data.n_example, total=data.n_values)
            if data.n_example
            else t("no_example"),
        ),
        (t("method_label"), t("method")),
        (t("bands_label"), t("bands")),
        (t("comparison_label"), t("comparison")),
        (t("intervals_label"), t("intervals", **_uncertainty_range())),
        (t("national_label"), t("national")),
        (t("year_label"), t("year_rule", year=data.data_year or "–")),
        (
            t("not_reported_label"),
            t("not_reported_subject" if data.is_subject else "not_reported_partner"),
        ),
        (t("versions_label"), t("versions", **_versions(data.versions))),
    ]
    if "under_review" in data.kpi_scores.columns or "under_review" in data.comparison.columns:
        rows.insert(-1, (t("review_label"), t("review")))
    next_row = text_rows(ws, rows, 3, (24, 110))
    top = next_row + 1
    safe_write(ws, top, 1, t("glossary_label")).font = TITLE_FONT
    seen, glossary = set(), []
    for f in shown:
        if f.header or (f.column or f.key) in seen or (f.column or f.key) not in VOCABULARY:
            continue  # a municipality's column, a repeat, or an optional column not declared yet
        column = f.schema
        seen.add(column.name)
        glossary.append(
            (f.title(language), column.description_nb if language == "nb" else column.description)
        )
    text_rows(ws, glossary, top + 1, (24, 110))
    ws.column_dimensions["A"].width = 28


def _uncertainty_range() -> dict[str, str]:
    """The smallest and largest uncertainty of the data-quality levels, and the default, in %."""
    table = rank_intervals.load_uncertainty()
    levels = [table[level] for level in rank_intervals.LEVELS]
    shown = lambda sd: f"{100 * sd:g}"  # noqa: E731
    return {"low": shown(min(levels)), "high": shown(max(levels)),
            "default": shown(table[rank_intervals.NOT_STATED])}


def _versions(versions: dict[str, str]) -> dict[str, str]:
    keys = ("catalogue_version", "targets_version", "method_version", "baseline_release_id")
    return {k: versions.get(k, "–") or "–" for k in keys}


def table_sheet(ws, frame, fields, labels, language, empty_text: str) -> None:
    if frame is None or frame.empty:
        write_table(ws, pd.DataFrame(columns=[f.key for f in fields]), fields, labels, language)
        safe_write(ws, 2, 1, empty_text)
        return
    write_table(ws, frame, fields, labels, language)


def quality_frame(data: BenchmarkData, labels: Labels, language: str) -> pd.DataFrame | None:
    if data.data_quality is None:
        return None
    frame = data.data_quality.copy()
    frame["first_failure"] = [
        failure_text(f, labels, language) for f in frame["first_failure"]
    ]
    # Findings first, then the rules in the reader's alphabet.
    frame["_passed"] = frame["outcome"] == "pass"
    frame["_rule"] = [labels.label("quality_rule", r, language) for r in frame["rule"]]
    return frame.sort_values(["_passed", "_rule"], kind="stable").drop(columns=["_passed", "_rule"])
