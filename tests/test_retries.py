"""Stage tasks retry transient failures with backoff, never retry bad input, and time out.

Real Prefect task runs (through `run_step_task`) inside real flows.
"""
from __future__ import annotations

import time

import pytest
from prefect import flow

from tasks.step import BadInput, Step, StepOutput, run_step_task

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


class Halve(Step):
    """Halves even items; rejects odd ones."""

    name = "halve"

    def run(self, batch):
        for x in batch:
            if x % 2:
                self.reject("test", str(x), "odd: cannot halve")
        return [x // 2 for x in batch if not x % 2]


def test_the_last_task_of_a_chain_reports_every_stage(prefect_harness):
    double, halve = run_step_task("flaky", 0), run_step_task("halve", 0)

    @flow
    def chain():
        doubled = double.submit(Flaky(), [1, 2, 3])  # 2 4 6
        return halve.submit(Halve(), halve.submit(Halve(), doubled)).result()  # 1 2 3, then 1

    out = chain()
    assert out.items == [1]
    reports = out.reports()
    assert [r.stage for r in reports] == ["flaky", "halve", "halve"]
    assert [(r.stats["in"], r.stats["out"], len(r.rejects)) for r in reports] == [(3, 3, 0), (3, 3, 0), (3, 1, 2)]
    assert [r.location for r in reports[2].rejects] == ["1", "3"]
    assert out.upstream == reports[:2] and (reports[2].stats, reports[2].rejects) == (out.stats, out.rejects)


def test_a_chain_raises_the_error_of_the_stage_that_broke(prefect_harness):
    from flows.enrich import _chain_result

    double, halve = run_step_task("flaky", 0), run_step_task("halve", 0)

    @flow
    def chain():
        doubled = double.submit(Flaky(KeyError("bug in the first stage"), failures=5), [1])
        halved = halve.submit(Halve(), doubled)
        try:
            halved.result()
        except KeyError:
            raise AssertionError("the last task already names the broken stage: nothing to test") from None
        except Exception:
            pass
        return _chain_result(halved, doubled)

    with pytest.raises(KeyError, match="bug in the first stage"):
        chain()


def test_prefect_does_not_walk_the_articles_of_a_batch():
    """Prefect looks for futures in every list and dataclass of a task's inputs; a batch
    of enriched articles must be one opaque node to it, or each task pays a walk."""
    from prefect.utilities.collections import visit_collection

    from tasks.records import Article, Sentence

    articles = [Article(str(i), "s", "text", i, "l", "a b", sentences=[Sentence(0, 0, 0, 3, "a b")]) for i in range(50)]
    seen = []
    visit_collection(StepOutput(articles), visit_fn=seen.append, return_data=False)
    assert len(seen) == 1
    seen.clear()
    visit_collection(articles, visit_fn=seen.append, return_data=False)
    assert len(seen) > 50 * 3  # the same articles as a bare list: every field of every one
