"""All of newsflow's settings in one place.

Every field can be set by an environment variable `NEWSFLOW_<FIELD>` (for example
`NEWSFLOW_WAREHOUSE=/data/news`), by a `.env` file, or by a flow parameter.
"""
from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from tasks.models import DEFAULT_EMBEDDING_BACKEND, DEFAULT_EMBEDDING_MODEL, DEFAULT_SPACY_MODEL
from tasks.summarise import WINDOW


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSFLOW_", env_file=".env", extra="ignore", env_parse_none_str="none")

    warehouse: str = Field("warehouse-data", description="Warehouse folder (Parquet tables + catalog.duckdb)")
    spacy_model: str = Field(DEFAULT_SPACY_MODEL, description="spaCy pipeline name or path (sm, md, lg, trf)")
    embedding_model: str = Field(DEFAULT_EMBEDDING_MODEL, description="Sentence-embedding model name or path")
    languages: tuple[str, ...] = Field(("en",), description="Languages the NLP stages process")
    shard_size: int = Field(256, ge=1, description="Articles per model-stage task")
    # On threads each stage takes one shard at a time, in order, so two in flight keep the tagger
    # and the summariser busy side by side; a third gained ~2% speed and cost 1.10x -> 1.12x
    # peak memory at 20k vs 1k articles (bench/README.md, memory, ninth round).
    shards_in_flight: int = Field(2, ge=1, description="Shards submitted to the model stages at once (bounds memory)")
    skip_finished_files: bool = Field(
        True, description="Skip input files a run already finished (same bytes, same ingest + segment settings)"
    )
    # A group's segmented articles wait in memory for their shards: 1 MiB (~1,800 short
    # articles) keeps 20k articles' peak within 1.1x of 1k's (bench/README.md, memory, 8th round).
    group_bytes: int = Field(2**20, ge=1, description="Input bytes read and segmented before enriching them")
    read_ahead: int | None = Field(
        None, ge=0, description="Input groups read and segmented while the model stages enrich the one before "
        "(None: 1, or 0 on a single Dask worker, which runs one task at a time anyway)"
    )
    summary_sentences: int = Field(3, ge=1, description="Sentences per extractive summary")
    summary_max_words: int | None = Field(None, description="Word budget per summary (None: no budget)")
    summary_position_weight: float = Field(0.95, ge=0, le=1, description="Position prior against centrality")
    summary_redundancy: float = Field(0.6, ge=0, le=1, description="MMR lambda: relevance against novelty")
    summary_max_fraction: float | None = Field(0.5, gt=0, le=1, description="Share of a short article's sentences a summary may take")
    summary_window: int | None = Field(
        WINDOW, ge=1, description="Sentences (the first eligible ones) an extractive summary picks from; none: all"
    )
    summary_methods: Annotated[tuple[Literal["extractive", "abstractive"], ...], NoDecode] = Field(
        ("extractive",), description="Summaries to make: extractive, abstractive (comma-separated)"
    )
    embedding_backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        DEFAULT_EMBEDDING_BACKEND, description="Embedding runtime: onnx-int8 (ONNX Runtime int8, fastest), torch (fp32 reference), onnx (fp32)"
    )
    segment_embedding_backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "torch", description="Embedding runtime of the segmenter's topic cues (its boundary model was trained on torch fp32)"
    )
    abstractive_model: str | None = Field(None, description="Seq2seq model folder or cached name (BART, PEGASUS, T5)")
    abstractive_min_tokens: int = Field(10, ge=0)
    abstractive_max_tokens: int = Field(128, ge=1)
    abstractive_num_beams: int = Field(4, ge=1)
    abstractive_batch_size: int = Field(8, ge=1)
    abstractive_device: str = Field("auto", description="auto (CUDA when present), cpu, cuda, cuda:N")
    topic_threshold: float = Field(
        0.15, description="Topic pass: with boundary_threshold set, cut at window-similarity minima below this; "
        "with the decoder, >0 keeps only its whole-part topic split (0: off)"
    )
    boundary_threshold: float | None = Field(
        None, ge=0, le=1, description="Per-gap boundary probability cut instead of the whole-dump decoder (None: decoder)"
    )
    boundary_model: str | None = Field(None, description="Boundary model weights file (None: the bundled one)")
    rejoin_threshold: float | None = Field(
        None, ge=0, le=1, description="Rejoin pass: take back the decoder's cuts whose judged odds of an article start "
        "fall under this (None: the boundary model's; 0: off)"
    )
    min_article_words: int = Field(5, ge=1, description="Shorter articles are rejected as too_short")
    retries: int = Field(2, ge=0, description="Retries of a failed task (transient errors only)")
    task_timeout_seconds: float | None = Field(None, description="Timeout of one stage task (None: no timeout)")
    # ingest (tasks/readers, tasks/near_duplicates)
    field_map: dict[str, list[str]] = Field(
        default_factory=dict,
        description='Export column names per part, tried before the defaults: {"text": ["story"], "published": ["ts"]}',
    )
    follow_links: bool = Field(False, description="Feeds: fetch each entry's page and extract its text")
    fetch_timeout_seconds: float = Field(20.0, gt=0, description="Timeout of one http(s) request")
    max_record_mb: float = Field(16.0, gt=0, description="Larger lines, pages and records are rejected")
    near_duplicates: bool = Field(True, description="Detect near duplicates (MinHash LSH), not only exact ones")
    near_duplicate_threshold: float = Field(
        0.8, ge=0.5, le=1.0, description="Estimated Jaccard of word shingles from which an article is a near duplicate"
    )
    minhash_permutations: int = Field(128, ge=16, description="MinHash signature length")
    dask_address: str | None = Field(None, description="Dask scheduler (tcp://host:8786): run shard tasks on it")
    dask_workers: int | None = Field(None, ge=1, description="Run shard tasks on a local Dask cluster of this many processes")
    dask_threads_per_worker: int = Field(1, ge=1, description="Threads per local Dask worker process")

    @field_validator("summary_methods", mode="before")
    @classmethod
    def _split_methods(cls, value):
        if isinstance(value, str):  # "extractive,abstractive" or a JSON list
            value = json.loads(value) if value.strip().startswith("[") else value.split(",")
        return tuple(v.strip() for v in value if v.strip())


def load_settings(**overrides) -> Settings:
    """Settings from the environment, with explicit non-None overrides on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
