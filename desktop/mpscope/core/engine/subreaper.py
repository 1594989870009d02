"""Child subreaper (Linux): orphaned descendants are re-parented to this process, not to init.

So a grandchild whose parent died stays in this process's tree, can be seen,
signalled and reaped (its exit code collected) instead of vanishing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Mark this process a child subreaper; False where the system has no such thing."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return bool(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False
