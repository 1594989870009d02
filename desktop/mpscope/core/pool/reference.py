"""A plain serial run to check a pool's results against, for deterministic tasks only.

Run on the driver thread after the last pool is gone. Deterministic means the
same item gives the same result, so each distinct item is computed once, and
the check gives up (result `None`) rather than keep the run busy for long.
"""

from __future__ import annotations

import pickle
import time
from typing import Any

from mpscope.core.pool.messages import Reference
from mpscope.core.pool.plan import STAR

BUDGET_SECONDS = 2.0


def serial_reference(
    task: str, items: list[Any], method: str, item_seconds: float = 0.0,
    budget: float = BUDGET_SECONDS,
) -> Reference:
    """Outcome per item of calling the task serially: (True, value) or (False, exception type).

    `item_seconds` is the mean time an item took in the pool: when the distinct
    items together would exceed the budget, the check is skipped up front;
    otherwise it stops at the first item past the budget.
    """
    from mpscope.core import tasks

    try:
        fn = tasks.resolve(task)
    except Exception as exc:  # noqa: BLE001 - a task that does not load cannot be checked
        return Reference(None, f"task does not load here: {type(exc).__name__}")
    if not tasks.is_deterministic(fn):
        return Reference(None, f"{task!r} is not marked deterministic")
    star = method in STAR
    if item_seconds > budget:
        return Reference(None, f"one item takes about {item_seconds:.1f} s; skipped")
    keys = [_key(item) for item in items]
    # A check that cannot finish in time gives no answer: do not spend the budget on it.
    estimate = item_seconds * (len(set(keys) - {b""}) + keys.count(b""))
    if estimate > budget:
        return Reference(None, f"a serial run would take about {estimate:.1f} s; skipped")
    deadline = time.monotonic() + budget
    seen: dict[bytes, tuple[bool, Any]] = {}
    outcomes: list[tuple[bool, Any]] = []
    for item, key in zip(items, keys, strict=True):
        outcome = seen.get(key) if key else None
        if outcome is None:
            if time.monotonic() > deadline:
                return Reference(None, f"the serial check took over {budget:g} s; skipped")
            try:
                outcome = (True, fn(*item) if star else fn(item))
            except Exception as exc:  # noqa: BLE001 - expected for tasks that fail on purpose
                outcome = (False, type(exc).__name__)
            if key:
                seen[key] = outcome
        outcomes.append(outcome)
    return Reference(outcomes, "")


def _key(item: Any) -> bytes:
    try:
        return pickle.dumps(item)
    except Exception:  # noqa: BLE001 - an unpicklable item is computed on its own
        return b""
