"""Where mpscope keeps its data: the user data directory the platform's conventions name."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "mpscope"
HISTORY_FILE = "history.sqlite3"


def data_dir() -> Path:
    """`$MPSCOPE_DATA_DIR`, else the platform's per-user data directory for mpscope."""
    override = os.environ.get("MPSCOPE_DATA_DIR")
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return (Path(base) if base else home / "AppData" / "Local") / APP
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / APP
    # XDG: a relative $XDG_DATA_HOME is invalid by the spec and must be ignored.
    xdg = os.environ.get("XDG_DATA_HOME", "")
    base_dir = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".local" / "share"
    return base_dir / APP


def history_path() -> Path:
    """The run history database (created on first use, not by this call)."""
    return data_dir() / HISTORY_FILE
