"""How the enrich flow schedules a stage's shards: in order on threads, at once on Dask."""
from __future__ import annotations

import threading
import time

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.enrich import MIN_TAIL_SHARD, _cut_shards, _InOrder, _tail_parallel


def _stage_task(name: str, log: list, meet: threading.Barrier | None = None):
    @task(name=name, cache_policy=NO_CACHE)
    def run(step, upstream):
        shard = upstream  # the upstream task's result: the shard's number
        start = time.perf_counter()
        if meet is not None and shard < 2:
            meet.wait()  # returns only once shards 0 and 1 are in this stage at the same time
        time.sleep(0.05)
        log.append((name, shard, start, time.perf_counter()))
        return shard

    return run


def _run_shards(enabled: bool, meet: threading.Barrier | None = None) -> list:
    log: list = []
    stages = {"tag": _stage_task("tag", log, meet), "summarise": _stage_task("summarise", log)}

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=8))
    def shards():
        in_order = _InOrder(enabled=enabled)
        last = []
        for shard in range(3):
            upstream = shard
            for name, stage_task in stages.items():
                upstream = in_order.submit(name, stage_task, None, upstream)
            last.append(upstream)
        return [f.result() for f in last]

    assert shards() == [0, 1, 2]
    return log


def test_on_threads_each_stage_takes_shards_one_at_a_time_in_order(prefect_harness):
    log = _run_shards(enabled=True)
    for name in ("tag", "summarise"):
        runs = sorted((start, end, shard) for stage, shard, start, end in log if stage == name)
        assert [shard for _, _, shard in runs] == [0, 1, 2]
        assert all(prev_end <= start for (_, prev_end, _), (start, _, _) in zip(runs, runs[1:]))


def test_without_ordering_two_shards_run_one_stage_at_once(prefect_harness):
    # Ordered, the barrier's two parties would never meet and it would time out (BrokenBarrierError).
    meet = threading.Barrier(2, timeout=20)
    log = _run_shards(enabled=False, meet=meet)
    assert sorted(shard for stage, shard, *_ in log if stage == "tag") == [0, 1, 2]


def test_the_runs_last_shards_shrink_so_workers_finish_together():
    arts = list(range(1000))
    plain = _cut_shards(arts, 256)
    assert [len(s) for s in plain] == [256, 256, 256, 232]
    tail = _cut_shards(arts, 256, tail_parallel=2)
    assert [a for s in tail for a in s] == arts  # every article once, in order
    sizes = [len(s) for s in tail]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == 256
    # the last shards are each at most half of what was left, down to MIN_TAIL_SHARD
    assert sizes[-2:] == [MIN_TAIL_SHARD, 1000 - sum(sizes[:-1])] and sizes[-1] <= MIN_TAIL_SHARD
    assert len(tail) <= len(plain) + 4  # a few more tasks, not hundreds
    assert [len(s) for s in _cut_shards(arts[:40], 256, tail_parallel=4)] == [32, 8]
    # threads: tagger and summariser side by side; one worker: nothing to balance
    assert (_tail_parallel(0), _tail_parallel(1), _tail_parallel(2), _tail_parallel(8)) == (2, 0, 2, 8)
