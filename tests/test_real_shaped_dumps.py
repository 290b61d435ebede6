"""Whole dumps in the shapes real ones have (bench/segmentation/realdumps: written by hand,
untitled like the bundled sample or scraped with headlines, decks, bylines, datelines,
captions, furniture and cut-off scrapes), split and parsed end to end against their gold."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "real_dumps", Path(__file__).resolve().parent.parent / "bench" / "segmentation" / "real_dumps.py"
)
real_dumps = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(real_dumps)

# Known gaps (bench/README.md, round 10): decks read as the lead's first words or paragraph
KNOWN_DECK_MISSES = {
    ("untitled_07.txt", 4): "a deck run into the lead across two capitalised words ('in Berlin | German dairy ...')",
    ("untitled_11.txt", 5): "the same, after a name ('geologist Ram Bahadur Thapa | Nepalese Home Ministry ...')",
}
# untitled_12.txt, cut inside a flood story at its closing paragraphs on climate change until
# round 11, is cut exactly since the rejoin pass
DUMPS = [pytest.param(d, g, id=d.name) for d, g in real_dumps.gold_dumps()]


@pytest.mark.parametrize("dump, gold", DUMPS)
def test_every_article_is_cut_exactly_and_read_right(embedder, dump, gold):
    from tasks.models import DEFAULT_EMBEDDING_MODEL

    r = real_dumps.score(dump.read_text(encoding="utf-8"), json.loads(gold.read_text(encoding="utf-8")),
                         DEFAULT_EMBEDDING_MODEL)
    assert (r["exact"], r["found"]) == (r["articles"], r["articles"]), r["misses"]
    known = {n for name, n in KNOWN_DECK_MISSES if name == dump.name}
    # the known decks miss only as the lead's paragraph; when one is read right, drop it above
    assert {m[0] for m in r["misses"] if m[1] == "deck"} == known
    assert [m for m in r["misses"] if m[0] not in known or m[1] not in ("deck", "paragraphs", "body")] == []


@pytest.mark.parametrize("checker", ["check_untitled_gold.py", "check_headed_gold.py"])
def test_the_gold_files_agree_with_their_dumps(checker):
    """Every gold line range, snippet, caption and count matches the dump it describes."""
    import subprocess
    import sys

    script = Path(real_dumps.HERE) / "realdumps" / checker
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
