"""Run observability: each flow run's accounting as Prefect artifacts.

The same numbers land in the `runs` table; the artifacts make them visible in the
Prefect UI next to the flow run, without opening the warehouse.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from tasks.records import Reject

ARTIFACT_KEY = "newsflow-run"  # one key: the UI keeps each run's version of it


def reasons(rejects: Iterable[Reject]) -> dict[str, int]:
    """Rejects counted by reason; a reason's detail after ':' is left out."""
    return dict(Counter(r.reason.split(":")[0] for r in rejects).most_common())


def run_markdown(report: dict) -> str:
    """The run report as markdown: totals, rows per table, rejects by reason, stage seconds."""
    lines = [
        f"# {report.get('flow', 'run')} {report['run_id']}: {report['status']}",
        "",
        "| records in | articles | duplicates | unchanged | rejects |",
        "|---:|---:|---:|---:|---:|",
        "| {records_in} | {articles} | {duplicates} | {unchanged} | {rejects} |".format(**report),
        "",
    ]
    for title, key, head in (
        ("Rows written", "rows_written", "| table | rows |"),
        ("Rejects by reason", "rejects_by_reason", "| reason | records |"),
        ("Seconds per stage", "stage_seconds", "| stage | seconds |"),
    ):
        values = report.get(key) or {}
        lines += [f"## {title}", ""]
        if values:
            lines += [head, "|---|---:|", *(f"| {k} | {v} |" for k, v in values.items()), ""]
        else:
            lines += ["none", ""]
    return "\n".join(lines)


def publish_run_artifacts(report: dict, log) -> None:
    """Attach the run report to the current flow run: a markdown summary and a table.

    A failure is logged, not raised: the API being down must not fail a run whose data
    is stored.
    """
    try:
        _publish(report)
    except Exception as exc:
        log.warning("could not publish the run artifacts: %s", exc)


def _publish(report: dict) -> None:
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    create_markdown_artifact(
        run_markdown(report), key=ARTIFACT_KEY, description=f"newsflow run {report['run_id']}"
    )
    rows = [{"metric": "rows_written", "name": k, "value": v} for k, v in (report.get("rows_written") or {}).items()]
    rows += [{"metric": "rejects", "name": k, "value": v} for k, v in (report.get("rejects_by_reason") or {}).items()]
    rows += [{"metric": "seconds", "name": k, "value": v} for k, v in (report.get("stage_seconds") or {}).items()]
    rows += [{"metric": "total", "name": k, "value": report[k]}
             for k in ("records_in", "articles", "duplicates", "unchanged", "rejects")]
    create_table_artifact(rows, key=ARTIFACT_KEY + "-table", description=f"newsflow run {report['run_id']}")
