"""Reads a run's feed from the history: everything recorded after a sequence number, in order.

Each item is a JSON-ready dict of the public schema (docs/follow.md, version
SCHEMA): `{"v": 1, "seq": N, "type": ..., ...}`. A read is one SQLite read
transaction, so it never sees half a commit: the items of one read are exactly
the feed rows in (since, upto], and the next read starts at upto.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from mpscope.core.history.store import COLUMNS, FEED_CODES, GROUPED, HistoryStore, unpack_cpu

SCHEMA = 1
HEARTBEAT_S = 5.0  # an idle stream says it is alive this often (a reader's timeout)
READ_LIMIT = 5_000  # feed rows per read: a long run replayed arrives in bounded pieces
# The data table → (item type, the join of its rows to their feed row).
_JOINS = {
    "events": ("event", "d.rowid = f.k1"),
    "workers": ("worker", "d.wid = f.k1"),
    "tasks": ("task", "d.seq >= f.k1 AND d.seq < f.k1 + COALESCE(f.n, 1)"),
    "core_samples": ("cpu", "d.t = f.k1"),
    "worker_samples": ("worker_cpu", "d.t = f.k1 AND d.wid >= f.k2"),
    "progress_samples": ("progress", "d.t = f.k1 AND d.wid >= f.k2"),
}
# A row's own number: its feed row's, but a run of tasks is numbered in seq order.
_NUMBER = {"tasks": "f.seq + CAST(d.seq - f.k1 AS INTEGER)"}
# Keyed rows are rewritten when they change: within one read only the newest is sent.
_KEYED = frozenset({"workers", "tasks"})
RUN_FIELDS = ("id", "title", "host", "pid", "start_method", "started_at", "status", "config")
END_FIELDS = ("status", "exit_code", "started_at", "ended_at", "duration", "summary")


class FeedReader:
    """Reads one run's feed from a store opened by the caller (one thread)."""

    def __init__(self, store: HistoryStore, run_id: int) -> None:
        self.store = store
        self.run_id = run_id

    def data_version(self) -> int:
        """Changes whenever another connection commits: poll this, read only when it moved."""
        return int(self.store.db.execute("PRAGMA data_version").fetchone()[0])

    def read(self, since: int,
             limit: int = READ_LIMIT) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """(items numbered after `since`, in order, from up to `limit` feed rows; the run's
        row as it was, with `upto`: the last number this read covered, the next `since`)."""
        db = self.store.db
        db.execute("BEGIN")
        try:
            run = self.store.get_run(self.run_id)
            if run is None:
                raise KeyError(self.run_id)
            # A `since` inside a group of samples: start at the group's own feed row.
            low = db.execute("SELECT seq, COALESCE(n, 1) FROM feed WHERE run_id = ? AND "
                             "seq <= ? ORDER BY seq DESC LIMIT 1", (self.run_id, since)).fetchone()
            start = low[0] - 1 if low and low[0] + low[1] - 1 > since else since
            last = db.execute("SELECT seq, COALESCE(n, 1) FROM feed WHERE run_id = ? AND seq > ? "
                              "ORDER BY seq LIMIT 1 OFFSET ?",
                              (self.run_id, start, limit - 1)).fetchone() or db.execute(
                "SELECT seq, COALESCE(n, 1) FROM feed WHERE run_id = ? AND seq > ? "
                "ORDER BY seq DESC LIMIT 1", (self.run_id, start)).fetchone()
            items = [] if last is None else self._items(start, last[0], since)
        finally:
            db.execute("COMMIT")
        run["upto"] = since if last is None else max(since, last[0] + last[1] - 1)
        return items, run

    def last_seq(self) -> int:
        """The last number written so far (the end of the newest feed row's group)."""
        row = self.store.db.execute("SELECT seq + COALESCE(n, 1) - 1 FROM feed WHERE run_id = ? "
                                    "ORDER BY seq DESC LIMIT 1", (self.run_id,)).fetchone()
        return int(row[0]) if row else 0

    def _items(self, start: int, upto: int, since: int) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for table, (kind, join) in _JOINS.items():
            columns = [c for c in COLUMNS[table] if c != "run_id"]
            select = ", ".join(f'd."{c}"' for c in columns)
            number = _NUMBER.get(table, "f.seq")
            rows = self.store.db.execute(
                f"SELECT {number}, COALESCE(f.n, 1), {select} FROM feed f JOIN {table} d ON "
                f"d.run_id = f.run_id AND {join} WHERE f.run_id = ? AND f.tbl = ? AND "
                f"f.seq > ? AND f.seq <= ? ORDER BY 1" + (", d.wid" if table in GROUPED
                                                         else ""),
                (self.run_id, FEED_CODES[table], start, upto)).fetchall()
            if table in _KEYED:  # a row written twice in this span: only its newest state
                rows = list({row[2]: row for row in rows}.values())
            if table in GROUPED:  # the group's first n rows from its lowest wid are its own
                numbered = []
                for _, group in itertools.groupby(rows, key=_seq):
                    first = next(group)
                    numbered += [(first[0] + i, *row[2:]) for i, row in
                                 enumerate(itertools.chain([first], group)) if i < first[1]]
                items += [_item(kind, columns, row) for row in numbered if row[0] > since]
            else:  # (a run of tasks may begin at or before `since`)
                items += [_item(kind, columns, (row[0], *row[2:])) for row in rows
                          if row[0] > since]
        items.sort(key=_by_seq)
        return items


def _item(kind: str, columns: list[str], row: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"v": SCHEMA, "seq": row[0], "type": kind}
    for name, value in zip(columns, tuple(row)[1:], strict=True):
        if name == "seq":  # a pool task's place in the task list, not the feed's number
            item["task_seq"] = value
        elif name.endswith("_json"):
            item[name[:-5]] = None if value is None else json.loads(value)
        elif name == "per_core":
            item[name] = unpack_cpu(value)
        else:
            item[name] = value
    return item


def run_item(run: dict[str, Any], since: int) -> dict[str, Any]:
    """The first line of a stream: which run this is, and where the stream starts."""
    return {"v": SCHEMA, "type": "run", "since": since,
            "run": {key: run.get(key) for key in RUN_FIELDS}}


def end_item(run: dict[str, Any], seq: int) -> dict[str, Any]:
    """The last line: how the run ended; `seq` is the last item's (nothing follows it)."""
    return {"v": SCHEMA, "type": "end", "seq": seq, **{key: run.get(key) for key in END_FIELDS}}


def _seq(row: Any) -> int:
    return int(row[0])


def _by_seq(item: dict[str, Any]) -> int:
    return int(item["seq"])
