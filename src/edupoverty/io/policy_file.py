"""Read a policy TOML file (or the shipped national default) into a validated ``Policy``.

``tomllib`` keeps no line numbers, so ``locate_lines`` scans the text for the
``[policy]``, ``[[program]]`` and ``[[program.standard]]`` headers and the ``key = ...``
lines under them; ``core.policy.build_policy`` then names the line of every problem
(「第12行」).
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Final

from edupoverty.core.errors import PolicyError
from edupoverty.core.policy import Loc, Policy, build_policy

DEFAULT_POLICY_NAME: Final = "national_default.toml"
"""File name of the shipped national default inside ``edupoverty/data``."""

_TABLE: Final = re.compile(r"^\s*\[\s*(?P<name>[A-Za-z0-9_.\s\"-]+?)\s*\]\s*(?:#.*)?$")
_ARRAY_TABLE: Final = re.compile(r"^\s*\[\[\s*(?P<name>[A-Za-z0-9_.\s\"-]+?)\s*\]\]\s*(?:#.*)?$")
_KEY: Final = re.compile(r"^\s*(?:\"(?P<quoted>[^\"]*)\"|(?P<bare>[A-Za-z0-9_-]+))\s*=")
_TOML_AT: Final = re.compile(r"\s*\(at line (?P<line>\d+), column (?P<column>\d+)\)\s*$")


def default_policy_text() -> str:
    """Return the text of the shipped national default policy (``data/national_default.toml``)."""
    resource = resources.files("edupoverty").joinpath("data", DEFAULT_POLICY_NAME)
    return resource.read_text(encoding="utf-8")


def load_policy(path: Path | None) -> Policy:
    """Return the policy in ``path``, or the shipped national default when ``path`` is None.

    Args:
        path: a policy TOML file, or None for the built-in national default.

    Raises:
        PolicyError: the file is missing, unreadable, not valid TOML, or not a valid
            policy; every problem found is listed with its line number.
    """
    if path is None:
        return parse_policy_text(default_policy_text(), file=DEFAULT_POLICY_NAME)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise PolicyError.of("policy.file_missing", path=str(path)) from exc
    except IsADirectoryError as exc:
        raise PolicyError.of("policy.file_is_folder", path=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise PolicyError.of("policy.file_encoding", file=path.name) from exc
    except OSError as exc:
        raise PolicyError.of(
            "policy.file_unreadable", file=path.name, detail=exc.strerror or str(exc)
        ) from exc
    return parse_policy_text(text, file=path.name)


def parse_policy_text(text: str, *, file: str | None = None) -> Policy:
    """Return the validated policy written in ``text``.

    Floats are read as ``Decimal`` so ``312.5`` stays exact.

    Raises:
        PolicyError: bad TOML syntax (with its line and column) or an invalid policy.
    """
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = _TOML_AT.search(message)
        detail = _TOML_AT.sub("", message)
        if at is None:
            raise PolicyError.of("policy.toml_syntax", file=file, detail=detail) from exc
        raise PolicyError.of(
            "policy.toml_syntax",
            file=file,
            line=int(at["line"]),
            char=int(at["column"]),
            detail=detail,
        ) from exc
    return build_policy(data, lines=locate_lines(text), file=file)


def locate_lines(text: str) -> dict[Loc, int]:
    """Return the 1-based line of every table and key of a policy TOML, by path.

    Paths look like ``("policy", "name")``, ``("program", 2)``, ``("program", 2, "code")``
    and ``("program", 2, "standard", 0, "per_term")``, the same paths validation reports.
    Lines inside a multi-line array belong to the key that opened it.
    """
    found: dict[Loc, int] = {}
    table: Loc = ()
    program = -1
    standard = -1
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        array = _ARRAY_TABLE.match(line)
        plain = None if array else _TABLE.match(line)
        if array is not None:
            name = _dotted(array["name"])
            if name == "program":
                program += 1
                standard = -1
                table = ("program", program)
            elif name == "program.standard" and program >= 0:
                standard += 1
                table = ("program", program, "standard", standard)
            else:
                table = (name,)
            found.setdefault(table, number)
            continue
        if plain is not None:
            table = (_dotted(plain["name"]),)
            found.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key is not None:
            found.setdefault((*table, key["quoted"] or key["bare"]), number)
    return found


def _dotted(name: str) -> str:
    return ".".join(part.strip().strip('"') for part in name.split("."))
