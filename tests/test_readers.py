"""Readers per format, sniffing, safety and limits: each turns real-looking input into
source records or rejects with a reason, without Prefect."""
from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone

import pytest

from ingest_fixtures import (
    BILLION_LAUGHS, BROKEN_FEED, dev_articles, page_html, rss, serve, write_csv, write_parquet, write_warc,
)
from tasks.ingest import Ingester, discover
from tasks.readers import ReadOptions, format_of, merge_fields, reader_for, sniff_format
from tasks.records import Reject, SourceRecord


def read(path, **options):
    """(records, rejects) of one file or URL through the Ingester."""
    out = Ingester(ReadOptions(**options))([str(path)])
    return out.items, out.rejects


def reasons(rejects: list[Reject]) -> dict[str, str]:
    return {r.location: r.reason for r in rejects}


@pytest.fixture(scope="module")
def arts():
    """Six real articles of 1,500-3,000 characters."""
    return [a for a in dev_articles() if 1500 <= len(a["text"]) <= 3000][:6]


def test_csv_maps_headers_and_rejects_rows_with_missing_fields(tmp_path, arts):
    path = tmp_path / "export.csv"
    write_csv(path, arts[:2], extra_rows=[["only a headline"], ["No story", "", "https://x.org", "2024-01-01", ""]])
    records, rejects = read(path)
    assert [r.title for r in records] == [a["title"] for a in arts[:2]]
    assert records[0].text == arts[0]["text"]  # multi-line quoted field kept whole
    assert records[0].authors == ["Ann Smith", "Bob Jones"]
    assert records[0].published_at == datetime.fromisoformat(arts[0]["published"]).replace(tzinfo=timezone.utc)
    assert reasons(rejects) == {"row 3": "wrong_field_count", "row 4": "missing_text"}


def test_tsv_in_another_encoding_is_decoded(tmp_path):
    text = "Le conseil municipal a approuvé mardi la construction d'un nouveau pont sur la rivière à Liège."
    path = tmp_path / "fr.tsv"
    path.write_bytes(f"title\ttext\nPont\t{text}\n".encode("cp1252"))
    records, rejects = read(path)
    assert rejects == [] and records[0].text == text


def test_field_map_names_unusual_columns_first(tmp_path, arts):
    path = tmp_path / "cms.jsonl"
    row = {"hed": "Custom headline", "story_html_stripped": arts[0]["text"], "title": "ignored", "ts": 1709542800}
    path.write_text(json.dumps(row) + "\n")
    fields = merge_fields({"text": ["story_html_stripped"], "title": ["hed"], "published": ["ts"]})
    (rec,), _ = read(path, fields=fields)
    assert rec.title == "Custom headline"
    assert rec.published_at == datetime(2024, 3, 4, 9, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="unknown field-map part"):
        merge_fields({"txet": ["x"]})


def test_field_map_from_environment(monkeypatch):
    from flows.settings import load_settings

    monkeypatch.setenv("NEWSFLOW_FIELD_MAP", '{"text": ["story"], "url": ["permalink"]}')
    options = ReadOptions.from_settings(load_settings())
    assert options.fields["text"][0] == "story" and options.fields["url"][:2] == ("permalink", "url")


def test_parquet_streams_record_batches(tmp_path, arts, monkeypatch):
    import tasks.readers.parquet as parquet_reader

    monkeypatch.setattr(parquet_reader, "BATCH_ROWS", 2)  # several batches from a small file
    rows = arts + [dict(arts[0], text="")]
    path = tmp_path / "export.parquet"
    write_parquet(path, rows, unused=[b"\x00" * 10] * len(rows))
    records, rejects = read(path)
    assert [r.location for r in records] == [f"row {i}" for i in range(1, 7)]
    assert records[2].url == arts[2]["source_url"]
    assert reasons(rejects) == {"row 7": "missing_text"}
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 this is not parquet PAR1")
    assert reasons(read(tmp_path / "bad.parquet")[1]) == {"file": "corrupt_parquet"}


def test_html_page_main_text_and_metadata(tmp_path, arts):
    path = tmp_path / "story.html"
    path.write_text(page_html(arts[0]))
    (rec,), rejects = read(path)
    assert rejects == []
    assert rec.title == arts[0]["title"]
    assert rec.authors == ["Jane Reporter"]
    assert rec.site == "Example News"
    assert rec.url == arts[0]["source_url"]
    assert rec.published_at == datetime.fromisoformat(arts[0]["published"] + "T07:30:00+00:00")
    first_para = arts[0]["text"].split("\n")[0]
    assert rec.text.startswith(first_para[:80])
    for boilerplate in ("Subscribe to our newsletter", "Home |", "All rights reserved"):
        assert boilerplate not in rec.text


def test_html_without_article_text_is_rejected(tmp_path):
    path = tmp_path / "nav.html"
    path.write_text("<html><body><nav><a href='/'>Home</a></nav><div></div></body></html>")
    assert reasons(read(path)[1]) == {"file": "no_article_text"}


def test_rss_entries_with_full_content(tmp_path, arts):
    path = tmp_path / "wire.rss"
    path.write_text(rss(arts[:3]))
    records, rejects = read(path)
    assert rejects == [] and len(records) == 3
    rec = records[1]
    assert rec.title == arts[1]["title"] and rec.url == "https://news.example.org/story/1"
    assert rec.text.split("\n")[:2] == [p for p in arts[1]["text"].split("\n") if p.strip()][:2]
    assert rec.published_at == datetime.fromisoformat(arts[1]["published"] + "T12:00:00+00:00")
    assert rec.authors == ["Wire Desk"] and rec.language == "en" and rec.site == "Example Wire"


def test_atom_feed_falls_back_to_summary(tmp_path):
    summary = "Rescuers reached the stranded climbers on Tuesday after a two-day search in heavy snow."
    atom = f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
      <title>Mountain News</title><entry><title>Climbers rescued</title>
      <link href="https://mountain.example.com/rescue"/><id>urn:1</id>
      <updated>2024-02-01T08:00:00-05:00</updated><author><name>Kim Lee</name></author>
      <summary>{summary}</summary></entry></feed>"""
    path = tmp_path / "mountain.xml"  # .xml says nothing: the content says feed
    path.write_text(atom)
    (rec,), _ = read(path)
    assert (rec.text, rec.authors, rec.source_format) == (summary, ["Kim Lee"], "feed")
    assert rec.published_at == datetime(2024, 2, 1, 13, tzinfo=timezone.utc)


def test_billion_laughs_feed_is_refused_not_expanded(tmp_path):
    path = tmp_path / "lol.rss"
    path.write_text(BILLION_LAUGHS)
    records, rejects = read(path)
    assert records == [] and reasons(rejects) == {"file": "unsafe_xml"}


def test_external_entity_feed_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    path = tmp_path / "xxe.rss"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
                    "<rss><channel><item><title>&x;</title><description>&x;</description></item></channel></rss>")
    records, rejects = read(path)
    assert records == [] and reasons(rejects) == {"file": "unsafe_xml"}


def test_broken_feed_is_rejected(tmp_path):
    path = tmp_path / "broken.rss"
    path.write_text(BROKEN_FEED)
    records, rejects = read(path)
    assert records == [] and len(rejects) == 1
    assert rejects[0].reason in ("malformed_feed", "empty_text")


def test_feed_from_url_and_follow_links(arts):
    pages = {f"/story/{i}": ("text/html; charset=utf-8", page_html(a).encode()) for i, a in enumerate(arts[:2])}
    routes = dict(pages)
    with serve(routes) as base:
        routes["/feed.xml"] = ("application/rss+xml", rss(arts[:3], base=base, full=False).encode())
        url = f"{base}/feed.xml"
        assert discover([url]) == ([url], [])
        plain, _ = read(url)
        followed, rejects = read(url, follow_links=True)
        missing, missing_rejects = read(f"{base}/nope.xml")
    # without following: the feed's 200-character description
    assert [len(r.text) <= 200 for r in plain] == [True, True, True]
    # following: the whole page, extracted; the third link 404s and keeps the feed's text
    assert followed[0].text.startswith(arts[0]["text"].split("\n")[0][:80])
    assert len(followed[0].text) > 1000 and followed[0].authors == ["Jane Reporter"]
    assert followed[0].source_uri == url
    assert followed[0].url == arts[0]["source_url"]  # the page's canonical link wins over the fetched URL
    assert followed[2].text == plain[2].text and rejects == []
    assert missing == [] and reasons(missing_rejects) == {"file": "fetch_failed"}


def test_warc_html_responses_extracted_other_records_rejected(tmp_path, arts):
    path = tmp_path / "crawl.warc.gz"
    pages = [(a["source_url"], page_html(a)) for a in arts[:2]]
    pages.append(("https://news.example.org/empty", "<html><body><nav>Home</nav></body></html>"))
    write_warc(path, pages, others=1)
    records, rejects = read(path)
    assert [r.url for r in records] == [a["source_url"] for a in arts[:2]]
    assert [r.location for r in records] == ["record 1", "record 2"]
    assert records[0].title == arts[0]["title"] and records[0].source_format == "warc"
    assert reasons(rejects) == {"record 3": "no_article_text", "record 4": "not_html"}


def test_content_sniffing_when_the_name_says_nothing(tmp_path, arts):
    import pyarrow as pa
    import pyarrow.parquet as pq

    cases = {
        "a.dat": json.dumps({"text": arts[0]["text"]}) + "\n",
        "b.dat": page_html(arts[0]),
        "c.dat": rss(arts[:1]),
        "d.dat": "title,text\nHello," + arts[0]["text"].split("\n")[0].replace(",", " ") + "\n",
        "e.dat": arts[0]["text"],
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
    pq.write_table(pa.table({"text": ["x"]}), tmp_path / "f.dat")
    write_warc(tmp_path / "g.dat", [])
    got = {p.name: sniff_format(p.read_bytes()[:4096]) for p in sorted(tmp_path.iterdir())}
    assert got == {"a.dat": "jsonl", "b.dat": "html", "c.dat": "feed", "d.dat": "csv", "e.dat": "text",
                   "f.dat": "parquet", "g.dat": "warc"}
    assert format_of("x/story.HTM.gz") == "html" and format_of("https://x.org/feed") == "feed"
    assert reader_for(str(tmp_path / "b.dat")).__name__ == "read_html"


def test_compressed_inputs(tmp_path, arts):
    line = json.dumps({"text": arts[0]["text"], "title": arts[0]["title"]}) + "\n"
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(line.encode()))
    import zstandard

    (tmp_path / "b.html.zst").write_bytes(zstandard.ZstdCompressor().compress(page_html(arts[1]).encode()))
    out = Ingester()(discover([str(tmp_path)])[0])
    assert [r.title for r in out.items] == [arts[0]["title"], arts[1]["title"]] and out.rejects == []


def test_long_line_is_rejected_and_memory_stays_bounded(tmp_path, arts):
    """The same path a 100 MB single line takes, at a 4 KiB limit (see the slow test)."""
    good = json.dumps({"text": arts[0]["text"]})
    (tmp_path / "x.jsonl").write_text(good + "\n" + json.dumps({"text": "word " * 5000}) + "\n" + good + "\n")
    records, rejects = read(tmp_path / "x.jsonl", max_record_bytes=4096)
    assert [r.location for r in records] == ["line 1", "line 3"]
    assert reasons(rejects) == {"line 2": "record_too_large"}
    (tmp_path / "dump.txt").write_text("A headline\n" + "word " * 5000 + "\n\n" + arts[0]["text"])
    records, rejects = read(tmp_path / "dump.txt", max_record_bytes=4096)
    assert reasons(rejects) == {"line 2": "record_too_large"}
    assert "".join(r.text for r in records).strip().endswith(arts[0]["text"].strip())


def test_large_text_dump_is_read_in_chunks_at_blank_lines(tmp_path, arts):
    text = "\n\n".join(a["text"] for a in arts)
    (tmp_path / "dump.txt").write_text(text)
    records, rejects = read(tmp_path / "dump.txt", max_record_bytes=2048)
    assert rejects == [] and len(records) > 1 and all(r.is_dump for r in records)
    assert "".join(r.text for r in records) == text
    assert records[0].location == "file" and records[1].location.startswith("line ")
    assert all(r.text.endswith("\n") for r in records[:-1])  # cut where a paragraph ends


def test_bad_files_become_rejects(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "image.dat").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    (tmp_path / "cut.txt.gz").write_bytes(gzip.compress(b"Some text that will be cut " * 50)[:-20])
    (tmp_path / "cut.csv.gz").write_bytes(gzip.compress(b"title,text\na,b\n" * 50)[:-20])
    out = Ingester()(discover([str(tmp_path)])[0])
    got = {r.source_uri.rsplit("/", 1)[-1]: r.reason for r in out.rejects}
    assert got == {"empty.jsonl": "empty_file", "image.dat": "unsupported_format",
                   "cut.txt.gz": "corrupt_archive", "cut.csv.gz": "corrupt_archive"}


def test_reader_records_are_source_records(tmp_path, arts):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": arts[0]["text"], "source": "https://www.wikinews.org"}) + "\n")
    (rec,), _ = read(path)
    assert isinstance(rec, SourceRecord) and rec.site == "https://www.wikinews.org"


def test_text_repaired_mojibake_entities_and_invisible_characters(tmp_path):
    """A scrape decoded once too often ('â€œ'), with entities and soft hyphens, reads as
    the text it was; curly quotes and dashes stay as written, and the repair is counted."""
    clean = "“We will not back down,” the minister said — twice.\nShares rose 5 % at AT&T’s rival."
    import ftfy.bad_codecs  # noqa: F401  (registers the codec browsers use for Windows-1252)

    broken = (clean.replace("5 %", "5\u00a0%").replace("back", "ba\u00adck").replace("’", "&#8217;")
              .encode("utf-8").decode("sloppy-windows-1252"))
    assert broken != clean and "â€" in broken
    path = tmp_path / "dump.txt"
    path.write_text(broken, encoding="utf-8")
    out = Ingester()([str(path)])
    assert [r.text for r in out.items] == [clean]
    assert out.stats["records_repaired"] == 1
    # text with nothing to repair is left alone, and not counted
    path.write_text(clean, encoding="utf-8")
    out = Ingester()([str(path)])
    assert [r.text for r in out.items] == [clean] and "records_repaired" not in out.stats
