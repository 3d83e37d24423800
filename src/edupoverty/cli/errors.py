"""The one error boundary: exit codes, and how failures reach the user."""

from __future__ import annotations

import sys
import traceback
from enum import IntEnum

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
    """Unusable input, policy or config (click's own usage errors also exit 2)."""


class GuardedGroup(click.Group):
    """A click group whose commands fail with one Chinese line and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command inside the error boundary."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except EdupovError as exc:
            _echo_err(exc.render())
            ctx.exit(ExitCode.BAD_INPUT)
        except KeyboardInterrupt:
            _echo_err(t("cli.interrupted"))
            ctx.exit(130)
        except Exception as exc:  # the boundary: anything unexpected still ends cleanly
            if ctx.find_root().params.get("debug"):
                _echo_err(mask_ids_in_text(traceback.format_exc()))
            _echo_err(t("cli.internal_error", kind=type(exc).__name__))
            ctx.exit(ExitCode.BAD_INPUT)
        return None


def _echo_err(text: str) -> None:
    click.echo(mask_ids_in_text(text), err=True)
    sys.stderr.flush()
