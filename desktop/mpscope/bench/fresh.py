"""A measurement in a fresh process: what earlier suites left in the benchmark's own process
(memory, threads, objects for the collector to walk) must not be measured with it."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def in_a_fresh_process(module: str, *args: str, timeout: float = 600) -> Any:
    """Run `python -m module args…`; → the JSON its last line of output holds."""
    done = subprocess.run([sys.executable, "-m", module, *args], check=True,
                          capture_output=True, text=True, timeout=timeout)
    return json.loads(done.stdout.splitlines()[-1])
