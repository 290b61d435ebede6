"""Abstractive summaries from a transformers seq2seq model (BART, PEGASUS, T5 family).

The model is named in the settings (a local folder, or a name already in the Hugging
Face cache: no hub is reached at run time) and loaded once per process on the GPU
when there is one (`tasks.models.seq2seq_model`). Generation is batched and
deterministic (beam search, no sampling). An article longer than the model's input
is cut at sentence boundaries into chunks that fit; the chunks are summarised, and
their summaries are summarised again (map-reduce) until one input fits.
"""
from __future__ import annotations

import json
import re

from tasks.models import seq2seq_model, torch_device
from tasks.records import Article, Summary
from tasks.step import Step

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_T5_FAMILY = ("t5", "mt5", "umt5", "longt5")


def split_summary_sentences(text: str) -> list[str]:
    """A generated summary cut into sentences (for ROUGE-Lsum and re-chunking)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def pack_chunks(units: list[str], lengths: list[int], limit: int) -> list[str]:
    """Consecutive units (sentences) joined into chunks of at most `limit` tokens.

    A unit longer than `limit` alone makes a chunk (the tokenizer truncates it).
    """
    chunks, current, size = [], [], 0
    for unit, n in zip(units, lengths):
        if current and size + n > limit:
            chunks.append(" ".join(current))
            current, size = [], 0
        current.append(unit)
        size += n
    return chunks + ([" ".join(current)] if current else [])


class AbstractiveSummariser(Step):
    """Beam-search summaries from a seq2seq model, with map-reduce over long articles.

    model (str): local folder or cached model name (BART, PEGASUS, T5...).
    min_tokens, max_tokens (int): bounds on each generated summary, in tokens.
    num_beams (int): beam width; generation never samples, so runs are repeatable.
    max_input_tokens (int | None): the input window; None: the model's own.
    batch_size (int): inputs per `generate` call.
    max_rounds (int): summarise-the-summaries rounds at most, for very long articles.
    device (str): `auto` (CUDA when present, else CPU), `cpu`, `cuda`, `cuda:1`...
    """

    name = "summarise-abstractive"
    version = "1"
    method = "abstractive"

    def __init__(
        self,
        model: str,
        min_tokens: int = 10,
        max_tokens: int = 128,
        num_beams: int = 4,
        max_input_tokens: int | None = None,
        batch_size: int = 8,
        no_repeat_ngram_size: int = 3,
        max_rounds: int = 3,
        device: str = "auto",
    ) -> None:
        super().__init__()
        self.model = model
        self.min_tokens = min_tokens
        self.max_tokens = max_tokens
        self.num_beams = num_beams
        self.max_input_tokens = max_input_tokens
        self.batch_size = batch_size
        self.no_repeat_ngram_size = no_repeat_ngram_size
        self.max_rounds = max_rounds
        self.device = device

    @property
    def params(self) -> str:
        return json.dumps(
            {
                "min_tokens": self.min_tokens,
                "max_tokens": self.max_tokens,
                "num_beams": self.num_beams,
                "max_input_tokens": self.max_input_tokens,
                "no_repeat_ngram_size": self.no_repeat_ngram_size,
            },
            sort_keys=True,
        )

    def run(self, batch: list[Article]) -> list[Article]:
        todo = [a for a in batch if a.body.strip()]
        for a in batch:
            if not a.body.strip():
                a.skipped.setdefault(self.name, "empty_body")
        if not todo:
            return batch
        units = [[s.text for s in a.sentences] or split_summary_sentences(a.body) for a in todo]
        for art, text in zip(todo, self.summarise(units)):
            if not text:
                art.skipped.setdefault(self.name, "empty_summary")
                self.stats["empty_summaries"] += 1
                continue
            art.summaries.append(Summary(self.method, self.model, text, [], len(text.split()), self.params))
            self.stats["summaries"] += 1
        return batch

    def summarise(self, documents: list[list[str]]) -> list[str]:
        """One summary per document (a list of sentences), chunking what does not fit."""
        tokenizer, model = seq2seq_model(self.model, self.device)
        prefix = self._prefix(model.config)
        # room for the prefix and the special tokens (<s>, </s>) the tokenizer adds
        limit = self._input_limit(tokenizer, model.config) - len(tokenizer(prefix).input_ids)
        pending = dict(enumerate(documents))
        done: dict[int, str] = {}
        for round_no in range(self.max_rounds + 1):
            chunks = {}
            for doc, units in pending.items():
                lengths = [len(ids) for ids in tokenizer(units, add_special_tokens=False).input_ids] if units else []
                chunks[doc] = pack_chunks(units, lengths, limit)
            flat = [c for doc in pending for c in chunks[doc]]
            self.stats["chunks"] += len(flat)
            outputs = iter(self._generate([prefix + c for c in flat], tokenizer, model))
            summaries = {doc: [next(outputs) for _ in chunks[doc]] for doc in pending}
            pending = {}
            for doc, parts in summaries.items():
                if len(parts) <= 1 or round_no == self.max_rounds:
                    done[doc] = " ".join(p for p in parts if p)
                else:  # summarise the chunk summaries next round
                    pending[doc] = [s for p in parts for s in split_summary_sentences(p)]
            if not pending:
                break
        return [done.get(i, "") for i in range(len(documents))]

    def _generate(self, texts: list[str], tokenizer, model) -> list[str]:
        import torch

        out = [""] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # less padding
        limit = self._input_limit(tokenizer, model.config)
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            enc = tokenizer(
                [texts[i] for i in idx], padding=True, truncation=True, max_length=limit, return_tensors="pt"
            ).to(model.device)
            enc.pop("token_type_ids", None)
            with torch.inference_mode():
                ids = model.generate(
                    **enc, num_beams=self.num_beams, do_sample=False, early_stopping=True,
                    min_new_tokens=self.min_tokens, max_new_tokens=self.max_tokens,
                    no_repeat_ngram_size=self.no_repeat_ngram_size,
                )
            for i, text in zip(idx, tokenizer.batch_decode(ids, skip_special_tokens=True)):
                out[i] = " ".join(text.split())
        self.stats["generated"] += len(texts)
        return out

    def _input_limit(self, tokenizer, config) -> int:
        if self.max_input_tokens:
            return self.max_input_tokens
        # model_max_length is a huge sentinel when a tokenizer does not know its model.
        limits = [tokenizer.model_max_length, getattr(config, "max_position_embeddings", None) or 10**9]
        limit = min(limits)
        return limit if limit < 10**6 else 512

    @staticmethod
    def _prefix(config) -> str:
        task = (getattr(config, "task_specific_params", None) or {}).get("summarization", {})
        if "prefix" in task:
            return task["prefix"]
        return "summarize: " if config.model_type in _T5_FAMILY else ""

    def resolved_device(self) -> str:
        """The device generation runs on (`auto` resolved)."""
        return torch_device(self.device)
