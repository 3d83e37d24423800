"""Suite-wide fixtures."""

from __future__ import annotations

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
