"""The classroom lessons: plain multiprocessing scripts students run, read and take home.

Each lesson is a standalone script under resources/lessons/scripts/ (standard
library only) plus its text in resources/lessons/<language>/<id>.md.
`lessons()` lists them in order, `get(id)` finds one, `code(lesson)` is the
exact file that runs and `text(id, language)` the lesson text. A script ends
with one result line that `mpscope.core.lessons.results` reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_LANGUAGE = "en"
RESULT_KINDS = ("table", "scaling")


@dataclass(frozen=True)
class Lesson:
    """One lesson: its number, id, English title, script file and what its result draws."""

    number: int
    id: str
    title: str  # English; the panel shows the heading of the translated .md instead
    script_name: str  # the file under resources/lessons/scripts
    result_kind: str = "table"  # "scaling": the result also has a chart

    @property
    def script(self) -> Path:
        """The script that runs, and that the code view shows."""
        return _root() / "scripts" / self.script_name


_LESSONS = (
    Lesson(1, "process_basics", "Process basics", "01_process_basics.py"),
    Lesson(2, "gil", "Threads vs processes (the GIL)", "02_gil.py"),
    Lesson(3, "pool_methods", "Pool methods: when do results arrive?", "03_pool_methods.py"),
    Lesson(4, "chunksize", "chunksize", "04_chunksize.py"),
    Lesson(5, "scaling", "How many processes?", "05_scaling.py", "scaling"),
    Lesson(6, "queue_pipe", "Queue, SimpleQueue and Pipe", "06_queue_pipe.py"),
    Lesson(7, "shared_memory", "Shared memory and locks", "07_shared_counter.py"),
    Lesson(8, "daemons", "Daemon processes", "08_daemons.py"),
    Lesson(9, "exceptions", "Exceptions and crashes in children", "09_exceptions.py"),
    Lesson(10, "start_methods", "Start methods, pickling and the __main__ guard",
           "10_start_methods.py"),
    Lesson(11, "terminate_queue", "terminate() and a shared Queue", "11_terminate_queue.py"),
    Lesson(12, "pool_sizing", "Pool sizing for I/O-bound work", "12_pool_sizing.py"),
    Lesson(13, "producer_consumer", "Producers and consumers", "13_producer_consumer.py"),
    Lesson(14, "locks_semaphores", "Lock, Semaphore and Barrier", "14_locks_semaphores.py"),
    Lesson(15, "shared_state", "Manager and SharedMemory", "15_shared_state.py"),
    Lesson(16, "pool_lifecycle", "A pool's life: with, close, maxtasksperchild, executors",
           "16_pool_lifecycle.py"),
    Lesson(17, "workloads", "Real work: π, Fibonacci, images", "17_workloads.py"),
)


def lessons() -> list[Lesson]:
    """All lessons, in teaching order."""
    return list(_LESSONS)


def get(lesson_id: str) -> Lesson:
    """The lesson with this id; KeyError (listing the ids) when there is none."""
    for lesson in _LESSONS:
        if lesson.id == lesson_id:
            return lesson
    known = ", ".join(lesson.id for lesson in _LESSONS)
    raise KeyError(f"no lesson {lesson_id!r}; lessons are: {known}")


def code(lesson: Lesson) -> str:
    """The script exactly as it runs (and as "Save as…" writes it)."""
    return lesson.script.read_text(encoding="utf-8")


def text(lesson_id: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The lesson's markdown in `language` ("zh_CN", "zh-CN", "zh", …), else in English."""
    get(lesson_id)  # an unknown id is an error, not an empty text
    for path in _candidates(lesson_id, language):
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"no text for lesson {lesson_id!r} (looked for {language!r} and en)")


def languages() -> list[str]:
    """The languages that have lesson texts (folders of .md files under resources/lessons)."""
    root = _root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and any(p.glob("*.md")))


def _candidates(lesson_id: str, language: str) -> list[Path]:
    wanted = language.replace("-", "_")
    names = [wanted]
    # A bare "zh" (or "zh_TW" with no folder of its own) takes the first folder of that language.
    prefix = wanted.split("_")[0].lower()
    names += [name for name in languages() if name.split("_")[0].lower() == prefix]
    names.append(DEFAULT_LANGUAGE)
    return [_root() / name / f"{lesson_id}.md" for name in dict.fromkeys(names)]


def _root() -> Path:
    from mpscope.assets import resource_path

    return resource_path("lessons")
