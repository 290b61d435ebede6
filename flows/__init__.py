"""newsflow's Prefect flows, settings and command line."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsflow")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"

# Before any pyarrow import: tasks/__init__.py picks the allocator Arrow reads at import.
import tasks  # noqa: E402,F401
