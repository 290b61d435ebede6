"""Stage tasks retry transient failures with backoff, never retry bad input, and time out.

Real Prefect task runs (through `run_step_task`) inside real flows.
"""
from __future__ import annotations

import time

import pytest
from prefect import flow

from tasks.step import BadInput, Step, run_step_task

ATTEMPTS: list[str] = []


class Flaky(Step):
    """Fails with `error` on its first `failures` calls, then doubles every item."""

    name = "flaky"

    def __init__(self, error: Exception | None = None, failures: int = 1, busy_seconds: float = 0.0):
        super().__init__()
        self.error, self.failures, self.busy_seconds = error, failures, busy_seconds

    def run(self, batch):
        ATTEMPTS.append(self.name)
        deadline = time.monotonic() + self.busy_seconds
        while time.monotonic() < deadline:  # Python-level work a timeout can interrupt
            time.sleep(0.02)
        if self.error is not None and len(ATTEMPTS) <= self.failures:
            raise self.error
        return [x * 2 for x in batch]


@pytest.fixture(autouse=True)
def _reset():
    ATTEMPTS.clear()


def _run(step: Flaky, retries: int = 2, timeout: float | None = None, submit: bool = False):
    stage = run_step_task("flaky", retries, timeout)

    @flow
    def one_stage():
        if submit:  # in a worker thread, as the flow runs the model stages
            return stage.submit(step, [1, 2, 3]).result()
        return stage(step, [1, 2, 3])

    return one_stage()


@pytest.mark.parametrize("error", [OSError("disk hiccup"), TimeoutError("model server"), ConnectionError("reset")])
def test_transient_error_is_retried_until_it_succeeds(prefect_harness, error):
    out = _run(Flaky(error, failures=1))
    assert out.items == [2, 4, 6]
    assert len(ATTEMPTS) == 2


def test_bad_input_is_never_retried(prefect_harness):
    with pytest.raises(BadInput):
        _run(Flaky(BadInput("not an article"), failures=5))
    assert len(ATTEMPTS) == 1


def test_programming_errors_are_not_retried(prefect_harness):
    with pytest.raises(KeyError):
        _run(Flaky(KeyError("bug"), failures=5))
    assert len(ATTEMPTS) == 1


def test_retries_stop_after_the_configured_count(prefect_harness):
    with pytest.raises(OSError):
        _run(Flaky(OSError("still down"), failures=10), retries=1)
    assert len(ATTEMPTS) == 2


@pytest.mark.parametrize("submit", [False, True], ids=["flow-thread", "worker-thread"])
def test_a_stage_that_runs_too_long_times_out_and_is_retried(prefect_harness, submit):
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        _run(Flaky(busy_seconds=30), retries=1, timeout=1, submit=submit)
    assert len(ATTEMPTS) == 2  # the timeout counts as transient: one retry, then it fails
    assert time.monotonic() - started < 20  # interrupted, not run to the end twice
