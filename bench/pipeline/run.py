"""End-to-end throughput of `newsflow run` against the bare models, on generated corpora.

For each corpus size: a fresh warehouse, one timed `newsflow run` (peak RSS of the whole
process tree sampled every 0.1 s), then a second run over the unchanged corpus (incremental),
then the same texts through the bare models alone as the reference: spaCy nlp.pipe with the
same components over the bodies, the summariser's embedding call on the same sentences, and
the segmenter's embedding call on the dumps' lines. Usage:

    python bench/pipeline/run.py --sizes 1000 5000 20000 [--workers 0 1 2] [--out bench/out/pipeline] [--no-bare]

--workers: 0 is the default thread runner (everything in the flow's process); N >= 1 is a
local Dask cluster of N worker processes (NEWSFLOW_DASK_WORKERS=N), one thread each.

Writes bench/out/pipeline/results.json and prints a Markdown table.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from generate import synthetic_articles, write_corpus  # noqa: E402


def _sample_tree(proc: psutil.Process, cpu: dict[int, tuple[str, float]]) -> int:
    """RSS of the process tree; records each process's CPU seconds so far into `cpu`."""
    total = 0
    try:
        tree = [proc, *proc.children(recursive=True)]
    except psutil.Error:  # the run just ended
        return 0
    for p in tree:
        try:
            with p.oneshot():
                total += p.memory_info().rss
                t = p.cpu_times()
                cpu[p.pid] = (_role(p), t.user + t.system)
        except psutil.Error:
            pass
    return total


def _role(p: psutil.Process) -> str:
    cmd = " ".join(p.cmdline())
    if "flows.cli" in cmd:
        return "flow"
    if "prefect.server" in cmd or "uvicorn" in cmd:
        return "prefect_server"
    return "workers"


def timed_run(corpus: Path, warehouse: Path, workers: int) -> dict:
    """Run `newsflow run` in a subprocess: wall seconds, peak RSS of its process tree, and
    CPU seconds by role (the flow's process, the Prefect API server it starts, Dask workers)."""
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING")
    if workers:
        env["NEWSFLOW_DASK_WORKERS"] = str(workers)
    cmd = [sys.executable, "-m", "flows.cli", "run", str(corpus), "--warehouse", str(warehouse)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ps, peak, done, cpu = psutil.Process(proc.pid), 0, threading.Event(), {}

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _sample_tree(ps, cpu))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"newsflow run failed:\n{output[-3000:]}")
    by_role: dict[str, float] = {}
    for role, seconds in cpu.values():  # the last sample before each process ended
        by_role[role] = round(by_role.get(role, 0.0) + seconds, 1)
    return {"wall_s": round(wall, 2), "peak_rss_mb": round(peak / 2**20, 1), "cpu_s": by_role}


def last_run(warehouse: Path) -> dict:
    from warehouse.catalog import connect

    con = connect(warehouse)
    try:
        row = con.execute(
            "SELECT articles, duplicates, rejects, records_in, stage_seconds, "
            "epoch(finished_at) - epoch(started_at) FROM runs ORDER BY started_at DESC LIMIT 1"
        ).fetchone()
        words = con.execute("SELECT sum(n_words) FROM articles").fetchone()[0]
    finally:
        con.close()
    return {"articles": row[0], "duplicates": row[1], "rejects": row[2], "records_in": row[3],
            "stage_seconds": dict(row[4]), "flow_s": round(row[5], 2), "words": int(words or 0)}


def bare_models(warehouse: Path, corpus: Path) -> dict:
    """The same model calls the flow makes, and nothing else: spaCy over the stored bodies,
    the summariser's embedding call over each article's summary candidates, and the
    segmenter's embedding call over the dumps' lines (topic cues; its own backend).
    """
    from flows.settings import load_settings
    from tasks.models import sentence_embedder, spacy_pipeline
    from tasks.segment.features import topic_text
    from tasks.segment.boundaries import dump_lines
    from tasks.summarise import summary_candidates
    from tasks.tag import Tagger
    from warehouse.catalog import connect

    s = load_settings()
    con = connect(warehouse)
    bodies = [r[0] for r in con.execute("SELECT body FROM articles").fetchall()]
    rows = con.execute(
        "SELECT list(s.text ORDER BY s.sentence_idx), any_value(a.is_truncated) FROM sentences s "
        "JOIN articles a USING (article_id) GROUP BY s.article_id"
    ).fetchall()
    con.close()
    sentences = []
    for texts, truncated in rows:
        cut = {len(texts) - 1} if truncated else set()
        idx = summary_candidates([len(t.split()) for t in texts], cut, window=s.summary_window)
        sentences += [texts[i] for i in idx]
    dumps = [[topic_text(ln.text) for ln in dump_lines(p.read_text())] for p in sorted(corpus.glob("*.txt"))]
    nlp = spacy_pipeline(s.spacy_model)
    embedder = sentence_embedder(s.embedding_model, s.embedding_backend)
    segment_embedder = sentence_embedder(s.embedding_model, s.segment_embedding_backend)
    nlp("warm up"), embedder.encode(["warm up"]), segment_embedder.encode(["warm up"])
    t0 = time.perf_counter()
    for _ in nlp.pipe(bodies, batch_size=Tagger().batch_size):
        pass
    t_spacy = time.perf_counter() - t0
    t0 = time.perf_counter()
    embedder.encode(sentences)
    t_embed = time.perf_counter() - t0
    t0 = time.perf_counter()
    for lines in dumps:
        segment_embedder.encode(lines)
    t_segment = time.perf_counter() - t0
    return {"spacy_s": round(t_spacy, 2), "embed_s": round(t_embed, 2), "segment_embed_s": round(t_segment, 2),
            "total_s": round(t_spacy + t_embed + t_segment, 2), "articles": len(bodies),
            "sentences": len(sentences), "dump_lines": sum(map(len, dumps))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    ap.add_argument("--workers", type=int, nargs="+", default=[0], help="0: threads; N: N Dask worker processes")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "pipeline")
    ap.add_argument("--no-bare", action="store_true", help="skip the bare-model reference (worker comparisons)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results = {"machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
               f"{round(psutil.virtual_memory().total / 2**30)} GiB", "runs": []}
    for size in args.sizes:
        corpus = args.out / f"corpus-{size}"
        if not corpus.exists():
            write_corpus(synthetic_articles(size), corpus)
        for workers in args.workers:
            wh = args.out / f"wh-{size}-w{workers}"
            subprocess.run(["rm", "-rf", str(wh)], check=True)
            first = timed_run(corpus, wh, workers) | last_run(wh)
            second = timed_run(corpus, wh, workers) | last_run(wh)
            bare = bare_models(wh, corpus) if workers == args.workers[0] and not args.no_bare else None
            entry = {"size": size, "workers": workers, "first": first, "second": second, "bare": bare}
            results["runs"].append(entry)
            print(json.dumps(entry), flush=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
