"""Worker output: every process's stdout and stderr captured as lines, never blocking it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mpscope.core.engine import output_drain

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "tests")]))


def test_a_workers_stdout_and_stderr_come_back_as_its_own_lines_in_order(engine):
    eng = engine("spawn")
    events = []
    eng.subscribe(events.append)
    loud = eng.add_worker("task_helpers:chatty", {"lines": 2000}, name="loud")
    quiet = eng.add_worker("task_helpers:plain_sleep", {"seconds": 0.1}, name="quiet")
    eng.start_all()
    assert eng.run_until_done(timeout=60)
    assert loud.state == "finished" and quiet.state == "finished"
    numbers = [int(line.split()[1]) for line in loud.output]
    assert numbers == list(range(2000))  # stdout and stderr lines, none lost, in order
    assert quiet.output == []
    output = [e for e in events if e.kind == "output"]
    assert len(output) == 2000 and all(e.wid == loud.wid for e in output)
    assert output[0].text.startswith("loud: line 0 ")
    ended = next(i for i, e in enumerate(events) if e.wid == loud.wid and "finished" in e.text)
    assert ended > events.index(output[-1])  # its last lines come before how it ended


def test_a_task_printing_far_more_than_the_cap_is_not_blocked_and_costs_only_the_cap(engine):
    eng = engine("spawn")
    events = []
    eng.subscribe(events.append)
    # 12 MiB in 1 KiB lines, more than the 8 MiB a run keeps, and far more than a pipe holds.
    loud = eng.add_worker("task_helpers:chatty", {"lines": 12 * 1024, "width": 1000},
                          name="loud")
    eng.start_all()
    assert eng.run_until_done(timeout=120)
    assert loud.state == "finished"
    kept = sum(len(line) + 1 for line in loud.output)
    assert output_drain.MAX_OUTPUT_BYTES - 2048 < kept <= output_drain.MAX_OUTPUT_BYTES
    assert any(e.kind == "info" and "8 MiB" in e.text for e in events)


def test_headless_output_carries_the_workers_name_and_is_recorded(tmp_path):
    config = tmp_path / "run.toml"
    config.write_text('[[workers]]\ntask = "task_helpers:chatty"\nname = "talker"\n'
                      'args = { lines = 4, width = 3 }\n')
    env = dict(ENV, MPSCOPE_DATA_DIR=str(tmp_path / "data"))
    ran = subprocess.run([sys.executable, "-m", "mpscope", "run", str(config)],
                         capture_output=True, text=True, env=env, timeout=60)
    assert ran.returncode == 0, ran.stderr
    printed = [line for line in ran.stdout.splitlines() if "output talker-0: line" in line]
    assert len(printed) == 4 and ran.stderr == ""  # nothing raw on mpscope's own streams
    exported = subprocess.run([sys.executable, "-m", "mpscope", "export", "1", "--out",
                               str(tmp_path)], capture_output=True, text=True, env=env,
                              timeout=60)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(Path(exported.stdout.split()[0]).read_text())
    texts = [e["text"] for e in data["events"] if e["kind"] == "output"]
    assert texts == [f"talker-0: line {i} xxx" for i in range(4)]


def test_the_window_shows_a_workers_output_in_its_details_and_in_events(qtbot, engine):
    from mpscope.gui.events.model import EventsModel
    from mpscope.gui.workers.details_dialog import WorkerDetails

    eng = engine("spawn")
    events = []
    eng.subscribe(events.append)
    loud = eng.add_worker("task_helpers:chatty", {"lines": 3, "width": 2}, name="loud")
    eng.start_all()
    assert eng.run_until_done(timeout=60)
    dialog = WorkerDetails(loud)
    qtbot.addWidget(dialog)
    assert dialog.output.toPlainText().splitlines() == [f"line {i} xx" for i in range(3)]
    model = EventsModel()
    model.append(events)
    rows = [(model.index(row, 2).data(), model.index(row, 3).data())
            for row in range(model.rowCount())]
    assert next(text for kind, text in rows if kind == "output").endswith("line 0 xx")


def run_pool(tmp_path: Path, task: str, items: str, *extra: str,
             method: str = "imap") -> subprocess.CompletedProcess:
    config = tmp_path / "pool.toml"
    config.write_text(f'[pool]\ntask = "{task}"\nitems = {items}\nprocesses = 2\n'
                      f'method = "{method}"\n')
    env = dict(ENV, MPSCOPE_DATA_DIR=str(tmp_path / "data"))
    return subprocess.run([sys.executable, "-m", "mpscope", "run", str(config), *extra],
                          capture_output=True, text=True, env=env, timeout=120)


def test_pool_results_are_written_as_json_lines_and_kept_in_the_history(tmp_path):
    out = tmp_path / "results.jsonl"
    ran = run_pool(tmp_path, "risky", "[1, 2, 3, 4]", "--results", str(out))
    assert ran.returncode == 1, ran.stderr  # item 3 fails
    assert "Traceback" not in ran.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["index"] for row in rows] == [0, 1, 2, 3]
    assert [row["item"] for row in rows] == [1, 2, 3, 4]
    assert rows[0]["result"] == 1 and "error" not in rows[0]
    assert "divisible by 3" in rows[2]["error"] and "result" not in rows[2]
    env = dict(ENV, MPSCOPE_DATA_DIR=str(tmp_path / "data"))
    exported = subprocess.run([sys.executable, "-m", "mpscope", "export", "1", "--out",
                               str(tmp_path)], capture_output=True, text=True, env=env,
                              timeout=60)
    summary = json.loads(Path(exported.stdout.split()[0]).read_text())["run"]["summary"]
    kept = summary["pool"]["results"]
    assert kept["total"] == 4 and not kept["truncated"] and kept["rows"] == rows


def test_a_bytes_result_is_not_mistaken_for_a_dict_the_task_returned(tmp_path):
    out = tmp_path / "results.jsonl"
    ran = run_pool(tmp_path, "task_helpers:as_bytes", "[1]", "--results", str(out),
                   "--no-history")
    assert ran.returncode == 0, ran.stderr
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["result"] == repr(b"\x01\x01\x01") and row["result_type"] == "bytes"


def test_results_without_a_pool_or_to_an_unwritable_place_are_refused_at_once(tmp_path):
    config = tmp_path / "workers.toml"
    config.write_text('[[workers]]\ntask = "sleep_io"\n')
    ran = subprocess.run([sys.executable, "-m", "mpscope", "run", str(config), "--results",
                          str(tmp_path / "r.jsonl")], capture_output=True, text=True, env=ENV,
                         timeout=60)
    assert ran.returncode == 2 and "no [pool]" in ran.stderr and ran.stdout == ""
    ran = run_pool(tmp_path, "square", "3", "--results", "/proc/nowhere/r.jsonl")
    assert ran.returncode == 2 and "--results" in ran.stderr and ran.stdout == ""


@pytest.mark.parametrize(("backend", "start_method"), [
    ("multiprocessing", "spawn"), ("executor", "forkserver"), ("multiprocessing", "fork")])
def test_a_pool_processes_output_is_captured_tagged_and_recorded(tmp_path, backend,
                                                                 start_method):
    config = tmp_path / "pool.toml"
    config.write_text(f'start_method = "{start_method}"\n[pool]\ntask = "task_helpers:shout"\n'
                      f'items = [1, 2, 3, 4]\nprocesses = 2\nbackend = "{backend}"\n')
    env = dict(ENV, MPSCOPE_DATA_DIR=str(tmp_path / "data"))
    ran = subprocess.run([sys.executable, "-m", "mpscope", "run", str(config)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stderr == ""  # nothing raw on mpscope's own streams
    lines = ran.stdout.splitlines()
    assert not [line for line in lines if line.startswith(("out ", "err "))]
    tagged = [line.split("output ", 1)[1] for line in lines if " output pool-" in line
              or line.startswith("output pool-")]
    said = sorted(text.split(": ", 1)[1] for text in tagged)
    assert said == sorted([f"out {i}" for i in range(1, 5)] + [f"err {i}" for i in range(1, 5)])
    exported = subprocess.run([sys.executable, "-m", "mpscope", "export", "1", "--out",
                               str(tmp_path)], capture_output=True, text=True, env=env,
                              timeout=60)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(Path(exported.stdout.split()[0]).read_text())
    texts = [e["text"] for e in data["events"] if e["kind"] == "output"]
    assert sorted(texts) == sorted(tagged) and all(t.startswith("pool-") for t in texts)


def test_the_window_shows_a_pool_processes_output_in_its_details(qtbot):
    import multiprocessing.connection
    import time

    from mpscope.core.config import PoolConfig, RunConfig
    from mpscope.core.engine.run import Run
    from mpscope.gui.workers.details_dialog import WorkerDetails

    run = Run(RunConfig(start_method="spawn",
                        pool=PoolConfig("task_helpers:shout", [7], 1, "map")))
    run.start()
    deadline = time.monotonic() + 60
    while run.busy:
        assert time.monotonic() < deadline
        run.poll(0.02)
        multiprocessing.connection.wait(run.wait_handles(), 0.05)
    (record,) = [r for r in run.engine.records.values() if r.kind == "pool"]
    dialog = WorkerDetails(record)
    qtbot.addWidget(dialog)
    assert dialog.output.toPlainText().splitlines() == ["out 7", "err 7"]
