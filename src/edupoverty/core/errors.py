"""The one kind of trouble that is an exception: input, policy or config that cannot be used.

A bad row is a ``RowIssue`` and a problem in the data is a ``Finding``; neither raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self

from edupoverty.i18n import t


@dataclass
class ErrorDetail:
    """One located problem inside an error (a policy file may have several)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    line: int | None = None

    def render(self) -> str:
        """Return the detail as one localised sentence with its location in front."""
        return f"{_location(self)}{t(self.code, **self.params)}"


def _location(d: ErrorDetail) -> str:
    parts: list[str] = []
    if d.file:
        parts.append(d.file)
    if d.sheet:
        parts.append(t("loc.sheet", sheet=d.sheet))
    if d.line is not None:
        parts.append(t("loc.line", line=d.line))
    if d.row is not None:
        parts.append(t("loc.row", row=d.row))
    if d.column:
        parts.append(t("loc.column", column=d.column))
    return (" ".join(parts) + t("loc.sep")) if parts else ""


class EdupovError(Exception):
    """Unusable input, policy or config. The CLI turns it into one message and exit 2."""

    kind_code = "error.kind.generic"

    def __init__(self, details: list[ErrorDetail] | ErrorDetail) -> None:
        self.details = details if isinstance(details, list) else [details]
        super().__init__(self.render())

    @classmethod
    def of(cls, code: str, **kwargs: Any) -> Self:
        """Build an error with one detail; location keywords (file, sheet, row, column, line) are split off."""
        loc_keys = ("file", "sheet", "row", "column", "line")
        loc = {k: kwargs.pop(k) for k in loc_keys if k in kwargs}
        return cls(ErrorDetail(code=code, params=kwargs, **loc))

    def render(self) -> str:
        """Return the whole error as localised text, one line per detail."""
        head = t(self.kind_code)
        lines = [d.render() for d in self.details]
        if len(lines) == 1:
            return f"{head}{lines[0]}"
        return head + "\n" + "\n".join(f"  - {line}" for line in lines)


class InputError(EdupovError):
    """An input file, sheet or option that cannot be used at all."""

    kind_code = "error.kind.input"


class OutputError(EdupovError):
    """An output folder or file that cannot be written (locked by another run, disk full)."""

    kind_code = "error.kind.output"


class PolicyError(EdupovError):
    """A policy file that is not valid."""

    kind_code = "error.kind.policy"


class ConfigError(EdupovError):
    """A config file (edupov.toml) or option combination that is not valid."""

    kind_code = "error.kind.config"
