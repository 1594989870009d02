"""The Dask keys of mpscope's tasks: `mpscope-<run token>-<task id>` (stdlib only, both sides)."""

from __future__ import annotations

KEY_PREFIX = "mpscope-"  # every key mpscope submits starts with this, then a run token
HOST_METRIC = "mpscope-host"  # the plugin's worker metric: {"cpu": % of the host, "cores": n}


def task_key(token: str, task_id: int) -> str:
    """The Dask key of one task of one run."""
    return f"{KEY_PREFIX}{token}-{task_id}"


def task_of_key(token: str, key: str) -> int | None:
    """The task id in a key of this run, else None."""
    prefix = f"{KEY_PREFIX}{token}-"
    if not key.startswith(prefix):
        return None
    tail = key[len(prefix):]
    return int(tail) if tail.isdigit() else None
