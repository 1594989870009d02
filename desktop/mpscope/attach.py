"""`python -m mpscope.attach SCRIPT|-m MODULE|-c CODE [ARGS…]`: run a program as Python would.

`mpscope watch` starts Python programs through this module. It installs the
hooks (mpscope.core.watch.hooks) in this, the main process, then runs the
program the way `python` itself would: a fresh `__main__` module with the
script's `__file__` (so spawned children can re-import it), `sys.argv` and
`sys.path[0]` as Python sets them, and an uncaught exception printed by
`sys.excepthook` without this module's frame, exit code 1; an uncaught Ctrl-C
ends the process by SIGINT, as Python does.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import types
from typing import Any

USAGE = "usage: python -m mpscope.attach (SCRIPT | -m MODULE | -c CODE) [ARGS…]"
_interrupted = False


def main() -> None:
    args = sys.argv[1:]
    if not args or (args[0] in ("-m", "-c") and len(args) < 2):
        print(USAGE, file=sys.stderr)
        raise SystemExit(2)
    atexit.register(_die_by_sigint)  # first registered, so it runs after every other handler
    os.environ.pop("MPSCOPE_WATCH_HOOKS", None)  # the shim must not install them a second time
    from mpscope.core.watch import hooks

    hooks.install()
    try:
        if args[0] == "-m":
            _run_module(args[1], args[2:])
        elif args[0] == "-c":
            _run_code(args[1], args[2:])
        else:
            _run_script(args[0], args[1:])
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - reported exactly as Python would
        _report(exc)


def _run_script(path: str, args: list[str]) -> None:
    full = os.path.abspath(path)
    try:
        with open(full, "rb") as handle:
            source = handle.read()
    except OSError as error:  # as python: "can't open file …: [Errno 2] …", exit 2
        print(f"{sys.executable}: can't open file {full!r}: [Errno {error.errno}] "
              f"{error.strerror}", file=sys.stderr)
        raise SystemExit(2) from None
    sys.argv = [path, *args]
    sys.path[0] = os.path.dirname(full)
    module = _fresh_main(full)
    code = compile(source, full, "exec", dont_inherit=True)
    exec(code, module.__dict__)


def _run_module(name: str, args: list[str]) -> None:
    import runpy

    sys.argv = ["-m", *args]  # runpy replaces argv[0] with the module's path
    runpy._run_module_as_main(name, alter_argv=True)  # type: ignore[attr-defined]


def _run_code(code: str, args: list[str]) -> None:
    sys.argv = ["-c", *args]
    sys.path[0] = ""
    module = _fresh_main(None)
    exec(compile(code, "<string>", "exec", dont_inherit=True), module.__dict__)


def _fresh_main(path: str | None) -> types.ModuleType:
    module = types.ModuleType("__main__")
    module.__dict__.update({"__builtins__": __builtins__, "__spec__": None, "__package__": None,
                            "__cached__": None, "__loader__": None})
    if path is not None:
        module.__file__ = path
    sys.modules["__main__"] = module
    return module


def _report(exc: BaseException) -> None:
    global _interrupted
    trace: Any = exc.__traceback__
    while trace is not None and trace.tb_frame.f_code.co_filename == __file__:
        trace = trace.tb_next
    sys.excepthook(type(exc), exc.with_traceback(trace), trace)
    if isinstance(exc, KeyboardInterrupt):
        _interrupted = True
        raise SystemExit(130) from None
    raise SystemExit(1) from None


def _die_by_sigint() -> None:
    if _interrupted:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)


if __name__ == "__main__":
    main()
