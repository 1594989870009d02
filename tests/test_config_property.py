"""Property: any TOML document and any byte string ends `mpscope check` in exit 0 or exit 2,
with at most one line on stderr, no traceback, and no process started."""

from __future__ import annotations

import contextlib
import io
import multiprocessing.process
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import task_helpers  # noqa: F401 - imported here, so checking its tasks imports nothing new
from mpscope import cli
from mpscope.core.config import GROUP_KEYS, POOL_KEYS, TOP_KEYS
from mpscope.core.config.toml_writer import toml_value
from mpscope.core.tasks import builtin_names, pool_task_names

# Task names only from a fixed list: a random "module:function" could import any module
# of the standard library (`antigravity` opens a browser), which no property needs.
TASKS = st.sampled_from([*builtin_names(), *pool_task_names(), "nope", "x:y", "os.path:join",
                         "task_helpers:plain_sleep", "task_helpers:flood_reports", ""])
SCALARS = (st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1)
           | st.floats(allow_nan=True) | st.text(max_size=12).filter(lambda t: ":" not in t))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=12)


def table(keys: tuple[str, ...]) -> st.SearchStrategy[dict[str, object]]:
    key = st.sampled_from(keys) | st.text(min_size=1, max_size=8)
    value = VALUES | TASKS
    return st.dictionaries(key, value, max_size=6)


def key_text(key: str) -> str:
    return toml_value(key)


def document(top: dict[str, object], groups: list[dict[str, object]],
             pool: dict[str, object] | None) -> str:
    lines = [f"{key_text(k)} = {toml_value(v)}" for k, v in top.items()
             if k not in ("workers", "pool")]
    for group in groups:
        lines.append("[[workers]]")
        lines += [f"{key_text(k)} = {toml_value(v)}" for k, v in group.items()]
    if pool is not None:
        lines.append("[pool]")
        lines += [f"{key_text(k)} = {toml_value(v)}" for k, v in pool.items()]
    return "\n".join(lines) + "\n"


TABLES = st.builds(document, table(TOP_KEYS), st.lists(table(GROUP_KEYS), max_size=3),
                   st.none() | table(POOL_KEYS))
# Arrays nested up to thousands deep: the parser itself recurses.
NESTED = st.builds(lambda text, depth: f"nested = {'[' * depth}{']' * depth}\n" + text,
                   TABLES, st.integers(min_value=1, max_value=3000))
DOCUMENTS = TABLES | NESTED


@pytest.fixture(autouse=True)
def no_process_may_start(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("check started a process")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)
    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)


def check(path: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["check", str(path)])
    return code, err.getvalue()


def assert_one_clear_ending(code: int, err: str) -> None:
    assert code in (0, 2)
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == (0 if code == 0 else 1), err


FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FAST
@given(text=DOCUMENTS)
def test_any_toml_document_ends_in_exit_0_or_one_line_and_exit_2(tmp_path, text):
    path = tmp_path / "generated.toml"
    path.write_text(text, encoding="utf-8")
    assert_one_clear_ending(*check(path))


@FAST
@given(data=st.binary(max_size=300) | DOCUMENTS.map(lambda t: t.encode("utf-8")[:200]))
def test_any_byte_string_ends_in_exit_0_or_one_line_and_exit_2(tmp_path, data):
    path = tmp_path / "generated.toml"
    path.write_bytes(data)
    assert_one_clear_ending(*check(path))
