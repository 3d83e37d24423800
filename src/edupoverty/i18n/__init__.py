"""Message catalogue: every user-facing text by message id, Chinese first, English under --lang en.

Catalogue parts live in ``messages_*.py`` modules, each a ``MESSAGES`` dict mapping a
message id to ``(zh, en)`` templates in ``str.format`` syntax. Keeping parts per area lets
the CLI, readers, policy and rules add messages without editing one shared file.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Literal

Lang = Literal["zh", "en"]
_current: Lang = "zh"
_catalogue: dict[str, tuple[str, str]] | None = None


def _load() -> dict[str, tuple[str, str]]:
    global _catalogue
    if _catalogue is None:
        merged: dict[str, tuple[str, str]] = {}
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            if not info.name.startswith("messages_"):
                continue
            module = importlib.import_module(f"{__name__}.{info.name}")
            part: dict[str, tuple[str, str]] = module.MESSAGES
            clash = merged.keys() & part.keys()
            if clash:
                raise RuntimeError(f"duplicate message ids in {info.name}: {sorted(clash)}")
            merged.update(part)
        _catalogue = merged
    return _catalogue


def set_language(lang: str) -> None:
    """Choose the language of every later message: ``zh`` (default) or ``en``."""
    global _current
    _current = "en" if lang == "en" else "zh"


def get_language() -> Lang:
    """Return the language in use."""
    return _current


def catalogue() -> dict[str, tuple[str, str]]:
    """Return the whole catalogue (message id to ``(zh, en)``)."""
    return dict(_load())


def t(msg_id: str, lang: str | None = None, **params: Any) -> str:
    """Return the message ``msg_id`` in the current (or given) language, formatted with params.

    An unknown id returns the id itself so that a missing entry is visible, never a crash;
    ``tests/test_i18n.py`` checks that every id used in the code exists in both languages.
    """
    entry = _load().get(msg_id)
    if entry is None:
        return msg_id
    template = entry[1] if (lang or _current) == "en" else entry[0]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def both(msg_id: str) -> str:
    """Return Chinese text with the English below it (used for --help)."""
    zh, en = _load()[msg_id]
    return f"{zh}\n\n{en}"


def render_issue(code: str, params: dict[str, Any] | None = None, lang: str | None = None) -> str:
    """Render a row issue: its ``reason`` code (if any) becomes a localised ``reason_text``."""
    values = dict(params or {})
    reason = values.get("reason")
    if reason:
        values["reason_text"] = t(f"reason.{reason}", lang=lang)
    else:
        values.setdefault("reason_text", "")
    return t(code, lang=lang, **values)
