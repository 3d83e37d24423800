"""The one error boundary: exit codes, and how failures reach the user."""

from __future__ import annotations

import errno
import signal
import sys
import threading
import traceback
from enum import IntEnum
from types import FrameType
from typing import NoReturn

import click

from edupoverty.core.errors import EdupovError
from edupoverty.core.normalise.ids import mask_ids_in_text
from edupoverty.i18n import t


class ExitCode(IntEnum):
    """Exit codes, named once."""

    OK = 0
    THRESHOLD_FAILED = 1
    """validate: rows rejected; reconcile: --fail-on met; audit: an indicator failed."""
    BAD_INPUT = 2
    """Unusable input, policy or config, or outputs that cannot be written (click's own usage errors also exit 2)."""
    INTERRUPTED = 130
    """Ctrl-C (SIGINT), as shells report it: 128 + 2."""
    TERMINATED = 143
    """SIGTERM (``kill``, systemd, a cron timeout): 128 + 15."""


class TerminatedError(KeyboardInterrupt):
    """SIGTERM raised as an interrupt, so that temp files and the lock are cleaned up as for Ctrl-C."""


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    # A second SIGTERM while cleaning up ends the process at once; the next run then
    # takes over the stale lock and removes the temp files (atomic.recover_output_folder).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise TerminatedError


def install_signal_handlers() -> None:
    """Make SIGTERM stop a run the way Ctrl-C does: cleanup runs, exit 143 with a message (issue #8)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)


class GuardedGroup(click.Group):
    """A click group whose commands fail with one Chinese line and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command inside the error boundary."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except click.ClickException as exc:
            # click quotes the bad value back ("'41142219…' is not a valid integer").
            exc.message = mask_ids_in_text(exc.message)  # type: ignore[misc]  # Final in click's stubs
            raise
        except EdupovError as exc:
            _echo_err(exc.render())
            ctx.exit(ExitCode.BAD_INPUT)
        except KeyboardInterrupt as exc:
            terminated = isinstance(exc, TerminatedError)
            _echo_err(t("cli.terminated" if terminated else "cli.interrupted"))
            ctx.exit(ExitCode.TERMINATED if terminated else ExitCode.INTERRUPTED)
        except OSError as exc:
            # A full disk is the machine's trouble, not a bug: say so plainly (a temp folder
            # filling up while openpyxl streams a sheet ends here, not in atomic_write).
            if exc.errno not in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
                _internal_error(ctx, exc)
            _echo_err(t("write.disk_full"))
            ctx.exit(ExitCode.BAD_INPUT)
        except Exception as exc:  # the boundary: anything unexpected still ends cleanly
            _internal_error(ctx, exc)
        return None


def _internal_error(ctx: click.Context, exc: BaseException) -> NoReturn:
    """Say "internal error" (with the masked traceback under --debug) and exit 2."""
    if ctx.find_root().params.get("debug"):
        _echo_err(mask_ids_in_text(traceback.format_exc()))
    _echo_err(t("cli.internal_error", kind=type(exc).__name__))
    ctx.exit(ExitCode.BAD_INPUT)


def _echo_err(text: str) -> None:
    click.echo(mask_ids_in_text(text), err=True)
    sys.stderr.flush()
