"""The step abstraction every stage is written in, and its thin Prefect wrapper.

A step is a named, versioned, configured object whose `run` maps a batch of records
to a batch of records. It holds configuration only: models come from `tasks.models`
on first use, so a step pickles in bytes and hashes cheaply. `stats` counts what it
did; the flow folds those counts into the run's report.
"""
from __future__ import annotations

import copy
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tasks.faults import checkpoint
from tasks.memory import release_free_memory
from tasks.records import Reject


class BadInput(ValueError):
    """Input that no retry can fix: it becomes a reject row, never a retry."""


@dataclass
class StageReport:
    """What one stage did to one batch, without the batch: its rejects and counters."""

    stage: str
    rejects: list[Reject] = field(default_factory=list)
    stats: dict[str, float] = field(default_factory=dict)


class StepOutput:
    """A batch of items between stages: the items, the rejects and counters of the stage
    that made it (`stage`; empty for a batch no stage has made yet), and the reports of
    the stages before it in a chain of tasks. The flow reads a whole chain's accounting
    from its last task, so on Dask the batches in between never travel to its process.

    A plain class on purpose, not a dataclass: Prefect walks every list, dict and
    dataclass in a task's parameters and resolved inputs looking for futures, which
    for a shard of 256 enriched articles costs 0.4-0.7 s per task (bench/README.md,
    pipeline, eleventh round).
    """

    def __init__(
        self, items: list, rejects: list[Reject] | None = None, stats: dict[str, float] | None = None,
        stage: str = "", upstream: list[StageReport] | None = None,
    ) -> None:
        self.items = items
        self.rejects = rejects if rejects is not None else []
        self.stats = stats if stats is not None else {}
        self.stage = stage
        self.upstream = upstream if upstream is not None else []

    def reports(self) -> list[StageReport]:
        """The chain's reports, this batch's stage last."""
        own = [StageReport(self.stage, self.rejects, self.stats)] if self.stage else []
        return [*self.upstream, *own]

    def __repr__(self) -> str:
        return f"StepOutput({len(self.items)} items, stage={self.stage!r}, {len(self.rejects)} rejects)"


class Step:
    """Base class: subclasses set `name` and `version` and implement `run`."""

    name: ClassVar[str] = "step"
    version: ClassVar[str] = "1"

    def __init__(self) -> None:
        self.stats: Counter = Counter()
        self.rejects: list[Reject] = []

    def run(self, batch: list) -> list:
        raise NotImplementedError

    def __call__(self, batch: list) -> StepOutput:
        """Run over `batch` and return its items with this call's rejects and stats."""
        # Each call counts into a copy of its own (copying goes through __setstate__, which
        # gives it fresh counters): the thread task runner may run one step object on two
        # shards at once, and their counters and rejects must not mix.
        call = copy.copy(self)
        started = time.perf_counter()
        items = call.run(batch)
        call.stats["seconds"] += time.perf_counter() - started
        call.stats["in"] += len(batch)
        call.stats["out"] += len(items)
        return StepOutput(items, list(call.rejects), dict(call.stats), stage=self.name)

    def reject(self, source_uri: str, location: str, reason: str, sample: str = "") -> None:
        """Record an input this step cannot use; the run goes on."""
        self.rejects.append(Reject(source_uri, location, reason, sample[:500], stage=self.name))
        self.stats[f"rejected_{reason.split(':')[0]}"] += 1

    def __getstate__(self) -> dict[str, Any]:
        # Configuration only: counters and rejects are per call.
        return {k: v for k, v in self.__dict__.items() if k not in ("stats", "rejects")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.stats, self.rejects = Counter(), []

    def __repr__(self) -> str:
        cfg = ", ".join(f"{k}={v!r}" for k, v in self.__getstate__().items())
        return f"{type(self).__name__}({cfg})"


def _is_transient(task, task_run, state) -> bool:
    """Retry I/O trouble and timeouts; never retry bad input or a broken setup.

    RuntimeError is not transient: it is how a missing model or a torch failure surfaces,
    and retrying those only delays the error.
    """
    try:
        state.result()
    except BadInput:
        return False
    except (OSError, TimeoutError, ConnectionError):
        return True
    except Exception:
        return False
    return False


def run_step_task(step_name: str, retries: int = 2, timeout_seconds: float | None = None):
    """A Prefect task that runs a step over one batch, with retries and backoff."""
    from prefect import task
    from prefect.cache_policies import NO_CACHE
    from prefect.tasks import exponential_backoff

    def _run(step: Step, batch: list | StepOutput) -> StepOutput:
        from prefect import get_run_logger

        upstream = []
        if isinstance(batch, StepOutput):  # the upstream stage's output, chained by future
            upstream, batch = batch.reports(), batch.items
        checkpoint(f"stage:{step.name}")
        out = step(batch)
        out.upstream = upstream
        # The stage's temporaries are gone now; without this the heap creeps up shard
        # after shard (fragmentation), though the live data is bounded (bench/README.md).
        release_free_memory()
        get_run_logger().info(
            "%s v%s: %d in, %d out, %d rejected in %.2fs",
            step.name, step.version, len(batch), len(out.items), len(out.rejects),
            out.stats.get("seconds", 0.0),
        )
        return out

    return task(
        _run,
        name=step_name,
        retries=retries,
        retry_delay_seconds=exponential_backoff(backoff_factor=2),
        retry_jitter_factor=0.5,
        retry_condition_fn=_is_transient,
        timeout_seconds=timeout_seconds,
        cache_policy=NO_CACHE,  # idempotency comes from content hashes in the warehouse
    )
