"""Jobs. ``build_all`` is what ``make run`` executes: every asset, in dependency order."""

import dagster as dg

build_all = dg.define_asset_job(
    "build_all",
    selection=dg.AssetSelection.all(),
    description="Materialize every asset on the bundled example data (what `make run` does).",
)
