"""Docs that are generated or listed from code stay in step with it."""

from __future__ import annotations

import os
from pathlib import Path

from edupoverty.cli.main import SUBCOMMANDS
from edupoverty.rules.docs import render_rules_markdown

DOCS = Path(__file__).parent.parent / "docs"


def test_rules_doc_matches_rule_registry() -> None:
    """docs/rules.md is exactly what ALL_RULES renders (set EDUPOV_UPDATE_DOCS=1 to refresh)."""
    target = DOCS / "rules.md"
    expected = render_rules_markdown()
    if os.environ.get("EDUPOV_UPDATE_DOCS"):
        target.write_text(expected, encoding="utf-8")
    assert target.read_text(encoding="utf-8") == expected


def test_every_command_appears_in_cli_doc() -> None:
    """docs/cli.md documents every subcommand."""
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name in SUBCOMMANDS:
        assert f"edupov {name}" in text
