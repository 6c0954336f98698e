"""Scoring against targets (U4SSC performance-to-target), the zero-point measurement and the peer
comparison. Method functions are pure (``method.py``); Dagster assets are in ``assets.py``."""
