"""Jobs. ``make run`` (``build.py``) runs ``load_spreadsheets`` over every municipality partition,
then ``build_all``: every asset that is not partitioned, in dependency order.

Partitioned assets (one partition per municipality's workbooks) cannot run in the same
unpartitioned run as the rest, so they are listed in ``PARTITIONED`` and left out of
``build_all``; their job lives with them (``spreadsheets/assets.py``)."""

import dagster as dg

from asker_pipeline.spreadsheets.assets import LOAD_KEYS

#: Assets with a partitions definition: materialized per partition, not by ``build_all``.
PARTITIONED: tuple[dg.AssetKey, ...] = LOAD_KEYS

build_all = dg.define_asset_job(
    "build_all",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(*PARTITIONED),
    description="Materialize every unpartitioned asset (`make run` loads the partitioned "
    "workbook assets first).",
)
