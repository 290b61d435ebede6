"""Production path, end to end: `prefect server` on 127.0.0.1, a process work pool, the
deployments of deploy/prefect.yaml, a worker, two triggered runs of the inbox
deployment (the second must queue behind the first), and the warehouse read through
DuckDB. The worker is stopped before the server: it ignores SIGTERM once its server is gone."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, query
from services import devdata_slice, free_port, stop, wait_http

pytestmark = pytest.mark.slow
PREFECT = [sys.executable, "-m", "prefect"]


def _cli(args: list[str], env: dict, timeout: float = 180) -> str:
    out = subprocess.run(PREFECT + args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"prefect {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}"
    return out.stdout


@pytest.fixture
def prefect_stack(tmp_path):
    """A real server and a process worker over a temporary Prefect home; yields (api url, env, data dir)."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    data, home = tmp_path / "data", tmp_path / "prefect-home"
    home.mkdir()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api,
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home}/prefect.db",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_LOGGING_LEVEL": "INFO",
        "NEWSFLOW_HOME": str(ROOT),
        "NEWSFLOW_DATA": str(data),
        "NEWSFLOW_WAREHOUSE": str(tmp_path / "warehouse"),
        # the flow-run subprocess must import this checkout's flows/, whatever is installed
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    logs = tmp_path / "logs"
    logs.mkdir()
    server = subprocess.Popen(
        PREFECT + ["server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui", "--no-scheduler"],
        env=env, stdout=open(logs / "server.log", "w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    worker = None
    try:
        wait_http(f"{api}/health", 180, server)
        _cli(["work-pool", "create", "newsflow-process", "--type", "process"], env)
        deployed = _cli(["--no-prompt", "deploy", "--all", "--prefect-file", "deploy/prefect.yaml"], env)
        assert "inbox-hourly" in deployed and "sources-6h" in deployed
        worker = subprocess.Popen(
            PREFECT + ["worker", "start", "--pool", "newsflow-process", "--type", "process"],
            env=env, cwd=tmp_path, stdout=open(logs / "worker.log", "w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        yield api, env, data, logs
    finally:
        if worker is not None:
            stop(worker, 30)
        stop(server, 30)


def _wait_final(client, ids, timeout: float = 600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = [client.read_flow_run(i) for i in ids]
        if all(r.state and r.state.is_final() for r in runs):
            return runs
        time.sleep(2)
    raise TimeoutError(f"flow runs not finished after {timeout}s: {[(r.name, r.state_name) for r in runs]}")


def test_scheduled_deployment_runs_through_a_worker(prefect_stack):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    api, env, data, logs = prefect_stack
    devdata_slice(data / "inbox", 5)
    with temporary_settings({PREFECT_API_URL: api}), get_client(sync_client=True) as client:
        dep = client.read_deployment_by_name("inbox/inbox-hourly")
        assert [s.schedule.cron for s in dep.schedules] == ["5 * * * *"]
        assert dep.global_concurrency_limit.limit == 1
        assert dep.concurrency_options.collision_strategy.value == "ENQUEUE"
        assert dep.parameters["folder"] == f"{data}/inbox"
        # two runs at once: the limit must make the second wait for the first
        ids = [client.create_flow_run_from_deployment(dep.id, parameters={"settle_seconds": 0}).id for _ in range(2)]
        try:
            runs = _wait_final(client, ids)
        except TimeoutError:
            print((logs / "worker.log").read_text()[-5000:])
            raise
    assert [r.state_name for r in runs] == ["Completed", "Completed"], (logs / "worker.log").read_text()[-5000:]
    first, second = sorted(runs, key=lambda r: r.start_time)
    assert first.end_time <= second.start_time, "runs of one deployment overlapped"

    wh = Path(env["NEWSFLOW_WAREHOUSE"])
    assert query(wh, "SELECT count(*), count(DISTINCT article_id) FROM articles") == [(5, 5)]
    # the queued run found nothing new, so only one enrich run wrote to the warehouse
    assert query(wh, "SELECT status, articles FROM runs") == [("completed", 5)]
    assert query(wh, "SELECT count(DISTINCT article_id) FROM summaries") == [(5,)]
