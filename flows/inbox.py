"""The inbox flow: enrich only the files that arrived in a folder since the last successful run.

A scheduled deployment points it at a drop folder (see deploy/prefect.yaml). Each run
lists the folder, compares every file's fingerprint (size, modification time) with the
state left by the last successful run, and hands only new or changed files to `enrich`.

The state lives in the warehouse (`_newsflow/inbox-<folder hash>.json`) and is written
only after `enrich` completes, with the fingerprints taken *before* the run:
- a crash or a failed run leaves the state alone, so the next run (or a retry) takes
  the same files again; content-hash IDs make that repeat add no rows;
- a file rewritten during a run has a new fingerprint and is taken again next time;
- files still being written (modified less than `settle_seconds` ago) wait a run.
Overlapping runs over one folder are prevented by the deployment's concurrency limit.
"""
from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone

from prefect import flow, get_run_logger

from flows.enrich import enrich
from flows.settings import load_settings
from tasks.ingest import discover
from tasks.records import content_hash
from warehouse.storage import open_warehouse, read_state, write_state

Fingerprint = tuple[int, int]  # (size in bytes, mtime in ns)


def state_name(folder: str) -> str:
    """The state file of one inbox folder, keyed by its absolute path."""
    return f"inbox-{content_hash(os.path.abspath(os.path.expanduser(folder)), size=8)}.json"


def fingerprints(folder: str) -> dict[str, Fingerprint]:
    """Fingerprint of every readable file under `folder`, keyed by path relative to it."""
    root = os.path.abspath(os.path.expanduser(folder))
    if not os.path.isdir(root):
        raise FileNotFoundError(f"inbox folder not found: {root}")
    files, _ = discover([root])
    out = {}
    for path in files:
        try:
            st = os.stat(path)
        except FileNotFoundError:  # removed while we listed the folder
            continue
        out[os.path.relpath(path, root)] = (st.st_size, st.st_mtime_ns)
    return out


def pending(current: dict[str, Fingerprint], done: dict[str, Fingerprint], settle_seconds: float,
            now_ns: int | None = None) -> tuple[list[str], list[str]]:
    """(files to process now, files still settling): new or changed since `done`."""
    now_ns = now_ns if now_ns is not None else time.time_ns()
    ready, settling = [], []
    for rel, fp in sorted(current.items()):
        if tuple(done.get(rel, ())) == tuple(fp):
            continue
        (settling if settle_seconds > 0 and now_ns - fp[1] < settle_seconds * 1e9 else ready).append(rel)
    return ready, settling


@flow(name="inbox", log_prints=False)
def inbox(
    folder: str,
    warehouse: str | None = None,
    settle_seconds: float = 60.0,
    shard_size: int | None = None,
    summary_sentences: int | None = None,
    spacy_model: str | None = None,
) -> dict:
    """Enrich the files of `folder` that are new or changed since the last successful run.

    Returns the enrich report (or an empty one when nothing is new) with `new_files`
    and `settling_files` added.
    """
    log = get_run_logger()
    settings = load_settings(warehouse=warehouse)
    wh = open_warehouse(settings.warehouse)
    wh.create()
    name = state_name(folder)
    state = json.loads(read_state(wh, name) or "{}")
    done = {k: tuple(v) for k, v in state.get("files", {}).items()}
    current = fingerprints(folder)
    ready, settling = pending(current, done, settle_seconds)
    log.info("inbox %s: %d files, %d new or changed, %d still settling", folder, len(current), len(ready), len(settling))
    if not ready:
        return {"status": "completed", "articles": 0, "records_in": 0, "new_files": 0, "settling_files": len(settling)}

    root = os.path.abspath(os.path.expanduser(folder))
    report = enrich(
        sources=[os.path.join(root, rel) for rel in ready], warehouse=settings.warehouse,
        shard_size=shard_size, summary_sentences=summary_sentences, spacy_model=spacy_model,
    )
    if report["status"] != "completed":
        raise RuntimeError(f"enrich run {report['run_id']} ended {report['status']}; the inbox state is unchanged")
    # Only now is this batch done. Files that left the folder are forgotten (a repeat of
    # one would be recognised by content hash anyway).
    with wh.lock():
        state = json.loads(read_state(wh, name) or "{}")
        files = {k: v for k, v in state.get("files", {}).items() if k in current}
        files.update({rel: list(current[rel]) for rel in ready})
        write_state(wh, name, json.dumps({
            "folder": root, "files": files, "last_run_id": report["run_id"],
            "updated_at": datetime.now(timezone.utc).isoformat(),
        }, indent=1))
    return {**report, "new_files": len(ready), "settling_files": len(settling)}
