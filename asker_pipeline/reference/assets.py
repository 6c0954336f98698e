"""Reference data from ``assets/`` as warehouse tables in the ``reference`` schema."""

from __future__ import annotations

import dagster as dg
import pandas as pd

from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities

GROUP = "reference"
KINDS = {"csv", "pandas", "duckdb"}


def _catalogue_output(frame: pd.DataFrame) -> dg.Output:
    catalogue = load_catalogue()
    return dg.Output(
        frame,
        metadata={"catalogue_version": catalogue.version, "catalogue_sha256": catalogue.sha256},
    )


@dg.asset(key_prefix=GROUP, group_name=GROUP, kinds=KINDS)
def kpi_catalogue() -> dg.Output[pd.DataFrame]:
    """The 91 U4SSC KPIs: canonical code, dimension, sub-dimension, category, English and
    Norwegian names, core/advanced, unit, direction, definition and SDG links
    (assets/kpi_catalogue.csv; decisions in assets/CATALOGUE.md)."""
    return _catalogue_output(load_catalogue().kpis)


@dg.asset(key_prefix=GROUP, group_name=GROUP, kinds=KINDS)
def kpi_data_points() -> dg.Output[pd.DataFrame]:
    """Every scored data point: one ("main") per single-value KPI, several for KPIs such as air
    pollution (five pollutants) or transport mode share (five modes)."""
    return _catalogue_output(load_catalogue().data_points)


@dg.asset(key_prefix=GROUP, group_name=GROUP, kinds=KINDS)
def units() -> dg.Output[pd.DataFrame]:
    """The unit vocabulary with the range each unit allows (percent 0-100, Gini 0-1, ...)."""
    return _catalogue_output(load_catalogue().units)


@dg.asset(key_prefix=GROUP, group_name=GROUP, kinds=KINDS)
def kpi_code_aliases() -> dg.Output[pd.DataFrame]:
    """Codes other catalogues use for our KPIs (the disputed Wi-Fi and health-record codes)."""
    return _catalogue_output(load_catalogue().aliases)


def _municipality_output(frame: pd.DataFrame) -> dg.Output:
    history = load_municipalities()
    return dg.Output(
        frame,
        metadata={
            "municipalities_version": history.version,
            "municipalities_sha256": history.sha256,
        },
    )


@dg.asset(key_prefix=GROUP, group_name=GROUP, kinds=KINDS)
def municipalities() -> dg.Output[pd.DataFrame]:
    """The network: Asker (the subject of the baseline) and its four partners, by today's code."""
    return _municipality_output(load_municipalities().municipalities)


@dg.asset(key_prefix=GROUP, group_name=GROUP, kinds=KINDS)
def municipality_codes() -> dg.Output[pd.DataFrame]:
    """Every code the network's municipalities and their merged predecessors have had, with
    validity dates and today's municipality each code belongs to."""
    history = load_municipalities()
    resolved = [history.resolve(code) for code in history.codes["code"]]
    frame = history.codes.assign(
        current_code=[r.current_code for r in resolved],
        relation=[r.relation for r in resolved],
        path=[" → ".join(r.path) for r in resolved],
    )
    return _municipality_output(frame)


@dg.asset(key_prefix=GROUP, group_name=GROUP, kinds=KINDS)
def municipality_changes() -> dg.Output[pd.DataFrame]:
    """Code changes in the shape of SSB KLASS classification 131 ``changes``: renumberings,
    mergers, boundary changes without a new code, and splits."""
    return _municipality_output(load_municipalities().changes)


defs = dg.Definitions(
    assets=[
        kpi_catalogue,
        kpi_data_points,
        units,
        kpi_code_aliases,
        municipalities,
        municipality_codes,
        municipality_changes,
    ]
)
