"""The allocator tuning the console script applies on glibc Linux (cli/memory.py)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

PROBE = (
    "from edupoverty.cli.memory import tune_allocator; import pyarrow as pa; "
    "print(tune_allocator(), pa.default_memory_pool().backend_name)"
)

glibc_only = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
    reason="the tuning applies to glibc Linux only",
)


def _probe(**env: str) -> list[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"EDUPOV_ALLOCATOR", "ARROW_DEFAULT_MEMORY_POOL"}
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.split()


@glibc_only
def test_tuning_moves_arrow_to_the_system_allocator() -> None:
    assert _probe() == ["True", "system"]


@glibc_only
def test_tuning_is_skipped_when_asked_for_the_default() -> None:
    applied, pool = _probe(EDUPOV_ALLOCATOR="default")
    assert applied == "False" and pool != "system"


@glibc_only
def test_a_pool_the_user_chose_for_arrow_is_kept() -> None:
    assert _probe(ARROW_DEFAULT_MEMORY_POOL="jemalloc") == ["False", "jemalloc"]
