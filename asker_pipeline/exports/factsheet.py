"""A one-page factsheet per municipality, ``factsheet_<code>.html``: self-contained (inline CSS
and SVG, nothing loaded from the network), printable from a browser on one A4 page, in bokmål.

Dimension and sub-dimension scores (a chart from ``scoring/charts.py``, the same code as the
zero-point asset page), then every KPI data point with its value, target, band colour, the
network median, the rank in the network with its 90 % interval ("2 (1–4)") and, where national
data exist, the percentile among all municipalities with a value, grouped by dimension. Values under review are marked (when the scores carry
``under_review``) and example data is labelled. Rendered with Jinja2 (autoescaped) from
``templates/factsheet.html.j2``; labels come from the schema and ``assets/value_labels.csv``."""

from __future__ import annotations

from functools import lru_cache

import jinja2
import pandas as pd

from asker_pipeline.exports.benchmark import BenchmarkData
from asker_pipeline.exports.excel.sheets import number_text
from asker_pipeline.exports.texts import TEXTS, join_names, rank_text
from asker_pipeline.missing import is_missing
from asker_pipeline.schema.columns import VOCABULARY
from asker_pipeline.schema.labels import load_labels
from asker_pipeline.scoring import charts

TEMPLATE = "factsheet.html.j2"


def file_name(code: str) -> str:
    return f"factsheet_{code}.html"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("asker_pipeline.exports", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _number(x: object, language: str) -> str:
    """Compact: no decimals from 1 000, one from 100, else two (trailing zeros dropped)."""
    if is_missing(x):
        return ""
    value = float(x)
    digits = 0 if abs(value) >= 1000 else 1 if abs(value) >= 100 else 2
    return number_text(round(value, digits), language)


def kpi_rows(data: BenchmarkData, points: pd.DataFrame, language: str = "nb") -> list[dict]:
    """One row per KPI data point of the catalogue: the value compared with the peers (or, for a
    data point not compared, the latest scored value), its target, band and the peer median."""
    labels = load_labels()
    by_year = {(r["kpi_code"], r["data_point"], r["year"]): r for r in data.kpi_scores.to_dict("records")}
    latest = {(k, d): r for (k, d, _), r in sorted(by_year.items(), key=lambda i: i[0][2])}
    compared = {(r["kpi_code"], r["data_point"]): r for r in data.comparison.to_dict("records")}
    national = data.positions[
        (data.positions["kind"] == "all") & (data.positions["municipality_code"] == data.code)
    ]
    percentile = dict(
        zip(zip(national["kpi_code"], national["data_point"], strict=True),
            national["percentile_rank"], strict=True)
    )
    rows = []
    for point in points.sort_values(["kpi_code", "data_point"]).to_dict("records"):
        key = (point["kpi_code"], point["data_point"])
        median, score, ranked = None, None, None
        mine = compared.get(key)
        if mine is not None and not is_missing(mine["value"]):
            median = mine["peer_median"]
            score = by_year.get((*key, mine["year"]))
            ranked = rank_text(mine["rank"], mine["rank_low"], mine["rank_high"], None, language)
        if score is None:
            score = latest.get(key)
        review = score is not None and not is_missing(score.get("under_review")) and bool(
            score.get("under_review")
        )
        rows.append(
            {
                "kpi_code": point["kpi_code"],
                "dimension": point["dimension_code"],
                "name": point[f"data_point_name_{language}"],
                "unit": labels.label("unit", point["unit"], language),
                "value": "" if score is None else _number(score["value"], language),
                "year": "" if score is None else int(score["year"]),
                "target": _number(point["target"], language),
                "percent": "" if score is None else _number(score["percent_of_target"], language),
                "band": None if score is None else charts.band_points(score["band_label"]),
                "median": _number(median, language),
                "rank": ranked or "",
                "national": "" if is_missing(percentile.get(key)) else f"{percentile[key]:.0f}",
                "example": score is not None and bool(score["is_example"]),
                "review": review,
                "reported": score is not None,
            }
        )
    return rows


def factsheet_html(data: BenchmarkData, points: pd.DataFrame, language: str = "nb") -> str:
    labels = load_labels()
    texts = TEXTS[language]
    overview = data.overview
    name_column = f"node_name_{language}"
    chart = ""
    if len(overview):
        figure = charts.score_chart(
            list(overview[name_column]),
            list(overview["percent"]),
            list(overview["band_label"]),
            list(overview["peer_median"]),
            subject=data.name,
            median_label=texts["series_median"],
            axis_label=texts["axis_percent"],
            width=5.2,
        )
        chart = charts.svg(figure)
    dimensions = [
        {
            "code": r["node_code"],
            "name": r[name_column],
            "level": r["level"],
            "percent": _number(r["percent"], language),
            "band": charts.band_points(r["band_label"]),
            "band_label": labels.label("band", r["band_label"], language) or "",
            "median": _number(r["peer_median"], language),
        }
        for r in overview.to_dict("records")
    ]
    rows = kpi_rows(data, points, language)
    dimension_names = dict(
        zip(points["dimension_code"], points[f"dimension_{language}"], strict=False)
    )
    groups = [
        {"code": d, "name": dimension_names.get(d, d), "rows": [r for r in rows if r["dimension"] == d]}
        for d in sorted({r["dimension"] for r in rows})
    ]
    header = {c: VOCABULARY[c].label_nb if language == "nb" else VOCABULARY[c].label_en for c in (
        "kpi_code", "value", "year", "target", "percent_of_target", "peer_median", "band_label",
        "level", "percent",
    )}
    header.update(rank=texts["factsheet_rank"], national=texts["factsheet_national"])
    release = data.versions.get("baseline_release_id", "") or "–"
    return _environment().get_template(TEMPLATE).render(
        language=language,
        t=texts,
        title=texts["factsheet_title"].format(name=data.name, code=data.code),
        subtitle=texts["subtitle"].format(
            year=data.data_year or "–", peers=join_names(data.peer_names, language), release=release
        ),
        example=texts["example_notice"].format(n=data.n_example, total=data.n_values)
        if data.n_example
        else "",
        chart=chart,
        dimensions=dimensions,
        groups=groups,
        header=header,
        band_colours=charts.BAND_COLOURS,
        bands=[
            (b.points, labels.label("band", b.label, language)) for b in charts.method.BANDS
        ],
        footer=texts["footer"].format(
            name=data.name, code=data.code, year=data.data_year or "–", release=release
        ),
    )
