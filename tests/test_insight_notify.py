"""`--notify-command`: the user's command receives one JSON object per notable event."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mpscope.core import config as cfg
from mpscope.core.engine.run import Run
from mpscope.core.insight import notify_command
from mpscope.core.insight.notify_command import NotifyCommand
from polling import run_until

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "tests")]))
# Appends its stdin, whole, as one line of a file: what a mailer or a chat hook would get.
COLLECT = (f"{sys.executable} -c \"import sys; data = sys.stdin.read(); "
           "open(sys.argv[1], 'a').write(repr(data) + chr(10))\" {out}")

FAILING = """
title = "notify test"
memory_limit = "150 MiB"
[[workers]]
task = "risky"
count = 1
args = { x = 3 }
[[workers]]
task = "crash"
count = 1
args = { kind = "os_exit" }
[[workers]]
task = "memory_hog"
count = 1
args = { megabytes = 300, seconds = 3 }
[[workers]]
task = "sleep_io"
count = 1
args = { seconds = 0.2, steps = 2 }
"""


def _received(out: Path) -> list[dict]:
    lines = out.read_text().splitlines() if out.exists() else []
    payloads = [eval(line) for line in lines]
    assert all(payload.count("\n") == 1 and payload.endswith("\n") for payload in payloads)
    return [json.loads(payload) for payload in payloads]


def test_mpscope_run_feeds_the_command_one_json_object_per_event(tmp_path):
    config = tmp_path / "run.toml"
    config.write_text(FAILING)
    out = tmp_path / "received.txt"
    result = subprocess.run(
        [sys.executable, "-m", "mpscope", "run", str(config), "--no-history",
         "--notify-command", COLLECT.format(out=out)],
        capture_output=True, text=True, env=ENV, timeout=120)
    assert result.returncode == 1, result.stderr
    events = _received(out)
    kinds = [e["event"] for e in events]
    assert kinds.count("worker_failed") == 1 and kinds.count("worker_lost") == 1
    assert kinds.count("memory_warning") == 1 and kinds.count("memory_limit") == 1
    assert kinds[-1] == "run_ended" and kinds.count("run_ended") == 1
    assert len(events) == 5  # the worker that finished is no news
    failed = next(e for e in events if e["event"] == "worker_failed")
    assert failed["worker"] == "risky-0" and "divisible by 3" in failed["text"]
    assert failed["run"] == "notify test" and failed["pid"] > 0
    end = events[-1]
    assert end["exit_code"] == 1 and end["failed"] == 2 and end["suppressed"] == 0
    assert "Traceback" not in result.stderr


def test_a_failing_command_is_one_warning_and_the_run_is_unharmed(tmp_path):
    run = Run(cfg.loads('[[workers]]\ntask = "risky"\nargs = { x = 3 }\n'))
    errors = tmp_path / "errors.txt"
    with errors.open("w") as handle:
        notifier = NotifyCommand("exit 7", run, errors=handle)
        run.start()
        run_until(run, lambda: not run.busy)
        assert notifier.close(run.exit_code())
    assert errors.read_text().count("the notify command exited with status 7") == 2


def test_a_flood_of_failures_is_capped_and_counted(tmp_path, monkeypatch):
    monkeypatch.setattr(notify_command, "MAX_PER_RUN", 2)
    run = Run(cfg.loads('[[workers]]\ntask = "risky"\ncount = 4\nargs = { x = 3 }\n'))
    out = tmp_path / "received.txt"
    notifier = NotifyCommand(COLLECT.format(out=out), run)
    run.start()
    run_until(run, lambda: not run.busy)
    assert notifier.close(run.exit_code())
    events = _received(out)
    assert [e["event"] for e in events] == ["worker_failed", "worker_failed", "run_ended"]
    assert events[-1]["suppressed"] == 2


def test_mpscope_watch_notifies_the_end_of_the_program(tmp_path):
    out = tmp_path / "received.txt"
    result = subprocess.run(
        [sys.executable, "-m", "mpscope", "watch", "--no-history", "--title", "watched",
         "--notify-command", COLLECT.format(out=out), "--", sys.executable, "-c",
         "raise SystemExit(3)"],
        capture_output=True, text=True, env=ENV, timeout=120)
    assert result.returncode == 3, result.stderr
    events = _received(out)
    assert [e["event"] for e in events] == ["worker_failed", "run_ended"]  # exit status 3
    assert events[-1]["exit_code"] == 3 and events[-1]["run"] == "watched"
