"""Run history in SQLite (WAL): the schema, writes for the recorder, queries for views and the CLI.

Rows come back as plain dicts; a `*_json` column comes back parsed under its
name without the suffix (`config_json` → `config`), and a core sample's blob
as a list of floats. One HistoryStore is one connection: use it on one thread.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import struct
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from mpscope.core.history.outcome import run_outcome

SCHEMA_VERSION = 3
STATUSES = ("running", "finished", "interrupted")
BUSY_TIMEOUT_S = 5.0

# Each table as "name TYPE" columns (names get quoted: `group` and `index` are SQL words).
TABLES: dict[str, tuple[str, ...]] = {
    "runs": ("id INTEGER PRIMARY KEY AUTOINCREMENT", "title TEXT", "config_json TEXT",
             "start_method TEXT", "started_at REAL", "ended_at REAL", "exit_code INTEGER",
             "status TEXT", "pid INTEGER", "pid_started REAL", "host TEXT", "duration REAL",
             "heartbeat REAL", "summary_json TEXT"),
    "workers": ("run_id INTEGER", "wid INTEGER", "name TEXT", "kind TEXT", "group TEXT",
                "index INTEGER", "task TEXT", "pid INTEGER", "state TEXT", "exitcode INTEGER",
                "detail TEXT", "started_at REAL", "running_at REAL", "ended_at REAL",
                "received INTEGER", "sent INTEGER", "seq_gaps INTEGER", "done REAL", "total REAL",
                "restarts INTEGER", "result_json TEXT", "error_type TEXT", "error_message TEXT",
                "traceback TEXT"),
    "events": ("run_id INTEGER", "t REAL", "wid INTEGER", "kind TEXT", "text TEXT", "detail TEXT"),
    "tasks": ("run_id INTEGER", "seq INTEGER", "task_id INTEGER", "first_index INTEGER",
              "count INTEGER", "pid INTEGER", "wid INTEGER", "started REAL", "ended REAL",
              "outcome TEXT", "attempt INTEGER", "error TEXT", "traceback TEXT",
              "history_json TEXT"),  # earlier attempts: [pid, wid, started, ended, outcome]
    "core_samples": ("run_id INTEGER", "t REAL", "per_core BLOB", "own_cpu REAL",
                     "own_rss INTEGER"),
    "worker_samples": ("run_id INTEGER", "t REAL", "wid INTEGER", "cpu REAL", "rss INTEGER"),
    "progress_samples": ("run_id INTEGER", "t REAL", "wid INTEGER", "done REAL", "total REAL"),
    # Peak resident memory of a task (kind 'task', key its seq) or a process ('worker', its wid).
    # A table of its own, not columns, for the reason the feed is one (see FEED_SQL).
    "peaks": ("run_id INTEGER", "kind TEXT", "key INTEGER", "peak_rss INTEGER"),
}
# Keyed tables are WITHOUT ROWID, clustered on their key: no separate index to pay for.
_KEYS = {"workers": "run_id, wid", "tasks": "run_id, seq", "core_samples": "run_id, t",
         "worker_samples": "run_id, t, wid", "progress_samples": "run_id, t, wid",
         "peaks": "run_id, kind, key"}
COLUMNS = {table: tuple(c.split()[0] for c in cols) for table, cols in TABLES.items()}
CHILD_TABLES = tuple(t for t in TABLES if t != "runs")
COLUMNS["feed"] = ("run_id", "seq", "tbl", "k1", "k2", "n")  # see FEED_SQL
# The feed: the recorder's rows numbered in the order it wrote them, so that a follower
# (`mpscope follow --since SEQ`) reads exactly what came after SEQ. `tbl` names the data
# table (FEED_CODES), k1 and k2 its row: events → rowid; workers → wid; tasks → seq;
# core_samples → t. A keyed row written again gets a new feed row (it changed). Consecutive
# tasks share one feed row (k1 the first task's seq, n tasks numbered seq … seq + n - 1),
# so a pool's thousands of tasks a second cost the feed a few rows. Worker and
# progress samples come in groups that share one t: one feed row (t, the group's lowest
# wid, n rows) numbers its group's rows seq … seq + n - 1 in wid order, which keeps the
# feed to about a fifth of the history's rows. A new table rather than new columns: an
# older mpscope still recording a run inserts rows without naming columns.
FEED_SQL = ("CREATE TABLE IF NOT EXISTS feed (run_id INTEGER, seq INTEGER, tbl INTEGER, "
            "k1 REAL, k2 INTEGER, n INTEGER, PRIMARY KEY (run_id, seq)) WITHOUT ROWID")
FEED_TABLES = ("events", "workers", "tasks", "core_samples", "worker_samples", "progress_samples")
GROUPED = frozenset({"worker_samples", "progress_samples"})  # see above
FEED_CODES = {table: code for code, table in enumerate(FEED_TABLES, 1)}  # feed.tbl
PEAK_KEYS = {"workers": ("worker", "wid"), "tasks": ("task", "seq")}  # table → peaks' kind, key
PEAKS_SQL = ("CREATE TABLE IF NOT EXISTS peaks (run_id INTEGER, kind TEXT, key INTEGER, "
             "peak_rss INTEGER, PRIMARY KEY (run_id, kind, key)) WITHOUT ROWID")
# Version reached -> its statements.
_MIGRATIONS: dict[int, tuple[str, ...]] = {2: (FEED_SQL,), 3: (PEAKS_SQL,)}


class HistoryError(Exception):
    """The history database cannot be used (unreadable, not a database, or from a newer mpscope)."""


def unusable(path: str | os.PathLike[str], problem: object) -> str:
    """One line: which history file cannot be used, why, and what to do about it."""
    return (f"the run history {os.fspath(path)} is unusable ({problem}); move that file aside"
            " to start a new one, or set MPSCOPE_DATA_DIR to keep the history elsewhere")


def _create_sql() -> list[str]:
    sql = []
    for table, cols in TABLES.items():
        body = [f'"{c.split()[0]}" {c.split(maxsplit=1)[1]}' for c in cols]
        if table in _KEYS:
            body.append(f"PRIMARY KEY ({_KEYS[table]})")
        tail = " WITHOUT ROWID" if table in _KEYS else ""
        sql.append(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(body)}){tail}")
    sql.append("CREATE INDEX IF NOT EXISTS events_run_t ON events (run_id, t)")
    sql.append("CREATE INDEX IF NOT EXISTS runs_started ON runs (started_at)")
    sql.append("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value)")
    sql.append(FEED_SQL)
    return sql


def pack_cpu(values: Sequence[float]) -> bytes:
    """Per-core CPU % as little-endian uint16 tenths: 2 bytes a core, exact to 0.1 %."""
    return struct.pack(f"<{len(values)}H", *(min(65535, max(0, round(v * 10))) for v in values))


def unpack_cpu(blob: bytes) -> list[float]:
    return [n / 10 for n in struct.unpack(f"<{len(blob) // 2}H", blob)]


class HistoryStore:
    """One connection to the history database; creates and migrates the schema on open."""

    def __init__(self, path: str | os.PathLike[str], *, check_interrupted: bool = True) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self._setup_when_free()
        except (sqlite3.OperationalError, OSError) as exc:  # locked, no folder, no permission
            raise HistoryError(f"cannot open run history {self.path}: {exc}; set"
                               " MPSCOPE_DATA_DIR to keep the history elsewhere") from exc
        except sqlite3.Error as exc:  # not a database, or a damaged one
            raise HistoryError(unusable(self.path, exc)) from exc
        if check_interrupted:
            try:
                self.mark_interrupted()
            except sqlite3.DatabaseError as exc:  # opens, but is broken further in
                self.db.close()
                raise HistoryError(unusable(self.path, exc)) from exc

    def _setup_when_free(self) -> None:
        """_setup(), again while another process holds the lock: switching a new database to
        WAL answers "locked" at once, without the busy timeout (two runs started together on
        a fresh machine, or a `follow --list` beside a run that creates the file)."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self._setup()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.02)

    def _setup(self) -> None:
        db = self.db
        # auto_vacuum only takes effect before the first table exists: set it first.
        db.execute("PRAGMA auto_vacuum = INCREMENTAL")
        db.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode: a committed transaction survives a killed process (not power loss).
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA journal_size_limit = 16777216")  # a big delete must not leave a big WAL
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HistoryError(unusable(
                self.path, f"written by a newer mpscope, schema {version}"))
        if version == SCHEMA_VERSION:
            return  # the common case: reading needs no write lock
        with self.transaction():
            version = db.execute("PRAGMA user_version").fetchone()[0]  # another may have begun
            steps = _create_sql() if version == 0 else [
                sql for step in range(version + 1, SCHEMA_VERSION + 1) for sql in _MIGRATIONS[step]]
            for statement in steps:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- writes ------------------------------------------------------------------
    def begin_run(self, **fields: Any) -> int:
        """Insert a run (status running, this process as its recorder); return its id."""
        fields.setdefault("status", "running")
        fields.setdefault("pid", os.getpid())
        # The pid's start time makes (pid, pid_started) name one process, even after pid reuse.
        # psutil is imported here, not at the top: this runs on the recorder's writer thread,
        # while `mpscope run`'s first workers start, so its import stays off their way.
        import psutil

        fields.setdefault("pid_started", psutil.Process().create_time())
        fields.setdefault("host", socket.gethostname())
        fields.setdefault("started_at", time.time())
        fields["config_json"] = json.dumps(fields.pop("config", None))
        names = ", ".join(f'"{k}"' for k in fields)
        marks = ", ".join("?" * len(fields))
        sql = f"INSERT INTO runs ({names}) VALUES ({marks})"
        cursor = self.db.execute(sql, list(fields.values()))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def update_run(self, run_id: int, **fields: Any) -> None:
        """Set columns of one run (`summary` and `config` are stored as JSON)."""
        for key in ("summary", "config"):
            if key in fields:
                fields[f"{key}_json"] = json.dumps(fields.pop(key))
        assignments = ", ".join(f'"{k}" = ?' for k in fields)
        self.db.execute(f"UPDATE runs SET {assignments} WHERE id = ?", [*fields.values(), run_id])

    def insert(self, table: str, rows: Iterable[Sequence[Any]]) -> None:
        """Insert (or replace, for keyed tables) rows given in COLUMNS order, run_id first."""
        marks = ", ".join("?" * len(COLUMNS[table]))
        self.db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", rows)

    # -- queries -----------------------------------------------------------------
    def list_runs(self, search: str | None = None, status: str | None = None,
                  limit: int | None = 200) -> list[dict[str, Any]]:
        """Newest first, with `workers` and `pool_tasks` counts and the `outcome`; search
        matches title or config."""
        where, args = ["1"], []
        if search:
            where.append("(title LIKE ? OR config_json LIKE ? OR CAST(id AS TEXT) = ?)")
            args += [f"%{search}%", f"%{search}%", search.lstrip("#")]
        if status:
            where.append("status = ?")
            args.append(status)
        sql = ("SELECT runs.*, (SELECT count(*) FROM workers w WHERE w.run_id = runs.id AND "
               "w.kind = 'worker') AS workers, (SELECT count(*) FROM tasks k WHERE "
               "k.run_id = runs.id) AS pool_tasks, (SELECT group_concat(DISTINCT w.state) "
               "FROM workers w WHERE w.run_id = runs.id AND w.kind = 'worker') AS worker_states "
               f"FROM runs WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?")
        rows = [_plain(row) for row in self.db.execute(sql, [*args, -1 if limit is None
                                                             else limit])]
        for row in rows:  # how the run went, in one word (the status says only if it ended)
            row["outcome"] = run_outcome(row)
        return rows

    def get_run(self, run_id: int) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return None if row is None else _plain(row)

    def workers(self, run_id: int) -> list[dict[str, Any]]:
        """The run's processes, each with its `peak_rss` (bytes, None when unknown)."""
        return self._with_peaks(self._rows("workers", run_id, order="wid"), run_id, "worker")

    def events(self, run_id: int, kinds: Iterable[str] | None = None,
               wid: int | None = None) -> list[dict[str, Any]]:
        """The run's events in the order they happened, optionally only some kinds or one worker."""
        return self._rows("events", run_id, order="rowid", wid=wid, kinds=kinds)

    def tasks(self, run_id: int) -> list[dict[str, Any]]:
        """The run's pool tasks, each with its `peak_rss` (bytes, None when unknown)."""
        return self._with_peaks(self._rows("tasks", run_id, order="seq"), run_id, "task")

    def peaks(self, run_id: int, kind: str) -> dict[int, int]:
        """Peak RSS by seq (`kind` 'task') or by wid ('worker')."""
        rows = self.db.execute("SELECT key, peak_rss FROM peaks WHERE run_id = ? AND kind = ?",
                               (run_id, kind))
        return {key: peak for key, peak in rows}

    def _with_peaks(self, rows: list[dict[str, Any]], run_id: int,
                    kind: str) -> list[dict[str, Any]]:
        peaks = self.peaks(run_id, kind)
        key = "seq" if kind == "task" else "wid"
        for row in rows:
            row["peak_rss"] = peaks.get(row[key])
        return rows

    def core_samples(self, run_id: int) -> list[dict[str, Any]]:
        """Per-core CPU % (`per_core`, a list) and mpscope's own CPU % and RSS, by time."""
        return self._rows("core_samples", run_id)

    def worker_samples(self, run_id: int, wid: int | None = None) -> list[dict[str, Any]]:
        return self._rows("worker_samples", run_id, wid=wid)

    def progress_samples(self, run_id: int, wid: int | None = None) -> list[dict[str, Any]]:
        """Progress (done, total) by time; wid 0 is the pool's items as a whole."""
        return self._rows("progress_samples", run_id, wid=wid)

    def _rows(self, table: str, run_id: int, order: str = "t", wid: int | None = None,
              kinds: Iterable[str] | None = None) -> list[dict[str, Any]]:
        sql = f"SELECT {_select(table)} FROM {table} WHERE run_id = ?"
        args: list[Any] = [run_id]
        if wid is not None:
            sql += " AND wid = ?"
            args.append(wid)
        if kinds is not None:
            kinds = list(kinds)
            sql += f" AND kind IN ({', '.join('?' * len(kinds))})"
            args += kinds
        return [_plain(row) for row in self.db.execute(f"{sql} ORDER BY {order}", args)]

    def iter_rows(self, table: str, run_id: int) -> Iterator[dict[str, Any]]:
        """A run's rows of one table, one at a time off the cursor, as the list queries order them.

        For exports of runs too large to hold: workers and tasks carry `peak_rss` by a join.
        """
        order = {"workers": "wid", "events": "rowid", "tasks": "seq"}.get(table, "t")
        columns = ", ".join(f'x."{c}"' for c in COLUMNS[table] if c != "run_id")
        sql = f"SELECT {columns} FROM {table} x"
        if table in PEAK_KEYS:
            kind, key = PEAK_KEYS[table]
            sql = (f"SELECT {columns}, p.peak_rss FROM {table} x LEFT JOIN peaks p ON "
                   f"p.run_id = x.run_id AND p.kind = '{kind}' AND p.key = x.{key}")
        # A cursor of its own: the export's reads never disturb the connection's other users.
        cursor = self.db.cursor()
        try:
            for row in cursor.execute(f"{sql} WHERE x.run_id = ? ORDER BY x.{order}", (run_id,)):
                yield _plain(row)
        finally:
            cursor.close()

    def delete_run(self, run_id: int) -> bool:
        """Delete a run and everything recorded for it; False if absent or still being recorded."""
        run = self.get_run(run_id)
        if run is None or (run["status"] == "running" and not self.mark_interrupted([run_id])):
            return False
        with self.transaction():
            self.delete_rows(run_id)
        return True

    def delete_rows(self, run_id: int) -> None:
        """Delete a run's rows in every table (inside the caller's transaction)."""
        for table in (*CHILD_TABLES, "feed"):
            self.db.execute(f"DELETE FROM {table} WHERE run_id = ?", (run_id,))
        self.db.execute("DELETE FROM runs WHERE id = ?", (run_id,))

    def mark_interrupted(self, only: Iterable[int] | None = None) -> list[int]:
        """Runs left 'running' by a recorder that is gone become 'interrupted'; return their ids."""
        host = socket.gethostname()
        rows = self.db.execute("SELECT id, pid, pid_started, host FROM runs "
                               "WHERE status = 'running'").fetchall()
        wanted = None if only is None else set(only)
        # A run recorded on another machine (a shared home) cannot be judged from here.
        gone = [r["id"] for r in rows if r["host"] == host and (wanted is None or r["id"] in wanted)
                and not _alive(r["pid"], r["pid_started"])]
        for run_id in gone:
            # The last commit's heartbeat is the best known end: everything before it is here.
            self.db.execute("UPDATE runs SET status = 'interrupted', ended_at = "
                            "COALESCE(heartbeat, started_at), duration = COALESCE(heartbeat, "
                            "started_at) - started_at WHERE id = ? AND status = 'running'",
                            (run_id,))
        return gone

    def used_bytes(self) -> int:
        """Bytes of the database in use (file pages minus free pages)."""
        pages, free, size = (self.db.execute(f"PRAGMA {name}").fetchone()[0]
                             for name in ("page_count", "freelist_count", "page_size"))
        return int((pages - free) * size)


def _select(table: str) -> str:
    return ", ".join(f'"{c}"' for c in COLUMNS[table] if c != "run_id")


def _plain(row: sqlite3.Row) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in row.keys():  # noqa: SIM118 - sqlite3.Row has no __iter__ over keys
        value = row[key]
        if key.endswith("_json"):
            out[key[:-5]] = None if value is None else json.loads(value)
        elif key == "per_core":
            out[key] = unpack_cpu(value)
        else:
            out[key] = value
    return out


def _alive(pid: int | None, started: float | None) -> bool:
    """Whether the process that recorded a run still runs (same pid and same start time)."""
    if not pid:
        return False
    import psutil  # lazily: see begin_run

    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return started is None or abs(process.create_time() - started) < 1.0
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:  # AccessDenied: someone's live process; do not call it dead
        return True
