"""Start slots: how many workers a threaded engine lets be between start() and Started at once."""

from __future__ import annotations

import os
from collections.abc import Callable

# At most this many workers are between start() and their Started message at once: each
# costs 15–50 ms of CPU while it starts, and hundreds doing so together starve every
# other process on the machine, the window included.
_CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
MAX_STARTING = max(2, _CPUS or 2)
# ...but a worker holds its slot for at most this long: children that hang before
# saying Started must not hold up every later start.
START_SLOT_S = 2.0
_STRENGTH = {None: 0, "stop": 1, "terminate": 2, "kill": 3}


class Launching:
    """Workers handed to the starter thread and not yet collected, and the start slots held."""

    def __init__(self) -> None:
        self._asked: dict[int, str | None] = {}  # wid → the strongest action asked meanwhile
        self._slots: dict[int, float] = {}  # wid → when it took a start slot (monotonic)

    def __bool__(self) -> bool:
        return bool(self._asked)

    def __contains__(self, wid: object) -> bool:
        return wid in self._asked

    def add(self, wid: int, now: float) -> None:
        """The worker is handed to the starter thread and takes a slot."""
        self._asked[wid] = None
        self._slots[wid] = now

    def ask(self, wid: int, what: str) -> bool:
        """Keep stop/terminate/kill for when the worker has a pid; False if it is not starting."""
        if wid not in self._asked:
            return False
        if _STRENGTH[what] > _STRENGTH[self._asked[wid]]:
            self._asked[wid] = what
        return True

    def collected(self, wid: int) -> str | None:
        """The start came back: what was asked meanwhile (the slot stays until Started)."""
        return self._asked.pop(wid, None)

    def free_slots(self, now: float, still_starting: Callable[[int], bool]) -> int:
        """Slots free now: a slot is held until its worker says Started, START_SLOT_S at most."""
        self._slots = {wid: since for wid, since in self._slots.items()
                       if now - since < START_SLOT_S
                       and (wid in self._asked or still_starting(wid))}
        return MAX_STARTING - len(self._slots)
