"""The real enrich flow over a mixed inbox (every format, bad files, duplicates, a feed
served over http, a 100 MB single line): every input record is accounted for."""
from __future__ import annotations

import gzip
import json

import pytest

from conftest import query
from ingest_fixtures import (
    BILLION_LAUGHS, BROKEN_FEED, dev_articles, page_html, rss, serve, write_csv, write_parquet, write_warc,
)

pytestmark = pytest.mark.slow

FRENCH = ("Le conseil municipal de Lyon a approuvé lundi soir la construction d'un nouveau pont sur le Rhône. "
          "Les travaux commenceront au printemps prochain et dureront deux ans, a précisé le maire.\n"
          "Le projet, estimé à quarante millions d'euros, est financé par la métropole et par l'État.")


def _edited(body: str) -> str:
    words = body.split()
    words[len(words) // 3] = "reportedly"
    return " ".join(words)


def build_inbox(root, arts):
    inbox = root / "inbox"
    (inbox / "nested" / "deeper").mkdir(parents=True)
    lines = [json.dumps({"title": a["title"], "text": a["text"], "url": a["source_url"], "published": a["published"]})
             for a in arts[0:2]]
    lines += [json.dumps({"title": "Pont sur le Rhône", "text": FRENCH, "url": "https://www.lyon.example.fr/pont"}),
              "{not json at all", json.dumps({"title": "no body"})]
    (inbox / "export.jsonl").write_text("\n".join(lines) + "\n")
    write_csv(inbox / "export.csv", arts[2:3], extra_rows=[["only a headline", "short"]])
    write_parquet(inbox / "nested" / "export.parquet", arts[3:4])
    (inbox / "nested" / "story.html").write_text(page_html(arts[4]))
    (inbox / "nested" / "menu.html").write_text("<html><body><nav>Home</nav></body></html>")
    (inbox / "wire.rss").write_text(rss(arts[5:6]))
    (inbox / "broken.rss").write_text(BROKEN_FEED)
    (inbox / "lol.rss").write_text(BILLION_LAUGHS)
    write_warc(inbox / "nested" / "deeper" / "crawl.warc.gz", [(arts[6]["source_url"], page_html(arts[6]))])
    # exact and near copies of earlier articles, from other sources
    (inbox / "republished.jsonl").write_text(
        json.dumps({"text": arts[0]["text"]}) + "\n" + json.dumps({"text": _edited(arts[1]["text"])}) + "\n")
    # another encoding: kept
    (inbox / "latin.txt").write_bytes(
        (arts[7]["text"].replace("'", "\u2019") + " Caf\u00e9 owners said the r\u00e9sum\u00e9 was na\u00efve.")
        .encode("cp1252"))
    (inbox / "image.jpg.txt").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 20)
    (inbox / "empty.jsonl").write_bytes(b"")
    (inbox / "cut.jsonl.gz").write_bytes(gzip.compress(("\n".join(lines[:2]) + "\n").encode())[:-15])
    with open(inbox / "long_line.jsonl", "wb") as fh:  # ~100 MB on one line, written in chunks
        fh.write(b'{"text": "')
        for _ in range(100):
            fh.write(b"word " * 209_716)
        fh.write(b'"}\n')
    return inbox


def test_mixed_inbox_every_record_accounted_for(prefect_harness, tmp_path):
    from flows.enrich import enrich

    arts = [a for a in dev_articles() if 1200 <= len(a["text"]) <= 2500][:9]
    inbox = build_inbox(tmp_path, arts)
    wh = tmp_path / "wh"
    routes = {}
    with serve(routes) as base:
        feed_url = f"{base}/feed.xml"
        routes["/feed.xml"] = ("application/rss+xml", rss(arts[8:9], base=base).encode())
        report = enrich(sources=[str(inbox), feed_url], warehouse=str(wh))

    assert report["status"] == "completed"
    assert report["records_in"] == report["articles"] + report["duplicates"] + report["rejects"]
    runs = query(wh, "SELECT records_in, articles, duplicates, rejects FROM runs")
    assert runs == [(report["records_in"], report["articles"], report["duplicates"], report["rejects"])]
    assert query(wh, "SELECT count(*) FROM articles") == [(report["articles"],)]
    assert query(wh, "SELECT count(*) FROM rejects") == [(report["rejects"],)]

    reasons = {(name, loc): reason for name, loc, reason in query(
        wh, "SELECT regexp_extract(source_uri, '[^/]+$'), location, reason FROM rejects")}
    assert reasons == {
        ("export.jsonl", "line 4"): "malformed_json",
        ("export.jsonl", "line 5"): "missing_text",
        ("export.csv", "row 2"): "wrong_field_count",
        ("menu.html", "file"): "no_article_text",
        ("lol.rss", "file"): "unsafe_xml",
        ("crawl.warc.gz", "record 2"): "not_html",
        ("image.jpg.txt", "file"): "binary",
        ("empty.jsonl", "file"): "empty_file",
        ("cut.jsonl.gz", "file"): "corrupt_archive",
        ("long_line.jsonl", "line 1"): "record_too_large",
    } | {k: v for k, v in reasons.items() if k[0] == "broken.rss"}
    # feedparser's lenient parser may recover an empty entry from the cut-off feed
    assert [v for k, v in reasons.items() if k[0] == "broken.rss"] in (["malformed_feed"], ["empty_text"])

    formats = dict(query(wh, "SELECT source_format, count(*) FROM articles GROUP BY ALL"))
    # latin.txt is a text dump: the segmenter may cut its closing background paragraph off as
    # a topic shift (a known issue-9 gap, bench/README.md); the whole text must be there either way
    text_articles = formats.pop("text")
    assert formats == {"jsonl": 3, "csv": 1, "parquet": 1, "html": 1, "feed": 2, "warc": 1}
    assert text_articles in (1, 2)
    dups = query(wh, "SELECT d.kind, d.similarity, a.title FROM duplicates d JOIN articles a "
                     "ON a.article_id = d.duplicate_of ORDER BY kind")
    # republished.jsonl: an exact and a near copy; the truncated gzip's intact first line is another copy
    assert {(k, t) for k, _, t in dups} == {("exact", arts[0]["title"]), ("near", arts[1]["title"])}
    assert all(sim == 1.0 if k == "exact" else 0.8 <= sim < 1.0 for k, sim, _ in dups)

    lang, skipped, n_sent, domain = query(
        wh, "SELECT language, skipped_stages, n_sentences, source_domain FROM articles WHERE title = 'Pont sur le Rhône'")[0]
    assert (lang, n_sent, domain) == ("fr", 0, "lyon.example.fr")
    assert skipped == {"tag": "language:fr", "summarise": "language:fr", "entities": "language:fr"}
    assert query(wh, "SELECT count(*) FROM summaries s JOIN articles a USING (article_id) WHERE a.language = 'fr'") == [(0,)]
    latin = query(wh, "SELECT string_agg(body, chr(10) ORDER BY position) FROM articles WHERE source_format = 'text'")[0][0]
    assert "Café owners said the résumé was naïve." in latin
    assert query(wh, "SELECT count(*) FROM articles WHERE language = 'en' AND n_sentences > 0") == [(report["articles"] - 1,)]
    assert query(wh, "SELECT count(DISTINCT source_domain) FROM articles WHERE source_domain IS NOT NULL")[0][0] >= 3

    # a re-run adds no rows and still accounts for every record
    with serve(routes) as base2:
        routes["/feed.xml"] = ("application/rss+xml", rss(arts[8:9], base=base).encode())
        again = enrich(sources=[str(inbox), f"{base2}/feed.xml"], warehouse=str(wh))
    assert again["status"] == "completed" and again["articles"] == 0
    assert again["records_in"] == again["articles"] + again["duplicates"] + again["rejects"]
    assert again["records_in"] == report["records_in"]
    assert query(wh, "SELECT count(*) FROM articles") == [(report["articles"],)]
