"""Fault tests: signals at random instants, SIGKILLed parents, paused processes, random kills."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "tests")]))
STARTS_CONFIG = """
start_method = "fork"
grace_seconds = 10.0
[[workers]]
task = "sleep_io"
count = 40
args = { seconds = 60, steps = 60 }
"""


def _family(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _kill_all(processes: list[psutil.Process]) -> None:
    for proc in processes:
        with contextlib.suppress(psutil.Error):
            proc.kill()


def test_a_ctrl_c_or_sigterm_at_any_instant_of_the_starts_stops_the_run(tmp_path):
    """20 runs of 40 workers, each interrupted at a random instant while workers start."""
    config = tmp_path / "starts.toml"
    config.write_text(STARTS_CONFIG)
    rng = random.Random(12)
    outcomes = []
    for attempt in range(20):
        summary = tmp_path / f"summary-{attempt}.json"
        process = subprocess.Popen(
            [sys.executable, "-m", "mpscope", "run", str(config), "--no-history",
             "--summary-json", str(summary)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
            start_new_session=True)  # a terminal's Ctrl-C reaches the whole process group
        family: list[psutil.Process] = []
        try:
            while ": starting" not in process.stdout.readline():
                assert process.poll() is None, process.stderr.read()
            time.sleep(rng.uniform(0.0, 0.15))  # a random instant among the 40 starts
            family = _family(process.pid)
            if attempt % 2:
                os.kill(process.pid, signal.SIGTERM)  # as `kill` or a service manager sends it
            else:
                os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C
            _out, err = process.communicate(timeout=20)
            outcomes.append(process.returncode)
            assert process.returncode == 130, err
            assert "Traceback" not in err
            states = {w["state"] for w in json.loads(summary.read_text())["workers"]}
            assert "finished" not in states and "running" not in states, states
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
            _kill_all(family + _family(process.pid))
    assert outcomes == [130] * 20


GRANDCHILDREN_CONFIG = """
start_method = "{method}"
[[workers]]
task = "task_helpers:start_grandchildren"
count = 2
[[workers]]
task = "sleep_io"
args = {{ seconds = 60 }}
"""


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _is_helper(pid: int) -> bool:
    try:
        cmdline = " ".join(psutil.Process(pid).cmdline())
    except psutil.Error:
        return False
    return "resource_tracker" in cmdline or "forkserver" in cmdline


def _wait_gone(pids: set[int], within: float) -> list[int]:
    deadline = time.monotonic() + within
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [pid for pid in pids if _alive(pid)]


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_a_sigkilled_mpscope_takes_every_grandchild_with_it_within_2s(tmp_path, method):
    config = tmp_path / "grandchildren.toml"
    config.write_text(GRANDCHILDREN_CONFIG.format(method=method))
    process = subprocess.Popen(
        [sys.executable, "-m", "mpscope", "run", str(config), "--no-history"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
        start_new_session=True)
    family: set[int] = set()
    try:
        announced = 0
        while announced < 2:
            line = process.stdout.readline()
            assert line, process.stderr.read()
            if "grandchildren [" in line:
                family.update(json.loads(line.split("grandchildren ", 1)[1]))
                announced += 1
        family.update(p.pid for p in _family(process.pid))
        helpers = {child.pid for child in psutil.Process(process.pid).children()
                   if _is_helper(child.pid)}
        assert len(family - helpers) >= 9  # 3 workers, 2 × (sleep + 2 pool processes)
        process.kill()
        process.wait(timeout=5)
        survivors = _wait_gone(family - helpers, within=2.0)
        assert not survivors, [psutil.Process(p).cmdline() for p in survivors if _alive(p)]
        # multiprocessing's own helpers end once no one holds their pipe: a moment later
        assert not _wait_gone(helpers, within=5.0)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        _kill_all([psutil.Process(p) for p in family if _alive(p)])
        process.stdout.close()
        process.stderr.close()


@pytest.mark.parametrize("action", ["terminate", "kill"])
def test_a_worker_ended_from_mpscope_takes_its_descendants_and_spares_its_siblings(
        engine, action):
    from polling import run_until

    eng = engine("spawn")
    target = eng.add_worker("task_helpers:start_grandchildren", name="target")
    sibling = eng.add_worker("sleep_io", {"seconds": 60}, name="sibling")
    logs: list[str] = []
    eng.subscribe(lambda event: logs.append(event.text) if event.kind == "log" else None)
    eng.start_all()
    run_until(eng, lambda: any("grandchildren [" in text for text in logs), timeout=30)
    grandchildren = set(json.loads(logs[-1].split("grandchildren ", 1)[1]))
    run_until(eng, lambda: sibling.state == "running", timeout=30)
    getattr(eng, action)(target.wid)
    run_until(eng, lambda: target.state.is_final, timeout=30)
    assert not _wait_gone(grandchildren | {target.pid}, within=2.0)
    assert sibling.state == "running" and _alive(sibling.pid)


def test_a_sigstopped_worker_is_shown_paused_by_run_and_history_and_comes_back(tmp_path):
    config = tmp_path / "pause.toml"
    config.write_text('grace_seconds = 10.0\n[[workers]]\ntask = "sleep_io"\nname = "io"\n'
                      'args = { seconds = 60, steps = 600 }\n')
    env = dict(ENV, MPSCOPE_DATA_DIR=str(tmp_path / "data"))
    process = subprocess.Popen([sys.executable, "-m", "mpscope", "run", str(config)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
    try:
        def wait_for(text: str) -> str:
            while True:
                line = process.stdout.readline()
                assert line, process.stderr.read()
                if text in line:
                    return line

        pid = int(wait_for("io-0: running").split("pid ")[1].split()[0].rstrip(")"))
        os.kill(pid, signal.SIGSTOP)  # from outside, as `kill -STOP` or a debugger does
        wait_for("io-0: paused")
        assert "io-0 paused" in wait_for("progress")
        os.kill(pid, signal.SIGCONT)
        wait_for("io-0: running again")
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, err
    exported = subprocess.run([sys.executable, "-m", "mpscope", "export", "1", "--out",
                               str(tmp_path)], capture_output=True, text=True, env=env,
                              timeout=60)
    events = json.loads(Path(exported.stdout.split()[0]).read_text())["events"]
    assert any("io-0: paused" in e["text"] for e in events)


def test_pause_takes_the_whole_tree_and_a_paused_worker_still_stops(engine):
    from mpscope.core.config import loads
    from mpscope.core.engine.run import Run
    from polling import run_until

    run = Run(loads('[[workers]]\ntask = "task_helpers:start_grandchildren"\n'
                    '[[workers]]\ntask = "sleep_io"\nargs = { seconds = 60 }\n'))
    try:
        logs: list[str] = []
        run.engine.subscribe(lambda e: logs.append(e.text) if e.kind == "log" else None)
        run.start()
        target, sibling = run.engine.records.values()
        run_until(run, lambda: any("grandchildren [" in t for t in logs), timeout=30)
        run_until(run, lambda: sibling.state == "running", timeout=30)
        grandchildren = json.loads(logs[-1].split("grandchildren ", 1)[1])
        run.control("pause", target.wid)
        run_until(run, lambda: target.state == "paused", timeout=10)
        for pid in [target.pid, *grandchildren]:
            assert psutil.Process(pid).status() == psutil.STATUS_STOPPED
        assert sibling.state == "running"
        run.control("resume", target.wid)
        run_until(run, lambda: target.state == "running", timeout=10)
        assert all(psutil.Process(p).status() != psutil.STATUS_STOPPED for p in grandchildren)
        run.control("pause", sibling.wid)
        run_until(run, lambda: sibling.state == "paused", timeout=10)
        run.control("stop", sibling.wid)
        run_until(run, lambda: sibling.state.is_final, timeout=30)
        assert sibling.state == "stopped"  # continued to act on the stop, not terminated
    finally:
        run.kill()
        run_until(run, lambda: not run.busy, timeout=30)


@pytest.mark.parametrize("backend", ["multiprocessing", "executor"])
def test_a_paused_pool_process_is_shown_paused_and_resume_lets_the_pool_finish(backend):
    from mpscope.core.config import PoolConfig, RunConfig
    from mpscope.core.engine.run import Run
    from polling import run_until

    items = [0.1] * 12
    run = Run(RunConfig(start_method="fork", pool=PoolConfig(
        "sleep_io", items, 2, "imap", chunksize=1, backend=backend)))
    texts: list[str] = []
    run.engine.subscribe(lambda event: texts.append(str(event.text)))
    try:
        run.start()

        def pool_records() -> list:
            return [r for r in run.engine.records.values() if r.kind == "pool"]

        run_until(run, lambda: len(pool_records()) == 2
                  and all(r.state == "running" for r in pool_records()), timeout=30)
        paused, other = pool_records()
        run.control("pause", paused.wid)
        run_until(run, lambda: paused.state == "paused", timeout=10)
        assert psutil.Process(paused.pid).status() == psutil.STATUS_STOPPED
        held, before = paused.done, other.done
        # The pool goes on without it: the other process finishes tasks meanwhile.
        run_until(run, lambda: other.done >= before + 2, timeout=30)
        assert paused.state == "paused" and paused.done == held
        run.control("resume", paused.wid)
        run_until(run, lambda: paused.state != "paused", timeout=10)
        assert paused.state == "running"
        run_until(run, lambda: not run.busy, timeout=60)
    finally:
        if run.busy:
            run.kill()
            run_until(run, lambda: not run.busy, timeout=30)
    assert run.pool is not None and run.pool.succeeded
    assert run.pool.items_done == len(items) and run.exit_code() == 0
    assert paused.state == "finished" and paused.done > held
    said = [text for text in texts if text.startswith(paused.name + ": ")]
    assert any("paused — stopped by a signal" in text for text in said)
    assert said.index(f"{paused.name}: running again") > next(
        i for i, text in enumerate(said) if "paused" in text)
