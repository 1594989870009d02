"""One `select.poll` over every worker's channel and sentinel: a poll is one system call."""

from __future__ import annotations

import select
from collections.abc import Container, Iterable


class ChannelWatch:
    """Which workers have something to read, and which have died, since the last look."""

    def __init__(self) -> None:
        self._poller = select.poll()
        self._watched: dict[int, tuple[int, bool]] = {}  # fd → (wid, is the sentinel)
        self._backlog: set[int] = set()  # wids whose channel was cut off with more to read
        self._rotation = 0

    def watch(self, wid: int, channel_fd: int, sentinel: int) -> None:
        for fd, is_sentinel in ((channel_fd, False), (sentinel, True)):
            self._watched[fd] = (wid, is_sentinel)
            self._poller.register(fd, select.POLLIN)

    def unwatch(self, *fds: int) -> None:
        for fd in fds:
            if self._watched.pop(fd, None) is not None:
                self._poller.unregister(fd)

    def ready(self) -> list[int]:
        """Descriptors ready now (never waits)."""
        return [fd for fd, _events in self._poller.poll(0)]

    def channels(self, ready: Iterable[int], alive: Container[int]) -> list[int]:
        """Workers whose channel to read: ready ones plus those cut off last time, rotated.

        A channel cut off by the deadline after a full batch may hold whole frames
        in its buffer with its pipe empty: poll() would not report it again until
        the worker writes again, so it is read at the next poll regardless.
        """
        wids = {wid for wid in self._backlog if wid in alive}
        for fd in ready:
            wid, sentinel = self._watched.get(fd, (0, True))
            if not sentinel and wid in alive:
                wids.add(wid)
        self._backlog.clear()
        if not wids:
            return []
        order = list(wids)
        self._rotation = (self._rotation + 1) % len(order)  # fairness across polls
        return order[self._rotation :] + order[: self._rotation]

    def sentinels(self, ready: Iterable[int], alive: Container[int]) -> list[int]:
        """Workers whose sentinel is ready: their process has ended."""
        found = []
        for fd in ready:
            wid, sentinel = self._watched.get(fd, (0, False))
            if sentinel and wid in alive:
                found.append(wid)
        return found

    def cut_off(self, wids: Iterable[int]) -> None:
        """These channels still had messages when time ran out."""
        self._backlog.update(wids)

    @property
    def backlog(self) -> bool:
        return bool(self._backlog)
