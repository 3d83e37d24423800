"""Named stages of a run where a test can stop it: ``EDUPOV_TEST_PAUSE_AT=<stage>``.

Issue #8 asks that a run killed at any stage leaves the previous outputs whole. To kill a
real process at a chosen stage without racing a timer, a test sets the environment
variable; the run then prints ``edupov-test-paused:<stage>`` on stderr at that stage and
waits for a line on stdin: the test kills it there, or writes a line (or closes stdin)
to let it go on. Unset (always, outside tests) a checkpoint costs one dict lookup. The
environment is read here, in ``cli/``, like the clock.

Stages, in run order: ``reading`` (some input files read, others not yet), ``writing``
(findings.csv, summary.json and the annotated copies written to temp files,
reconcile.xlsx not yet), ``committing`` (every output in a temp file, none renamed).
"""

from __future__ import annotations

import os
import sys

from edupoverty.io.loading import Progress

PAUSE_ENV = "EDUPOV_TEST_PAUSE_AT"
PAUSED_MARKER = "edupov-test-paused:"

STAGES = ("reading", "writing", "committing")


def checkpoint(stage: str) -> None:
    """Pause here when ``EDUPOV_TEST_PAUSE_AT`` names ``stage`` (see the module docstring)."""
    if os.environ.get(PAUSE_ENV) != stage:
        return
    stream = sys.__stderr__ or sys.stderr
    stream.write(f"{PAUSED_MARKER}{stage}\n")
    stream.flush()
    if sys.stdin is not None:
        sys.stdin.readline()  # a signal interrupts the wait: our handlers raise


class CheckpointProgress:
    """A progress sink that passes everything on and marks the ``reading`` checkpoint.

    The checkpoint is the first file finished while reading, so at least one input has
    been read and the others are still being read when a test kills the run there.
    """

    def __init__(self, inner: Progress) -> None:
        self._inner = inner
        self._label: str | None = None
        self._marked = False

    def start(self, label: str, total: int | None) -> None:
        """Begin a stage."""
        self._label = label
        self._inner.start(label, total)

    def advance(self, n: int = 1) -> None:
        """Advance the current stage; the first file read is the ``reading`` checkpoint."""
        self._inner.advance(n)
        if self._label == "progress.reading" and not self._marked:
            self._marked = True
            checkpoint("reading")

    def done(self) -> None:
        """Finish the current stage."""
        self._inner.done()
