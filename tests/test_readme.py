"""The README's quick start is what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quick_start_lines() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quick_start_has_exactly_two_lines():
    lines = quick_start_lines()
    assert len(lines) == 2
    assert all("\n" not in line for line in lines)


def test_ci_runs_the_readme_test_line():
    test_line = quick_start_lines()[1]
    assert "pytest" in test_line
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_line.replace(" -q", "") in ci.replace(" -q", "")
