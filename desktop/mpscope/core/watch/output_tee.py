"""In a watched program's processes: what Python code writes to stdout/stderr, copied to mpscope.

The program's output reaches the terminal through the relay (relay.py), one
stream for every process, in the order the bytes were written. To say which
process wrote a line, each Python process of the program sends mpscope a copy
of its writes, and mpscope gives each line of the relayed stream to the
process whose copy matches it (output_owners.py).

The real streams are left in place: `sys.stdout` and `sys.stderr` become thin
proxies that call the real stream's `write` first (so its result, its
exceptions and its buffering are the program's own) and then send the copy,
never blocking: a copy the channel cannot take now is simply not sent, and its
line then shows as the main program's. Writes below Python (`os.write`, C
extensions, other programs) are not copied; they show as the main program's too.
"""

from __future__ import annotations

import os
import sys

from mpscope.core.watch import tags as wm
from mpscope.core.watch.client import channel

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

BUDGET = 8 << 20  # characters a process copies at most (mpscope keeps 8 MB per run anyway)

_copied = [0, 0]  # [pid, characters copied by that pid]


class TeeStream:
    """sys.stdout or sys.stderr as the program set it, with each write copied to mpscope."""

    def __init__(self, stream: Any, number: int) -> None:
        self.__dict__["_mpscope_real"] = stream
        self.__dict__["_mpscope_number"] = number

    def write(self, text: Any) -> Any:
        written = self._mpscope_real.write(text)  # first: its result and errors are the program's
        _copy(self._mpscope_number, text)
        return written

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._mpscope_real, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._mpscope_real, name, value)

    def __enter__(self) -> Any:
        return self._mpscope_real.__enter__()

    def __exit__(self, *exc: Any) -> Any:
        return self._mpscope_real.__exit__(*exc)

    def __iter__(self) -> Any:
        return iter(self._mpscope_real)

    def __repr__(self) -> str:
        return repr(self._mpscope_real)


def install() -> None:
    """Copy this process's writes (once per process; nothing when it is not watched)."""
    try:
        if not channel().active:
            return
        for name, number in (("stdout", 1), ("stderr", 2)):
            stream = getattr(sys, name, None)
            if stream is not None and not isinstance(stream, TeeStream):
                setattr(sys, name, TeeStream(stream, number))
    except Exception:  # noqa: BLE001 - the program's streams stay as they were
        pass


def _copy(number: int, text: Any) -> None:
    try:
        if type(text) is not str or not text:
            return
        pid = os.getpid()
        if _copied[0] != pid:  # a forked child starts its own budget
            _copied[0], _copied[1] = pid, 0
        _copied[1] += len(text)
        if _copied[1] > BUDGET:
            return
        ch = channel()
        batch = ch.flushed_in_background  # elsewhere nothing would send the batch in time
        ch.send((wm.OUTPUT, pid, number, text), batch=batch, quiet=True)
        ch.copies_waiting = ch.copies_waiting or batch
    except Exception:  # noqa: BLE001 - a copy never reaches the program
        pass
