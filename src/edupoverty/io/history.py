"""Run history: every reconcile and audit run and its findings, in one SQLite file.

Nothing to install (stdlib ``sqlite3``). The schema is versioned with ``PRAGMA
user_version`` and upgraded by ``MIGRATIONS`` in order. WAL mode and a busy timeout let
two cron runs write at once without either failing; each run is recorded in one
transaction, so a run that crashes mid-record leaves nothing behind.

Findings are keyed by their stable fingerprint (rule, person, programme, term; the
location only when there is no person), never by row numbers, which move between exports.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import platformdirs

from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.audit import finding_fingerprints
from edupoverty.core.errors import ConfigError, InputError, OutputError
from edupoverty.io.config_file import _read_toml

BUSY_TIMEOUT_MS = 30_000
"""How long a writer waits for another run's transaction (two cron jobs at once)."""
_CHUNK = 1 << 20

MIGRATIONS: tuple[str, ...] = (
    # 1: runs, their inputs and their findings.
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at TEXT NOT NULL,
        command TEXT NOT NULL,
        scope TEXT NOT NULL,
        as_of TEXT NOT NULL,
        terms TEXT NOT NULL,
        policy_name TEXT NOT NULL,
        policy_fingerprint TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        counts TEXT NOT NULL
    );
    CREATE TABLE run_inputs (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL
    );
    CREATE TABLE findings (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        rule TEXT NOT NULL,
        severity TEXT NOT NULL,
        person_id TEXT,
        name TEXT,
        program TEXT,
        term TEXT,
        amount_cents INTEGER,
        message TEXT NOT NULL,
        source TEXT,
        file TEXT,
        sheet TEXT,
        row INTEGER
    );
    CREATE INDEX findings_run ON findings(run_id, fingerprint);
    CREATE INDEX run_inputs_run ON run_inputs(run_id);
    """,
    # 2: the run's outcome (exit code, audit indicators) and a scope index, so that
    # "the previous run of the same scope" stays one index lookup after years of cron runs.
    """
    ALTER TABLE runs ADD COLUMN exit_code INTEGER;
    ALTER TABLE runs ADD COLUMN indicators TEXT;
    CREATE INDEX runs_scope ON runs(scope, id);
    """,
)
"""Schema migrations; migration ``n`` (1-based) brings ``user_version`` from n-1 to n."""
SCHEMA_VERSION = len(MIGRATIONS)


def default_history_path() -> Path:
    """Return the default database path in the user's data folder (platformdirs)."""
    return Path(platformdirs.user_data_dir("edupov", appauthor=False)) / "history.sqlite3"


def history_db_from_config(config: Path) -> Path | None:
    """Return ``[history] db`` from edupov.toml (relative to the file), or None when absent.

    Raises:
        ConfigError: the config cannot be read, or ``db`` is not a string.
    """
    table = _read_toml(config).get("history", {})
    value = table.get("db") if isinstance(table, dict) else None
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError.of("history.config_db_not_text", file=config.name)
    path = Path(value)
    return path if path.is_absolute() else config.resolve().parent / path


def hash_file(path: Path) -> str:
    """Return the sha256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run_scope(inputs: Mapping[str, Sequence[str]], terms: Sequence[str]) -> str:
    """Return the scope key of a run: a hash of its sorted input patterns and terms.

    Two runs have the same scope when they were given the same files, folders or globs
    (made absolute) per kind and the same ``--term`` values, whatever the day or as-of
    date, so "the previous run of the same scope" is well defined.

    Args:
        inputs: kind (registry, roster, ledger) → patterns as given.
        terms: the terms asked for (empty: every term in the ledgers).
    """
    basis = {
        kind: sorted(str(Path(p).absolute()) for p in patterns)
        for kind, patterns in sorted(inputs.items())
    }
    text = json.dumps({"inputs": basis, "terms": sorted(terms)}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class InputRecord:
    """One input file of a run and its content hash."""

    kind: str
    path: str
    sha256: str
    size: int

    @classmethod
    def of(cls, kind: str, path: Path) -> InputRecord:
        """Hash a file and return its record."""
        return cls(kind=kind, path=str(path), sha256=hash_file(path), size=path.stat().st_size)


@dataclass(frozen=True)
class RunRecord:
    """What is recorded about a run besides its findings."""

    started_at: str
    """ISO time the run started (the CLI passes ``datetime.now()``)."""
    command: str
    """``reconcile`` or ``audit``."""
    scope: str
    """``run_scope(...)``."""
    as_of: str
    """As-of date, ISO."""
    terms: tuple[str, ...]
    """Terms under review."""
    policy_name: str
    policy_fingerprint: str
    tool_version: str
    counts: Mapping[str, Any]
    """Per rule counts (``ReconcileResult.counts()``) and row totals."""
    inputs: tuple[InputRecord, ...] = ()
    exit_code: int | None = None
    indicators: Sequence[Mapping[str, Any]] | None = None
    """Audit indicators (``Indicator.model_dump()``), for audit runs."""


@dataclass(frozen=True)
class RunRow:
    """A recorded run, as read back."""

    id: int
    started_at: str
    command: str
    scope: str
    as_of: str
    terms: tuple[str, ...]
    policy_name: str
    policy_fingerprint: str
    tool_version: str
    counts: dict[str, Any]
    exit_code: int | None
    indicators: list[dict[str, Any]] | None
    findings: int
    inputs: tuple[InputRecord, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Diff:
    """Fingerprints compared between an earlier run ``a`` and a later run ``b``."""

    new: frozenset[str]
    """In b, not in a (新增)."""
    open: frozenset[str]
    """In both (未整改)."""
    resolved: frozenset[str]
    """In a, gone from b (已整改)."""


FINDING_FIELDS = (
    "fingerprint",
    "rule",
    "severity",
    "person_id",
    "name",
    "program",
    "term",
    "amount_cents",
    "message",
    "source",
    "file",
    "sheet",
    "row",
)
"""Columns of the findings table (besides run_id), and of ``History.findings``."""


def no_findings() -> pd.DataFrame:
    """Return an empty frame shaped like ``History.findings``."""
    frame = pd.DataFrame({name: pd.Series(dtype=object) for name in FINDING_FIELDS})
    return frame.astype({"amount_cents": "Int64", "row": "Int64"})


class History:
    """An open run-history database."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: taken at once (IMMEDIATE), committed whole or rolled back."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException:
            # SQLite may already have rolled back (disk full); the original error is the news.
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise

    def record_run(self, run: RunRecord, findings: pd.DataFrame) -> int:
        """Record a run and every finding in one transaction; return the new run id.

        A run killed or failing mid-record leaves nothing of itself behind (the
        transaction is rolled back, by SQLite's journal if the process died).

        Args:
            run: the run's facts.
            findings: the findings frame (``FINDING_COLUMNS``).

        Raises:
            OutputError: the database could not be written (disk full, locked too long).
        """
        try:
            return self._record(run, findings)
        except sqlite3.Error as exc:
            raise OutputError.of(
                "history.write_failed", file=str(self.path), detail=str(exc)
            ) from exc

    def _record(self, run: RunRecord, findings: pd.DataFrame) -> int:
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO runs (started_at, command, scope, as_of, terms, policy_name, policy_fingerprint,"
                " tool_version, counts, exit_code, indicators) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run.started_at,
                    run.command,
                    run.scope,
                    run.as_of,
                    json.dumps(list(run.terms), ensure_ascii=False),
                    run.policy_name,
                    run.policy_fingerprint,
                    run.tool_version,
                    json.dumps(run.counts, ensure_ascii=False, default=str),
                    run.exit_code,
                    None
                    if run.indicators is None
                    else json.dumps(list(run.indicators), ensure_ascii=False, default=str),
                ),
            )
            run_id = int(cursor.lastrowid or 0)
            db.executemany(
                "INSERT INTO run_inputs (run_id, kind, path, sha256, size) VALUES (?, ?, ?, ?, ?)",
                [(run_id, i.kind, i.path, i.sha256, i.size) for i in run.inputs],
            )
            db.executemany(
                f"INSERT INTO findings (run_id, {', '.join(FINDING_FIELDS)}) VALUES (?{', ?' * len(FINDING_FIELDS)})",
                ((run_id, *values) for values in finding_rows(findings)),
            )
        return run_id

    def list_runs(self, limit: int | None = None) -> list[RunRow]:
        """Return recorded runs, newest first (inputs not loaded)."""
        sql = _RUN_SELECT + " ORDER BY r.id DESC" + (" LIMIT ?" if limit else "")
        return [_run_row(r) for r in self._db.execute(sql, (limit,) if limit else ())]

    def run(self, run_id: int) -> RunRow | None:
        """Return one run with its inputs, or None when there is no such run."""
        row = self._db.execute(_RUN_SELECT + " WHERE r.id = ?", (run_id,)).fetchone()
        if row is None:
            return None
        inputs = tuple(
            InputRecord(kind=k, path=p, sha256=h, size=s)
            for k, p, h, s in self._db.execute(
                "SELECT kind, path, sha256, size FROM run_inputs WHERE run_id = ? ORDER BY rowid",
                (run_id,),
            )
        )
        return dataclasses.replace(_run_row(row), inputs=inputs)

    def previous_run(self, scope: str, before_run_id: int | None = None) -> RunRow | None:
        """Return the latest run of the same scope recorded before ``before_run_id`` (None: the latest of all)."""
        if before_run_id is None:
            row = self._db.execute(
                _RUN_SELECT + " WHERE r.scope = ? ORDER BY r.id DESC LIMIT 1", (scope,)
            ).fetchone()
        else:
            row = self._db.execute(
                _RUN_SELECT + " WHERE r.scope = ? AND r.id < ? ORDER BY r.id DESC LIMIT 1",
                (scope, before_run_id),
            ).fetchone()
        return None if row is None else _run_row(row)

    def fingerprints(self, run_id: int) -> frozenset[str]:
        """Return the set of finding fingerprints of a run."""
        rows = self._db.execute(
            "SELECT DISTINCT fingerprint FROM findings WHERE run_id = ?", (run_id,)
        )
        return frozenset(r[0] for r in rows)

    def findings(self, run_id: int, fingerprints: Iterable[str] | None = None) -> pd.DataFrame:
        """Return a run's findings (``FINDING_FIELDS``), optionally only those fingerprints, in recorded order."""
        rows = self._db.execute(
            f"SELECT {', '.join(FINDING_FIELDS)} FROM findings WHERE run_id = ? ORDER BY rowid",
            (run_id,),
        ).fetchall()
        frame = pd.DataFrame(rows, columns=list(FINDING_FIELDS))
        if fingerprints is not None:
            frame = frame[frame["fingerprint"].isin(set(fingerprints))].reset_index(drop=True)
        frame["amount_cents"] = frame["amount_cents"].astype("Int64")
        frame["row"] = frame["row"].astype("Int64")
        return frame

    def diff(self, run_a: int, run_b: int) -> Diff:
        """Return what is new in ``run_b``, still open, and resolved since ``run_a``."""
        a, b = self.fingerprints(run_a), self.fingerprints(run_b)
        return Diff(new=b - a, open=a & b, resolved=a - b)


_RUN_SELECT = (
    "SELECT r.id, r.started_at, r.command, r.scope, r.as_of, r.terms, r.policy_name, r.policy_fingerprint,"
    " r.tool_version, r.counts, r.exit_code, r.indicators,"
    " (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id) FROM runs r"
)


def _run_row(row: Sequence[Any]) -> RunRow:
    return RunRow(
        id=int(row[0]),
        started_at=row[1],
        command=row[2],
        scope=row[3],
        as_of=row[4],
        terms=tuple(json.loads(row[5])),
        policy_name=row[6],
        policy_fingerprint=row[7],
        tool_version=row[8],
        counts=json.loads(row[9]),
        exit_code=row[10],
        indicators=json.loads(row[11]) if row[11] else None,
        findings=int(row[12]),
    )


def finding_rows(findings: pd.DataFrame) -> Iterator[tuple[Any, ...]]:
    """Yield one tuple of ``FINDING_FIELDS`` per finding, with plain Python values."""
    if findings.empty:
        return
    prints = finding_fingerprints(findings)
    columns = {
        "fingerprint": prints,
        "rule": findings["rule"],
        "severity": findings["severity"],
        "person_id": findings[C.PERSON_ID],
        "name": findings[C.NAME],
        "program": findings[C.PROGRAM],
        "term": findings[C.TERM],
        "amount_cents": findings[C.AMOUNT_CENTS],
        "message": findings["message"],
        "source": findings[C.SOURCE],
        "file": findings[C.FILE],
        "sheet": findings[C.SHEET],
        "row": findings[C.ROW],
    }
    plain = pd.DataFrame(
        {k: v.astype(object).where(v.notna(), None).to_numpy() for k, v in columns.items()}
    )
    for values in plain.itertuples(index=False, name=None):
        yield tuple(v.item() if isinstance(v, np.generic) else v for v in values)


def open_history(path: Path) -> History:
    """Open (creating if needed) the run-history database and bring its schema up to date.

    Args:
        path: the database file.

    Raises:
        InputError: the file is not a usable database, or was written by a newer edupov.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise InputError.of("history.db_unusable", file=str(path), detail=str(exc)) from exc
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _use_wal(db)
        db.execute("PRAGMA foreign_keys = ON")
        migrate(db)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise InputError.of("history.db_unusable", file=str(path), detail=str(exc)) from exc
    except BaseException:
        db.close()
        raise
    return History(db, path)


WAL_ATTEMPTS = 600
"""Tries at switching a new database to WAL, 50 ms apart (the busy timeout's 30 s)."""


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch the database to WAL, waiting while another process holds it.

    Two cron jobs creating the same new database at once: SQLite answers the second
    one's journal-mode change with "database is locked" at once, without its busy
    handler, so the wait is here.
    """
    for attempt in range(WAL_ATTEMPTS):
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == WAL_ATTEMPTS - 1:
                raise
            time.sleep(0.05)


def migrate(db: sqlite3.Connection) -> int:
    """Apply every migration the database lacks, in one transaction; return the final version.

    Two processes opening a new database at once both get here: ``BEGIN IMMEDIATE``
    serialises them and the second finds the version already current.

    Raises:
        InputError: the database's version is newer than this edupov knows.
    """
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version == SCHEMA_VERSION:
        return version
    db.execute("BEGIN IMMEDIATE")
    try:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise InputError.of("history.db_too_new", version=version, known=SCHEMA_VERSION)
        for number in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _statements(MIGRATIONS[number - 1]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return SCHEMA_VERSION


def _statements(script: str) -> list[str]:
    """Split a migration into statements (``executescript`` would commit the transaction)."""
    return [s.strip() for s in script.split(";") if s.strip()]
