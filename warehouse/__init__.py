"""newsflow's warehouse: table schemas, the Parquet writer, the DuckDB catalog and its views."""

# Before any pyarrow import: tasks/__init__.py picks the allocator Arrow reads at import.
import tasks  # noqa: F401
