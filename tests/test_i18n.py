"""The catalogue: every message id in both languages; every rule fully described."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import edupoverty
from edupoverty.i18n import catalogue
from edupoverty.rules import ALL_RULES

PACKAGE = Path(edupoverty.__file__).parent
NOT_MESSAGE_IDS = {"loc.dat"}  # python-stdnum's region table file, not a message
FILE_SUFFIXES = (".xlsx", ".json", ".csv", ".dat", ".toml", ".sqlite3")
ID_LITERAL = re.compile(
    r"""["']((?:row|read|cli|opt|validate|reconcile|config|write|policy|sample|demo|kind|col|severity|progress|reason|loc|error)\.[a-z0-9_.]+)["']"""
)


def test_catalogue_has_both_languages_for_every_id() -> None:
    """No message is missing its Chinese or English text."""
    for msg_id, (zh, en) in catalogue().items():
        assert zh.strip(), msg_id
        assert en.strip(), msg_id


def test_every_message_id_used_in_code_exists() -> None:
    """A message id written in the code is in the catalogue (no raw ids reach users)."""
    known = set(catalogue())
    missing = set()
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "i18n":
            continue
        for match in ID_LITERAL.finditer(path.read_text(encoding="utf-8")):
            msg_id = match.group(1)
            if msg_id.endswith((".", *FILE_SUFFIXES)) or msg_id in NOT_MESSAGE_IDS:
                continue
            if msg_id not in known:
                missing.add(f"{path.name}: {msg_id}")
    assert not missing, sorted(missing)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.RULE.code)
@pytest.mark.parametrize("part", ["title", "description", "action", "message"])
def test_every_rule_has_title_description_action_and_message(rule: object, part: str) -> None:
    """Each rule's metadata is in the catalogue in both languages."""
    key = f"rule.{rule.RULE.key}.{part}"  # type: ignore[attr-defined]
    assert key in catalogue()


def test_rule_titles_fit_excel_sheet_names() -> None:
    """Rule titles become sheet names: at most 31 characters, no characters Excel forbids."""
    for rule in ALL_RULES:
        zh, en = catalogue()[f"rule.{rule.RULE.key}.title"]
        for title in (zh, en):
            assert len(title) <= 31
            assert not set(title) & set("[]:*?/\\")
