"""How a worker ended, decided from its final message (or its silence) and its exit code."""

from __future__ import annotations

import signal
from typing import Any

from mpscope.core.engine.run_state import ErrorInfo, WorkerRecord
from mpscope.core.engine.states import State
from mpscope.core.insight.oom import oom_killed
from mpscope.core.text import Text
from mpscope.core.worker import messages as m


def ending(record: WorkerRecord, final: Any, requested: str | None) -> tuple[State, str]:
    """The final state and its detail; fills the record's error or result from `final`."""
    if isinstance(final, m.Failed):
        record.error = ErrorInfo(final.exc_type, final.message, final.traceback)
        return State.FAILED, str(record.error)
    if isinstance(final, m.Stopped):
        record.result = final.result
        return State.STOPPED, Text("stopped on request")
    if isinstance(final, m.Finished):
        record.result = final.result
        if record.total:
            record.done = record.total
        return State.FINISHED, Text("returned {value}", value=short_repr(final.result))
    return silent_death(record.exitcode, requested, record.pid)


def silent_death(exitcode: int | None, requested: str | None,
                 pid: int | None = None) -> tuple[State, str]:
    """How a worker ended that sent no final message."""
    if exitcode == -signal.SIGKILL:
        if requested == "kill":
            return State.KILLED, Text("killed on request")
        # SIGKILL is all the OOM killer leaves: only the kernel log can say it was it.
        if oom_killed(pid):
            return State.KILLED, Text("killed by the kernel's OOM killer (out of memory)")
        return State.KILLED, Text("killed from outside mpscope (possibly by the kernel's "
                                  "OOM killer)")
    if exitcode == -signal.SIGTERM:
        return State.TERMINATED, (Text("terminated on request")
                                  if requested in ("terminate", "kill")
                                  else Text("terminated from outside mpscope"))
    if requested == "stop" and exitcode == 0:
        return State.STOPPED, Text("stopped on request")
    return State.LOST, Text("died without a final message")


def short_repr(value: Any, width: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"
