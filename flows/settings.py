"""All of newsflow's settings in one place.

Every field can be set by an environment variable `NEWSFLOW_<FIELD>` (for example
`NEWSFLOW_WAREHOUSE=/data/news`), by a `.env` file, or by a flow parameter.
"""
from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from tasks.models import DEFAULT_EMBEDDING_MODEL, DEFAULT_SPACY_MODEL


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSFLOW_", env_file=".env", extra="ignore")

    warehouse: str = Field("warehouse-data", description="Warehouse folder (Parquet tables + catalog.duckdb)")
    spacy_model: str = Field(DEFAULT_SPACY_MODEL, description="spaCy pipeline name or path (sm, md, lg, trf)")
    embedding_model: str = Field(DEFAULT_EMBEDDING_MODEL, description="Sentence-embedding model name or path")
    languages: tuple[str, ...] = Field(("en",), description="Languages the NLP stages process")
    shard_size: int = Field(256, ge=1, description="Articles per model-stage task")
    summary_sentences: int = Field(3, ge=1, description="Sentences per extractive summary")
    summary_max_words: int | None = Field(None, description="Word budget per summary (None: no budget)")
    summary_position_weight: float = Field(0.3, ge=0, le=1)
    topic_threshold: float = Field(
        0.15, description="Inside a dump's layout stretches, cut at window-similarity minima below this (0: off)"
    )
    boundary_threshold: float | None = Field(
        None, ge=0, le=1, description="Boundary probability at which a dump is split (None: the model's own)"
    )
    boundary_model: str | None = Field(None, description="Boundary model weights file (None: the bundled one)")
    min_article_words: int = Field(5, ge=1, description="Shorter articles are rejected as too_short")
    retries: int = Field(2, ge=0, description="Retries of a failed task (transient errors only)")
    task_timeout_seconds: float | None = Field(None, description="Timeout of one stage task (None: no timeout)")


def load_settings(**overrides) -> Settings:
    """Settings from the environment, with explicit non-None overrides on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
