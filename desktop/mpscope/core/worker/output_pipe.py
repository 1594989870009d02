"""A child process's stdout and stderr sent into the pipe its parent reads (see OutputDrain)."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable
from typing import Any


def redirect_output(output: Any) -> None:
    """fds 1 and 2 into the parent's pipe, line-buffered so each line leaves at once."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os.dup2(output.fileno(), 1)
    os.dup2(output.fileno(), 2)
    output.close()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
            stream.reconfigure(line_buffering=True)  # type: ignore[union-attr]


def run_with_output(output: Any, target: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Process target that wraps another (a pool's own): redirect the output, then run it."""
    redirect_output(output)
    target(*args)
