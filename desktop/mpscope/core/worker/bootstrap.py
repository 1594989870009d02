"""Worker-process entry point: thin, Qt-free, and safe to kill at any instant.

Runs in the child. It installs the stop handler and the orphan watchdog,
reports `Started`, calls the task (with a reporter if it takes one) and
always ends with exactly one final message, even when the exception or the
return value cannot be pickled, because failures travel as text.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from mpscope.core.insight import stack_dump
from mpscope.core.insight.peak_memory import PeakMeter
from mpscope.core.jsonsafe import json_safe
from mpscope.core.worker import messages as m
from mpscope.core.worker.channel import FrameWriter
from mpscope.core.worker.exit_codes import EXIT_FAILED
from mpscope.core.worker.output_pipe import redirect_output
from mpscope.core.worker.process_group import lead_own_group
from mpscope.core.worker.reporter import Reporter, StopRequested
from mpscope.core.worker.watchdog import start_orphan_watchdog


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """What a worker process needs to know: its id, task, arguments and report period."""

    wid: int
    task: str
    args: dict[str, Any] = field(default_factory=dict)
    report_interval: float = 0.1
    stack_dir: str | None = None  # where to dump stacks when asked (None: not instrumented)


def worker_main(spec: WorkerSpec, conn: Any, stop_flag: Any, output: Any = None) -> None:
    """Process target: run one task and report on the worker's own channel; its stdout and
    stderr go to `output` (a pipe the parent reads), when given."""
    if output is not None:
        redirect_output(output)
    # Ctrl-C in a terminal reaches the whole process group; the parent decides
    # what a stop means, so SIGINT only acts once the parent has set the flag.
    # Its own process group: whatever the task starts goes with it (see process_tree).
    lead_own_group()
    start_orphan_watchdog()
    writer = FrameWriter(conn.fileno())
    reporter = Reporter(spec.wid, writer.send, lambda: bool(stop_flag.value), spec.report_interval)
    signal.signal(signal.SIGINT, lambda signum, frame: _on_sigint(reporter, stop_flag))
    # Forked from `mpscope run`, the worker would inherit its SIGUSR1 (print stacks) handler.
    signal.signal(signal.SIGUSR1, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # started by the starter thread: SIGINT was blocked
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    reporter.emit_started(os.getpid(), stack_dump.install(spec.stack_dir))
    reporter.start()
    meter = PeakMeter()
    meter.start()
    final, exitcode = _run_task(spec, reporter)
    peak = meter.stop()
    reporter.emit_final(lambda seq, sent: final(seq, sent)._replace(peak_rss=peak))
    conn.close()
    if exitcode:
        sys.exit(exitcode)


def _on_sigint(reporter: Reporter, stop_flag: Any) -> None:
    if stop_flag.value:
        reporter.interrupt()


def _run_task(spec: WorkerSpec, reporter: Reporter) -> tuple[Any, int]:
    """Call the task; return a factory for the final message and the exit code."""
    from mpscope.core import tasks  # resolved here so a broken import is a reported failure

    wid = spec.wid
    try:
        function = tasks.resolve(spec.task)
        kwargs = dict(spec.args)
        if tasks.accepts_reporter(function):
            kwargs["reporter"] = reporter
        reporter.in_task = True
        reporter.check_stop()
        result = function(**kwargs)
    except StopRequested:
        return _final(m.Stopped, wid, None), 0
    except SystemExit as exc:
        if exc.code in (0, None):
            return _final(m.Finished, wid, None), 0
        return _failure(wid, exc, traceback.format_exc()), _exit_code(exc)
    except BaseException as exc:  # noqa: BLE001 - every failure must reach the parent
        return _failure(wid, exc, traceback.format_exc()), EXIT_FAILED
    finally:
        reporter.in_task = False
    try:
        pickle.dumps(result)  # a result must cross processes, as with multiprocessing
    except BaseException as exc:  # noqa: BLE001 - pickling can raise anything
        exc.args = (f"the return value cannot be pickled: {exc}",)
        return _failure(wid, exc, traceback.format_exc()), EXIT_FAILED
    kind = m.Stopped if reporter.stop_requested else m.Finished
    return _final(kind, wid, json_safe(result)), 0


def _final(kind: Any, wid: int, result: Any) -> Any:
    return lambda seq, sent: kind(wid, seq, result, sent, time.time())


def _failure(wid: int, exc: BaseException, text: str) -> Any:
    kind = type(exc)
    module = kind.__module__
    name = kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001 - a broken __str__ must not hide the failure
        message = f"<{name} with an unprintable message>"
    return lambda seq, sent: m.Failed(wid, seq, name, message, text, sent, time.time())


def _exit_code(exc: SystemExit) -> int:
    return exc.code if isinstance(exc.code, int) else EXIT_FAILED
