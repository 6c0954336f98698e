"""Adding a partner is a data change: one row in a copy of assets/ (ASKER_ASSETS) and a workbook
from the template, then the whole build, and Karmøy (1149) has its comparison rows, its workbook
and its factsheet, all named from the reference tables."""

from __future__ import annotations

import shutil

import dagster as dg
import duckdb
import openpyxl
import pytest

from asker_pipeline.paths import ASSETS_DIR, SOURCES_DIR
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.resources import build_resources
from asker_pipeline.spreadsheets.examples import example_entries
from asker_pipeline.spreadsheets.template import (
    build_workbook,
    fill_workbook,
    workbook_file_name,
    write_workbook,
)

KARMOY = "1149"


@pytest.fixture(scope="module")
def karmoy_run(tmp_path_factory):
    """The example data plus Karmøy as a partner: a row in peer_set_members.csv and an
    example-data workbook for 2023 typed into the generated template."""
    root = tmp_path_factory.mktemp("karmoy")
    assets, sources = root / "assets", root / "sources"
    shutil.copytree(ASSETS_DIR, assets)
    shutil.copytree(SOURCES_DIR, sources, ignore=shutil.ignore_patterns(".cache"))
    with (assets / "peer_set_members.csv").open("a", encoding="utf-8") as f:
        f.write("network,1149,Partner added as a data change (test).\n")
    patch = pytest.MonkeyPatch()
    patch.setenv("ASKER_ASSETS", str(assets))
    try:
        history = load_municipalities()
        catalogue = load_catalogue()
        name = history.name(KARMOY)
        book = build_workbook(catalogue, KARMOY, name, 2023, example=True)
        fill_workbook(book, example_entries(catalogue, KARMOY, 2023))
        write_workbook(book, sources / "spreadsheets" / workbook_file_name(KARMOY, name, 2023))
        warehouse = root / "warehouse" / "asker.duckdb"
        exports = root / "warehouse" / "exports"
        resources = build_resources(
            warehouse=str(warehouse), sources=str(sources), exports=str(exports)
        )
        from asker_pipeline.build import materialize_everything

        results = materialize_everything(dg.DagsterInstance.ephemeral(), resources)
    finally:
        patch.undo()  # the other tests read the real assets/
    assert all(r.success for r in results)
    return {"warehouse": warehouse, "exports": exports, "history": history}


def test_the_copy_is_what_the_loaders_read_and_the_real_assets_are_untouched(karmoy_run):
    assert "1149" in karmoy_run["history"].network_codes
    assert "1149" not in load_municipalities().network_codes  # ASKER_ASSETS restored
    assert "1149" not in (ASSETS_DIR / "peer_set_members.csv").read_text(encoding="utf-8")


def test_the_new_partner_is_compared_in_the_network_and_in_the_country(karmoy_run):
    with duckdb.connect(str(karmoy_run["warehouse"]), read_only=True) as conn:
        rows = conn.execute(
            "SELECT peer_set, municipality_name, count(*) AS n, max(n_compared) AS peers "
            "FROM marts.peer_comparison WHERE municipality_code = '1149' GROUP BY ALL"
        ).df().set_index("peer_set")
        summary = conn.execute(
            "SELECT DISTINCT peer_set FROM marts.peer_summary WHERE municipality_code = '1149'"
        ).fetchall()
    assert set(rows["municipality_name"]) == {"Karmøy"}  # the name from municipalities.csv
    assert rows.loc["network", "n"] > 50 and rows.loc["network", "peers"] == 6  # six members now
    assert rows.loc["all", "n"] >= 4 and rows.loc["all", "peers"] > 300  # national open data
    assert "county_11" not in rows.index  # Rogaland is not the subject's county
    assert ("network",) in summary


def test_the_new_partner_gets_a_workbook_and_a_factsheet_named_from_the_reference_data(
    karmoy_run,
):
    excel = karmoy_run["exports"] / "excel"
    assert (excel / "benchmark_1149_Karmoy.xlsx").exists()
    assert (excel / "benchmark_1149_Karmoy_en.xlsx").exists()
    book = openpyxl.load_workbook(excel / "benchmark_1149_Karmoy.xlsx")
    assert book["Oversikt"]["A1"].value == "U4SSC-benchmark for Karmøy kommune (1149)"
    assert "EKSEMPELDATA" in book["Oversikt"]["A3"].value
    header = [c.value for c in book["Sammenligning"][1]]
    members = ["Asker", "Bærum", "Trondheim", "Stavanger", "Ålesund", "Karmøy"]
    assert [h for h in header if h in members] == members  # one column per member, no more
    assert "Hele landet: persentil" in header and "Hele landet: persentil for Asker" in header
    asker = openpyxl.load_workbook(excel / "benchmark_3203_Asker.xlsx")
    assert "Karmøy" in [c.value for c in asker["Sammenligning"][1]]
    assert "Karmøy" in asker["Oversikt"]["A2"].value  # "sammenlignet med Bærum, ... og Karmøy"
    page = (karmoy_run["exports"] / "factsheets" / "factsheet_1149.html").read_text()
    assert "Karmøy kommune (1149)" in page
    templates = karmoy_run["exports"] / "templates"
    assert any(p.name.startswith("1149_karmoy_") for p in templates.glob("*.xlsx"))
