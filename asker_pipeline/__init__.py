"""Asker's U4SSC baseline assessment pipeline (Dagster + DuckDB). Definitions: ``asker_pipeline.definitions``."""
