"""A sequence model over a dump's gaps: each gap's cues read in the light of its neighbours'.

The boundary network (`boundary_model`) scores each gap from its own cues. Whether a
topic dip is an article boundary also depends on the gaps around it: the deepest dip of a
stretch, a dip that would leave a one-paragraph 'article', a run of sub-stories that keep
returning to the same cast. A small bidirectional GRU reads the whole dump's rows (each
gap's cues, the wide-window name cohesion of `cohesion.py`, and each line's cosine to its
four neighbours on either side) and gives every gap a log-odds. It reads cues, not the
embeddings themselves, so it cannot learn its training articles by heart.

Several GRUs (seeds) are averaged; their weights (`boundary_sequence.npz`, 300 kB for three nets) are
fitted by `bench/segmentation/sequence_train.py` and run here in numpy, so inference needs
no torch. A boundary model reads them when its weights file names the file (`"sequence"`).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

BAND = 4  # neighbours on each side whose cosine to a line the model reads


def similarity_band(emb: np.ndarray, band: int = BAND) -> np.ndarray:
    """(lines, 2 * band): each unit row's cosine to the rows -band..-1, 1..band away (0 past the ends)."""
    m = len(emb)
    out = np.zeros((m, 2 * band), dtype=np.float32)
    offsets = [o for o in range(-band, band + 1) if o]
    for j, off in enumerate(offsets):
        lo, hi = max(0, -off), min(m, m - off)
        if hi > lo:
            out[lo:hi, j] = (emb[lo:hi] * emb[lo + off : hi + off]).sum(1)
    return out


def sequence_inputs(X: np.ndarray, emb: np.ndarray, band: int = BAND) -> np.ndarray:
    """One row per content line: the cues of the gap before it (zeros for the first line)
    and its similarity band. X: one row per gap; emb: one unit row per content line."""
    gaps = np.vstack([np.zeros((1, X.shape[1]), dtype=np.float32), X.astype(np.float32)])
    return np.hstack([gaps, similarity_band(emb.astype(np.float32), band)])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # no overflow for large |x|


def _gru(x: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray, b_hh: np.ndarray) -> np.ndarray:
    """One GRU direction over (steps, inputs), torch's gate order (reset, update, new)."""
    hidden = w_hh.shape[1]
    gates_x = x @ w_ih.T + b_ih  # all steps at once; only the recurrent part is sequential
    h = np.zeros(hidden, dtype=np.float32)
    out = np.empty((len(x), hidden), dtype=np.float32)
    for t in range(len(x)):
        gh = w_hh @ h + b_hh
        r = _sigmoid(gates_x[t, :hidden] + gh[:hidden])
        z = _sigmoid(gates_x[t, hidden : 2 * hidden] + gh[hidden : 2 * hidden])
        n = np.tanh(gates_x[t, 2 * hidden :] + r * gh[2 * hidden :])
        h = (1.0 - z) * n + z * h
        out[t] = h
    return out


class GapSequenceModel:
    """The averaged GRUs; `logit` gives each gap's log-odds from `sequence_inputs` rows.

    Every net: standardise, Linear + ReLU, a bidirectional GRU, then a ReLU head over
    [projection, GRU states]. `weights` holds per net i the arrays named `{i}.{name}`
    (torch state-dict names) and the shared `mean`, `scale`, `features` (the gap cue
    columns it reads, in order) and `band` (neighbours each side; BAND if absent).
    """

    def __init__(self, weights: dict[str, np.ndarray]):
        self.features = tuple(str(f) for f in weights["features"])
        self.band = int(weights["band"]) if "band" in weights else BAND
        self.mean, self.scale = weights["mean"].astype(np.float32), weights["scale"].astype(np.float32)
        self.nets = [
            {k.split(".", 1)[1]: v.astype(np.float32) for k, v in weights.items() if k.startswith(f"{i}.")}
            for i in range(int(weights["nets"]))
        ]

    def _one(self, net: dict[str, np.ndarray], z: np.ndarray) -> np.ndarray:
        h = np.maximum(z @ net["inp.0.weight"].T + net["inp.0.bias"], 0.0)
        fwd = _gru(h, net["gru.weight_ih_l0"], net["gru.weight_hh_l0"], net["gru.bias_ih_l0"], net["gru.bias_hh_l0"])
        bwd = _gru(h[::-1], net["gru.weight_ih_l0_reverse"], net["gru.weight_hh_l0_reverse"],
                   net["gru.bias_ih_l0_reverse"], net["gru.bias_hh_l0_reverse"])[::-1]
        u = np.maximum(np.hstack([h, fwd, bwd]) @ net["out.0.weight"].T + net["out.0.bias"], 0.0)
        return (u @ net["out.2.weight"].T + net["out.2.bias"])[:, 0]

    def logit(self, rows: np.ndarray) -> np.ndarray:
        """Log-odds per gap (rows 1..): the mean of the nets'."""
        if len(rows) < 2:
            return np.zeros(0)
        z = (rows.astype(np.float32) - self.mean) / self.scale
        return np.mean([self._one(net, z) for net in self.nets], axis=0)[1:].astype(np.float64)


@lru_cache(maxsize=4)
def load_sequence_model(path: Path) -> GapSequenceModel:
    """The sequence model in `path`, read once per process."""
    try:
        with np.load(path, allow_pickle=False) as f:
            return GapSequenceModel(dict(f))
    except (OSError, ValueError, KeyError) as exc:
        raise RuntimeError(f"boundary sequence model {str(path)!r} cannot be read: {exc}") from exc
