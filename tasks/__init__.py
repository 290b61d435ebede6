"""newsflow's stages: plain Python over batches of records, one module per stage."""
import os

# pyarrow's bundled mimalloc keeps the pages of freed Parquet buffers, so the flow's peak
# memory grew with the corpus; malloc hands them back (large blocks at once, tasks/memory.py).
# Arrow reads this when pyarrow is first imported, which is after this package.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

# glibc malloc for long runs of model stages: two heaps for all threads, large blocks
# mapped on their own (tasks/memory.py). Done here, on the package's first import,
# before any stage's thread allocates.
from tasks.memory import configure_allocator  # noqa: E402

configure_allocator()
