"""The one stderr console, and the progress sink adapted to rich."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

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


class MaskedStderr:
    """``sys.stderr`` as found at each write, with every ID-looking number masked on the way out.

    Every line the console draws passes here, tables and rules included, so an ID or a
    bank-card number in a file name or a cell never reaches the terminal or a cron log
    in full (issue #8).
    """

    @staticmethod
    def _stream() -> TextIO:
        stream = sys.stderr
        # rich's progress display swaps sys.stderr for a proxy that prints through this
        # console; write to what it proxies, or every line would loop back here.
        return getattr(stream, "rich_proxied_file", stream)

    def write(self, text: str) -> int:
        """Write masked text."""
        return self._stream().write(mask_ids_in_text(text))

    def flush(self) -> None:
        """Flush the real stream."""
        self._stream().flush()

    def isatty(self) -> bool:
        """Report whether the real stream is a terminal (colours, progress bars)."""
        return self._stream().isatty()

    def fileno(self) -> int:
        """Return the real stream's file descriptor."""
        return self._stream().fileno()

    @property
    def encoding(self) -> str:
        """The real stream's encoding."""
        return getattr(self._stream(), "encoding", None) or "utf-8"


console = Console(file=MaskedStderr(), highlight=False, soft_wrap=True)  # type: ignore[arg-type]
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


class MaskedLogHandler(logging.Handler):
    """Log records (and warnings) on the stderr console, IDs masked, tracebacks included."""

    def emit(self, record: logging.LogRecord) -> None:
        """Print one formatted record through ``say``, which masks it."""
        try:
            text = self.format(record)
        except Exception:  # logging's own contract: a bad record must not end the run
            self.handleError(record)
            return
        say(text, style="dim")


def configure_logging(debug: bool) -> logging.Handler:
    """Send log records and Python warnings to the masked console; DEBUG for edupov under --debug.

    Returns:
        The handler installed, for ``restore_logging`` when the command ends.
    """
    handler = MaskedLogHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger("edupoverty").setLevel(logging.DEBUG if debug else logging.WARNING)
    logging.captureWarnings(True)
    return handler


def restore_logging(handler: logging.Handler) -> None:
    """Undo ``configure_logging`` (the CLI may be invoked many times in one process, as in tests)."""
    logging.getLogger().removeHandler(handler)
    logging.getLogger("edupoverty").setLevel(logging.NOTSET)
    logging.captureWarnings(False)
