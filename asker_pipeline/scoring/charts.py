"""Score charts: one horizontal bar per dimension or category (0-100 % of the maximum points),
coloured by its U4SSC band, with the network median marked on the same row.

One chart code for the factsheets (SVG, inline in the HTML) and the zero-point asset page in the
Dagster UI (a base64 PNG in markdown metadata, the pattern Dagster's own tutorial uses).
matplotlib is imported inside the functions that draw, never when the code location loads; it
draws with ``Figure`` directly (no pyplot, no global state). The band colours here are the ones
the workbooks use too."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Sequence

from asker_pipeline.missing import is_missing
from asker_pipeline.scoring import method

#: Band points -> fill colour (red, orange, yellow, green), as RRGGBB.
BAND_COLOURS = {1: "F8696B", 2: "FFB266", 3: "FFE699", 4: "63BE7B"}
NO_BAND_COLOUR = "D9D9D9"
MEDIAN_COLOUR = "404040"
BAND_EDGES = tuple(b.lower for b in method.BANDS[1:])  # 33, 66, 95
_POINTS_BY_LABEL = {b.label: b.points for b in method.BANDS}
#: Fixed SVG ids and no date, so the same chart gives the same bytes.
_RC = {"svg.hashsalt": "asker-pipeline", "svg.fonttype": "none", "font.size": 9}


def band_points(band: object) -> int | None:
    """1-4 for a band label ("66–95 %") or points; None when not scored."""
    if is_missing(band):
        return None
    if isinstance(band, str):
        return _POINTS_BY_LABEL.get(band)
    return int(band) if int(band) in BAND_COLOURS else None


def score_chart(
    labels: Sequence[str],
    percents: Sequence[float | None],
    bands: Sequence[object],
    medians: Sequence[float | None] | None = None,
    subject: str = "",
    median_label: str = "",
    axis_label: str = "",
    width: float = 6.5,
):
    """A matplotlib Figure: one bar per label in its band's colour, the median as a black tick."""
    import matplotlib  # lazy: matplotlib costs ~0.5 s to import

    with matplotlib.rc_context(_RC):
        return _draw(labels, percents, bands, medians, subject, median_label, axis_label, width)


def _draw(labels, percents, bands, medians, subject, median_label, axis_label, width):
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    n = len(labels)
    fig = Figure(figsize=(width, 0.6 + 0.24 * max(n, 1) + (0.35 if medians is not None else 0)))
    ax = fig.add_subplot()
    rows = list(range(n))[::-1]  # first label on top
    heights = [0.0 if is_missing(p) else float(p) for p in percents]
    colours = [
        "#" + BAND_COLOURS.get(band_points(b) or 0, NO_BAND_COLOUR) for b in bands
    ]
    ax.barh(rows, heights, color=colours, edgecolor="#7F7F7F", linewidth=0.4, height=0.7)
    for y, p in zip(rows, percents, strict=True):
        text = "–" if is_missing(p) else f"{float(p):.0f}"
        ax.text((0 if is_missing(p) else min(float(p), 100)) + 1, y, text, va="center", fontsize=7)
    handles = [Patch(facecolor="#" + BAND_COLOURS[3], edgecolor="#7F7F7F", label=subject)]
    if medians is not None:
        ys = [y for y, m in zip(rows, medians, strict=True) if not is_missing(m)]
        xs = [float(m) for m in medians if not is_missing(m)]
        ax.scatter(xs, ys, marker="|", s=160, linewidths=2, color="#" + MEDIAN_COLOUR, zorder=3)
        handles.append(
            Line2D([], [], marker="|", linestyle="", markersize=11, markeredgewidth=2,
                   color="#" + MEDIAN_COLOUR, label=median_label)
        )
    for edge in BAND_EDGES:
        ax.axvline(edge, color="#BFBFBF", linewidth=0.6, linestyle=":", zorder=0)
    ax.set_xlim(0, 108)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_yticks(rows, list(labels))
    ax.set_xticks([0, 33, 66, 95, 100], ["0", "33", "66", "95", "100"])
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(axis_label, fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if subject or medians is not None:
        fig.legend(handles=handles, loc="upper center", ncol=2, frameon=False, fontsize=8)
        fig.tight_layout(pad=0.4, rect=(0, 0, 1, 1 - 0.3 / fig.get_figheight()))
    else:
        fig.tight_layout(pad=0.4)
    return fig


def svg(fig) -> str:
    """The chart as an ``<svg>`` element for inline HTML: no XML prolog, DOCTYPE or metadata
    block (they name remote DTD and schema URLs), fixed ids."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    return re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)


def png_base64(fig, dpi: int = 100) -> str:
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode()


def markdown_image(fig, alt: str) -> str:
    """Markdown that shows the chart in the Dagster UI (a data-URI PNG)."""
    return f"![{alt}](data:image/png;base64,{png_base64(fig)})"


def score_chart_markdown(alt: str, labels, percents, bands, width: float = 6.5) -> str:
    """A score chart (no median) as a markdown image; module-level, so the run's worker process,
    which has matplotlib imported already, can draw it (``workers.call``)."""
    chart = score_chart(labels, percents, bands, axis_label="% of maximum points", width=width)
    return markdown_image(chart, alt)

