"""Limits of one run as a whole: how many processes, and the descriptors they need."""

from __future__ import annotations

from collections.abc import Callable

from mpscope.core.config.model import FDS_PER_PROCESS, FDS_RESERVED, MAX_PROCESSES, KeyPath


def check_total(error: Callable[[KeyPath, str], None], processes: int) -> None:
    """One run may start MAX_PROCESSES processes, and no more than the descriptors allow."""
    if processes > MAX_PROCESSES:
        error((), f"{processes:,} processes in all (workers and pool) is more than a run"
                  f" may start ({MAX_PROCESSES:,}); split the work into several runs")
        return
    limit = _descriptor_limit()
    needed = processes * FDS_PER_PROCESS + FDS_RESERVED
    if limit is not None and needed > limit:
        error((), f"{processes:,} processes need about {needed:,} open files in mpscope"
                  f" but the system allows {limit:,} (ulimit -n); start fewer processes"
                        " or raise the limit")


def _descriptor_limit() -> int | None:
    """The most descriptors this process may have open (the hard limit: mpscope raises the
    soft one to it), None when unlimited or unknown."""
    try:
        import resource
    except ImportError:  # Windows: handles, not descriptors
        return None
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    return None if hard == resource.RLIM_INFINITY else int(hard)
