"""Write every output through a temp file in the target folder, then rename it into place.

A crash or a kill mid-write leaves the previous output untouched and no half-written
file under the final name; ``os.replace`` is atomic on the same filesystem.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
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
