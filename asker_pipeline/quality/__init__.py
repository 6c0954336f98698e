"""Data quality: Great Expectations suites from ``expectations/`` and U4SSC plausibility rules,
run as Dagster asset checks, plus the ``quality.data_quality_report`` table."""
