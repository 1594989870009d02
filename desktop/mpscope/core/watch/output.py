"""The program's output as mpscope keeps it: lines per stream, capped per run."""

from __future__ import annotations

from collections.abc import Callable

MAX_CAPTURED = 8 << 20  # bytes per run kept as `output` events; the terminal gets everything
MAX_LINE = 4000  # characters: a longer line is cut (the terminal still got all of it)
STREAMS = {1: "stdout", 2: "stderr"}


class OutputCapture:
    """Turns chunks into lines and hands each to `emit(stream, line)` until the cap."""

    def __init__(self, emit: Callable[[str, str], None], on_cap: Callable[[int], None]) -> None:
        self._emit = emit
        self._on_cap = on_cap
        self._partial: dict[int, bytes] = {1: b"", 2: b""}
        self.bytes = {1: 0, 2: 0}
        self.captured = 0
        self.capped = False

    def feed(self, stream: int, chunk: bytes) -> None:
        self.bytes[stream] = self.bytes.get(stream, 0) + len(chunk)
        if self.capped:
            return
        data = self._partial.get(stream, b"") + chunk
        *lines, self._partial[stream] = data.split(b"\n")
        for line in lines:
            self._line(stream, line)

    def close(self) -> None:
        """The streams ended: a last line without a newline is kept too."""
        for stream, rest in self._partial.items():
            if rest and not self.capped:
                self._line(stream, rest)
            self._partial[stream] = b""

    def _line(self, stream: int, raw: bytes) -> None:
        self.captured += len(raw) + 1
        if self.captured > MAX_CAPTURED:
            self.capped = True
            self._on_cap(MAX_CAPTURED)
            return
        text = raw.decode("utf-8", errors="replace").rstrip("\r")
        self._emit(STREAMS.get(stream, "stdout"), text[:MAX_LINE])

    def summary(self) -> dict[str, object]:
        return {"stdout_bytes": self.bytes[1], "stderr_bytes": self.bytes[2],
                "captured_bytes": min(self.captured, MAX_CAPTURED), "capped": self.capped}
