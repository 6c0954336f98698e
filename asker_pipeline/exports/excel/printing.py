"""Print setup shared by every sheet the project hands out (benchmark workbooks and the
data-collection template): landscape A4, fit to one page wide, header rows repeated on every
page, and a footer naming what the page is about with "page x of y"."""

from __future__ import annotations

from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

FOOTER_SIZE = 8


def setup_print(
    ws,
    footer_left: str,
    footer_right: str,
    title_rows: str | None = None,
    one_page: bool = False,
) -> None:
    """A4 landscape, one page wide (and one page tall with ``one_page``), ``title_rows`` (e.g.
    "1:1") repeated at the top of every page, and a footer on every page. ``footer_right``
    carries "&P" and "&N" (this page, number of pages), which Excel and LibreOffice fill in."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.2, footer=0.25)
    ws.print_options.horizontalCentered = False
    if title_rows:
        ws.print_title_rows = title_rows
    for footer in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
        footer.left.text = footer_left
        footer.left.size = FOOTER_SIZE
        footer.right.text = footer_right
        footer.right.size = FOOTER_SIZE
