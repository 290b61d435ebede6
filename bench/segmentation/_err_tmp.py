import random, sys
import numpy as np
from collections import Counter
from common import EmbeddingCache, centroids
from dumps import build_dump, load_articles, one_topic_groups, split
from run import CONDITIONS
from tasks.segment.boundaries import boundary_scores, decide, dump_lines, TOPIC_THRESHOLD
from tasks.segment.features import topic_text, LAYOUT_FEATURES
cache = EmbeddingCache(); arts = split(load_articles(), "eval"); cents = centroids(arts, cache)
col = {f: j for j, f in enumerate(LAYOUT_FEATURES)}
for name in ["unrelated, no titles", "one topic, no titles"]:
    topic, lay, titles, trunc, dec, size, _ = CONDITIONS[name]
    rng = random.Random(sum(map(ord, name)))
    fc, mc = Counter(), Counter(); fp_ex = []; nfp = nmiss = ntrue = 0
    for _ in range(20):
        group = one_topic_groups(arts, cents, size, rng) if topic == "one_topic" else rng.sample(arts, size)
        d = build_dump(group, lay, titles, trunc, dec, rng)
        lines = dump_lines(d.text)
        emb = cache.encode([topic_text(l.text) for l in lines])
        sc = boundary_scores(lines, emb)
        hyp = {b.index for b in decide(sc, TOPIC_THRESHOLD, None, sc.decoder)}
        gold = set(d.starts) - {0}
        pos = {i: r for r, i in enumerate(sc.index)}
        ntrue += len(gold)
        for i in hyp - gold:
            r = pos.get(i); nfp += 1
            f = sc.features[r] if r is not None else None
            fc["title_like" if f is not None and f[col["cur_title_like"]] else "prose"] += 1
            fc["p>=.5" if r is not None and sc.prob[r] >= .5 else "p<.5"] += 1
            fp_ex.append((round(float(sc.prob[r]),2) if r is not None else None, lines[i].text[:90], lines[i-1].text[-50:]))
        for i in gold - hyp:
            r = pos.get(i); nmiss += 1
            mc["p>=.5" if r is not None and sc.prob[r] >= .5 else "p<.5"] += 1
    print(name, "true", ntrue, "FP", nfp, dict(fc), "missed", nmiss, dict(mc))
    for e in fp_ex[:25]: print("   ", e)
