"""The seam scorer: does the next line start a new article, read together with the line before?

Window embeddings compare what two stretches are about; they miss how a paragraph joins
the one before it ("He added ...", "The company ..." after a paragraph that named it, a
lead that introduces its people afresh). The seam scorer reads both sides of a gap at
once: the end of the line before and the start of the line after, as one sentence pair
through the sentence encoder (MiniLM), whose attention crosses the gap. Low-rank
adapters on its attention (LoRA, a few hundred kB, `seam_model.npz`) and a linear head
over the mean-pooled pair are fitted by `bench/segmentation/seam_train.py` on articles
the boundary model never sees; at load time the adapters are merged into a private copy
of the encoder's weights, so scoring costs one plain encoder pass per gap. A boundary
model reads the score when its weights file names a seam file (`train.py --seam`); the
bundled one does not (bench/README.md, segmentation round 5).
"""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

SIDE_WORDS = 40  # words kept each side of the gap: how a paragraph ends and the next begins
MAX_TOKENS = 128
BATCH = 32


def seam_pair(prev: str, cur: str) -> tuple[str, str]:
    """The text either side of a gap that the scorer reads: prev's last and cur's first words."""
    return " ".join(prev.split()[-SIDE_WORDS:]), " ".join(cur.split()[:SIDE_WORDS])


def encode_pairs(tokenizer, model, trimmed: list[tuple[str, str]]):
    """The encoder's mean-pooled output for (prev, cur) pairs already trimmed by `seam_pair`
    (a torch tensor; gradients flow if the caller's mode allows): what the head scores, the
    same in training and at run time."""
    before, after = zip(*trimmed)
    enc = tokenizer(list(before), list(after), truncation="longest_first", max_length=MAX_TOKENS, padding=True,
                    return_tensors="pt")
    hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    return (hidden * mask).sum(1) / mask.sum(1)


def adapter_targets(model) -> list[str]:
    """Names of the encoder's linear layers that carry adapters: every attention query and value."""
    return [n for n, _ in model.named_modules() if n.endswith(("attention.self.query", "attention.self.value"))]


class LowRankAdapters:
    """Trainable low-rank updates (B @ A) * scale added to the outputs of a model's
    `adapter_targets`, base weights untouched: the training-time form of what `SeamScorer`
    merges into the weights (B starts at zero, so training starts from the plain encoder)."""

    def __init__(self, model, rank: int = 8, alpha: float = 16.0, seed: int = 0):
        import torch

        g = torch.Generator().manual_seed(seed)
        self.scale = alpha / rank
        self.params = {}
        modules = dict(model.named_modules())
        for name in adapter_targets(model):
            lin = modules[name]
            A = torch.nn.Parameter(torch.randn(rank, lin.in_features, generator=g) / lin.in_features**0.5)
            B = torch.nn.Parameter(torch.zeros(lin.out_features, rank))
            self.params[name] = (A, B)
            lin.register_forward_hook(self._hook(A, B))

    def _hook(self, A, B):
        def add(_module, inputs, output):
            return output + (inputs[0] @ A.T @ B.T) * self.scale

        return add

    def tensors(self) -> list:
        """The trainable tensors, for an optimiser."""
        return [t for ab in self.params.values() for t in ab]

    def arrays(self) -> dict[str, np.ndarray]:
        """The adapters as `SeamScorer` reads them from its weights file."""
        out = {"lora_scale": np.array(self.scale)}
        for name, (A, B) in self.params.items():
            out[f"{name}.A"], out[f"{name}.B"] = A.detach().numpy(), B.detach().numpy()
        return out


class SeamScorer:
    """Log-odds that the line after a gap starts a new article, one per (prev, cur) pair."""

    def __init__(self, path: Path | str):
        import torch
        from transformers import AutoModel, AutoTokenizer

        from tasks.models import embedding_model_path

        try:
            z = np.load(path)
        except OSError as exc:
            raise RuntimeError(f"seam model {str(path)!r} cannot be read: {exc}") from exc
        base = embedding_model_path(str(z["base"]))
        self.tokenizer = AutoTokenizer.from_pretrained(str(base))
        self.model = AutoModel.from_pretrained(str(base)).eval()
        modules = dict(self.model.named_modules())
        with torch.no_grad():
            for name in adapter_targets(self.model):
                delta = z[f"{name}.B"] @ z[f"{name}.A"] * float(z["lora_scale"])
                modules[name].weight += torch.from_numpy(delta.astype(np.float32))
        self.head_w = z["head_w"].astype(np.float32)
        self.head_b = float(z["head_b"])
        self._busy = threading.Lock()

    def score(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Seam log-odds per (prev, cur) pair of full lines (trimmed by `seam_pair`)."""
        import torch

        out = np.zeros(len(pairs), dtype=np.float32)
        if not pairs:
            return out
        trimmed = [seam_pair(p, c) for p, c in pairs]
        order = sorted(range(len(trimmed)), key=lambda i: len(trimmed[i][0]) + len(trimmed[i][1]))
        with self._busy, torch.inference_mode():
            for s in range(0, len(order), BATCH):
                rows = order[s : s + BATCH]
                pooled = encode_pairs(self.tokenizer, self.model, [trimmed[i] for i in rows]).numpy()
                out[rows] = pooled @ self.head_w + self.head_b
        return out


def seam_scorer(path: Path | str) -> SeamScorer:
    """The process-wide seam scorer for the weights file at `path`."""
    from tasks.models import load_once

    return load_once("seam", str(path), SeamScorer)
