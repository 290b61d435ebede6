"""Check the gold files of the headed real dumps (headed_*.gold.json) against their dumps.

Plain Python, no project imports. Run: python3 check_headed_gold.py [DIR]
For each headed_NN.gold.json beside headed_NN.txt it checks that:
- the articles are numbered 1..N and their source_lines ranges are consecutive and cover
  every line of the dump exactly once;
- the title is the first line of its range (after a 'KICKER: ' when there is a kicker),
  or null;
- deck, byline, captions and boilerplate are whole lines of the article, in order;
- body_starts_with opens a line of the article (right after the dateline and its dash
  when there is one), body_ends_with ends one; authors appear in the byline;
- paragraphs equals the article's lines less its title, deck, byline, caption and
  boilerplate lines; is_truncated agrees with how body_ends_with ends.
Exits 1 on any failure.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from check_untitled_gold import parse_lines  # this folder's scripts share one range parser

KEYS = (
    "n", "source_lines", "title", "kicker", "deck", "byline", "authors", "dateline",
    "body_starts_with", "body_ends_with", "paragraphs", "captions", "boilerplate", "is_truncated",
)
SENTENCE_END = (".", "!", "?", "”", "\"", "’")


def check_file(gold_path: Path) -> list[str]:
    errs: list[str] = []
    txt_path = gold_path.with_name(gold_path.name.replace(".gold.json", ".txt"))
    if not txt_path.exists():
        return [f"missing dump {txt_path.name}"]
    raw = txt_path.read_text(encoding="utf-8")
    if raw.endswith("\n"):
        errs.append("dump ends with a newline")
    dump = raw.split("\n")
    for i, line in enumerate(dump, 1):
        if not line.strip():
            errs.append(f"line {i} is blank")
        elif line != line.strip():
            errs.append(f"line {i} has leading/trailing whitespace")
    doc = json.loads(gold_path.read_text(encoding="utf-8"))
    if not isinstance(doc.get("about"), str) or not doc["about"].strip():
        errs.append("no top-level 'about' string")
    if "canonical_people" in doc:
        errs.append("unexpected canonical_people")
    arts = doc.get("articles") or []
    if not arts:
        errs.append("no articles")
    expected_next = 1
    for idx, art in enumerate(arts, 1):
        tag = f"article {art.get('n')}"
        missing = [k for k in KEYS if k not in art]
        if missing:
            errs.append(f"{tag}: missing keys {missing}")
            continue
        if art["n"] != idx:
            errs.append(f"{tag}: expected n={idx}")
        try:
            nums = parse_lines(art["source_lines"])
        except ValueError as e:
            errs.append(f"{tag}: {e}")
            continue
        if nums != list(range(expected_next, expected_next + len(nums))):
            errs.append(f"{tag}: source_lines {art['source_lines']} do not continue from line {expected_next}")
        expected_next = nums[-1] + 1 if nums else expected_next
        if nums and nums[-1] > len(dump):
            errs.append(f"{tag}: source_lines run past the dump's {len(dump)} lines")
            continue
        lines = [dump[i - 1] for i in nums]
        used: set[int] = set()  # indexes into `lines` of non-body lines

        def whole_line(value: str, what: str, start: int = 0) -> int:
            for j in range(start, len(lines)):
                if lines[j] == value and j not in used:
                    used.add(j)
                    return j
            errs.append(f"{tag}: {what} {value!r} is not a line of the article")
            return start

        # title / kicker
        title, kicker = art["title"], art["kicker"]
        if title is not None:
            head = f"{kicker}: {title}" if kicker else title
            if lines[0] != head:
                errs.append(f"{tag}: first line {lines[0][:70]!r} is not the title {head[:70]!r}")
            else:
                used.add(0)
            if title.endswith("."):
                errs.append(f"{tag}: title ends with a full stop")
        elif kicker is not None and not any(l.startswith(kicker + ":") for l in lines):
            errs.append(f"{tag}: kicker {kicker!r} not found")
        if art["deck"] is not None:
            whole_line(art["deck"], "deck")
        if art["byline"] is not None:
            whole_line(art["byline"], "byline")
            for name in art["authors"]:
                if name.casefold() not in art["byline"].casefold():
                    errs.append(f"{tag}: author {name!r} not in byline")
        elif art["authors"]:
            errs.append(f"{tag}: authors without a byline")
        pos = 0
        for cap in art["captions"]:
            pos = whole_line(cap, "caption", pos)
        pos = 0
        for bp in art["boilerplate"]:
            pos = whole_line(bp, "boilerplate", pos)
        body = [l for j, l in enumerate(lines) if j not in used]
        if len(body) != art["paragraphs"]:
            errs.append(f"{tag}: paragraphs={art['paragraphs']} but {len(body)} body lines remain")
        if not body:
            errs.append(f"{tag}: no body lines")
            continue
        # body start, after the dateline
        first = body[0]
        dl = art["dateline"]
        if dl is not None:
            if not first.startswith(dl):
                errs.append(f"{tag}: first body line does not open with dateline {dl!r}")
            else:
                m = re.match(r"\s*[-—–]\s*", first[len(dl):])
                if not m:
                    errs.append(f"{tag}: no dash after dateline {dl!r}")
                first = first[len(dl) + (m.end() if m else 0):]
        if not first.startswith(art["body_starts_with"]):
            errs.append(f"{tag}: body_starts_with {art['body_starts_with'][:50]!r} does not open the body")
        if not body[-1].endswith(art["body_ends_with"]):
            errs.append(f"{tag}: body_ends_with {art['body_ends_with'][-50:]!r} does not end the last body line")
        ends_sentence = art["body_ends_with"].rstrip().endswith(SENTENCE_END)
        if art["is_truncated"] == ends_sentence:
            errs.append(f"{tag}: is_truncated={art['is_truncated']} but body ends {art['body_ends_with'][-20:]!r}")
        for key in ("body_starts_with", "body_ends_with", "deck", "byline"):
            if art[key] is not None and art[key] not in "\n".join(lines):
                errs.append(f"{tag}: {key} not inside the article's lines")
    if expected_next != len(dump) + 1:
        errs.append(f"source_lines stop at line {expected_next - 1} of {len(dump)}")
    return errs


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    golds = sorted(folder.glob("headed_*.gold.json"))
    if not golds:
        print(f"no headed_*.gold.json in {folder}")
        return 1
    bad = 0
    for g in golds:
        errs = check_file(g)
        n = len(json.loads(g.read_text(encoding="utf-8")).get("articles") or [])
        if errs:
            bad += 1
            print(f"FAIL {g.name} ({n} articles)")
            for e in errs:
                print("   ", e)
        else:
            print(f"ok   {g.name} ({n} articles)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
