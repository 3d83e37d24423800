"""How many files ``load_inputs`` reads at once."""

from __future__ import annotations

import pytest

import edupoverty.io.loading as loading


@pytest.mark.parametrize(("cpus", "expected"), [(1, 1), (2, 2), (3, 3), (16, 4)])
def test_files_are_read_on_one_thread_per_usable_cpu_up_to_four(
    monkeypatch: pytest.MonkeyPatch, cpus: int, expected: int
) -> None:
    """More threads than cores only make the Python half of reading wait on the GIL."""
    monkeypatch.setattr(
        loading.os, "sched_getaffinity", lambda _pid: set(range(cpus)), raising=False
    )
    assert loading.read_threads() == expected


def test_without_an_affinity_mask_the_cpu_count_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(_pid: int) -> set[int]:
        raise OSError("not supported")

    monkeypatch.setattr(loading.os, "sched_getaffinity", unavailable, raising=False)
    monkeypatch.setattr(loading.os, "cpu_count", lambda: 2)
    assert loading.read_threads() == 2
