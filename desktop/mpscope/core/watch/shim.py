"""The private PYTHONPATH directory of a watched run: the sitecustomize shim and mpscope itself.

The program's Python may be another interpreter than mpscope's; a symlink to
this mpscope package makes the hooks (stdlib only) importable there too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import mpscope

HOOKS_ENV = "MPSCOPE_WATCH_HOOKS"


def make_shim_dir() -> str:
    """Create the directory (0700); remove it with `remove_shim_dir`."""
    directory = tempfile.mkdtemp(prefix="mpscope-watch-")
    here = Path(__file__).with_name("sitecustomize_shim.py")
    shutil.copyfile(here, os.path.join(directory, "sitecustomize.py"))
    package = os.path.dirname(os.path.abspath(mpscope.__file__))
    with contextlib.suppress(OSError):
        os.symlink(package, os.path.join(directory, "mpscope"))
    return directory


def remove_shim_dir(directory: str) -> None:
    shutil.rmtree(directory, ignore_errors=True)


def with_pythonpath(env: dict[str, str], directory: str) -> dict[str, str]:
    """`env` with `directory` first on PYTHONPATH."""
    old = env.get("PYTHONPATH")
    env = dict(env)
    env["PYTHONPATH"] = directory + (os.pathsep + old if old else "")
    return env
