"""Suite-wide fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _history_in_tmp(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every run history goes to a temporary database, never the user's data folder."""
    db = tmp_path_factory.mktemp("history") / "history.sqlite3"
    monkeypatch.setenv("EDUPOV_HISTORY_DB", str(db))
    return db


# CI runs the property tests with a fixed seed so a rare example cannot turn a green
# change red by chance; locally they explore freely.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
