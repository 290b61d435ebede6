"""Fault-injection test hooks: do nothing unless a `NEWSFLOW_TEST_*` variable is set.

Production code calls `checkpoint(point)` at the places where a real failure would
hurt most; the resilience tests set an environment variable to make one of them fail:

- `NEWSFLOW_TEST_CRASH_AT=<point>[@<n>]` — SIGKILL this process the n-th time (default:
  first) it reaches `<point>`: no `finally`, no cleanup, exactly like a machine dying.
- `NEWSFLOW_TEST_FAIL_ONCE=<point>[,<point>...]` — raise `InjectedTransientError` (an
  `OSError`, so a retry follows) the first time this process reaches each point.

Points: `stage:<name>` (a stage task starts, e.g. `stage:tag`), `write:<table>` (a
Parquet file is fully written under its temporary name, not yet renamed),
`commit:articles` (a shard's child tables are in place, its `articles` marker is not),
`catalog` (the new catalog is built, not yet renamed over the old one).
These are test hooks: never set them in production.
"""
from __future__ import annotations

import os
import signal
import threading
from collections import Counter

CRASH_ENV = "NEWSFLOW_TEST_CRASH_AT"
FAIL_ENV = "NEWSFLOW_TEST_FAIL_ONCE"

_lock = threading.Lock()
_hits: Counter = Counter()
_failed: set[str] = set()


class InjectedTransientError(OSError):
    """A transient failure raised on purpose by `NEWSFLOW_TEST_FAIL_ONCE`."""


def checkpoint(point: str) -> None:
    """Crash or fail here if a test asked for it; otherwise return at once."""
    crash, fail = os.environ.get(CRASH_ENV), os.environ.get(FAIL_ENV)
    if not crash and not fail:
        return
    with _lock:
        _hits[point] += 1
        hits = _hits[point]
        if fail and point in fail.split(",") and point not in _failed:
            _failed.add(point)
            raise InjectedTransientError(f"injected transient failure at {point}")
    if crash:
        want, _, nth = crash.partition("@")
        if want == point and hits == int(nth or 1):
            os.kill(os.getpid(), signal.SIGKILL)


def reset() -> None:
    """Forget which points were reached (tests that inject faults in-process)."""
    with _lock:
        _hits.clear()
        _failed.clear()
