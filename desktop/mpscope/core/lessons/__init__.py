"""The Classroom lessons: each is a run students launch and watch, plus the code it runs.

`lessons()` lists them in order, `get(id)` finds one and `text(id, language)`
returns its lesson text (markdown). The experiment modules (`processes`, `gil`,
…) hold module-level task functions that run inside worker processes; the
catalog that ties them to configs is only imported when the registry is first
used, so a worker that resolves one experiment does not import all the others.

Every experiment returns a JSON-friendly dict with at least `title`,
`columns`, `rows` and `verdict`, so any result can be shown as a table;
`result_kind` says what else the panel should draw:

- "workers": the point is in the Workers panel (states, exit codes, errors);
- "table": the experiment's table is the point;
- "scaling": the result also has `series` (speedup against processes) to plot;
- "pool": the point is in the Pool task stream (order, chunks, callbacks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

RESULT_KINDS = ("workers", "table", "scaling", "pool")
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Lesson:
    """One classroom lesson: the run it launches, the code students see and the key points."""

    id: str
    number: int
    title: str  # English; the panel shows the heading of the translated .md instead
    config_toml: str  # the run it launches (the first variant's when there are variants)
    code: str  # the real source of the experiment and task functions the run uses
    notice: str  # English key points, one per line; the .md has the full text
    result_kind: str
    # Alternative runs, name -> config TOML, in display order; empty for a single run.
    variants: dict[str, str] = field(default_factory=dict)


def lessons() -> list[Lesson]:
    """All lessons, in teaching order."""
    return list(_catalog())


def get(lesson_id: str) -> Lesson:
    """The lesson with this id; KeyError (listing the ids) when there is none."""
    for lesson in _catalog():
        if lesson.id == lesson_id:
            return lesson
    known = ", ".join(lesson.id for lesson in _catalog())
    raise KeyError(f"no lesson {lesson_id!r}; lessons are: {known}")


def text(lesson_id: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The lesson's markdown in `language` ("zh_CN", "zh-CN", "zh", …), else in English."""
    get(lesson_id)  # an unknown id is an error, not an empty text
    for path in _candidates(lesson_id, language):
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"no text for lesson {lesson_id!r} (looked for {language!r} and en)")


def languages() -> list[str]:
    """The languages that have lesson texts (folder names under resources/lessons)."""
    root = _root()
    return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


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


@cache
def _catalog() -> tuple[Lesson, ...]:
    from mpscope.core.lessons.catalog import build

    return tuple(build())
