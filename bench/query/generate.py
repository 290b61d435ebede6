"""Generate a synthetic warehouse of N articles through the real writer, for query benchmarks.

Articles: 60 days, 40 sources of unequal size, bodies of 150-900 words, ~12% truncated,
~95% summarised. Entities follow a Zipf law within each label (a few names in many
articles, a long tail in one or two), and 30 names burst in the last 10 days, so the
rising-entities view has something to find. One run per day with duplicates and rejects.
The `sentences` and `entities` (mention) tables are not generated: no curated view or
dashboard query reads them.

    python bench/query/generate.py bench/out/wh100k --articles 100000
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # this checkout's packages

import argparse
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa

from tasks.records import Article, ArticleEntity, Duplicate, Reject, Summary, content_hash
from warehouse.catalog import refresh_catalog
from warehouse.rows import article_tables, duplicate_table, reject_table
from warehouse.schemas import RUNS
from warehouse.writer import Warehouse

FIRST = "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan " \
        "Joseph Jessica Thomas Sarah Charles Karen Ahmed Fatima Wei Li Olga Ivan Priya Ravi Ana Carlos".split()
LAST = "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez " \
       "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Clark Lewis Khan Chen " \
       "Singh Kumar Ivanova Novak Silva Costa Muller Schmidt Rossi Nakamura Kim".split()
WORDS = ("the of and to in a is that for on was with said he it as at by from his an were are which this be "
         "has have had but not they their government minister police people year new city report market "
         "percent company officials court election president state country week group students health "
         "water energy price workers union talks deal support plan security attack vote party").split()
LABELS = {"PERSON": 6000, "ORG": 2500, "GPE": 1200, "LOC": 300, "NORP": 150, "EVENT": 200}
PER_ARTICLE = {"PERSON": 3.0, "ORG": 2.0, "GPE": 2.0, "LOC": 0.4, "NORP": 0.6, "EVENT": 0.3}
DAYS = 60
START = date(2026, 9, 1)


def vocabulary(rng: np.random.Generator) -> dict[str, list[str]]:
    names = {}
    for label, n in LABELS.items():
        if label == "PERSON":
            pool = [f"{f} {m}. {la}" for f in FIRST for la in LAST for m in "ABCDEFGHJKLMNPRSTW"]
            names[label] = [pool[i] for i in rng.choice(len(pool), n, replace=False)]
        else:
            names[label] = [f"{label.title()} {LAST[i % len(LAST)]} {i}" for i in range(n)]
        rng.shuffle(names[label])
    return names


def zipf_weights(n: int, s: float = 1.1) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** s
    return w / w.sum()


def generate(root: Path, n_articles: int, seed: int = 7) -> dict:
    rng = np.random.default_rng(seed)
    names = vocabulary(rng)
    cdf = {label: np.cumsum(zipf_weights(len(v))) for label, v in names.items()}
    bursting = {label: set(rng.choice(len(v) // 2, 5, replace=False) + len(v) // 2) for label, v in names.items()}
    sources = [f"feeds/{p}-{i}.jsonl" for i, p in enumerate(["wire", "daily", "metro", "gazette", "times"] * 8)]
    source_cdf = np.cumsum(zipf_weights(len(sources), 0.8))
    wh = Warehouse(root)
    wh.create()
    per_day = np.bincount(rng.integers(0, DAYS, n_articles), minlength=DAYS)
    written, t0 = 0, time.perf_counter()
    for d in range(DAYS):
        day = START + timedelta(days=d)
        run_id = f"{day:%Y%m%d}T060000-bench{d:03d}"
        started = datetime(day.year, day.month, day.day, 6, tzinfo=timezone.utc)
        arts = []
        for i in range(per_day[d]):
            src = sources[min(np.searchsorted(source_cdf, rng.random()), len(sources) - 1)]
            n_words = int(rng.integers(150, 900))
            ents = []
            for label, mean in PER_ARTICLE.items():
                k = rng.poisson(mean)
                if d >= DAYS - 10 and rng.random() < 0.3:  # bursting names in the last 10 days
                    ents.append((names[label][rng.choice(list(bursting[label]))], label))
                for j in np.searchsorted(cdf[label], rng.random(k)):
                    ents.append((names[label][min(j, len(names[label]) - 1)], label))
            uniq = list(dict.fromkeys(ents))
            words = rng.choice(WORDS, n_words).tolist()
            for pos, (name, _) in zip(rng.integers(0, n_words, len(uniq)), uniq):
                words[pos] = name
            body = " ".join(words) + f" ({run_id}/{i})"
            title = " ".join(rng.choice(WORDS, 8).tolist()).capitalize()
            published = None if rng.random() < 0.05 else started - timedelta(hours=float(rng.integers(0, 48)))
            art = Article(
                article_id=content_hash(body), source_uri=src, source_format="jsonl", position=i,
                location=f"{src}:{d}:{i}", body=body, title=title,
                kicker=str(rng.choice(["POLITICS", "BUSINESS", "WORLD", "SPORT"])) if rng.random() < 0.3 else None,
                deck=" ".join(rng.choice(WORDS, 12).tolist()) if rng.random() < 0.4 else None,
                is_truncated=bool(rng.random() < 0.12), published_at=published,
                entities=[ArticleEntity(canonical=name, label=label, mentions=int(rng.integers(1, 6)),
                                        first_char=k * 40, in_lead=k < 2, salience=round(1 / (k + 1), 3))
                          for k, (name, label) in enumerate(uniq)],
            )
            art.truncation_reason = "ends_mid_sentence" if art.is_truncated else None
            if rng.random() < 0.95:
                summary = " ".join(words[:40])
                art.summaries = [Summary("extractive", "all-MiniLM-L6-v2", summary, [0, 1], 40)]
            else:
                art.skipped["summarise"] = "no_sentences"
            arts.append(art)
        for k in range(0, len(arts), 2000):
            shard = arts[k:k + 2000]
            written += wh.commit_shard(article_tables(shard, run_id, started), f"{run_id}-{k}", day)["articles"]
        dups = [Duplicate(f"dup{d}-{j}", arts[j].article_id, 1.0, "exact", arts[j].source_uri, f"dup:{d}:{j}")
                for j in range(0, len(arts), 33)]
        rejects = [Reject(sources[j % len(sources)], f"bad:{d}:{j}", "malformed JSON line")
                   for j in range(len(arts) // 100)]
        wh.append("duplicates", duplicate_table(dups, run_id), f"{run_id}-dups", day)
        wh.append("rejects", reject_table(rejects, run_id, started), f"{run_id}-rejects", day)
        row = {
            "run_id": run_id, "flow_run_id": None, "started_at": started,
            "finished_at": started + timedelta(seconds=float(rng.integers(60, 900))), "status": "completed",
            "sources": sources, "records_in": len(arts) + len(dups) + len(rejects), "articles": len(arts),
            "duplicates": len(dups), "unchanged": 0, "rejects": len(rejects),
            "rows_written": [("articles", len(arts))],
            "stage_seconds": [("ingest", 5.0), ("tag", float(rng.integers(30, 400))), ("summarise", 60.0)],
            "versions": [("newsflow", "bench")],
        }
        wh.append("runs", pa.Table.from_pylist([row], RUNS), run_id, day)
    refresh_catalog(wh)
    return {"articles": written, "seconds": round(time.perf_counter() - t0, 1)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    print(generate(args.root, args.articles))
