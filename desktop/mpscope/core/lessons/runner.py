"""A lesson script run as a worker task: its output is the worker's log, its result line the result.

The script runs with this Python in a child process of its own, exactly as
`python script.py` would run it; when the worker is stopped, terminated or
done, every process the script started is ended too.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil

from mpscope.core.lessons import Lesson, results
from mpscope.core.worker.reporter import NULL_REPORTER, Reporter

TASK = "mpscope.core.lessons.runner:run_script"


def command(lesson: Lesson) -> list[str]:
    """The command line that runs a lesson, as a student would type it."""
    return [sys.executable, str(lesson.script)]


def title(lesson: Lesson) -> str:
    """The run's title: "Lesson 4: chunksize"."""
    return f"Lesson {lesson.number}: {lesson.title}"


def watched_run(lesson: Lesson) -> Any:
    """A WatchedRun of the lesson's script (not started): the watch mode runs it unchanged."""
    from mpscope.core.watch.watched_run import build_watched_run

    return build_watched_run(command(lesson), cwd=str(lesson.script.parent), title=title(lesson))


def config_toml(lesson: Lesson) -> str:
    """The run a lesson launches: one worker that runs the lesson's script."""
    return (f"title = {json.dumps(title(lesson))}\n\n[[workers]]\ntask = {json.dumps(TASK)}\n"
            f"name = {json.dumps(lesson.script_name)}\n"
            f"args = {{ script = {json.dumps(str(lesson.script))} }}\n")


def run_script(script: str, reporter: Reporter | None = None) -> dict[str, Any]:
    """Run the lesson script `script`; return its result line's JSON (RuntimeError without one)."""
    reporter = reporter or NULL_REPORTER
    if getattr(sys, "frozen", False):
        raise RuntimeError("a lesson runs its script with Python: run mpscope from a Python "
                           "installation, or run the script yourself with python")
    path = Path(script)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    env["PYTHONUNBUFFERED"] = "1"  # each line as soon as it is printed
    proc = subprocess.Popen(
        [sys.executable, str(path)], cwd=path.parent, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
        errors="replace", start_new_session=os.name == "posix")
    # terminate() on this worker must end the script's processes too, not orphan them.
    previous = signal.signal(signal.SIGTERM, lambda *_: _end(proc, exit_now=True))
    found = None
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip("\n")
            if line.startswith(results.PREFIX):
                found = line
            else:
                reporter.log(line)
        code = proc.wait()
    finally:
        _end(proc)
        signal.signal(signal.SIGTERM, previous)
    if code != 0:
        raise RuntimeError(f"{path.name} ended with exit code {code}")
    if found is None:
        raise RuntimeError(f"{path.name} printed no {results.PREFIX.strip()} line")
    results.parse(found)  # a malformed line is an error here, not in the window
    result: dict[str, Any] = json.loads(found[len(results.PREFIX):])
    return result


def _end(proc: subprocess.Popen[str], exit_now: bool = False) -> None:
    """Kill the script and every process it started (a lesson's daemon may outlive it)."""
    family: list[psutil.Process] = []
    with contextlib.suppress(psutil.Error):
        family = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
    if os.name == "posix":
        # The script's session: all it started, even those whose parent has gone. (Its id
        # cannot be reused while any member lives; with none left this finds nothing.)
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
    for member in family:
        with contextlib.suppress(psutil.Error):
            member.kill()
    psutil.wait_procs(family, timeout=2)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    if exit_now:
        os._exit(128 + signal.SIGTERM)
