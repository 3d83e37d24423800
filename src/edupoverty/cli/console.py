"""The one stderr console, and the progress sink adapted to rich."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from edupoverty.core.normalise.ids import mask_ids_in_text
from edupoverty.i18n import t

console = Console(stderr=True, highlight=False, soft_wrap=True)
"""People-talk goes to stderr; stdout carries only data (``--json``)."""


def say(text: str, style: str | None = None) -> None:
    """Print a line for people on stderr, with any ID number in it masked."""
    console.print(mask_ids_in_text(text), style=style, markup=False)


class RichProgress:
    """The core's progress protocol drawn as a rich progress bar on stderr."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task: TaskID | None = None
        self._started = False

    def start(self, label: str, total: int | None) -> None:
        """Begin a stage (label is a message id)."""
        if not self._started:
            self._progress.start()
            self._started = True
        self._task = self._progress.add_task(t(label), total=total)

    def advance(self, n: int = 1) -> None:
        """Advance the current stage."""
        if self._task is not None:
            self._progress.advance(self._task, n)

    def done(self) -> None:
        """Finish the current stage."""
        if self._task is not None:
            self._progress.remove_task(self._task)
            self._task = None

    def close(self) -> None:
        """Stop drawing."""
        if self._started:
            self._progress.stop()
            self._started = False
