"""Numbers the recorder's rows for the feed (store.FEED_SQL) that `mpscope follow` reads."""

from __future__ import annotations

import itertools
from typing import Any

from mpscope.core.history.store import FEED_CODES, GROUPED, HistoryStore

_EVENTS = FEED_CODES["events"]


class FeedNumbers:
    """The writer thread's counter: rows queued for a commit get their feed rows, in order."""

    def __init__(self) -> None:
        self.seq = 0  # the last number given

    def add(self, batch: dict[str, list[Any]], table: str, rows: list[Any]) -> None:
        """Queue `rows` of `table` in `batch` with their feed rows in `batch["feed"]`.

        An event's key is its place in the batch until `keyed` knows its rowid."""
        kept = batch.setdefault(table, [])
        if table not in FEED_CODES:  # e.g. peaks: recorded, not followed
            kept.extend(rows)
            return
        feed = batch.setdefault("feed", [])
        seq, code = self.seq, FEED_CODES[table]
        if table in GROUPED:  # rows of one t, in wid order, behind one feed row
            for t, same_t in itertools.groupby(sorted(rows, key=_t_wid), key=_t):
                group = list(same_t)
                feed.append((seq + 1, code, t, group[0][1], len(group)))
                kept.extend(group)
                seq += len(group)
        elif table == "events":
            first = len(kept)
            feed.extend((seq + i, code, first + i - 1, None, None) for i in range(1, len(rows) + 1))
            kept.extend(rows)
            seq += len(rows)
        elif table == "tasks":  # a run of consecutive tasks behind one feed row: k1 the
            start = 0  # first task's seq, n how many (a pool writes thousands a second)
            for end in range(1, len(rows) + 1):
                if end == len(rows) or rows[end][0] != rows[end - 1][0] + 1:
                    count = end - start
                    feed.append((seq + 1, code, rows[start][0], None, count if count > 1
                                 else None))
                    seq += count
                    start = end
            kept.extend(rows)
        else:  # workers (wid), core_samples (t): the first column is the key
            feed.extend((seq + i, code, row[0], None, None) for i, row in enumerate(rows, 1))
            kept.extend(rows)
            seq += len(rows)
        self.seq = seq


def insert_batch(store: HistoryStore, run_id: int, batch: dict[str, list[Any]]) -> None:
    """Insert a batch's rows and its feed (inside the caller's transaction)."""
    first_event = None
    for table, rows in batch.items():
        if table == "events":
            # No AUTOINCREMENT: each new rowid is one more than the largest, so the batch's
            # events get first_event, first_event + 1, … in the order they are inserted.
            first_event = int(store.db.execute(
                "SELECT COALESCE(max(rowid), 0) + 1 FROM events").fetchone()[0])
        if table != "feed":
            store.insert(table, [(run_id, *row) for row in rows])
    feed = batch.get("feed", [])
    if first_event is not None:
        feed = [(s, t, first_event + k1 if t == _EVENTS else k1, k2, n) for s, t, k1, k2, n in feed]
    store.insert("feed", [(run_id, *row) for row in feed])


def _t(row: tuple[Any, ...]) -> Any:
    return row[0]


def _t_wid(row: tuple[Any, ...]) -> tuple[Any, Any]:
    return row[0], row[1]
