"""Check the hand-written gold files of the untitled dumps here (untitled_*.gold.json) against
their dumps (check_headed_gold.py checks the headed ones).

    python bench/segmentation/realdumps/check_untitled_gold.py [GOLD.json ...]

Plain python, no project imports. For each `untitled_*.gold.json` here (or the files given), checks:
every dump line is in exactly one article's source_lines, except caption lines, which must
be listed in the captions of the article whose line range holds them; articles are numbered
1.. and in dump order; the first source line is kicker + ": " + deck + " " + dateline + " - "
+ body_starts_with (the parts the gold gives); the last source line ends with
body_ends_with; paragraphs is the number of source lines; is_truncated agrees with how the
last line ends; the file has no blank lines and no trailing newline. Exits 1 on any error.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEYS = {"n", "source_lines", "title", "kicker", "deck", "dateline", "body_starts_with", "body_ends_with",
        "paragraphs", "captions", "is_truncated"}
DASHES = ("-", "—", "–")
SENTENCE_END = re.compile(r"[.!?][”’\")]*$|[.!?]?[”’\"]\.?$")
KICKER_LIKE = re.compile(r"^[A-Z][A-Z0-9 '&.-]*[A-Z]: ")


def parse_lines(spec: str) -> list[int]:
    out = []
    for part in spec.split(","):
        a, _, b = part.strip().partition("-")
        out.extend(range(int(a), int(b or a) + 1))
    return out


def check(gold_path: Path) -> list[str]:
    errs: list[str] = []
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    dump = gold_path.parent / gold.get("file", gold_path.name.replace(".gold.json", ".txt"))
    raw = dump.read_text(encoding="utf-8")
    if raw.endswith("\n"):
        errs.append("dump ends with a newline")
    lines = raw.split("\n")
    n_lines = len(lines)
    for i, ln in enumerate(lines, 1):
        if not ln.strip():
            errs.append(f"line {i} is blank")
        elif ln != ln.strip():
            errs.append(f"line {i} has leading/trailing whitespace")
    if not isinstance(gold.get("about"), str) or not gold["about"]:
        errs.append("missing 'about'")

    owner: dict[int, int] = {}
    prev_max = 0
    for idx, a in enumerate(gold["articles"], 1):
        tag = f"article {a.get('n')}"
        missing = KEYS - a.keys()
        if missing:
            errs.append(f"{tag}: missing keys {sorted(missing)}")
            continue
        if a["n"] != idx:
            errs.append(f"{tag}: expected n={idx}")
        if a["title"] is not None:
            errs.append(f"{tag}: title should be null in an untitled dump")
        nos = parse_lines(a["source_lines"])
        if nos != sorted(set(nos)):
            errs.append(f"{tag}: source_lines not increasing/unique")
        if not nos or nos[0] < 1 or nos[-1] > n_lines:
            errs.append(f"{tag}: source_lines out of range 1-{n_lines}")
            continue
        lo, hi = nos[0], nos[-1]
        if lo <= prev_max:
            errs.append(f"{tag}: starts at {lo}, not after previous article's end {prev_max}")
        prev_max = hi
        for k in nos:
            if k in owner:
                errs.append(f"{tag}: line {k} already in article {owner[k]}")
            owner[k] = a["n"]
        # captions: exactly the lines inside [lo, hi] not in source_lines, in order
        gaps = [k for k in range(lo, hi + 1) if k not in set(nos)]
        gap_text = [lines[k - 1] for k in gaps]
        if gap_text != a["captions"]:
            errs.append(f"{tag}: captions {a['captions']} != lines left out of its range {gap_text} ({gaps})")
        for k in gaps:
            owner[k] = a["n"]
        if a["paragraphs"] != len(nos):
            errs.append(f"{tag}: paragraphs {a['paragraphs']} != {len(nos)} source lines")

        # first line: [KICKER: ][deck ][dateline - ]body
        rest = lines[lo - 1]
        if a["kicker"] is not None:
            pre = a["kicker"] + ": "
            if not rest.startswith(pre):
                errs.append(f"{tag}: first line does not start with kicker {pre!r}")
            rest = rest[len(pre):]
        elif KICKER_LIKE.match(rest):
            errs.append(f"{tag}: first line looks like it has a kicker but kicker is null")
        if a["deck"] is not None:
            if a["deck"].endswith("."):
                errs.append(f"{tag}: deck ends with a full stop")
            if not rest.startswith(a["deck"] + " "):
                errs.append(f"{tag}: deck not found after the kicker")
            rest = rest[len(a["deck"]) + 1:]
        if a["dateline"] is not None:
            if not rest.startswith(a["dateline"] + " "):
                errs.append(f"{tag}: dateline {a['dateline']!r} not found at the start of the lead")
            rest = rest[len(a["dateline"]) + 1:]
            if rest[:1] not in DASHES or rest[1:2] != " ":
                errs.append(f"{tag}: dateline not followed by ' - ' / ' — '")
            rest = rest[2:]
        if not rest.startswith(a["body_starts_with"]):
            errs.append(f"{tag}: body_starts_with not at body start; body starts {rest[:60]!r}")
        for k in nos[1:]:
            if lines[k - 1].startswith(a["body_starts_with"]):
                errs.append(f"{tag}: body_starts_with also opens line {k}")

        last = lines[hi - 1]
        if hi not in nos:
            errs.append(f"{tag}: last line of range is a caption")
        if not last.endswith(a["body_ends_with"]):
            errs.append(f"{tag}: last line does not end with body_ends_with")
        if len(nos) == 1 and a["body_starts_with"] and a["body_ends_with"]:
            body = rest
            if len(a["body_starts_with"]) + len(a["body_ends_with"]) > len(body):
                errs.append(f"{tag}: body_starts_with and body_ends_with overlap")
        ends_sentence = bool(SENTENCE_END.search(last))
        if a["is_truncated"] == ends_sentence:
            errs.append(f"{tag}: is_truncated={a['is_truncated']} but last line "
                        f"{'ends' if ends_sentence else 'does not end'} a sentence: ...{last[-30:]!r}")

    uncovered = [k for k in range(1, n_lines + 1) if k not in owner]
    if uncovered:
        errs.append(f"lines in no article: {uncovered}")
    return errs


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted(HERE.glob("untitled_*.gold.json"))
    bad = 0
    for p in paths:
        errs = check(p)
        gold = json.loads(p.read_text(encoding="utf-8"))
        print(f"{p.name}: {len(gold['articles'])} articles, {'OK' if not errs else f'{len(errs)} error(s)'}")
        for e in errs:
            print("   ", e)
        bad += bool(errs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
