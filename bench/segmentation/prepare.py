"""Embed every line any benchmark or training dump can contain, once (the cache lives in bench/out/)."""
from __future__ import annotations

import random
import time

from common import EmbeddingCache
from dumps import build_dump, load_articles
from supplement import load_supplement
from tasks.segment.boundaries import dump_lines
from tasks.segment.features import topic_text


def main() -> None:
    cache = EmbeddingCache()
    articles = load_articles()
    training_only = load_supplement()
    t0 = time.time()
    texts = set()
    for a in articles + training_only:
        # the evaluation never reopens; the training dumps may reopen any training article
        for reopen in (0.0, 1.0) if a in training_only or a.split == "train" else (0.0,):
            for layout in ("none", "per_line"):
                for titles in (True, False):
                    for trunc in (0.0, 1.0):
                        for dec in (False, True) if layout == "none" else (False,):
                            d = build_dump([a], layout, titles, trunc, dec, random.Random(1), reopen)
                            texts.update(topic_text(ln.text) for ln in dump_lines(d.text))
    texts = sorted(t for t in texts if cache.key(t) not in cache.values)
    print(f"{len(texts)} distinct lines to embed")
    for i in range(0, len(texts), 128):
        cache.encode(texts[i : i + 128])
        cache.save()
        print(f"{i + 128} embedded, {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
