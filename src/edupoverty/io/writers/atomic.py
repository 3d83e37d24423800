"""Write every output through a temp file in the target folder, then rename it into place.

A crash or a kill mid-write leaves the previous output untouched and no half-written
file under the final name; ``os.replace`` is atomic on the same filesystem.

A run writes several outputs (findings.csv, summary.json, the workbooks). Inside
``staged_outputs(folder)`` every ``atomic_write`` into that folder keeps its temp file
and the renames happen together at the end, so a run killed halfway never leaves the new
findings.csv beside the old summary.json (issue #8). Before renaming, the run writes a
small journal listing the renames; a run killed between two renames leaves the journal,
and the next run that takes the folder's lock finishes them. Temp files of runs that died
are removed by that next run too.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path

from edupoverty.core.errors import OutputError

TEMP_MARK = ".edupov"
"""Part of every temp file's name: ``.findings.csv.edupov<pid>-<random>.tmp``."""
TEMP_SUFFIX = ".tmp"
_TEMP_NAME = re.compile(r"^\..+\.edupov(?P<pid>\d+)-[A-Za-z0-9_]+\.tmp$")

JOURNAL_NAME = ".edupov.commit"
"""The renames a run is about to make, written just before it makes them."""

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def refuse_input_overlap(target: Path, inputs: Iterable[Path]) -> None:
    """Raise when an output path would overwrite an input file.

    The inputs are fine; it is the output that cannot be written, so the message starts
    like the other output errors (``无法写入输出：``).

    Raises:
        OutputError: ``target`` is one of ``inputs``.
    """
    resolved = target.resolve()
    for p in inputs:
        if Path(p).resolve() == resolved:
            raise OutputError.of("write.output_is_input", file=target.name)


def write_error(target: Path, exc: OSError) -> OutputError:
    """Return the error a failed write of ``target`` becomes: disk full, or what the OS said."""
    if exc.errno in _DISK_FULL:
        return OutputError.of("write.disk_full", file=str(target.parent))
    return OutputError.of("write.failed", file=str(target), detail=exc.strerror or str(exc))


class OutputBatch:
    """The outputs of one run under one folder, renamed into place together by ``commit``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self._staged: dict[Path, Path] = {}
        """Final path → its finished temp file, in the order written."""

    def covers(self, target: Path) -> bool:
        """Return True when ``target`` lies in the batch's folder (or below it)."""
        return target.resolve().is_relative_to(self.folder)

    def stage(self, tmp: Path, target: Path) -> None:
        """Keep a finished temp file until the commit (a second write of one target wins)."""
        previous = self._staged.pop(target, None)
        if previous is not None:
            with contextlib.suppress(OSError):
                previous.unlink()
        self._staged[target] = tmp

    def discard(self) -> None:
        """Remove every staged temp file: the run failed, the previous outputs stay."""
        for tmp in self._staged.values():
            with contextlib.suppress(OSError):
                tmp.unlink()
        self._staged.clear()

    def commit(self) -> None:
        """Rename every staged file into place, the journal guarding the renames.

        An interrupt (Ctrl-C, SIGTERM) between two renames finishes the remaining ones
        before it propagates, so the folder holds one run's outputs, never a mix.

        Raises:
            OutputError: the journal or a rename failed (e.g. a file open in Excel on
                Windows); the temp files not yet renamed are removed.
        """
        moves = list(self._staged.items())
        self._staged.clear()
        if not moves:
            return
        journal = self.folder / JOURNAL_NAME
        try:
            _write_journal(journal, [(tmp, target) for target, tmp in moves], self.folder)
        except BaseException as exc:
            for _target, tmp in moves:
                with contextlib.suppress(OSError):
                    tmp.unlink()
            if isinstance(exc, OSError):
                raise write_error(journal, exc) from exc
            raise
        pending = list(moves)
        try:
            while pending:
                target, tmp = pending[0]
                os.replace(tmp, target)
                pending.pop(0)
        except OSError as exc:
            for _target, tmp in pending:
                with contextlib.suppress(OSError):
                    tmp.unlink()
            with contextlib.suppress(OSError):
                journal.unlink()
            raise write_error(pending[0][0], exc) from exc
        except BaseException:
            for target, tmp in pending:
                with contextlib.suppress(OSError):
                    os.replace(tmp, target)
            with contextlib.suppress(OSError):
                journal.unlink()
            raise
        with contextlib.suppress(OSError):
            journal.unlink()


_ACTIVE_BATCH: ContextVar[OutputBatch | None] = ContextVar("edupov_output_batch", default=None)


@contextlib.contextmanager
def staged_outputs(folder: Path) -> Iterator[OutputBatch]:
    """Make every ``atomic_write`` into ``folder`` inside the block appear together at its end.

    On an exception (or an interrupt) inside the block every temp file is removed and the
    previous outputs stay as they were.

    Raises:
        OutputError: the final renames failed.
    """
    batch = OutputBatch(folder)
    token = _ACTIVE_BATCH.set(batch)
    try:
        yield batch
    except BaseException:
        batch.discard()
        raise
    finally:
        _ACTIVE_BATCH.reset(token)
    batch.commit()


@contextlib.contextmanager
def atomic_write(target: Path, inputs: Iterable[Path] = ()) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success rename it over ``target``.

    Inside ``staged_outputs`` for the target's folder the rename waits for the batch's
    commit. A write that fails (disk full, an I/O error) removes its temp file.

    Args:
        target: the final output path.
        inputs: input files that must never be overwritten.

    Raises:
        OutputError: the target is an input, the folder cannot be written, or writing
            failed (disk full).
    """
    refuse_input_overlap(target, inputs)
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}{TEMP_MARK}{os.getpid()}-", suffix=TEMP_SUFFIX, dir=folder
        )
    except OSError as exc:
        if exc.errno in _DISK_FULL:
            raise write_error(target, exc) from exc
        raise OutputError.of(
            "write.folder_not_writable", file=str(folder), detail=exc.strerror or str(exc)
        ) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        # A write error names no file or the temp file; one naming another file came from
        # reading (an input gone mid-copy) and is the caller's to handle.
        if exc.errno in _DISK_FULL or exc.filename in (None, tmp_name, str(tmp)):
            raise write_error(target, exc) from exc
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    batch = _ACTIVE_BATCH.get()
    if batch is not None and batch.covers(target):
        batch.stage(tmp, target)
        return
    try:
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise write_error(target, exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _write_journal(journal: Path, moves: list[tuple[Path, Path]], folder: Path) -> None:
    """Write the journal of renames (paths relative to ``folder``) atomically."""
    data = {
        "pid": os.getpid(),
        "moves": [
            [str(tmp.resolve().relative_to(folder)), str(target.resolve().relative_to(folder))]
            for tmp, target in moves
        ],
    }
    fd, name = tempfile.mkstemp(
        prefix=f"{JOURNAL_NAME}{TEMP_MARK}{os.getpid()}-", suffix=TEMP_SUFFIX, dir=folder
    )
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.replace(name, journal)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def recover_output_folder(folder: Path) -> None:
    """Clean up after runs that died in ``folder``: finish their renames, drop their temp files.

    Call it only while holding the folder's ``OutputLock``. A journal left by a run killed
    between two renames is rolled forward (every temp file it names becomes its final
    file), so the folder holds that run's outputs whole. Then every temp file of a dead
    process in the folder and its direct subfolders (``annotated/``) is removed.
    """
    journal = folder / JOURNAL_NAME
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        data = json.loads(journal.read_text(encoding="utf-8"))
        pid = int(data["pid"])
        if pid == os.getpid() or not _pid_alive(pid, journal):
            base = folder.resolve()
            for tmp_rel, final_rel in data["moves"]:
                tmp, final = base / tmp_rel, base / final_rel
                inside = tmp.resolve().is_relative_to(base) and final.resolve().is_relative_to(base)
                if inside and _TEMP_NAME.match(tmp.name) and tmp.exists():
                    os.replace(tmp, final)
            journal.unlink()
    for path in [
        *folder.glob(f".*{TEMP_MARK}*{TEMP_SUFFIX}"),
        *folder.glob(f"*/.*{TEMP_MARK}*{TEMP_SUFFIX}"),
    ]:
        match = _TEMP_NAME.match(path.name)
        if match is None or not path.is_file():
            continue
        pid = int(match["pid"])
        if pid != os.getpid() and not _pid_alive(pid, path):
            with contextlib.suppress(OSError):
                path.unlink()


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
    a killed run (its process is gone) is taken over, and what that run left half done
    (temp files, unfinished renames) is cleaned up (``recover_output_folder``).
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._held = False

    def try_acquire(self) -> int | None:
        """Take the lock if no live run holds it; return None when taken, else the holder's pid.

        Raises:
            OutputError: the folder cannot be written.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError.of(
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
                    return pid
                with contextlib.suppress(OSError):
                    self.path.unlink()
                continue
            except OSError as exc:
                raise OutputError.of(
                    "write.folder_not_writable",
                    file=str(self.path.parent),
                    detail=exc.strerror or str(exc),
                ) from exc
            self._held = True
            try:
                with os.fdopen(fd, "w", encoding="ascii") as fh:
                    fh.write(str(os.getpid()))
                recover_output_folder(self.path.parent)
            except OSError as exc:
                self.release()
                raise write_error(self.path, exc) from exc
            except BaseException:
                self.release()
                raise
            return None
        return 0

    def acquire(self) -> None:
        """Take the lock.

        Raises:
            OutputError: another live run holds it, or the folder cannot be written.
        """
        holder = self.try_acquire()
        if holder is not None:
            raise OutputError.of("write.out_locked", file=str(self.path.parent), pid=holder or "?")

    def release(self) -> None:
        """Remove the lock if this run holds it."""
        if self._held:
            with contextlib.suppress(OSError):
                self.path.unlink()
            self._held = False
