"""The Dask backend against real clusters: mpscope's own LocalCluster, and `dask` commands."""

from __future__ import annotations

import contextlib
import json
import multiprocessing.connection
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

# Every test here runs a real Dask cluster. Without the optional extra they are skipped;
# tests/test_dask_absent.py checks what a user without it sees, wherever it runs.
pytest.importorskip("distributed", reason='Dask distributed is not installed (mpscope[dask])')

from mpscope.core.config import PoolConfig
from mpscope.core.engine.engine import Engine
from mpscope.core.engine.run_state import Event
from mpscope.core.engine.states import State
from mpscope.core.pool import PoolRun
from mpscope.core.pool.dask_run import DaskPoolRun
from mpscope.core.pool.dask_tracking import DaskTracker

METHODS = ("map", "map_async", "imap", "imap_unordered", "apply_async", "starmap", "starmap_async")
RUN_DEADLINE = 90.0  # a loaded 2-core machine may take seconds to start a cluster
DESKTOP = Path(__file__).resolve().parents[1] / "desktop"
TESTS = Path(__file__).resolve().parent
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join([str(DESKTOP), str(TESTS)]))


class Harness:
    """A pool run (Dask or local) with its engine and events, driven as the window drives it."""

    def __init__(self, config: PoolConfig, memory_limit: int | None = None) -> None:
        self.engine = Engine("spawn")
        self.events: list[Event] = []
        self.engine.subscribe(self.events.append)
        self.pool = (DaskPoolRun(config, self.engine, "spawn", memory_limit)
                     if config.backend == "dask" else PoolRun(config, self.engine, "spawn"))
        self.max_poll = 0.0

    def run(self, on_poll: Callable[[Any], None] | None = None) -> Harness:
        pool, deadline = self.pool, time.monotonic() + RUN_DEADLINE
        pool.start()
        try:
            while pool.busy:
                assert time.monotonic() < deadline, f"pool run hung: {pool.counts()}"
                began = time.monotonic()
                pool.poll(0.02)
                self.max_poll = max(self.max_poll, time.monotonic() - began)
                if on_poll is not None:
                    on_poll(pool)
                multiprocessing.connection.wait(pool.wait_handles(), 0.05)
        except BaseException:
            pool.kill()
            raise
        return self

    def texts(self, kind: str) -> list[str]:
        return [e.text for e in self.events if e.kind == kind]


def dask_config(task: str, items: Any, method: str = "map", **options: Any) -> PoolConfig:
    return PoolConfig(task, items, 2, method, backend="dask", **options)


# -- every method, against the multiprocessing backend -----------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_every_method_gives_the_multiprocessing_results(method: str) -> None:
    star = method.startswith("starmap")
    items: Any = [[i] for i in range(30)] if star else 30
    local = Harness(PoolConfig("square", items, 2, method)).run().pool
    h = Harness(dask_config("square", items, method)).run()
    pool = h.pool
    assert sorted(pool.results) == sorted(local.results) == [(i, i * i) for i in range(30)]
    assert [(t.first_index, t.count) for t in pool.tasks] == [
        (t.first_index, t.count) for t in local.tasks]  # the same chunks
    if method in ("map", "starmap", "imap"):
        assert [i for i, _ in pool.results] == list(range(30))  # in order
    assert pool.succeeded and pool.summary()["results_ok"] is True
    # Each task was seen executing on a worker: worker, pid and times from the plugin.
    workers = {r.wid: r for r in h.engine.records.values() if r.kind == "pool"}
    assert len(workers) == 2 and all(r.state is State.FINISHED for r in workers.values())
    for task in pool.tasks:
        assert task.wid in workers and task.pid == workers[task.wid].pid
        assert task.started is not None and task.ended is not None and task.ended >= task.started
    assert set(pool.insights()) == set(workers)
    callbacks = h.texts("callback")
    assert len(callbacks) == (30 if method == "apply_async" else 0)
    assert h.max_poll < 0.2


def test_summary_names_the_cluster_and_its_workers() -> None:
    pool = Harness(dask_config("square", 8, "imap_unordered")).run().pool
    summary = pool.summary()
    assert summary["backend"] == "dask" and summary["cluster"] == "local"
    assert summary["scheduler"].startswith("tcp://127.0.0.1:")
    assert len(summary["workers"]) == 2
    for worker in summary["workers"]:
        assert worker["address"].startswith("tcp://127.0.0.1:") and worker["host"]
        assert worker["pid"] and worker["threads"] == 1 and worker["memory_limit"]
    assert sum(w["tasks_done"] for w in summary["workers"]) == 8
    json.dumps(summary)


def test_the_runs_memory_limit_is_each_workers_limit_on_its_own_cluster() -> None:
    limit = 300 * 2**20
    seen: dict[str, int] = {}

    def ask_the_scheduler(pool: DaskPoolRun) -> None:
        client = pool.dask_driver.client  # read-only, from the test: what the scheduler says
        if not seen and client is not None and pool.dask_tracker.records:
            with contextlib.suppress(Exception):  # the client may be closing already
                workers = client.scheduler_info(n_workers=-1)["workers"]
                seen.update({a: w["memory_limit"] for a, w in workers.items()})

    pool = Harness(dask_config("sleep_io", [0.3] * 4, "imap"), limit).run(
        ask_the_scheduler).pool
    assert list(seen.values()) == [limit, limit]
    assert [w["memory_limit"] for w in pool.summary()["workers"]] == [limit, limit]


def test_task_errors_reach_the_error_callback() -> None:
    h = Harness(dask_config("risky", 7, "apply_async")).run()
    errors = h.texts("error_callback")
    assert len(errors) == 3 and any("risky(3)" in t and "divisible by 3" in t for t in errors)
    counts = h.pool.counts()
    assert (counts["done"], counts["failed"], counts["lost"]) == (4, 3, 0)


def test_a_remote_worker_near_its_memory_limit_is_warned_about_once() -> None:
    engine = Engine("spawn")
    events: list[Event] = []
    engine.subscribe(events.append)
    tracker = DaskTracker(engine, "square", [], "token", local_cluster=False)
    address, mib = "tcp://10.0.0.7:40311", 2**20
    figures = {address: {"host": "10.0.0.7", "nthreads": 4, "memory_limit": 1000 * mib,
                         "cpu": 55.0, "memory": 700 * mib, "name": "w"}}
    tracker.on_figures(figures)
    record = tracker.by_address[address]
    assert record.remote  # another machine: its figures come from the scheduler, not psutil
    assert (record.cpu_percent, record.rss, tracker.threads[record.wid]) == (55.0, 700 * mib, 4)
    assert not [e for e in events if e.kind == "error"]
    figures[address]["memory"] = 850 * mib
    tracker.on_figures(figures)
    tracker.on_figures(figures)
    warnings = [e.text for e in events if e.kind == "error"]
    assert len(warnings) == 1 and "85% of its 1.0 GiB limit" in warnings[0]
    assert record.peak_rss == 850 * mib


def test_each_hosts_cpu_comes_from_its_workers_plugin_one_load_per_host() -> None:
    engine = Engine("spawn")
    tracker = DaskTracker(engine, "square", [], "token", local_cluster=False)
    mib = 2**20
    worker = {"nthreads": 1, "memory_limit": 1000 * mib, "cpu": 90.0, "memory": 100 * mib}
    tracker.on_figures({  # two workers on one host (they measure the same host), one on another
        "tcp://10.0.0.7:1": {**worker, "host": "10.0.0.7", "host_load": {"cpu": 40.0, "cores": 8}},
        "tcp://10.0.0.7:2": {**worker, "host": "10.0.0.7", "host_load": {"cpu": 60.0, "cores": 8}},
        "tcp://10.0.0.8:1": {**worker, "host": "10.0.0.8", "host_load": {"cpu": 5.0, "cores": 4}},
        "tcp://10.0.0.9:1": {**worker, "host": "10.0.0.9", "host_load": None},  # no heartbeat yet
    })
    assert tracker.host_loads == {"10.0.0.7": (50.0, 8, 2), "10.0.0.8": (5.0, 4, 1)}
    tracker.on_figures({"tcp://10.0.0.8:1": {**worker, "host": "10.0.0.8",
                                             "host_load": {"cpu": 25.0, "cores": 4}}})
    tracker.close_all("closed")
    assert tracker.host_loads == {}
    assert tracker.host_summary() == [  # what the summary JSON says of each host
        {"host": "10.0.0.7", "cores": 8, "workers": 2, "cpu_mean": 50.0, "cpu_peak": 50.0},
        {"host": "10.0.0.8", "cores": 4, "workers": 1, "cpu_mean": 15.0, "cpu_peak": 25.0},
        {"host": "10.0.0.9", "cores": None, "workers": 1, "cpu_mean": None, "cpu_peak": None}]


# -- losses ----------------------------------------------------------------------------------


def test_a_worker_killed_mid_task_loses_it_and_dask_retries_it() -> None:
    state: dict[str, Any] = {}

    def kill_one(pool: DaskPoolRun) -> None:
        now = time.time()
        if "pid" not in state:
            for task in pool.tasks:
                if task.outcome == "running" and task.pid and now - (task.started or now) > 0.1:
                    state.update(pid=task.pid, task=task.task_id, at=time.monotonic())
                    os.kill(task.pid, signal.SIGKILL)
                    return
        elif "lost_after" not in state and pool.tracker.losses:
            state["lost_after"] = time.monotonic() - state["at"]

    h = Harness(dask_config("sleep_io", [0.5] * 6, "imap")).run(kill_one)
    assert state["lost_after"] < 2.0  # generous: remove_worker is measured in the benchmarks
    summary = h.pool.summary()
    assert (summary["lost"], summary["retried"], summary["failed"]) == (1, 1, 0)
    assert h.pool.succeeded and summary["results_ok"] is True
    task = h.pool.tasks[state["task"]]
    assert task.attempt == 2 and [span.outcome for span in task.history] == ["lost"]
    assert task.history[0].pid == state["pid"] and task.pid != state["pid"]
    assert any("lost: Dask worker" in t and "retries it" in t for t in h.texts("task"))
    dead = next(r for r in h.engine.records.values() if r.pid == state["pid"])
    assert dead.state is State.LOST


def test_a_task_that_kills_every_worker_fails_with_killed_worker_explained() -> None:
    h = Harness(dask_config("die_at", 4, "apply_async")).run()  # item 5 never comes: all ok
    assert h.pool.succeeded
    h = Harness(dask_config("die_at", [5, 1], "apply_async")).run()
    task = h.pool.tasks[0]
    assert task.outcome == "failed" and task.attempt == 2
    assert "KilledWorker" in (task.error or "") and "allowed-failures" in (task.error or "")
    assert h.pool.tasks[1].outcome == "ok"
    counts = h.pool.counts()
    assert (counts["lost"], counts["retried"], counts["failed"]) == (2, 1, 1)


def test_stop_cancels_the_tasks_and_closes_the_cluster() -> None:
    def stop_when_running(pool: DaskPoolRun) -> None:
        if pool.counts()["done"] >= 1:
            pool.stop()

    h = Harness(dask_config("sleep_io", [0.3] * 20, "imap")).run(stop_when_running)
    counts = h.pool.counts()
    assert counts["cancelled"] > 0 and counts["done"] + counts["cancelled"] == 20
    assert not h.pool.succeeded


# -- the command line --------------------------------------------------------------------------


def _mpscope(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mpscope", *args], capture_output=True,
                          text=True, env=ENV, timeout=120, check=False, cwd=cwd)


def _write(tmp_path: Path, pool: str) -> Path:
    path = tmp_path / "run.toml"
    path.write_text("[pool]\n" + pool)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("command", ["run", "check"])
def test_unreachable_scheduler_is_one_line_and_exit_2(tmp_path: Path, command: str) -> None:
    port = _free_port()  # nothing listens there
    path = _write(tmp_path, f'task = "square"\nitems = 4\nbackend = "dask"\n'
                            f'scheduler = "tcp://127.0.0.1:{port}"\n')
    began = time.monotonic()
    out = _mpscope(command, str(path), "--no-history") if command == "run" else _mpscope(
        command, str(path))
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach the Dask scheduler" in lines[0]
    assert f"127.0.0.1:{port}" in lines[0] and "within 5 s" in lines[0]
    assert time.monotonic() - began < 30


# -- a cluster started as an operator would ----------------------------------------------------


@pytest.fixture
def dask_cluster() -> Iterator[str]:
    """`dask scheduler` and two `dask worker` processes, loopback only, no dashboard."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    worker = [sys.executable, "-m", "distributed.cli.dask_worker"]
    processes = [subprocess.Popen(
        [*dask, "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)]
    try:
        _wait_for_line(processes[0], "Scheduler at:")
        for _ in range(2):
            processes.append(subprocess.Popen(
                [*worker, address, "--host", "127.0.0.1", "--nthreads", "1", "--nworkers", "1",
                 "--no-dashboard"], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                text=True))
        for process in processes[1:]:
            _wait_for_line(process, "Registered to:")
        yield address
    finally:
        for process in reversed(processes):
            _stop(process)


def _wait_for_line(process: subprocess.Popen[str], text: str, timeout: float = 60.0) -> None:
    assert process.stderr is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if text in line:
            return
        assert line or process.poll() is None, f"exited before saying {text!r}"
    raise AssertionError(f"no {text!r} within {timeout} s")


def _stop(process: subprocess.Popen[str]) -> None:
    children = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(signal.SIGINT)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)
    for child in children:
        if child.is_running():
            child.kill()
    psutil.wait_procs(children, timeout=5)
    if process.stderr is not None:
        process.stderr.close()


def test_a_pool_runs_on_a_scheduler_and_workers_started_as_commands(
        dask_cluster: str, tmp_path: Path) -> None:
    path = _write(tmp_path, f'task = "square"\nitems = 40\nprocesses = 2\nmethod = "imap"\n'
                            f'backend = "dask"\nscheduler = "{dask_cluster}"\n')
    summary_path = tmp_path / "summary.json"
    out = _mpscope("run", str(path), "--no-history", "--summary-json", str(summary_path))
    assert out.returncode == 0, out.stdout + out.stderr
    pool = json.loads(summary_path.read_text())["pool"]
    assert pool["backend"] == "dask" and pool["cluster"] == "external"
    assert pool["scheduler"] == dask_cluster
    assert pool["done"] == pool["tasks"] and pool["results_ok"] is True
    assert len(pool["workers"]) == 2 and all(w["host"] for w in pool["workers"])
    assert "connected to the Dask scheduler at " + dask_cluster in out.stdout
    # The plugin was unregistered: the cluster is left as it was found.
    check = ("from distributed import Client; import sys\n"
             f"c = Client('{dask_cluster}', timeout=10)\n"
             "plugins = c.run_on_scheduler(lambda dask_scheduler: "
             "sorted(dask_scheduler.worker_plugins))\n"
             "c.close(); print(plugins)")
    left = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                          env=ENV, timeout=60, check=True)
    assert "mpscope" not in left.stdout


def test_preparing_a_dask_run_does_not_import_dask() -> None:
    # distributed takes ~0.5 s to import: the driver thread pays for it, never the window's.
    code = ("import sys\n"
            "from mpscope.core.config import loads\n"
            "from mpscope.core.engine.run import Run\n"
            "Run(loads('[pool]\\ntask = \"square\"\\nitems = 5\\nbackend = \"dask\"\\n'))\n"
            "print('distributed' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV,
                         timeout=60, check=True)
    assert out.stdout.strip() == "False"


def test_a_worker_that_cannot_import_the_task_is_named(dask_cluster: str,
                                                       tmp_path: Path) -> None:
    (tmp_path / "only_here.py").write_text("def double(x):\n    return 2 * x\n")
    path = _write(tmp_path, 'task = "only_here:double"\nitems = 3\nbackend = "dask"\n'
                            f'scheduler = "{dask_cluster}"\n')
    # mpscope runs where the module is (its check imports it); the workers run elsewhere.
    out = _mpscope("run", str(path), "--no-history", cwd=tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "cannot import the task only_here:double" in out.stdout
    assert "Dask worker tcp://127.0.0.1:" in out.stdout and "ModuleNotFoundError" in out.stdout


# -- the window --------------------------------------------------------------------------------


def test_the_cpu_panel_draws_each_cluster_host_beside_the_cores(qtbot: Any) -> None:
    from mpscope.core import config as cfg
    from mpscope.gui.bridge import RunBridge
    from mpscope.gui.cpu.panel import CpuPanel

    bridge = RunBridge(sample_ms=200)
    panel = CpuPanel(bridge)
    panel.resize(1000, 500)
    panel.show()
    try:
        bridge.set_config(cfg.loads('[pool]\ntask = "count_primes"\nitems = '
                                    f'{[400_000] * 40}\nprocesses = 2\nbackend = "dask"\n'))
        bridge.start()
        hostname = socket.gethostname()  # what the workers' plugin calls this machine

        def drawn() -> Any:  # the host line's values, once it has a few
            if panel.hosts.hosts != [hostname]:
                return None
            _x, y = panel.hosts.curves[0].getData()
            return y if y is not None and len(y) >= 3 else None

        qtbot.waitUntil(lambda: drawn() is not None, timeout=int(RUN_DEADLINE * 1000))
        values = drawn()
        assert all(0 <= v <= 100 for v in values) and max(values) > 0  # the workers' own load
        legend = lambda: panel.core_legend.text().replace("\u2060", "")  # noqa: E731 - joiners
        assert f"host&nbsp;{hostname}&nbsp;·&nbsp;2&nbsp;Dask&nbsp;worker(s)" in legend()
        assert "core&nbsp;0" in legend()  # beside the local cores
        bridge.kill_all()
        qtbot.waitUntil(lambda: not bridge.running, timeout=int(RUN_DEADLINE * 1000))
        qtbot.waitUntil(lambda: "cores,&nbsp;ended" in legend(), timeout=5000)
        bridge.run_started.emit()  # as a new run does: the ended host leaves the chart
        assert panel.hosts.hosts == [] and "host" not in legend()
    finally:
        bridge.kill_all()
        qtbot.waitUntil(lambda: not bridge.running, timeout=int(RUN_DEADLINE * 1000))
        panel.cleanup()
        bridge.shutdown()
        panel.close()
        panel.deleteLater()


def test_kill_on_a_dask_worker_row_says_what_it_does_and_does_it(qtbot: Any) -> None:
    from mpscope.core import config as cfg
    from mpscope.gui.bridge import RunBridge
    from mpscope.gui.pool.panel import PoolPanel
    from mpscope.gui.workers.panel import WorkersPanel

    bridge = RunBridge(sample_ms=200)
    panel = WorkersPanel(bridge)
    panel.resize(1200, 400)
    panel.show()
    pool_panel = PoolPanel(bridge)
    pool_panel.resize(900, 400)
    pool_panel.show()
    try:
        bridge.set_config(cfg.loads('[pool]\ntask = "sleep_io"\nitems = [1.0, 1.0, 1.0, 1.0]\n'
                                    'processes = 2\nmethod = "imap"\nbackend = "dask"\n'))
        bridge.start()
        busy = lambda: [r for r in bridge.records if r.kind == "pool" and r.note]  # noqa: E731
        qtbot.waitUntil(lambda: bool(busy()), timeout=int(RUN_DEADLINE * 1000))
        victim = busy()[0]
        pool_panel.update_now()
        setup = pool_panel.setup.text()  # the cluster's workers, not `processes`
        assert "dask" in setup and "2 workers at tcp://127.0.0.1:" in setup
        qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=5000)  # the next refresh
        panel.view.selectRow(panel.proxy.mapFromSource(
            panel.model.index(panel.model.row_of(victim), 0)).row())
        kill = panel.actions_by_name["kill"]
        assert "SIGKILL" in kill.toolTip() and "nanny" in kill.toolTip()
        assert "nanny" in panel.actions_by_name["stop"].toolTip()
        assert not panel.actions_by_name["stack"].isEnabled()  # not a local pool process
        kill.trigger()
        qtbot.waitUntil(lambda: not bridge.running, timeout=int(RUN_DEADLINE * 1000))
        pool = bridge.pool
        assert victim.state is State.KILLED and pool.succeeded
        assert pool.counts()["lost"] == 1 and pool.counts()["retried"] == 1
        panel.view.clearSelection()
        assert "SIGKILL" in kill.toolTip() and "nanny" not in kill.toolTip()  # the usual tip
    finally:
        bridge.kill_all()
        qtbot.waitUntil(lambda: not bridge.running, timeout=int(RUN_DEADLINE * 1000))
        for widget in (panel, pool_panel):
            widget.cleanup()
        bridge.shutdown()
        for widget in (panel, pool_panel):
            widget.close()
            widget.deleteLater()
