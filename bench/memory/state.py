"""Bytes per article of the state the flow keeps for a whole run, which grows with the
warehouse: the near-duplicate index and the sets of stored keys (bench/README.md, memory,
tenth round). Traced with tracemalloc over N random signatures and ids, so it counts
allocated bytes (the index's signature array is counted at its doubled capacity).

    python bench/memory/state.py [--articles 20000]
"""
from __future__ import annotations

import argparse
import gc
import secrets
import sys
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tasks.near_duplicates import NearDuplicateIndex  # noqa: E402


def traced(build) -> float:
    """Bytes still allocated after `build()` returns (its result kept alive; the garbage
    of earlier builds, cycles included, collected first)."""
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    kept = build()  # noqa: F841
    gc.collect()
    return tracemalloc.get_traced_memory()[0] - before


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=20000)
    n = ap.parse_args().articles
    sigs = np.random.default_rng(0).integers(0, 2**32, size=(n, 128), dtype=np.uint32)
    ids = [secrets.token_hex(10) for _ in range(n)]  # article ids: 20 hex characters
    NearDuplicateIndex()  # imports datasketch (and scipy) before tracing starts
    tracemalloc.start()

    def index():
        near = NearDuplicateIndex()
        add = getattr(near, "_add_rows", None)
        for aid, sig in zip(ids, sigs):  # one at a time, as a run adds them
            if add is None:  # the index before the tenth round (`_add`), run from a checkout of 5a940d4
                near._add(aid, sig)
            else:
                add([aid], sig[None, :])
        return near

    def key_set():
        from tasks.key_set import KeySet

        keys = KeySet(ids)
        len(keys)
        return keys

    rows = [
        ("near-duplicate index (ids, signatures, band keys)", traced(index)),
        ("  of which the signature array's capacity", 2 ** int(np.ceil(np.log2(max(n, 1024)))) * 512),
        ("KeySet of the ids", traced(key_set) if Path(sys.path[0], "tasks", "key_set.py").exists() else float("nan")),
        ("Python set of the ids (the strings aside)", traced(lambda: set(ids))),
        ("Python set of 1-tuples of the ids (the writer's keys before)", traced(lambda: {(i,) for i in ids})),
        ("the id strings themselves", traced(lambda: [secrets.token_hex(10) for _ in range(n)])),
    ]
    print(f"| {n:,} articles | bytes an article |\n|---|---:|")
    for name, size in rows:
        print(f"| {name} | {size / n:,.0f} |")


if __name__ == "__main__":
    main()
