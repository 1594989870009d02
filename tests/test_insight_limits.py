"""The per-process memory limit: a warning at 80 %, the crossing process stopped, and why."""

from __future__ import annotations

import os

from mpscope.core import config as cfg
from mpscope.core.engine.endings import silent_death
from mpscope.core.engine.run import Run
from mpscope.core.engine.states import State
from mpscope.core.engine.summary import build_summary
from mpscope.core.insight.oom import oom_killed
from polling import run_until


def _run(text: str) -> tuple[Run, list]:
    run = Run(cfg.loads(text))
    events: list = []
    run.engine.subscribe(events.append)
    run.start()
    run_until(run, lambda: not run.busy, timeout=60)
    return run, events


def test_a_worker_that_crosses_the_limit_is_stopped_and_the_run_says_why():
    run, events = _run("""
        memory_limit = "150 MiB"
        [[workers]]
        task = "memory_hog"
        count = 1
        args = { megabytes = 400, seconds = 4 }
        [[workers]]
        name = "small"
        task = "sleep_io"
        count = 1
        args = { seconds = 0.5, steps = 5 }
    """)
    hog, small = run.engine.records.values()
    assert hog.state is State.STOPPED  # the cooperative stop worked: its task saw it
    assert "crossed the limit of 150 MiB" in hog.detail
    assert hog.done < 400  # it did not get to hold all it wanted
    assert small.state is State.FINISHED  # the limit is per process: the other ran on
    warnings = [e for e in events if e.kind == "memory" and e.wid == hog.wid]
    assert len(warnings) == 1 and "of the memory limit of 150 MiB" in warnings[0].text
    crossing = [e for e in events if e.kind == "error" and "over the memory limit" in e.text]
    assert len(crossing) == 1
    worker = build_summary(run)["workers"][0]
    assert "crossed the limit" in worker["detail"] and run.exit_code() == 1


def test_a_pool_process_that_crosses_the_limit_is_terminated_and_its_task_lost():
    run, events = _run("""
        memory_limit = "150 MiB"
        [pool]
        task = "memory_hog"
        items = [400]
        processes = 1
    """)
    task = run.pool.tasks[0]
    assert task.outcome == "failed" and "lost twice" in task.error  # retried once, lost again
    pool_records = [r for r in run.engine.records.values() if r.kind == "pool"]
    assert all("crossed the limit of 150 MiB" in r.detail for r in pool_records[:2])
    assert any(e.kind == "memory" for e in events)


def test_an_outside_sigkill_says_possibly_unless_the_kernel_log_names_it(tmp_path):
    state, text = silent_death(-9, None, pid=os.getpid())
    assert state is State.KILLED
    assert text in ("killed from outside mpscope (possibly by the kernel's OOM killer)",
                    "killed by the kernel's OOM killer (out of memory)")
    assert silent_death(-9, "kill")[1] == "killed on request"
    log = tmp_path / "kmsg"
    log.write_text("6,1,2,-;Out of memory: Killed process 4242 (python) total-vm:1kB\n")
    assert oom_killed(4242, str(log)) is True
    assert oom_killed(4243, str(log)) is False
    assert oom_killed(4242, str(tmp_path / "missing")) is None
