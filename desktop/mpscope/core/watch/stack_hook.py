"""In each Python process of a watched program: dump every thread's stack on mpscope's signal.

The same dumper as mpscope's own workers (core/insight/stack_dump.py):
faulthandler on STACK_SIGNAL, writing into a file of the process's own that
is unlinked at once. Here the file is opened by name in the run's private
directory first, so mpscope finds it among `/proc/PID/fd` by that name (no
message needed, nothing left on disk). Installed by the sitecustomize shim in
every Python process that starts (spawn, forkserver, subprocesses) and again
in each forked child (its own file, not its parent's).

The program stays in charge of the signal: nothing is installed over a
disposition the process inherited (an ignored signal stays ignored), and a
program that sets its own handler for it later (`signal.signal`,
`faulthandler.register`) wins: the dumper's file is closed first, so mpscope
no longer finds it and says the stack is not available instead of signalling.
Stdlib only; nothing here may raise.
"""

from __future__ import annotations

import contextlib
import faulthandler
import functools
import os
import signal
from typing import Any

from mpscope.core.insight import stack_dump
from mpscope.core.insight.stack_dump import STACK_SIGNAL

_directory: str | None = None
_handle: Any = None  # this process's dump file while the dumper is ours and active
_wrapped = False


def file_name(directory: str, pid: int) -> str:
    """The name process `pid`'s dump file had (unlinked at once: /proc shows it '(deleted)')."""
    return os.path.join(directory, f"stack-{pid}")


def install(directory: str) -> bool:
    """Install the dumper in this process (once; see the module docstring). → installed?"""
    global _directory
    if _handle is not None or not stack_dump.ANONYMOUS or not hasattr(faulthandler, "register"):
        return False
    try:
        if signal.getsignal(STACK_SIGNAL) != signal.SIG_DFL:
            return False  # ignored or handled by whoever started this process: theirs
        _directory = os.path.realpath(directory)
        if not _open():
            return False
        _wrap_handlers()
        os.register_at_fork(after_in_child=_after_fork)
    except Exception:  # noqa: BLE001 - never disturb the program
        return False
    return True


def _open() -> bool:
    global _handle
    if _directory is None:
        return False
    path = file_name(_directory, os.getpid())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND | os.O_CLOEXEC,
                     0o600)
    except OSError:
        return False
    try:
        os.unlink(path)
        handle = os.fdopen(fd, "ab", buffering=0)
    except OSError:
        os.close(fd)
        return False
    try:
        stack_dump.register(handle)
    except (OSError, ValueError, RuntimeError):
        handle.close()
        return False
    _handle = handle
    return True


def _after_fork() -> None:
    """A forked child shares its parent's file: it gets one of its own (the signal's handler
    is faulthandler's already; registering again only swaps the file)."""
    global _handle
    inherited, _handle = _handle, None
    if inherited is None:
        return  # the program took the signal over: leave it alone
    try:
        if not _open():
            _handle = inherited  # keep dumping into the shared file rather than not at all
            return
        inherited.close()  # this process's copy of the descriptor only
    except Exception:  # noqa: BLE001
        pass


def _retire() -> None:
    """The program is about to take the signal over: close the file first, so mpscope finds
    no dumper from now on (a signal in between is written nowhere)."""
    global _handle
    handle, _handle = _handle, None
    if handle is not None:
        with contextlib.suppress(OSError):
            handle.close()


def _wrap_handlers() -> None:
    global _wrapped
    if _wrapped:
        return
    _wrapped = True
    signal.signal = _taking_over(signal.signal)
    faulthandler.register = _taking_over(faulthandler.register)
    faulthandler.unregister = _unregistering(faulthandler.unregister)


def _signal_of(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return args[0] if args else kwargs.get("signalnum", kwargs.get("signum"))


def _taking_over(original: Any) -> Any:
    @functools.wraps(original)
    def call(*args: Any, **kwargs: Any) -> Any:
        if _handle is not None and _signal_of(args, kwargs) == STACK_SIGNAL:
            _retire()
        return original(*args, **kwargs)

    return call


def _unregistering(original: Any) -> Any:
    @functools.wraps(original)
    def call(*args: Any, **kwargs: Any) -> Any:
        if _handle is not None and _signal_of(args, kwargs) == STACK_SIGNAL:
            return False  # as without mpscope: the program registered nothing there
        return original(*args, **kwargs)

    return call


def dump_fd(directory: str, pid: int) -> int:
    """mpscope's side: the descriptor of process `pid`'s dump file, 0 when it has none."""
    wanted = file_name(os.path.realpath(directory), pid) + " (deleted)"
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return 0
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == wanted:
                return int(fd)
        except (OSError, ValueError):
            continue
    return 0
