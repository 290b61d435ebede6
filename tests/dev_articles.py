"""The development articles the boundary tests cut: which are held out, and wire-style lines."""
from __future__ import annotations

import hashlib
import re


def held_out(article_id: str) -> bool:
    """Articles the boundary model never trained on (bench/segmentation/dumps.py's split)."""
    return int(hashlib.sha1(article_id.encode()).hexdigest()[:8], 16) % 1000 >= 600


def wire_lines(paragraph: str) -> list[str]:
    """A paragraph re-broken as wire copy breaks them: one or two sentences a line."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", paragraph)
    out = []
    while sentences:
        take = 2 if len(out) % 2 else 1
        out.append(" ".join(sentences[:take]))
        sentences = sentences[take:]
    return out
