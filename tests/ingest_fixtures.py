"""Builders of input files in every supported format, from real Wikinews articles."""
from __future__ import annotations

import contextlib
import csv
import functools
import http.server
import io
import json
import threading
from collections.abc import Iterator
from email.utils import format_datetime
from datetime import datetime
from pathlib import Path

from conftest import DEVDATA


@functools.lru_cache(maxsize=1)
def dev_articles() -> list[dict]:
    """Real news articles (title, text, source_url, published), longest first."""
    rows = [json.loads(line) for line in DEVDATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    return sorted(rows, key=lambda r: -len(r["text"]))


def page_html(article: dict, author: str = "Jane Reporter", site: str = "Example News") -> str:
    """A news page: navigation and footer boilerplate around the article and its metadata."""
    paras = "".join(f"<p>{p}</p>" for p in article["text"].split("\n") if p.strip())
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{article['title']} | {site}</title>
<meta property="og:title" content="{article['title']}">
<meta property="og:site_name" content="{site}">
<meta name="author" content="{author}">
<meta property="article:published_time" content="{article['published']}T09:30:00+02:00">
<link rel="canonical" href="{article['source_url']}">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article><h1>{article['title']}</h1>{paras}</article>
<footer>Copyright {site}. All rights reserved. Subscribe to our newsletter.</footer>
</body></html>"""


def rss(articles: list[dict], base: str = "https://news.example.org", full: bool = True) -> str:
    items = []
    for i, a in enumerate(articles):
        when = format_datetime(datetime.fromisoformat(a["published"] + "T12:00:00+00:00"))
        body = "".join(f"<p>{p}</p>" for p in a["text"].split("\n") if p.strip())
        content = f"<content:encoded><![CDATA[{body}]]></content:encoded>" if full else ""
        items.append(
            f"<item><title>{_esc(a['title'])}</title><link>{base}/story/{i}</link>"
            f"<guid>{base}/story/{i}</guid><pubDate>{when}</pubDate>"
            f"<dc:creator>Wire Desk</dc:creator><description>{_esc(a['text'][:200])}</description>{content}</item>"
        )
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel><title>Example Wire</title><link>{base}</link><language>en-us</language>"
            + "".join(items) + "</channel></rss>")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>lol</title>
<item><title>&lol9;</title><description>&lol9;</description></item>
</channel></rss>"""

BROKEN_FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>Cut off</title><item><tit'


def write_csv(path: Path, articles: list[dict], extra_rows: list[list[str]] = ()) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["headline", "story", "link", "date", "author"])
        for a in articles:
            w.writerow([a["title"], a["text"], a["source_url"], a["published"], "Ann Smith, Bob Jones"])
        for row in extra_rows:
            w.writerow(row)


def write_parquet(path: Path, articles: list[dict], **extra_columns) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({
        "title": [a["title"] for a in articles],
        "content": [a["text"] for a in articles],
        "url": [a["source_url"] for a in articles],
        "published_at": [a["published"] for a in articles],
        **extra_columns,
    })
    pq.write_table(table, path, row_group_size=max(1, len(articles) // 3))


def write_warc(path: Path, pages: list[tuple[str, str]], others: int = 1) -> None:
    """A gzipped WARC: warcinfo, then a request + response per (url, html), then `others`
    image responses."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=str(path).endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "newsflow-tests"}))
        for url, html in pages:
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example.org")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=req))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(html.encode("utf-8")), http_headers=headers))
        for i in range(others):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://news.example.org/img/{i}.png", "response",
                payload=io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(64)), http_headers=headers))


@contextlib.contextmanager
def serve(routes: dict[str, tuple[str, bytes]]) -> Iterator[str]:
    """An http server on 127.0.0.1 serving {path: (content type, body)}; yields its base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            if self.path not in routes:
                self.send_error(404)
                return
            ctype, body = routes[self.path]
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep test output clean
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
