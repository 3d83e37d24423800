"""Write every output through a temp file in the target folder, then rename it into place.

A crash or a kill mid-write leaves the previous output untouched and no half-written
file under the final name; ``os.replace`` is atomic on the same filesystem.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from edupoverty.core.errors import InputError


def refuse_input_overlap(target: Path, inputs: Iterable[Path]) -> None:
    """Raise when an output path would overwrite an input file.

    Raises:
        InputError: ``target`` is one of ``inputs``.
    """
    resolved = target.resolve()
    for p in inputs:
        if Path(p).resolve() == resolved:
            raise InputError.of("write.output_is_input", file=target.name)


@contextlib.contextmanager
def atomic_write(target: Path, inputs: Iterable[Path] = ()) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success rename it over ``target``.

    Args:
        target: the final output path.
        inputs: input files that must never be overwritten.

    Raises:
        InputError: the target is an input, or the folder cannot be written.
    """
    refuse_input_overlap(target, inputs)
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError.of(
            "write.folder_not_writable", file=str(folder), detail=exc.strerror or str(exc)
        ) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


LOCK_NAME = ".edupov.lock"
_STALE_SECONDS_WINDOWS = 12 * 3600


def _pid_alive(pid: int, lock: Path) -> bool:
    if os.name == "nt":  # no safe liveness probe: os.kill(pid, 0) sends CTRL_C_EVENT there
        try:
            return time.time() - lock.stat().st_mtime < _STALE_SECONDS_WINDOWS
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class OutputLock:
    """A lock file in the output folder: two runs writing one ``--out`` never interleave.

    The second run refuses with a clear message while the first is alive; a lock left by
    a killed run (its process is gone) is taken over.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._held = False

    def acquire(self) -> None:
        """Take the lock.

        Raises:
            InputError: another live run holds it, or the folder cannot be written.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError.of(
                "write.folder_not_writable",
                file=str(self.path.parent),
                detail=exc.strerror or str(exc),
            ) from exc
        for _attempt in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                try:
                    pid = int(self.path.read_text(encoding="ascii").strip() or "0")
                except (OSError, ValueError):
                    pid = 0
                if pid and pid != os.getpid() and _pid_alive(pid, self.path):
                    raise InputError.of(
                        "write.out_locked", file=str(self.path.parent), pid=pid
                    ) from None
                with contextlib.suppress(OSError):
                    self.path.unlink()
                continue
            except OSError as exc:
                raise InputError.of(
                    "write.folder_not_writable",
                    file=str(self.path.parent),
                    detail=exc.strerror or str(exc),
                ) from exc
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(str(os.getpid()))
            self._held = True
            return
        raise InputError.of("write.out_locked", file=str(self.path.parent), pid="?")

    def release(self) -> None:
        """Remove the lock if this run holds it."""
        if self._held:
            with contextlib.suppress(OSError):
                self.path.unlink()
            self._held = False
