"""Which process wrote each line of a watched program's output (mpscope's side of output_tee.py).

The relay gives the lines in the order the terminal got them, without saying
who wrote them; each Python process sends copies of its writes. A relayed line
belongs to the first process whose copy holds the same line. Copies usually
come first (a pipe's output waits in the writer's buffer until a flush), but on
a terminal the line can come first: it then waits up to CLAIM_WAIT_S for its
copy, and the lines after it wait behind it, so the order stays the terminal's.
A line nobody claims in time (written below Python, by another program, or its
copy not sent) is the main program's.
"""

from __future__ import annotations

from collections import deque

from mpscope.core.watch.output import MAX_LINE, STREAMS

CLAIM_WAIT_S = 0.5  # how long a relayed line waits for its copy
MAX_COPIES = 20_000  # copied lines waiting for their relayed twin; the oldest go first


class OutputOwners:
    """Relayed lines in, (pid or None, stream, line) out, in the terminal's order."""

    def __init__(self) -> None:
        self._partial: dict[tuple[int, int], str] = {}
        self._copies: dict[tuple[str, str], deque[tuple[int, int]]] = {}  # key → (seq, pid)
        self._order: deque[tuple[int, tuple[str, str]]] = deque()  # (seq, key), oldest first
        self._seq = 0
        self._lines: deque[tuple[float, str, str]] = deque()

    def copy(self, pid: int, number: int, text: str) -> None:
        """What process `pid` wrote to stream `number` (1 stdout, 2 stderr)."""
        data = self._partial.pop((pid, number), "") + text
        *lines, rest = data.split("\n")
        if rest:  # a line longer than MAX_LINE is only compared on its first MAX_LINE
            self._partial[(pid, number)] = rest[:MAX_LINE + 1]
        stream = STREAMS.get(number, "stdout")
        for line in lines:
            key = (stream, line.rstrip("\r")[:MAX_LINE])
            self._seq += 1
            self._copies.setdefault(key, deque()).append((self._seq, pid))
            self._order.append((self._seq, key))
        while len(self._order) > MAX_COPIES:  # claimed entries go for free; a live one is
            seq, key = self._order.popleft()  # a line that never reached the terminal
            pids = self._copies.get(key)
            if pids and pids[0][0] == seq:
                self._take(key)

    def line(self, stream: str, text: str, now: float) -> None:
        """A line the terminal got (as output.py cut it)."""
        self._lines.append((now, stream, text))

    def ready(self, now: float, everything: bool = False
              ) -> list[tuple[int | None, str, str]]:
        """The lines whose writer is known, or that waited long enough (all, at the end)."""
        out: list[tuple[int | None, str, str]] = []
        lines = self._lines
        while lines:
            at, stream, text = lines[0]
            pid = self._take((stream, text))
            if pid is None and not everything and now - at < CLAIM_WAIT_S:
                break
            lines.popleft()
            out.append((pid, stream, text))
        return out

    def _take(self, key: tuple[str, str]) -> int | None:
        pids = self._copies.get(key)
        if not pids:
            return None
        _seq, pid = pids.popleft()
        if not pids:
            del self._copies[key]
        return pid
