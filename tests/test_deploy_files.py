"""The deployment files are valid: prefect.yaml's deployments point at real flows with
cron schedules and a queueing concurrency limit; the compose file passes
`docker-compose config` and shares one warehouse volume across the stack."""
from __future__ import annotations

import importlib
import os
import shutil
import subprocess

import pytest
import yaml

from conftest import ROOT

DEPLOY = ROOT / "deploy"


def test_prefect_yaml_deployments_are_scheduled_and_queue():
    from prefect.cli.deploy._models import PrefectYamlModel
    from prefect.client.schemas.schedules import CronSchedule

    config = yaml.safe_load((DEPLOY / "prefect.yaml").read_text())
    PrefectYamlModel.model_validate(config)
    deployments = {d["name"]: d for d in config["deployments"]}
    assert {"inbox-hourly", "sources-6h"} <= set(deployments)
    for d in deployments.values():
        path, func = d["entrypoint"].split(":")
        assert (ROOT / path).exists(), path
        flow = getattr(importlib.import_module(path[:-3].replace("/", ".")), func)
        assert set(d["parameters"]) <= set(flow.parameters.properties), d["name"]
        assert d["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}
        assert d["work_pool"]["name"] == "newsflow-process"
        for s in d["schedules"]:
            CronSchedule(cron=s["cron"], timezone=s["timezone"])


def test_compose_file_is_valid():
    binary = shutil.which("docker-compose")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose is missing in CI: .ci/run installs it (apt-get install docker-compose)")
        pytest.skip("docker-compose not installed (apt-get install docker-compose); CI installs it")
    out = subprocess.run(
        [binary, "-f", str(DEPLOY / "docker-compose.yml"), "config"],
        capture_output=True, text=True, timeout=120, cwd=DEPLOY,
    )
    assert out.returncode == 0, out.stderr
    config = yaml.safe_load(out.stdout)
    services = config["services"]
    assert {"prefect-server", "worker", "dask-scheduler", "dask-worker"} <= set(services)
    for name in ("worker", "dask-worker"):
        mounts = {v["target"] if isinstance(v, dict) else v.split(":")[1] for v in services[name]["volumes"]}
        assert "/data/warehouse" in mounts, name
        assert services[name]["environment"]["NEWSFLOW_DASK_ADDRESS"] == "tcp://dask-scheduler:8786"
    assert services["dask-worker"]["deploy"]["replicas"] == 2


def test_the_wheel_carries_every_data_file_the_packages_read(tmp_path):
    """The image installs newsflow from a wheel (`pip install .`), not in place: every
    non-Python file under the packages (the segmenter's model files, the views' SQL) must
    be in it, or the container fails at the first dump it splits."""
    import sys
    import zipfile

    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src)
    tracked = subprocess.run(["git", "ls-files", "flows", "tasks", "warehouse"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    for rel in tracked:
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, src / rel)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w",
                    str(tmp_path / "dist"), str(src)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    data = [rel for rel in tracked if not rel.endswith(".py") and "/" in rel and not rel.endswith(".md")]
    assert any(rel.endswith("boundary_model.json") for rel in data)
    assert [rel for rel in data if rel not in inside] == []
