"""Reference data from ``assets/`` as warehouse tables in the ``reference`` schema."""


from collections.abc import Callable

import dagster as dg
import pandas as pd

from asker_pipeline.metadata import table_metadata
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import (
    AmbiguousMunicipalityCode,
    load_municipalities,
)
from asker_pipeline.resources import Warehouse
from asker_pipeline.schema import Table, tables
from asker_pipeline.warehouse import replace_table

GROUP = "reference"
KINDS = {"csv", "duckdb"}


def _catalogue_versions() -> dict[str, str]:
    catalogue = load_catalogue()
    return {"catalogue_version": catalogue.version, "catalogue_sha256": catalogue.sha256}


def _municipality_versions() -> dict[str, str]:
    history = load_municipalities()
    return {"municipalities_version": history.version, "municipalities_sha256": history.sha256}


def _municipalities() -> pd.DataFrame:
    """Every current municipality; the subject and its partners with their roles."""
    history = load_municipalities()
    network = history.municipalities.set_index("code")
    register = history.register
    return register.assign(
        role=register["code"].map(network["role"]),
        note=register["code"].map(network["note"]),
    )


def _municipality_codes() -> pd.DataFrame:
    history = load_municipalities()
    rows = []
    for code in history.codes["code"]:
        try:
            r = history.resolve(code)
            rows.append((r.current_code, r.relation, " → ".join(r.path)))
        except AmbiguousMunicipalityCode:  # split with no successor continuing it
            rows.append((None, "split", f"{code} → {' | '.join(history.successors(code))}"))
    current, relation, path = zip(*rows, strict=True)
    return history.codes.assign(current_code=current, relation=relation, path=path)


#: Each reference table, the frame it is built from and the versions it carries.
SOURCES: tuple[tuple[Table, Callable[[], pd.DataFrame], Callable[[], dict[str, str]]], ...] = (
    (tables.KPI_CATALOGUE, lambda: load_catalogue().kpis, _catalogue_versions),
    (tables.KPI_DATA_POINTS, lambda: load_catalogue().data_points, _catalogue_versions),
    (tables.UNITS, lambda: load_catalogue().units, _catalogue_versions),
    (tables.KPI_CODE_ALIASES, lambda: load_catalogue().aliases, _catalogue_versions),
    (tables.MUNICIPALITIES, _municipalities, _municipality_versions),
    (tables.MUNICIPALITY_CODES, _municipality_codes, _municipality_versions),
    (tables.MUNICIPALITY_CHANGES, lambda: load_municipalities().changes, _municipality_versions),
    (tables.PEER_SETS, lambda: load_municipalities().peer_sets, _municipality_versions),
)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(table.asset_key, group_name=GROUP, kinds=KINDS, description=table.description)
        for table, _, _ in SOURCES
    ],
    can_subset=True,
)
def reference_tables(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Copy the reference CSVs into the warehouse, each with the versions of its files."""
    with warehouse.get_connection() as conn:
        for table, build, versions in SOURCES:
            if table.asset_key not in context.selected_asset_keys:
                continue
            replace_table(conn, table, build())
            yield dg.MaterializeResult(
                asset_key=table.asset_key, metadata=table_metadata(conn, table, **versions())
            )


defs = dg.Definitions(assets=[reference_tables])
