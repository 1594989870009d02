"""Tails one run's feed while another process records it, until the run has ended.

`poll()` never blocks: it reads only when the database changed (SQLite's
`data_version`, a cheap check) or every few seconds anyway, to notice a
recorder that died without saying so. The caller sleeps between polls; at
POLL_S the follower shows a row about 0.25 s (half the recorder's commit
cadence) plus up to POLL_S after it happened.
"""

from __future__ import annotations

import time
from typing import Any

from mpscope.core.follow.feed import READ_LIMIT, FeedReader, end_item, run_item
from mpscope.core.history.store import HistoryStore

POLL_S = 0.1
RECHECK_S = 2.0  # read even when nothing was committed: a dead recorder commits nothing
STALE_S = 3.0  # a recorder commits a heartbeat every second; silence this long: is it alive?
EXIT_RECORDER_GONE = 1  # the run was interrupted: its recording process died


class NoSuchRun(LookupError):
    """The run asked for is not in the history."""


def pick_run(store: HistoryStore, run_id: int | None) -> int:
    """`run_id` when recorded; None: the newest running run, else the newest run."""
    if run_id is not None:
        if store.get_run(run_id) is None:
            raise NoSuchRun(f"no run #{run_id} in {store.path} (see `mpscope history`)")
        return run_id
    for status in ("running", None):
        runs = store.list_runs(status=status, limit=1)
        if runs:
            return int(runs[0]["id"])
    raise NoSuchRun(f"no runs recorded yet in {store.path}")


class Tail:
    """Follows one run: `poll()` returns the items committed since the last call."""

    def __init__(self, store: HistoryStore, run_id: int, since: int = 0) -> None:
        self.reader = FeedReader(store, run_id)
        self.store = store
        self.run_id = run_id
        self.since = since
        self.done = False
        self.more = False  # the last poll stopped at its limit: poll again at once
        self.exit_code: int | None = None
        self.reader_limit = READ_LIMIT  # feed rows per poll
        self.run: dict[str, Any] = {}
        self._version: int | None = None
        self._next_read = 0.0

    def poll(self) -> list[dict[str, Any]]:
        """New items in order; the first call starts with the `run` item, the last ends
        with the `end` item (then `done` is True and `exit_code` set)."""
        if self.done:
            return []
        now = time.monotonic()
        version = self.reader.data_version()
        if not self.more and version == self._version and now < self._next_read:
            return []
        self._version, self._next_read = version, now + RECHECK_S
        first = not self.run
        start = self.since
        items, run = self.reader.read(start, self.reader_limit)
        self.run = run
        self.since = run["upto"]
        self.more = self.since != start and self.reader.last_seq() > self.since
        if first:
            items.insert(0, run_item(run, start))
        if self.more:
            return items
        if run["status"] != "running":
            self.done = True
            code = run["exit_code"] if run["status"] == "finished" else None
            self.exit_code = EXIT_RECORDER_GONE if code is None else int(code)
            items.append(end_item(run, self.since))
        elif (time.time() - (run["heartbeat"] or run["started_at"] or 0) > STALE_S
              and self.store.mark_interrupted([self.run_id])):
            self._next_read = 0.0  # our own write does not move data_version: read again
        return items
