"""Decks, on real articles: where a deck run into its lead on one line is split
(`run_in_deck.split_inline_deck`), and how often a headline's lead is taken for a deck.

    python bench/segmentation/deck_bench.py [--articles train|eval|supplement] [--show N]

Pages like the bundled sample print 'KICKER: deck without a full stop Lead sentence ...'
on one line. For every real article with two paragraphs or more, the deck is the first
sentence of its second paragraph without its full stop (skipped when it ends in a quote),
run into the lead paragraph: the split must fall exactly between them. The lead alone (a
kicker straight into its lead, 10 words or more) must not be split at all. Prints the share
split right, not split and split wrong, and of leads alone the share split anyway. Then every
article as a headline over its paragraphs, with no deck: the share read with a deck anyway
(a lead or its first paragraph taken for one).
"""
from __future__ import annotations

import argparse
import random

import common  # noqa: F401  (puts the repo root on sys.path)
from dumps import load_articles, split
from supplement import load_supplement, sentences
from tasks.segment.run_in_deck import split_inline_deck
from tasks.segment.structure import parse_article


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", choices=["train", "eval", "supplement"], default="eval")
    ap.add_argument("--show", type=int, default=0, help="print N of the cases read wrong")
    args = ap.parse_args()
    arts = split(load_articles(), args.articles) if args.articles != "supplement" else load_supplement()
    right = none = wrong = 0
    misses = []
    for a in arts:
        if len(a.paragraphs) < 2 or not (first := sentences(a.paragraphs[1])):
            continue
        deck = first[0].rstrip(".!?")
        if deck != first[0].rstrip(".!?\"”"):
            continue  # a quote that ends the sentence: no deck ends so
        got = split_inline_deck(f"{deck} {a.paragraphs[0]}")
        if got == (deck, a.paragraphs[0]):
            right += 1
        else:
            none += got is None
            wrong += got is not None
            misses.append((deck[-50:], a.paragraphs[0][:50], got and (got[0][-40:], got[1][:40])))
    leads = [a.paragraphs[0] for a in arts if len(a.paragraphs[0].split()) >= 10]
    split_anyway = sum(split_inline_deck(lead) is not None for lead in leads)
    n = right + none + wrong
    print(f"{args.articles}: {n} decks run into their lead: split right {right / n:.3f}, not split {none / n:.3f}, "
          f"split wrong {wrong / n:.3f}; {len(leads)} leads alone: split anyway {split_anyway / len(leads):.3f}")
    titled = [a for a in arts if len(a.paragraphs) >= 2]
    false_decks = [st.deck for a in titled if (st := parse_article([a.title, *a.paragraphs])).deck is not None]
    print(f"  {len(titled)} headlines over their paragraphs, no deck: read a deck anyway "
          f"{len(false_decks) / len(titled):.3f}")
    misses += [("(no deck)", d[:50], None) for d in false_decks]
    random.Random(0).shuffle(misses)
    for m in misses[: args.show]:
        print("  deck ...", repr(m[0]), "| lead", repr(m[1]), "| got", m[2])


if __name__ == "__main__":
    main()
