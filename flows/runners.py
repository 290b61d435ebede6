"""Which Prefect task runner executes the enrich flow's shard tasks.

By default Prefect's thread pool, in the flow's own process. Given a Dask scheduler
(`NEWSFLOW_DASK_ADDRESS=tcp://scheduler:8786`) or a local cluster size
(`NEWSFLOW_DASK_WORKERS=4`), prefect-dask's DaskTaskRunner, so shards run in many
worker processes, on one machine or many. Each Dask worker process loads the models
once, on its first shard (tasks/models.py), and keeps them.

Ray is a drop-in alternative (`pip install prefect-ray`):
`enrich.with_options(task_runner=RayTaskRunner(address="ray://head:10001"))`.
"""
from __future__ import annotations

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows.settings import Settings, load_settings


def task_runner(settings: Settings | None = None) -> TaskRunner:
    """The task runner the settings ask for: Dask (address or local size) or threads."""
    s = settings or load_settings()
    if s.dask_address or s.dask_workers:
        return dask_runner(s.dask_address, s.dask_workers, s.dask_threads_per_worker)
    return ThreadPoolTaskRunner()


def dask_runner(address: str | None = None, workers: int | None = None, threads_per_worker: int = 1) -> TaskRunner:
    """A DaskTaskRunner on the scheduler at `address`, or on a local cluster of `workers` processes.

    Worker processes (not threads) so that each holds its own models and the GIL does
    not serialise the NLP work; one thread per worker because torch and spaCy already
    use the core they are given.
    """
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:  # pragma: no cover - prefect-dask is a dependency
        raise RuntimeError("the Dask task runner needs prefect-dask: pip install prefect-dask") from exc
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_class=local_cluster,
        cluster_kwargs={
            "n_workers": workers or 1,
            "threads_per_worker": threads_per_worker,
            "processes": True,
            "dashboard_address": None,
        }
    )


def local_cluster(**kwargs):
    """A `distributed.LocalCluster` whose workers report to the flow run's own Prefect API.

    When the flow runs on a temporary local server (no PREFECT_API_URL set), worker
    processes would otherwise each start a temporary server of their own, with its
    database migrations: seconds of start-up and a core's share lost per worker.
    """
    from distributed import LocalCluster
    from prefect.context import FlowRunContext

    env = dict(kwargs.pop("env", None) or {})
    client = getattr(FlowRunContext.get(), "client", None)
    if client is not None:
        env.setdefault("PREFECT_API_URL", str(client.api_url).rstrip("/"))
    return LocalCluster(env=env, **kwargs)
