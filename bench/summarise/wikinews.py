"""Make a `{id, article, reference}` JSONL from the Wikinews dev articles.

    python bench/summarise/wikinews.py ../shared/devdata/news_dev.jsonl > wikinews_title.jsonl

The reference is the article's HEADLINE, written by the Wikinews editor, not by us and
not chosen to suit any method. It is a short, headline-style reference (about ten
words), so absolute scores are far below CNN/DailyMail's three-bullet highlights and
favour short, lead-like summaries; compare methods against each other, not against
published CNN/DailyMail numbers.
"""
from __future__ import annotations

import json
import sys

for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("text") and row.get("title"):
                print(json.dumps({"id": row["id"], "article": row["text"], "reference": row["title"]}))
