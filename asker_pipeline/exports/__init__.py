"""Files for people outside the warehouse, the partner pack: Excel benchmark workbooks (bokmål and
English), one-page factsheets, Parquet per mart table, a data dictionary, and a manifest with
checksums and versions. Every writer is deterministic (same inputs, same bytes)."""
