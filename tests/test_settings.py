"""Settings come from NEWSFLOW_* environment variables; `none` clears an optional one."""
from __future__ import annotations

import pytest
from pydantic import ValidationError


def test_environment_overrides_and_none(monkeypatch):
    from flows.settings import load_settings
    from tasks.summarise import WINDOW

    assert load_settings().summary_window == WINDOW
    monkeypatch.setenv("NEWSFLOW_SUMMARY_WINDOW", "none")
    monkeypatch.setenv("NEWSFLOW_SKIP_FINISHED_FILES", "false")
    s = load_settings()
    assert s.summary_window is None and s.skip_finished_files is False
    monkeypatch.setenv("NEWSFLOW_SUMMARY_WINDOW", "0")
    with pytest.raises(ValidationError, match="summary_window"):
        load_settings()
