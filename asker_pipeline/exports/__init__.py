"""Files for people outside the warehouse: Parquet per mart table, Excel benchmark workbooks,
and a manifest with checksums and versions. Every writer is deterministic
(same inputs, same bytes)."""
