"""Helpers for the resilience tests: inputs from the dev data, CLI runs in subprocesses,
and a row-for-row comparison of two warehouses."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb

from conftest import DEVDATA, ROOT
from warehouse.schemas import TABLES

# Columns that differ between two runs of the same input by design.
VOLATILE = {"run_id", "ingested_at", "rejected_at", "processed_at", "completed_at"}


def write_inputs(folder: Path, names_sizes: dict[str, tuple[int, int]]) -> dict[str, Path]:
    """JSONL files cut from the dev data: name -> (first line, last line) of news_dev.jsonl.

    Overlapping ranges give articles that two files share.
    """
    lines = DEVDATA.read_text(encoding="utf-8").splitlines()
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, (a, b) in names_sizes.items():
        path = folder / f"{name}.jsonl"
        path.write_text("\n".join(lines[a:b]) + "\n{this line is not json\n", encoding="utf-8")
        out[name] = path
    return out


def cli_env(api_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    env.update(PREFECT_API_URL=api_url, PREFECT_SERVER_ANALYTICS_ENABLED="false", HF_HUB_OFFLINE="1")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def start_cli(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    """`python -m flows.cli ARGS` in its own session, so a test can clean up after a crash."""
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )


def finish(proc: subprocess.Popen, timeout: float = 600) -> tuple[int, str]:
    try:
        out, _ = proc.communicate(timeout=timeout)
    finally:
        try:  # whatever the killed process had started (nothing, with a shared API server)
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return proc.returncode, out


def table_rows(warehouse: Path, table: str) -> list[tuple]:
    """Every stored row of `table` minus the per-run columns, sorted; read from the files."""
    files = sorted((warehouse / table).glob("ingest_date=*/*.parquet"))
    if not files:
        return []
    cols = [f.name for f in TABLES[table] if f.name not in VOLATILE]
    con = duckdb.connect()
    try:
        return con.execute(
            f"SELECT {', '.join(cols)} FROM read_parquet(?, union_by_name = true) ORDER BY ALL",
            [[str(f) for f in files]],
        ).fetchall()
    finally:
        con.close()


def warehouse_rows(warehouse: Path) -> dict[str, list[tuple]]:
    """All tables but `runs`, as `table_rows` gives them."""
    return {t: table_rows(warehouse, t) for t in TABLES if t != "runs"}


def runs(warehouse: Path) -> list[dict]:
    files = sorted((warehouse / "runs").glob("ingest_date=*/*.parquet"))
    con = duckdb.connect()
    try:
        cur = con.execute(
            "SELECT * FROM read_parquet(?, union_by_name = true) ORDER BY started_at", [[str(f) for f in files]]
        )
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]
    finally:
        con.close()


def dump(obj) -> str:
    return json.dumps(obj, default=str)[:2000]
