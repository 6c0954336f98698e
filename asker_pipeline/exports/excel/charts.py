"""Native Excel bar charts (openpyxl.chart): this municipality's roll-up scores against the
network median, bars in their band's colour. They draw on cells of the workbook, so Excel and
LibreOffice redraw them and a reader can see the numbers behind every bar."""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)

from asker_pipeline.scoring.charts import BAND_COLOURS, MEDIAN_COLOUR, NO_BAND_COLOUR, band_points


def score_bars(
    data_ws,
    names_col: int,
    percent_col: int,
    median_col: int,
    header_row: int,
    last_row: int,
    bands: list[object],
    title: str,
    subject_name: str,
    axis_title: str,
    width_cm: float,
    height_cm: float,
) -> BarChart:
    """A horizontal bar chart of the percent column (bars coloured by band) and the median
    column (dark grey) for rows ``header_row + 1 .. last_row`` of ``data_ws``."""
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = _title(title, 1100)
    chart.style = 10
    chart.width, chart.height = width_cm, height_cm
    chart.gapWidth = 40
    for col in (percent_col, median_col):
        chart.add_data(
            Reference(data_ws, min_col=col, min_row=header_row, max_row=last_row),
            titles_from_data=True,
        )
    chart.set_categories(
        Reference(data_ws, min_col=names_col, min_row=header_row + 1, max_row=last_row)
    )
    subject, median = chart.series
    subject.tx = SeriesLabel(v=subject_name)
    subject.graphicalProperties = GraphicalProperties(solidFill=BAND_COLOURS[3])
    subject.graphicalProperties.line.solidFill = "7F7F7F"
    subject.dPt = [
        DataPoint(
            idx=i,
            invertIfNegative=False,
            spPr=GraphicalProperties(solidFill=BAND_COLOURS.get(band_points(b) or 0, NO_BAND_COLOUR)),
        )
        for i, b in enumerate(bands)
    ]
    subject.dLbls = DataLabelList(
        showVal=True, showSerName=False, showCatName=False, showLegendKey=False,
        showPercent=False, showBubbleSize=False, numFmt="0",
    )
    median.graphicalProperties = GraphicalProperties(solidFill=MEDIAN_COLOUR)
    chart.x_axis.txPr = _font(800)
    chart.x_axis.tickLblSkip = 1  # every name, however many rows
    # Categories top to bottom in sheet order; value axis 0-100 at the bottom.
    chart.x_axis.scaling.orientation = "maxMin"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.majorUnit = 25
    chart.y_axis.title = _title(axis_title, 800)
    chart.y_axis.txPr = _font(800)
    chart.y_axis.crosses = "max"  # with the reversed category axis, the values stay at the bottom
    chart.legend.position = "t"
    return chart


def _font(size: int) -> RichText:
    """Axis text at ``size`` hundredths of a point."""
    props = CharacterProperties(sz=size)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def _title(words: str, size: int) -> Title:
    props = CharacterProperties(sz=size, b=True)
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=props), r=[RegularTextRun(rPr=props, t=words)])
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)
