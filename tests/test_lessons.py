"""The Classroom lessons: registry, configs, texts, and every experiment run in a real worker."""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mpscope.assets import resource_path
from mpscope.core import lessons
from mpscope.core.config import loads
from mpscope.core.engine.engine import Engine
from mpscope.core.engine.run import Run
from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.engine.states import State
from mpscope.core.lessons.scaling import amdahl_fit

LESSONS = lessons.lessons()
RUNS = [(lesson.id, name, toml) for lesson in LESSONS
        for name, toml in ({"": lesson.config_toml} | lesson.variants).items()]
TABLE_KEYS = {"title", "columns", "rows", "verdict"}
L = "mpscope.core.lessons"


def run_task(task: str, args: dict, method: str = "fork", timeout: float = 60) -> WorkerRecord:
    """Run one experiment in a real worker process and return its finished record."""
    engine = Engine(method, grace_seconds=1.0, report_interval=0.05)
    record = engine.add_worker(f"{L}.{task}", args, name=task)
    try:
        engine.start_all()
        assert engine.run_until_done(timeout=timeout), f"{task} did not finish in {timeout} s"
    finally:
        engine.kill_all()
        engine.run_until_done(timeout=10)
    assert record.state is State.FINISHED, (
        record.detail, record.error.traceback if record.error else "")
    result = record.result
    assert result.keys() >= TABLE_KEYS
    assert all(len(row) == len(result["columns"]) for row in result["rows"])
    return record


def run_config(toml: str, timeout: float = 60) -> Run:
    """Run a whole lesson config to the end, as the window would."""
    run = Run(loads(toml))
    try:
        run.start()
        deadline = time.monotonic() + timeout
        while run.busy:
            assert time.monotonic() < deadline, "the lesson run did not end in time"
            run.poll(0.02)
            time.sleep(0.01)
    finally:
        if run.busy:
            run.kill()
            while run.busy:
                run.poll(0.02)
    return run


def by_name(run: Run) -> dict[str, WorkerRecord]:
    return {record.name: record for record in run.engine.records.values()}


# -- the registry ------------------------------------------------------------------


def test_registry_lists_eleven_lessons_in_order():
    assert [lesson.number for lesson in LESSONS] == list(range(1, 12))
    assert len({lesson.id for lesson in LESSONS}) == len(LESSONS)
    for lesson in LESSONS:
        assert lessons.get(lesson.id) is lesson
        assert lesson.result_kind in lessons.RESULT_KINDS
        assert lesson.title and lesson.notice and lesson.code
        if lesson.variants:
            assert lesson.config_toml == next(iter(lesson.variants.values()))
    with pytest.raises(KeyError, match="process_basics"):
        lessons.get("no-such-lesson")


@pytest.mark.parametrize(("lesson_id", "variant", "toml"), RUNS,
                         ids=[f"{i}:{v}" if v else i for i, v, _ in RUNS])
def test_every_lesson_config_validates(lesson_id, variant, toml):
    config = loads(toml, f"{lesson_id} {variant}")
    assert config.title and config.title.startswith(f"Lesson {lessons.get(lesson_id).number}")


def test_code_shown_is_the_real_code_of_every_experiment():
    for lesson in LESSONS:
        compile(lesson.code, lesson.id, "exec")  # it is complete, valid Python
        for toml in {lesson.config_toml, *lesson.variants.values()}:
            for function in re.findall(rf'task = "{L}\.\w+:(\w+)"', toml):
                assert f"def {function}(" in lesson.code, (lesson.id, function)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_code_shown_is_one_clean_module_that_runs(lesson):
    exec(compile(lesson.code, f"<{lesson.id}>", "exec"), {"__name__": f"lesson_{lesson.id}"})
    try:
        import ruff  # noqa: F401 - only to know whether the linter is here
    except ImportError:
        pytest.skip("ruff is not installed")
    # Undefined or unused names, or an import shadowed by a definition, would
    # make the listing fail or mislead when a student copies it.
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "F,E9",
         "--output-format", "concise", "--stdin-filename", f"{lesson.id}.py", "-"],
        input=lesson.code, capture_output=True, text=True, timeout=60,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_lesson_modules_never_import_qt():
    code = ("import sys; from mpscope.core import lessons; lessons.lessons(); "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')]; "
            "sys.exit(str(bad) if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=_env())
    assert done.returncode == 0, done.stdout + done.stderr


def _env() -> dict[str, str]:
    desktop = str(Path(lessons.__file__).resolve().parents[3])
    return {**os.environ, "PYTHONPATH": desktop}


# -- the texts ------------------------------------------------------------------------


def _headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("#")]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_lesson_has_english_and_chinese_texts_with_the_same_sections(lesson):
    en = resource_path("lessons", "en", f"{lesson.id}.md")
    zh = resource_path("lessons", "zh_CN", f"{lesson.id}.md")
    assert en.is_file(), f"missing {en}"
    assert zh.is_file(), f"missing {zh}"
    en_text, zh_text = en.read_text("utf-8"), zh.read_text("utf-8")
    assert len(_headings(zh_text)) >= len(_headings(en_text)) >= 5
    assert [h.count("#") for h in _headings(zh_text)] == [h.count("#") for h in _headings(en_text)]
    assert 150 <= len(en_text.split()) <= 300
    assert len(re.findall(r"[\u4e00-\u9fff]", zh_text)) > 200  # really written in Chinese
    assert en_text.startswith(f"# {lesson.number}.")
    assert zh_text.startswith(f"# 第 {lesson.number} 课")


def test_text_falls_back_to_english_and_finds_chinese_by_any_spelling():
    english = lessons.text("gil")
    chinese = lessons.text("gil", "zh_CN")
    assert english.startswith("# 2.") and chinese.startswith("# 第 2 课")
    assert lessons.text("gil", "zh-CN") == lessons.text("gil", "zh") == chinese
    assert lessons.text("gil", "fr") == english
    assert {"en", "zh_CN"} <= set(lessons.languages())
    with pytest.raises(KeyError):
        lessons.text("no-such-lesson")


# -- the experiments, each in a real worker at tiny sizes ----------------------------


def test_process_tree_shows_children_and_grandchildren_under_spawn():
    record = run_task("processes:process_tree",
                      {"children": 2, "grandchildren": 1, "seconds": 0.5}, method="spawn")
    result = record.result

    def find(node, pid):
        if node["pid"] == pid:
            return node
        return next((hit for kid in node["children"] if (hit := find(kid, pid))), None)

    me = find(result["tree"], record.pid)
    assert me is not None and me["ppid"] == result["parent"]
    assert len(me["children"]) == 2
    assert all(len(child["children"]) == 1 for child in me["children"])
    assert all(child["ppid"] == me["pid"] for child in me["children"])
    assert [exit[2] for exit in result["exits"]] == [0, 0]


def test_processes_beat_threads_on_cpu_bound_work():
    results, busy = [], []
    for _ in range(3):  # a shared 2-core machine is noisy: one clear result is enough
        result = run_task("gil:threads_vs_processes",
                          {"workers": 2, "work": 12_000_000, "rounds": 3}).result
        assert [row[0] for row in result["rows"]] == [
            "serial (1 thread)", "2 threads", "2 processes"]
        assert result["columns"] == ["how", "seconds", "speedup", "cores busy"]
        assert result["thread_cores"] < 1.3  # the GIL: never much more than one core
        results.append((result["process_speedup"], result["thread_speedup"]))
        busy.append(result["busy_before"])
        if (os.cpu_count() or 1) < 2 or results[-1][0] >= 0.9 * results[-1][1]:
            return
    if max(busy) >= 25 or os.getloadavg()[0] > (os.cpu_count() or 1):
        # The lesson itself says so in its verdict; a test cannot time on a full machine.
        assert "careful" in result["verdict"] or max(busy) < 25
        pytest.skip(f"other programs keep the CPUs busy ({busy}%): {results}")
    pytest.fail(f"processes were slower than threads every time: {results}")


def test_pool_methods_demo_shows_the_order_results_arrive_in():
    result = run_task("pools:pool_methods_demo", {"items": 3, "processes": 2}).result
    rows = {row[0]: row for row in result["rows"]}
    assert rows["map"][3] == rows["imap"][3] == "0 1 2"
    for method in ("imap_unordered", "apply_async + callback"):
        assert sorted(rows[method][3].split()) == ["0", "1", "2"]
    assert all(rows[method][2] > 0 for method in ("map", "imap", "imap_unordered"))
    assert "2 succeeded, 1 failed" in rows["apply_async + error_callback"][3]


def test_chunksize_timing_counts_messages_for_each_chunksize():
    result = run_task("pools:chunksize_timing",
                      {"items": 2000, "processes": 2, "chunksizes": [1, 100]}).result
    assert [row[1] for row in result["rows"]] == [2000, 20, 8]  # default: ceil(2000 / 8)
    assert result["default_chunksize"] == 250
    assert all(row[2] > 0 and row[3] > 0 for row in result["rows"])


@pytest.mark.timeout(90)
def test_scaling_never_reports_more_speedup_than_processes():
    result = run_task("scaling:scaling", {
        "max_processes": 2, "io_processes": 3, "work": 2_000_000, "serial": 0.1,
        "io_seconds": 0.12, "repeats": 3,
    }).result
    cpu, io = result["series"]
    for line in (cpu, io):
        assert {"n", "seconds", "speedup", "efficiency", "ideal", "amdahl",
                "serial_fraction"} <= line.keys()
        assert line["speedup"][0] == 1.0
        for n, speedup in zip(line["n"], line["speedup"], strict=True):
            assert speedup <= n + 0.5, (line["name"], n, speedup)
        assert 0.0 <= line["serial_fraction"] <= 1.0
        assert line["ideal"] == line["n"]
    assert cpu["n"] == [1, 2] and io["n"] == [1, 2, 3]
    assert io["speedup"][-1] > 2.0  # waiting scales whatever the number of cores
    assert len(result["rows"]) == 5


def test_timing_verdicts_warn_when_other_programs_use_the_cpus():
    from mpscope.core.lessons._common import caution

    assert caution(5.0) == ""
    assert "careful" in caution(80.0) and "80%" in caution(80.0)


def test_amdahl_fit_recovers_a_known_serial_fraction():
    ns = [1, 2, 4, 8]
    exact = [1 / (0.2 + 0.8 / n) for n in ns]
    assert math.isclose(amdahl_fit(ns, exact), 0.2, abs_tol=1e-9)
    assert amdahl_fit(ns, [float(n) for n in ns]) == 0.0
    assert amdahl_fit(ns, [n * 1.5 for n in ns]) == 0.0  # superlinear: clamped at 0, not < 0
    assert amdahl_fit([1], [1.0]) == 0.0


def test_channel_throughput_measures_each_channel():
    result = run_task("channels:channel_throughput", {"messages": 2000}).result
    assert [row[0] for row in result["rows"]] == [
        "Queue", "SimpleQueue", "Pipe", "Pipe, 100 per message"]
    assert all(row[1] == 2000 and row[2] > 0 and row[3] > 0 for row in result["rows"])


def test_shared_counter_loses_updates_without_a_lock_and_none_with_it():
    lost = []
    for _ in range(4):  # the race is real, so it can (rarely) not show in a short run
        result = run_task("shared:lost_updates", {"processes": 2, "increments": 200_000}).result
        rows = {row[0]: row for row in result["rows"]}
        assert rows["Value, += inside get_lock()"][2] == result["expected"] == 400_000
        assert rows["RawArray, one slot per process"][2] == 400_000
        lost.append(rows["RawValue, no lock"][3] + rows["Value, += without get_lock()"][3])
        if lost[-1] > 0:
            break
    assert lost[-1] > 0, lost


def test_daemon_child_is_terminated_and_non_daemon_child_is_joined_at_exit():
    result = run_task("daemons:daemon_exit", {"seconds": 0.6}).result
    rows = {row[0]: row for row in result["rows"]}
    assert rows["daemon"][1:4] == [True, True, False]
    assert rows["non-daemon"][1:4] == [False, True, True]
    assert result["exit_code"] == 0
    assert result["waited"] >= 0.3  # the exit waited for the non-daemon child's work


def test_pool_exceptions_are_raised_again_in_the_parent():
    record = run_task("errors:pool_exceptions", {"items": 4, "processes": 2})
    rows = {row[0]: row for row in record.result["rows"]}
    assert set(rows) == {"map", "imap", "apply_async + get()", "apply_async + error_callback"}
    for row in rows.values():
        assert row[1] == "ValueError" and "item 3 is a multiple of 3" in row[2]
        assert row[3].startswith("fails_on_3() at pools.py:")
        assert row[4] == record.pid  # caught in the worker…
        assert f"pid {record.pid})" not in row[2]  # …but raised in a pool process
    assert rows["map"][5] == "[]"
    assert rows["imap"][5] == "[1, 4]"
    assert rows["apply_async + get()"][5] == "[1, 4, 16]"


def test_start_methods_costs_pickling_and_main_guard():
    # spawn, as in the app: a worker forked from this process would inherit its fork server.
    costs = run_task("start_methods:start_costs", {"starts": 2}, method="spawn").result
    assert [row[0] for row in costs["rows"]] == multiprocessing.get_all_start_methods()
    assert all(row[1] > 0 for row in costs["rows"])

    pickling = {row[0]: row for row in run_task("start_methods:pickling_lambda", {}).result["rows"]}
    assert pickling["pickle.dumps(square)"][1] == "works"
    assert "mpscope.core.lessons.start_methods" in pickling["pickle.dumps(square)"][2]
    assert pickling["pickle.dumps(square_lambda)"][1] == "fails: PicklingError"
    assert pickling["pool.map(square, range(5))"][2] == "[0, 1, 4, 9, 16]"
    assert pickling["pool.map(square_lambda, range(5))"][1].startswith("fails")

    guard = run_task("start_methods:missing_main_guard", {"timeout": 30}).result
    assert "bootstrapping phase" in guard["error"] and guard["error"].startswith("RuntimeError")
    rows = {row[0]: row for row in guard["rows"]}
    assert "RuntimeError" in rows["spawn, no guard"][3]
    assert rows["spawn, with guard"][3] == "(none)" and "the child ran" in rows[
        "spawn, with guard"][2]


@pytest.mark.timeout(90)
def test_terminating_a_queue_writer_never_stalls_mpscope_and_leaves_nothing_behind():
    result = run_task("terminate:terminate_shared_queue", {
        "trials": 3, "writers": 3, "messages": 2000, "stall_timeout": 0.5,
    }).result
    rows = {row[0]: row for row in result["rows"]}
    assert rows["one shared multiprocessing.Queue"][1] == 3
    assert 0 <= rows["one shared multiprocessing.Queue"][2] <= 3
    assert rows["mpscope: one channel per worker"][2] == 0
    # The autouse fixture then checks that no writer, stalled or not, is left.


# -- whole lesson runs ------------------------------------------------------------------


def test_exceptions_lesson_run_explains_each_ending():
    run = run_config(lessons.get("exceptions").config_toml)
    workers = by_name(run)
    assert workers["risky-ok-0"].state is State.FINISHED
    assert workers["risky-fails-0"].state is State.FAILED
    assert workers["risky-fails-0"].error.exc_type == "ValueError"
    assert workers["crash-exit-0"].exitcode == 3
    assert workers["crash-os_exit-0"].state is State.LOST
    assert "SIGSEGV" in workers["crash-segfault-0"].detail
    assert "SIGABRT" in workers["crash-abort-0"].detail
    assert workers["pool-errors-0"].state is State.FINISHED


def test_daemons_lesson_run_shows_a_daemon_cannot_have_children():
    run = run_config(lessons.get("daemons").config_toml)
    workers = by_name(run)
    assert workers["daemon-parent-0"].state is State.FAILED
    assert "daemonic processes are not allowed to have children" in str(
        workers["daemon-parent-0"].error)
    assert workers["normal-parent-0"].state is State.FINISHED
    assert workers["at-exit-0"].state is State.FINISHED


def test_a_lesson_pool_variant_runs():
    pytest.importorskip("mpscope.core.pool")
    run = run_config(lessons.get("pool_methods").variants["apply_async + error_callback"])
    assert not run.busy
