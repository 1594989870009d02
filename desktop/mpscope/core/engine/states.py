"""Worker states, what ends a run badly, and plain-words explanations of exit codes."""

from __future__ import annotations

import enum
import signal

from mpscope.core.text import Text
from mpscope.core.worker.exit_codes import EXIT_FAILED, EXIT_ORPHANED

__all__ = ["EXIT_FAILED", "EXIT_ORPHANED", "FINAL_STATES", "State", "explain_exit", "signal_name"]


class State(enum.StrEnum):
    """The life of one worker process, as the parent sees it."""

    PENDING = "pending"  # configured, not started
    STARTING = "starting"  # start() called, bootstrap has not reported yet
    RUNNING = "running"
    PAUSED = "paused"  # stopped by a signal (SIGSTOP, SIGTSTP): alive, but not running
    STOPPING = "stopping"  # a stop (or terminate/kill) was asked, not yet exited
    FINISHED = "finished"  # the task returned
    FAILED = "failed"  # the task raised, or its result could not be pickled
    STOPPED = "stopped"  # ended by a cooperative stop
    TERMINATED = "terminated"  # SIGTERM
    KILLED = "killed"  # SIGKILL
    LOST = "lost"  # died without a final word: crash, os._exit, segfault

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATES

    @property
    def is_alive(self) -> bool:
        return self in (State.STARTING, State.RUNNING, State.PAUSED, State.STOPPING)


FINAL_STATES = frozenset(
    {State.FINISHED, State.FAILED, State.STOPPED, State.TERMINATED, State.KILLED, State.LOST}
)


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def _signal_words() -> dict[int, Text]:
    """What the common signals mean, in glibc's words, as translatable Text."""
    return {
        signal.SIGSEGV: Text("Segmentation fault"), signal.SIGKILL: Text("Killed"),
        signal.SIGTERM: Text("Terminated"), signal.SIGINT: Text("Interrupt"),
        signal.SIGABRT: Text("Aborted"), signal.SIGBUS: Text("Bus error"),
        signal.SIGFPE: Text("Floating point exception"),
        signal.SIGILL: Text("Illegal instruction"), signal.SIGHUP: Text("Hangup"),
        signal.SIGPIPE: Text("Broken pipe"), signal.SIGQUIT: Text("Quit"),
        signal.SIGXCPU: Text("CPU time limit exceeded"),
    }


def explain_exit(exitcode: int | None) -> Text:
    """Say in words what an exit code means: `-11` → 'signal SIGSEGV (Segmentation fault)'."""
    if exitcode is None:
        return Text("still running")
    if exitcode == 0:
        return Text("exited normally (code 0)")
    if exitcode < 0:
        name = signal_name(-exitcode)
        # The system's own words where mpscope has none (they stay English).
        description = _signal_words().get(-exitcode) or signal.strsignal(-exitcode)
        if description:
            return Text("signal {name} ({description})", name=name, description=description)
        return Text("signal {name}", name=name)
    if exitcode == EXIT_ORPHANED:
        return Text("exit code {code}: the parent died, the worker ended itself", code=exitcode)
    return Text("exit code {code}", code=exitcode)
