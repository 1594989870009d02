"""Short texts for table cells: rates, durations, ETA, memory, exit codes, times of day."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication

from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.engine.states import signal_name


def format_rate(rate: float) -> str:
    """`0.5/s`, `42/s`, `1.2k/s`, `2.5M/s`."""
    if rate >= 1e6:
        return f"{rate / 1e6:.1f}M/s"
    if rate >= 1e3:
        return f"{rate / 1e3:.1f}k/s"
    return f"{rate:.0f}/s" if rate >= 10 else f"{rate:.1f}/s"


def format_duration(seconds: float) -> str:
    """`0:12`, `3:07`, `1:02:03`: short enough for a table cell."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_span(seconds: float | None) -> str:
    """A run's length: `0.84 s`, `12.3 s`, then `3:07` or `1:02:03`; `—` when unknown."""
    if seconds is None:
        return "—"
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return format_duration(seconds)


def format_bytes(size: float) -> str:
    """Memory as `812 KiB`, `1,024 MiB` or `2.5 GiB`."""
    if size >= 10 * 2**30:
        return f"{size / 2**30:,.1f} GiB"
    if size >= 2**20:
        return f"{size / 2**20:,.0f} MiB"
    return f"{size / 2**10:,.0f} KiB"


def format_when(epoch: float | None) -> str:
    """A local date and time, `2024-05-01 14:03:07`, as `mpscope history` prints it."""
    if not epoch:
        return "—"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))


def progress_text(record: WorkerRecord) -> str:
    """`42% · 1.2k/s · ETA 0:12` while running; the percentage and duration once ended."""
    parts = []
    fraction = record.fraction
    if fraction is not None:
        parts.append(f"{100 * fraction:.0f}%")
    elif record.done and record.kind == "pool":
        # A pool process counts tasks (a chunk of items each), not items: say which.
        done = int(record.done)
        parts.append(QCoreApplication.translate("WorkersModel", "{n:,} tasks").format(n=done)
                     if done != 1 else QCoreApplication.translate("WorkersModel", "1 task"))
    elif record.done:
        parts.append(f"{record.done:,.0f}")
    if record.state.is_alive:
        if record.rate > 0:
            parts.append(format_rate(record.rate))
        if record.eta is not None:
            parts.append(QCoreApplication.translate("WorkersModel", "ETA {eta}").format(
                eta=format_duration(record.eta)))
    elif record.state.is_final and record.elapsed is not None:
        parts.append(format_duration(record.elapsed))
    return " · ".join(parts)


def short_exit(exitcode: int | None) -> str:
    """`0`, `1`, `SIGKILL`: an exit code for a narrow column (signals by name)."""
    if exitcode is None:
        return ""
    return signal_name(-exitcode) if exitcode < 0 else str(exitcode)
