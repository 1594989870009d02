"""Polling an engine from a test until something holds (engines never block, so tests poll)."""

from __future__ import annotations

import time
from typing import Any


def run_until(engine: Any, condition: Any, timeout: float = 30.0) -> None:
    """Poll `engine` until `condition()` is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        engine.poll(0.02)
        time.sleep(0.005)
