"""The compact key set behind the writer's stored keys and the dedupe stage's known ids,
and the near-duplicate index's sorted band keys."""
import random
import tracemalloc

import numpy as np

from tasks.key_set import KeySet, key_digest
from tasks.near_duplicates import NearDuplicateIndex


def test_membership_matches_a_python_set_across_merges():
    rng = random.Random(7)
    keys = [(f"{rng.getrandbits(80):020x}", f"file-{rng.randrange(50)}.jsonl", rng.randrange(9)) for _ in range(12000)]
    held, ks = set(keys[:9000]), KeySet()
    for k in keys[:9000]:  # more than one buffer's worth: merged into the sorted array on the way
        ks.add(k)
    ks.update(keys[:100])  # added twice, counted once
    assert len(ks) == len(held) == 9000
    assert all(k in ks for k in keys[:9000])
    assert not any(k in ks for k in keys[9000:])
    assert (keys[5][0], keys[5][1], keys[5][2] + 1) not in ks


def test_a_value_is_its_one_tuple_and_types_stay_apart():
    ks = KeySet(["abc", None, 1])
    assert "abc" in ks and ("abc",) in ks
    assert "None" not in ks and None in ks
    assert "1" not in ks and 1 in ks


def test_digests_that_end_in_zero_bytes_are_found_and_kept_apart():
    # numpy hands S16 values back without trailing zero bytes; membership must not rely on that
    zeroes = [k for k in (f"k{i}" for i in range(20000)) if key_digest(k).endswith(b"\0")][:20]
    assert len(zeroes) == 20
    ks = KeySet(zeroes)
    len(ks)  # merged into the sorted array
    assert all(k in ks for k in zeroes)
    assert not any(f"x{k}" in ks for k in zeroes)


def test_a_copy_grows_apart():
    ks = KeySet(["a"])
    other = ks.copy()
    other.add("b")
    assert "b" in other and "b" not in ks and "a" in other


def test_a_key_costs_tens_of_bytes_not_hundreds():
    keys = [f"{i:020x}" for i in range(20000)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        ks = KeySet(keys)
        len(ks)
        per_key = (tracemalloc.get_traced_memory()[0] - before) / len(keys)
    finally:
        tracemalloc.stop()
    assert per_key < 40  # a Python set of these strings: ~105 bytes a key, the strings aside


def test_index_finds_a_shared_band_before_and_after_merging():
    index = NearDuplicateIndex(threshold=0.8)
    rng = np.random.default_rng(3)
    sigs = rng.integers(0, 2**32, size=(3000, 128), dtype=np.uint32)
    index._add_rows([f"bulk{i}" for i in range(2000)], sigs[:2000])  # a load: sorted at once
    for i in range(2000, 3000):  # one by one: the recent dict, merged part-way
        index._add_rows([f"one{i}"], sigs[i : i + 1])
    assert index._recent  # some still unmerged
    for row in (5, 1999, 2100, 2999):
        probe = rng.integers(0, 2**32, size=128, dtype=np.uint32)
        band = 3 * index._band_rows
        probe[band : band + index._band_rows] = sigs[row, band : band + index._band_rows]
        assert row in index._candidates(probe)
    assert index._candidates(rng.integers(0, 2**32, size=128, dtype=np.uint32)) == []
    assert index._add_rows(["bulk7"], sigs[:1]) == [7]  # an id held already keeps its row
