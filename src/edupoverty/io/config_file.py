"""Read edupov.toml: inputs, run settings, column aliases and audit thresholds."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from edupoverty.core.errors import ConfigError
from edupoverty.io.readers.columns import USER_FIELD_NAMES


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise ConfigError.of("config.missing", file=str(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError.of("config.unreadable", file=path.name, detail=str(exc)[:120]) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError.of("config.syntax", file=path.name, detail=str(exc)) from exc


def load_column_aliases(path: Path) -> dict[str, list[str]]:
    """Return the ``[columns]`` table as canonical column → extra aliases.

    Raises:
        ConfigError: unknown field name, or a value that is not a list of strings.
    """
    data = _read_toml(path)
    return _columns(data.get("columns", {}), path)


def _columns(table: Any, path: Path) -> dict[str, list[str]]:
    if not isinstance(table, dict):
        raise ConfigError.of("config.columns_not_table", file=path.name)
    out: dict[str, list[str]] = {}
    for key, value in table.items():
        column = USER_FIELD_NAMES.get(key)
        if column is None:
            raise ConfigError.of(
                "config.columns_unknown_field",
                file=path.name,
                field=key,
                fields="、".join(USER_FIELD_NAMES),
            )
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ConfigError.of("config.columns_not_strings", file=path.name, field=key)
        out[column] = values
    return out


def load_config_file(path: Path) -> dict[str, Any]:
    """Return edupov.toml flattened to ``RunConfig`` field values (paths relative to the file).

    Raises:
        ConfigError: unreadable file, bad TOML, or values of the wrong type.
    """
    data = _read_toml(path)
    base = path.resolve().parent
    values: dict[str, Any] = {}
    inputs = data.get("inputs", {})
    for kind in ("registry", "roster", "ledger"):
        if kind in inputs:
            raw = inputs[kind]
            items = [raw] if isinstance(raw, str) else raw
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise ConfigError.of("config.inputs_not_strings", file=path.name, field=kind)
            # Relative globs are relative to the config file, so a cron line can run anywhere.
            values[kind] = tuple(i if Path(i).is_absolute() else str(base / i) for i in items)
    run = data.get("run", {})
    if "policy" in run:
        values["policy"] = base / str(run["policy"])
    if "as_of" in run:
        as_of = run["as_of"]
        if isinstance(as_of, dt.date):
            values["as_of"] = as_of
        else:
            try:
                values["as_of"] = dt.date.fromisoformat(str(as_of))
            except ValueError as exc:
                raise ConfigError.of("config.bad_date", file=path.name, value=str(as_of)) from exc
    if "terms" in run:
        values["terms"] = tuple(str(t) for t in run["terms"])
    if "out" in run:
        values["out"] = base / str(run["out"])
    for key in ("encoding", "fail_on", "mask"):
        if key in run:
            values[key] = run[key]
    if "columns" in data:
        values["columns"] = _columns(data["columns"], path)
    if "audit" in data:
        values["audit"] = data["audit"]
    return values
