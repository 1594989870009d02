"""The lessons: each a plain script that runs with `python` alone, its texts, its result line."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from mpscope.assets import resource_path
from mpscope.core import lessons
from mpscope.core.engine.engine import Engine
from mpscope.core.engine.states import State
from mpscope.core.lessons import results, runner

LESSONS = lessons.lessons()
SCRIPT_TIMEOUT = 120  # seconds: a lesson takes a few on 2 busy cores
STDLIB = set(sys.stdlib_module_names)


def run_plain(script: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    """`python -I script.py` from an empty folder: no mpscope, no PYTHONPATH, no user site."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return subprocess.run([sys.executable, "-I", str(script)], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=SCRIPT_TIMEOUT)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every lesson script run once with plain python (shared by the tests below)."""
    folder = tmp_path_factory.mktemp("student")
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    done = {lesson.id: run_plain(lesson.script, folder) for lesson in LESSONS}
    leftovers = [p for p in psutil.Process().children(recursive=True) if p.pid not in before]
    assert not leftovers, f"lesson scripts left processes behind: {leftovers}"
    return done


# -- the registry ------------------------------------------------------------------


def test_registry_lists_the_lessons_in_order_each_with_its_script():
    assert [lesson.number for lesson in LESSONS] == list(range(1, 18))
    assert len({lesson.id for lesson in LESSONS}) == len(LESSONS)
    for lesson in LESSONS:
        assert lessons.get(lesson.id) is lesson
        assert lesson.result_kind in lessons.RESULT_KINDS
        assert lesson.script.is_file() and lesson.script.name.startswith(f"{lesson.number:02}_")
        assert lessons.code(lesson) == lesson.script.read_text(encoding="utf-8")
    assert lessons.get("pool_sizing").number == 12
    with pytest.raises(KeyError, match="lessons are: process_basics"):
        lessons.get("nope")


# -- the scripts students take home -----------------------------------------------


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_script_uses_the_standard_library_only_and_guards_main(lesson):
    code = lessons.code(lesson)
    assert "mpscope" not in code.lower()
    tree = ast.parse(code)
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    # psutil only where the lesson measures, Pillow for real images: both optional, each
    # imported inside a try.
    assert imported - STDLIB <= {"psutil", "PIL"}, imported - STDLIB
    if imported - STDLIB:
        assert "except ImportError" in code
    guard = tree.body[-1]
    assert isinstance(guard, ast.If) and ast.unparse(guard.test) == "__name__ == '__main__'"
    assert tree.body[0].value.value.startswith(f"Lesson {lesson.number}:")  # the docstring


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_script_runs_with_plain_python_and_ends_with_its_result_line(lesson, outputs):
    done = outputs[lesson.id]
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.rstrip("\n").splitlines()
    assert lines[-1].startswith(results.PREFIX), lines[-5:]
    assert sum(line.startswith(results.PREFIX) for line in lines) == 1
    found = results.parse(lines[-1])
    assert found.lesson == lesson.id
    assert found.tables and found.findings
    for table in found.tables:
        assert table.rows
        # What the window shows is what the script printed: title and columns in the output.
        assert table.title in done.stdout
        assert all(column in done.stdout for column in table.columns)
    for finding in found.findings:
        assert finding.english() in done.stdout


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_result_words_are_templates_the_translators_have(lesson, outputs):
    """Every English word the window shows comes from a literal template in the script."""
    found = results.find(outputs[lesson.id].stdout)
    assert found is not None
    known = set(script_templates(lesson.script))
    shown = [found.tables[i].title for i in range(len(found.tables))]
    shown += [c for t in found.tables for c in t.columns]
    shown += [f.text for f in found.findings]
    shown += [c.text for t in found.tables for row in t.rows for c in row
              if isinstance(c, results.Phrase)]
    assert set(shown) <= known, set(shown) - known
    for table in found.tables:  # a plain string cell is code (shown as is), never English prose
        for row in table.rows:
            for cell in row:
                if isinstance(cell, str):
                    assert re.search(r"[()._=\d]", cell) or cell.isidentifier(), cell


def script_templates(script: Path) -> list[str]:
    """The literal templates of say(), phrase() and table() calls (as scripts/i18n.py finds)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    try:
        import i18n
    finally:
        sys.path.pop(0)
    return [text for text, _where in i18n.lesson_texts_in(script)]


def test_measuring_lessons_repeat_alternate_and_show_the_spread(outputs):
    for lesson_id in ("gil", "chunksize", "scaling", "queue_pipe", "pool_sizing",
                      "shared_state", "workloads"):
        code = lessons.code(lessons.get(lesson_id))
        assert "def measure(cases, rounds=3)" in code and "median(" in code
        found = results.find(outputs[lesson_id].stdout)
        assert any("median of 3 rounds" in t.title for t in found.tables), lesson_id


def test_scaling_goes_to_twice_the_cores_and_fits_amdahl_only_with_enough_points(outputs):
    found = results.find(outputs["scaling"].stdout)
    chart = found.chart
    cores = chart["cores"]
    assert chart["kind"] == "scaling" and chart["n"] == list(range(1, 2 * cores + 1))
    assert chart["speedup"][0] == 1.0
    texts = [f.text for f in found.findings]
    if cores < 3:
        assert chart["amdahl"] is None
        assert any("too few points" in t for t in texts)


def test_a_result_contradicting_the_lesson_says_so_in_words():
    """Lesson 2 under a CPU hog: if processes are not faster, the result itself says why."""
    lesson = lessons.get("gil")
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(psutil.cpu_count() or 1)]
    try:
        done = run_plain(lesson.script, Path(lesson.script).parent)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    found = results.find(done.stdout)
    texts = [f.text for f in found.findings]
    speeds = found.findings[1].values  # "Threads: {threads:.2f}x …; processes: {processes:.2f}x"
    contradicted = speeds["processes"] < 1.3 or speeds["threads"] > 1.3
    if (psutil.cpu_count() or 1) >= 2 and contradicted:
        # The hogs keep every CPU busy: the result must say why it misses the point.
        assert any("does NOT show the lesson's point: the CPUs were already" in t
                   for t in texts), texts
    else:
        assert not any("NOT" in t for t in texts), texts


def test_pickling_lesson_explains_in_words_not_bytes(outputs):
    found = results.find(outputs["start_methods"].stdout)
    table = next(t for t in found.tables if "pickled" in t.title)
    assert table.columns == ["object", "can be pickled", "why"]
    verdicts = {row[0]: row[1] for row in table.rows}
    assert verdicts["double"] is True and verdicts["lambda x: 2 * x"] is False
    assert verdicts["nested"] is False and verdicts["Local()"] is False
    assert all(isinstance(row[2], results.Phrase) for row in table.rows)
    printed = outputs["start_methods"].stdout
    assert "\\x" not in printed and "b'" not in printed


def test_lesson_facts_hold_on_this_python(outputs):
    """The statements the issue's correction table asks for, as measured by the scripts."""
    basics = results.find(outputs["process_basics"].stdout)
    assert len(basics.tables[0].rows) == 4  # four processes, parent included
    daemons = results.find(outputs["daemons"].stdout).tables[0].rows
    assert daemons[0][1:3] == [True, False]  # normal end: normal child joined, daemon terminated
    assert daemons[1][2] is True  # after os._exit the daemon child was not terminated
    rows = results.find(outputs["exceptions"].stdout).tables[0].rows
    errors = {str(row[0]): row[1] for row in rows}
    assert "get() raised ValueError too" in errors["apply_async(..., error_callback=f)"].english()
    assert errors["next(pool.imap(risky, [1, 3, 4]))"].values["results"] == "10, ValueError, 40"
    assert errors["ProcessPoolExecutor.submit(crash)"].text == "result() raised BrokenProcessPool"
    methods = results.find(outputs["pool_methods"].stdout)
    callback = next(f for f in methods.findings if "callbacks ran" in f.text)
    assert callback.values["thread"] != "MainThread"
    pickled = results.find(outputs["start_methods"].stdout).tables[2]
    assert all("must be pickled" in row[1].text for row in pickled.rows)  # fork included
    if sys.platform != "win32":
        guard = results.find(outputs["start_methods"].stdout).tables[3]
        assert all(row[1] is True for row in guard.rows)


def test_facts_of_the_tutorial_topics_hold(outputs):
    """Sentinels, JoinableQueue, join-before-get, Lock/Semaphore/Barrier, pool endings."""
    consumers, drained = results.find(outputs["producer_consumer"].stdout).tables
    assert sum(row[1] for row in consumers.rows) == 30
    assert all(row[2] == 0 for row in consumers.rows)
    assert drained.rows[1][1] is True  # after get(), join() returned
    guards = results.find(outputs["locks_semaphores"].stdout).tables[0].rows
    assert guards[0][1] == 1 and 1 <= guards[1][1] <= 2  # Lock: one inside; Semaphore(2): two
    lifecycle = results.find(outputs["pool_lifecycle"].stdout).tables
    assert lifecycle[0].rows[0][1].values["ready"] is False  # `with Pool()` terminated the task
    assert lifecycle[0].rows[1][1].values["value"] == 1  # close() + join() let it finish
    assert lifecycle[1].rows[1][2] >= 3  # maxtasksperchild=2: fresh processes
    pi = next(f for f in results.find(outputs["workloads"].stdout).findings if "pi =" in f.text)
    assert abs(pi.values["pi"] - 3.14159) < 0.05


# -- the result line -----------------------------------------------------------------


def test_result_line_parsing_names_each_problem():
    good = {"lesson": "x", "tables": [{"title": "t", "columns": ["a", "b"],
                                       "rows": [[1, {"text": "n={n}", "values": {"n": 2}}]]}],
            "findings": [{"text": "done in {s:.1f} s", "values": {"s": 1.25}}]}
    found = results.parse(results.PREFIX + json.dumps(good))
    assert found.tables[0].rows[0][1].english() == "n=2"
    assert found.findings[0].english() == "done in 1.2 s"
    assert results.find("noise\n" + results.PREFIX + json.dumps(good) + "\n") == found
    assert results.find("no result here\n") is None
    bad = [("not json", "not JSON"), ("[]", "not a JSON object"),
           (json.dumps({"tables": [{"columns": ["a"], "rows": [[1, 2]]}]}), "one cell per"),
           (json.dumps({"findings": [{"values": {}}]}), "has no text"),
           (json.dumps({"tables": [{"columns": ["a"], "rows": [[[1]]]}]}), "holds a list"),
           (json.dumps({"chart": {"n": [1, 2], "speedup": [1]}}), "differ in length")]
    for text, problem in bad:
        with pytest.raises(results.ResultError, match=problem):
            results.parse(results.PREFIX + text)
    assert results.Phrase("{missing}", {}).english() == "{missing}"  # never raises


# -- the texts ------------------------------------------------------------------------


def _headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("#")]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_lesson_has_english_and_chinese_texts_with_the_same_sections(lesson):
    en = resource_path("lessons", "en", f"{lesson.id}.md")
    zh = resource_path("lessons", "zh_CN", f"{lesson.id}.md")
    en_text, zh_text = en.read_text("utf-8"), zh.read_text("utf-8")
    assert [h.count("#") for h in _headings(zh_text)] == [h.count("#") for h in _headings(en_text)]
    assert len(_headings(en_text)) == 5
    assert 120 <= len(en_text.split()) <= 420
    assert len(re.findall(r"[\u4e00-\u9fff]", zh_text)) > 200  # really written in Chinese
    assert en_text.startswith(f"# {lesson.number}.")
    assert zh_text.startswith(f"# 第 {lesson.number} 课")
    assert "mpscope" not in en_text.lower() + zh_text.lower()


def test_text_falls_back_to_english_and_finds_chinese_by_any_spelling():
    english = lessons.text("gil")
    chinese = lessons.text("gil", "zh_CN")
    assert english.startswith("# 2.") and chinese.startswith("# 第 2 课")
    assert lessons.text("gil", "zh-CN") == lessons.text("gil", "zh") == chinese
    assert lessons.text("gil", "fr") == english
    assert {"en", "zh_CN"} <= set(lessons.languages())
    with pytest.raises(KeyError):
        lessons.text("no-such-lesson")


def test_core_lessons_never_import_qt():
    code = ("import sys; from mpscope.core import lessons; from mpscope.core.lessons import "
            "results, runner; bad = [m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'pyqtgraph')]; sys.exit(str(bad) if bad else 0)")
    desktop = str(Path(lessons.__file__).resolve().parents[3])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": desktop})
    assert done.returncode == 0, done.stdout + done.stderr


# -- the runner: a lesson script as a worker task ------------------------------------


def test_runner_runs_a_script_in_a_real_worker_and_returns_its_result(tmp_path):
    engine = Engine("spawn", grace_seconds=1.0, report_interval=0.05)
    record = engine.add_worker(runner.TASK, {"script": str(lessons.get("exceptions").script)},
                               name="lesson")
    events = []
    engine.subscribe(events.append)
    try:
        engine.start_all()
        assert engine.run_until_done(timeout=SCRIPT_TIMEOUT)
    finally:
        engine.kill_all()
        engine.run_until_done(timeout=10)
    assert record.state is State.FINISHED, record.detail
    assert results.from_json(record.result).lesson == "exceptions"
    # The output, line by line, as the worker's log ("lesson: …").
    logged = [event.text.removeprefix("lesson: ") for event in events if event.kind == "log"]
    assert "What the parent sees when a child fails" in logged
    assert not any(line.startswith(results.PREFIX) for line in logged)


def test_runner_config_names_the_script_that_the_code_view_shows():
    from mpscope.core import config

    lesson = lessons.get("chunksize")
    run = config.loads(runner.config_toml(lesson), "lesson")
    (group,) = run.workers
    assert group.task == runner.TASK and group.args == {"script": str(lesson.script)}
    assert run.title == "Lesson 4: chunksize"


@pytest.mark.parametrize("how", ["stop", "terminate"])
def test_stopping_a_lesson_ends_the_script_and_everything_it_started(tmp_path, how):
    script = tmp_path / "forever.py"
    script.write_text("import multiprocessing as mp, time\n"
                      "if __name__ == '__main__':\n"
                      "    p = mp.Pool(2)\n    p.map(abs, [1, 2])\n"
                      "    print('ready', flush=True)\n    time.sleep(600)\n")
    engine = Engine("spawn", grace_seconds=5.0, report_interval=0.05)
    record = engine.add_worker(runner.TASK, {"script": str(script)}, name="lesson")
    events = []
    engine.subscribe(events.append)
    try:
        engine.start_all()
        deadline = time.monotonic() + 60
        while not any(e.kind == "log" and e.text.endswith(": ready") for e in events):
            engine.poll(0.05)
            assert time.monotonic() < deadline, "the script never said ready"
        family = psutil.Process(record.pid).children(recursive=True)
        assert len(family) >= 3  # the script and its two pool processes
        getattr(engine, how)(record.wid)  # Stop (SIGINT, then StopRequested) or SIGTERM
        assert engine.run_until_done(timeout=30)
    finally:
        engine.kill_all()
        engine.run_until_done(timeout=10)
    _gone, alive = psutil.wait_procs(family, timeout=10)
    assert not alive, alive
