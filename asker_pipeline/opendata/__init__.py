"""Open data: Statistics Norway (PxWebApi v2, JSON-stat2) with offline snapshots and
municipality-code harmonisation. See README, "Open data"."""
