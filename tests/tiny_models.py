"""Tiny real models the tests build themselves (no model hub here): random weights,
real classes, saved to a folder so the real loading code runs. Imports nothing of the
test harness, so it also serves the GPU check on a machine without Prefect."""
from __future__ import annotations

from pathlib import Path


def build_tiny_bart(folder: Path, corpus: list[str], seed: int = 0) -> str:
    """Save a 2-layer BART with random weights and a word-level fast tokenizer into `folder`.

    The tokenizer's vocabulary comes from `corpus`; its window is 64 tokens, so long
    texts exercise the summariser's chunking. Returns the folder as a string.
    """
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers
    from tokenizers.processors import TemplateProcessing
    from transformers import BartConfig, BartForConditionalGeneration, PreTrainedTokenizerFast

    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    raw = Tokenizer(models.WordLevel(unk_token="<unk>"))
    raw.normalizer = normalizers.Lowercase()
    raw.pre_tokenizer = pre_tokenizers.Whitespace()
    raw.train_from_iterator(corpus, trainers.WordLevelTrainer(vocab_size=2000, special_tokens=specials))
    raw.post_processor = TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=raw, bos_token="<s>", pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
        model_max_length=64,
    )
    torch.manual_seed(seed)
    config = BartConfig(
        vocab_size=raw.get_vocab_size(), d_model=32, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64,
        max_position_embeddings=64, bos_token_id=0, pad_token_id=1, eos_token_id=2,
        decoder_start_token_id=2, forced_eos_token_id=2,
    )
    folder.mkdir(parents=True, exist_ok=True)
    BartForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return str(folder)
