"""Child subreaper (Linux): orphaned descendants are re-parented to this process, not to init.

So a grandchild whose parent died stays in this process's tree, can be seen,
signalled and reaped (its exit code collected) instead of vanishing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

PR_SET_CHILD_SUBREAPER = 36
PR_GET_CHILD_SUBREAPER = 37


def become_subreaper(on: bool = True) -> bool:
    """Mark this process a child subreaper (or no longer, `on=False`); False where the
    system has no such thing."""
    return _prctl(PR_SET_CHILD_SUBREAPER, int(on))


def is_subreaper() -> bool:
    """True when this process is a child subreaper already."""
    flag = ctypes.c_int(0)
    return _prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(flag)) and bool(flag.value)


def _prctl(option: int, argument: object) -> bool:
    """prctl(option, argument) → True on success; False off Linux or without libc."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return bool(libc.prctl(option, argument, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False
