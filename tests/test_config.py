"""Tests for the run configuration: parsing, validation messages, writing TOML."""

from __future__ import annotations

import json
import math
import multiprocessing
import pickle
import subprocess
import sys
import textwrap
import tomllib
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from mpscope.core import config as cfg
from mpscope.core.config import ConfigError, PoolConfig, RunConfig, WorkerGroup

SRC = "run.toml"
PI = '[[workers]]\ntask = "monte_carlo_pi"\n'


def error(text: str) -> ConfigError:
    """The first error that loads() raises for `text` (dedented)."""
    with pytest.raises(ConfigError) as info:
        cfg.loads(textwrap.dedent(text), SRC)
    return info.value


def raw_error(raw: dict[str, Any]) -> ConfigError:
    """The first error that validate() raises for a dict."""
    with pytest.raises(ConfigError) as info:
        cfg.validate(raw, "form")
    return info.value


@pytest.fixture
def user_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An importable module with tasks of known signatures; returns its name."""
    (tmp_path / "mpscope_test_usertasks.py").write_text(
        textwrap.dedent(
            """
            def needs(x, y=1):
                return x + y

            def pair(a, b):
                return a * b

            NOT_CALLABLE = 3
            """
        )
    )
    (tmp_path / "mpscope_test_broken.py").write_text("raise RuntimeError('boom at import')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return "mpscope_test_usertasks"


# -- the happy path --------------------------------------------------------------------


def test_minimal_config_gets_defaults() -> None:
    config = cfg.loads(PI, SRC)
    assert config == RunConfig(
        title=None,
        start_method="spawn",
        grace_seconds=3.0,
        report_interval=0.1,
        workers=(WorkerGroup("monte_carlo_pi", 1, False, "monte_carlo_pi", {}),),
        pool=None,
    )
    assert config.source == SRC


def test_pool_defaults_and_item_list() -> None:
    config = cfg.loads('[pool]\ntask = "square"\nitems = 5\n', SRC)
    pool = config.pool
    assert pool is not None
    assert pool.method == "map" and pool.backend == "multiprocessing"
    assert pool.chunksize is None and pool.maxtasksperchild is None
    assert pool.processes >= 1
    assert pool.item_list == [0, 1, 2, 3, 4]
    assert PoolConfig("square", [3, 1], 2).item_list == [3, 1]


def test_zero_means_default_for_chunksize_and_maxtasksperchild() -> None:
    config = cfg.loads(
        '[pool]\ntask = "square"\nitems = 1\nchunksize = 0\nmaxtasksperchild = 0\n', SRC
    )
    assert config.pool is not None
    assert config.pool.chunksize is None and config.pool.maxtasksperchild is None


def test_name_defaults_to_function_name_of_a_spec(user_module: str) -> None:
    config = cfg.loads(f'[[workers]]\ntask = "{user_module}:needs"\nargs = {{ x = 1 }}\n', SRC)
    assert config.workers[0].name == "needs"


def test_daemon_spawn_children_is_allowed() -> None:
    # Failing in a daemonic worker is the lesson this task teaches, not a config error.
    config = cfg.loads('[[workers]]\ntask = "spawn_children"\ndaemon = true\n', SRC)
    assert config.workers[0].daemon is True


def test_example_validates_and_uses_every_option() -> None:
    text = cfg.example_text()
    config = cfg.loads(text, "example.toml")
    assert config.workers and config.pool is not None
    raw = tomllib.loads(text)
    assert set(raw) == set(cfg.TOP_KEYS)
    assert set().union(*(set(group) for group in raw["workers"])) == set(cfg.GROUP_KEYS)
    # `scheduler` needs backend = "dask" (an extra): the example shows it commented out.
    assert set(raw["pool"]) == set(cfg.POOL_KEYS) - {"scheduler"}
    assert '# scheduler = "tcp://' in text
    assert any(group.daemon for group in config.workers)
    assert any(not group.daemon for group in config.workers)


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + PI.encode())
    assert cfg.load(path).workers[0].task == "monte_carlo_pi"


def test_validate_takes_a_form_dict_where_none_means_absent() -> None:
    raw = {"title": None, "workers": [{"task": "fibonacci", "name": None}], "pool": None}
    config = cfg.validate(raw, "form")
    assert config.workers[0].name == "fibonacci"
    assert config.source == "form"


# -- reading the file ------------------------------------------------------------------


def test_file_not_found(tmp_path: Path) -> None:
    path = tmp_path / "missing.toml"
    with pytest.raises(ConfigError) as info:
        cfg.load(path)
    assert str(info.value) == f"{path}: file not found"


def test_file_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory, not a file"):
        cfg.load(tmp_path)


def test_file_not_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod 000 does not stop root, so fake the failure.
    path = tmp_path / "secret.toml"
    path.write_text(PI)

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(ConfigError) as info:
        cfg.load(path)
    assert str(info.value) == f"{path}: cannot read the file: permission denied"


def test_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(PI.encode() + b'title = "caf\xe9"\n')
    with pytest.raises(ConfigError) as info:
        cfg.load(path)
    assert info.value.line == 3
    assert str(info.value) == (
        f"{path}: line 3: the file is not UTF-8 text (byte 0xe9 cannot be decoded)"
    )


# -- TOML syntax -----------------------------------------------------------------------


def test_syntax_error_has_line_and_column() -> None:
    err = error(
        """\
        title = "x"
        [[workers]]
        task "fibonacci"
        """
    )
    assert err.line == 3 and err.key is None
    assert str(err) == (
        "run.toml: line 3: invalid TOML: expected '=' after a key in a key/value pair (column 6)"
    )


def test_duplicate_key_is_a_syntax_error() -> None:
    err = error('[[workers]]\ntask = "fibonacci"\ntask = "fibonacci"\n')
    assert err.line == 3
    assert "invalid TOML: cannot overwrite a value" in str(err)


def test_syntax_error_at_end_of_file() -> None:
    err = error('[[workers]]\ntask = "fibonacci"\nargs = { n = 3')
    assert err.line == 3
    assert "(at the end of the file)" in err.problem


# -- unknown keys ----------------------------------------------------------------------


def test_unknown_top_level_key_suggests_close_match() -> None:
    err = error('start_mehtod = "spawn"\n' + PI)
    assert str(err) == "run.toml: line 1: start_mehtod: unknown key; did you mean 'start_method'?"


def test_unknown_top_level_key_without_close_match_lists_keys() -> None:
    err = error("colour = 3\n" + PI)
    assert err.problem == (
        "unknown key; expected one of: title, start_method, grace_seconds, report_interval,"
        " memory_limit, workers, pool"
    )


def test_unknown_key_in_group() -> None:
    err = error('[[workers]]\ntask = "fibonacci"\n' + PI + "cuont = 2\n")
    assert str(err) == "run.toml: line 5: workers[1].cuont: unknown key; did you mean 'count'?"


def test_unknown_key_in_pool() -> None:
    err = error('[pool]\ntask = "square"\nitems = 3\nchunk_size = 4\n')
    assert str(err) == "run.toml: line 4: pool.chunk_size: unknown key; did you mean 'chunksize'?"


# -- types and ranges ------------------------------------------------------------------


def test_bool_is_not_an_integer() -> None:
    err = error(PI + "count = true\n")
    assert str(err) == (
        "run.toml: line 3: workers[0].count: must be an integer >= 1, got true (a boolean)"
    )


def test_string_is_not_an_integer() -> None:
    err = error(PI + 'count = "4"\n')
    assert err.problem == 'must be an integer >= 1, got "4" (a string)'


def test_count_zero() -> None:
    groups = "".join(f'[[workers]]\ntask = "{task}"\n' for task in ("fibonacci", "risky"))
    err = error(groups + PI + "count = 0\n")
    assert str(err) == "run.toml: line 7: workers[2].count: must be an integer >= 1, got 0"


def test_count_above_cap() -> None:
    err = error(PI + "count = 5000\n")
    assert err.problem == "must be at most 1024, got 5000"


def test_daemon_must_be_boolean() -> None:
    err = error(PI + 'daemon = "yes"\n')
    assert err.key == "workers[0].daemon"
    assert err.problem == 'must be true or false, got "yes" (a string)'


def test_grace_seconds_must_be_positive() -> None:
    wanted = "must be a number > 0 and at most 3600 (seconds), got"
    assert error("grace_seconds = 0\n" + PI).problem == f"{wanted} 0"
    assert error("grace_seconds = nan\n" + PI).problem == f"{wanted} nan"
    err = error('grace_seconds = "3"\n' + PI)
    assert err.problem == f'{wanted} "3" (a string)'


def test_report_interval_range() -> None:
    err = error("report_interval = 10\n" + PI)
    assert str(err) == (
        "run.toml: line 1: report_interval: must be a number from 0.01 to 5.0 (seconds), got 10"
    )


def test_title_must_be_a_string() -> None:
    assert error("title = 3\n" + PI).problem == "must be a string, got 3 (an integer)"


def test_workers_written_as_a_single_table() -> None:
    err = error('[workers]\ntask = "fibonacci"\n')
    assert str(err) == (
        "run.toml: line 1: workers: must be an array of tables, got a table"
        " (write [[workers]], not [workers])"
    )


def test_group_must_be_a_table() -> None:
    err = raw_error({"workers": [3]})
    assert str(err) == "form: workers[0]: must be a table, got an integer"


def test_args_must_be_a_table() -> None:
    err = error(PI + "args = [1]\n")
    assert err.problem == "must be a table of keyword arguments, got an array"


# -- start methods ---------------------------------------------------------------------


def test_unknown_start_method_suggests() -> None:
    err = error('start_method = "spwan"\n' + PI)
    assert str(err) == (
        'run.toml: line 1: start_method: must be one of "spawn", "forkserver", "fork",'
        ' got "spwan"; did you mean "spawn"?'
    )


def test_start_method_not_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    err = error('start_method = "fork"\n' + PI)
    assert str(err) == (
        'run.toml: line 1: start_method: "fork" is not available on this platform'
        ' (available: "spawn")'
    )


# -- tasks and their arguments ---------------------------------------------------------


def test_unknown_task_uses_the_registry_message() -> None:
    err = error('[[workers]]\ntask = "monte_carlo_py"\n')
    assert err.key == "workers[0].task" and err.line == 2
    assert "unknown built-in task 'monte_carlo_py'" in err.problem
    assert "did you mean 'monte_carlo_pi'" in err.problem


def test_missing_task() -> None:
    err = error("[[workers]]\ncount = 2\n")
    assert str(err) == (
        "run.toml: line 1: workers[0].task: is required: the task to run"
        ' (a built-in name or "package.module:function")'
    )


def test_empty_task() -> None:
    err = error('[[workers]]\ntask = "  "\n')
    assert err.problem.startswith('must be the task to run (a built-in name or "package.module')


def test_spec_module_does_not_import() -> None:
    err = error('[[workers]]\ntask = "mpscope_no_such_module:run"\n')
    assert err.key == "workers[0].task"
    assert "cannot import module 'mpscope_no_such_module'" in err.problem
    assert "ModuleNotFoundError" in err.problem


def test_spec_module_fails_at_import(user_module: str) -> None:
    err = error('[[workers]]\ntask = "mpscope_test_broken:run"\n')
    assert "RuntimeError: boom at import" in err.problem


def test_spec_missing_function(user_module: str) -> None:
    err = error(f'[[workers]]\ntask = "{user_module}:need"\n')
    assert f"'{user_module}' has no attribute 'need'" in err.problem
    assert "did you mean 'needs'" in err.problem


def test_spec_not_callable(user_module: str) -> None:
    err = error(f'[[workers]]\ntask = "{user_module}:NOT_CALLABLE"\n')
    assert err.problem == f"task '{user_module}:NOT_CALLABLE' is not callable (it is of type int)"


def test_args_not_accepted() -> None:
    err = error(
        """\
        [[workers]]
        task = "fibonacci"
        args = { m = 30 }
        """
    )
    assert str(err) == (
        "run.toml: line 3: workers[0].args: task 'fibonacci' has no argument 'm'; it takes: n"
    )


def test_missing_required_arg(user_module: str) -> None:
    err = error(f'[[workers]]\ntask = "{user_module}:needs"\nargs = {{ y = 2 }}\n')
    assert err.key == "workers[0].args"
    assert err.problem == f"task '{user_module}:needs' needs argument 'x'; it takes: x, y"


# -- names -----------------------------------------------------------------------------


def test_duplicate_explicit_names() -> None:
    err = error(
        """\
        [[workers]]
        task = "fibonacci"
        name = "a"
        [[workers]]
        task = "count_primes"
        name = "a"
        """
    )
    assert str(err) == (
        'run.toml: line 6: workers[1].name: "a" is already the name of workers[0];'
        " names must be unique"
    )


def test_duplicate_default_names_explain_the_default() -> None:
    err = error(PI + PI)
    assert err.key == "workers[1].name" and err.line == 3
    assert err.problem.endswith('(it defaults to the task\'s name: set name = "..." on this group)')


def test_name_must_be_a_non_empty_string() -> None:
    assert error(PI + 'name = ""\n').problem == 'must be a non-empty string, got ""'


# -- nothing to run --------------------------------------------------------------------


def test_empty_config() -> None:
    err = error("")
    assert str(err) == "run.toml: nothing to run: add a [[workers]] group or a [pool] table"


def test_only_globals_is_nothing_to_run() -> None:
    assert error('title = "x"\nworkers = []\n').problem.startswith("nothing to run")


# -- the pool --------------------------------------------------------------------------

POOL = '[pool]\ntask = "square"\n'


def test_pool_written_as_array_of_tables() -> None:
    err = error('[[pool]]\ntask = "square"\n')
    assert str(err) == (
        "run.toml: line 1: pool: must be a table, got an array (write [pool], not [[pool]])"
    )


def test_pool_missing_task_and_items() -> None:
    errors = cfg.check_text("[pool]\nprocesses = 2\n", SRC)
    assert [e.key for e in errors] == ["pool.task", "pool.items"]
    assert errors[1].problem == (
        "is required: an integer >= 0 (meaning range(items)) or an array of items"
    )


def test_pool_bad_method_suggests() -> None:
    err = error(POOL + 'items = 3\nmethod = "imap_unorderd"\n')
    assert err.key == "pool.method" and err.line == 4
    assert err.problem.endswith('got "imap_unorderd"; did you mean "imap_unordered"?')


def test_pool_bad_backend() -> None:
    err = error(POOL + 'items = 3\nbackend = "threads"\n')
    assert err.problem == 'must be one of "multiprocessing", "executor", "dask", got "threads"'


def test_pool_bad_chunksize() -> None:
    err = error(POOL + "items = 3\nchunksize = -1\n")
    assert str(err) == (
        "run.toml: line 4: pool.chunksize: must be an integer >= 0"
        " (0 or omitted: the default), got -1"
    )


def test_pool_bad_processes() -> None:
    assert error(POOL + "items = 3\nprocesses = 0\n").problem == ("must be an integer >= 1, got 0")
    assert error(POOL + "items = 3\nprocesses = 2.5\n").problem == (
        "must be an integer >= 1, got 2.5 (a float)"
    )


def test_pool_bad_maxtasksperchild() -> None:
    err = error(POOL + "items = 3\nmaxtasksperchild = -2\n")
    assert err.problem == "must be an integer >= 0 (0 or omitted: unlimited), got -2"


def test_pool_bad_items() -> None:
    wanted = "must be an integer >= 0 (meaning range(items)) or an array of items"
    assert error(POOL + "items = -1\n").problem == f"{wanted}, got -1"
    assert error(POOL + 'items = "abc"\n').problem == f'{wanted}, got "abc" (a string)'
    assert error(POOL + "items = 100_000_000\n").problem == (
        "must be at most 10_000_000, got 100_000_000"
    )


def test_starmap_needs_list_of_lists() -> None:
    err = error(POOL + 'items = 10\nmethod = "starmap"\n')
    assert err.problem == (
        'method "starmap" needs an array of arrays (one argument list per call), got an integer'
    )
    err = error(POOL + 'items = [[1], 2]\nmethod = "starmap_async"\n')
    assert err.problem == (
        'method "starmap_async" needs every item to be an array of arguments,'
        " but item 1 is 2 (an integer)"
    )


def test_starmap_arity_is_checked(user_module: str) -> None:
    config = cfg.loads(
        f'[pool]\ntask = "{user_module}:pair"\nitems = [[1, 2], [3, 4]]\nmethod = "starmap"\n',
        SRC,
    )
    assert config.pool is not None and config.pool.item_list == [[1, 2], [3, 4]]
    err = error(f'[pool]\ntask = "{user_module}:pair"\nitems = [[1]]\nmethod = "starmap"\n')
    assert err.key == "pool.task"
    assert "cannot be called with 1 argument(s) for starmap" in err.problem


def test_starmap_does_not_fill_the_reporter() -> None:
    err = error('[pool]\ntask = "risky"\nitems = [[1, 2]]\nmethod = "starmap"\n')
    assert err.problem.endswith("an argument would be passed as 'reporter'")


def test_pool_task_must_take_one_item(user_module: str) -> None:
    err = error(f'[pool]\ntask = "{user_module}:pair"\nitems = 3\n')
    assert err.key == "pool.task"
    assert "cannot be called with one item" in err.problem


def test_executor_with_fork_and_maxtasksperchild(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["fork", "spawn"])
    err = error(
        'start_method = "fork"\n' + POOL + 'items = 3\nbackend = "executor"\nmaxtasksperchild = 2\n'
    )
    assert str(err) == (
        'run.toml: line 6: pool.maxtasksperchild: the "executor" backend cannot limit tasks'
        ' per child with start_method "fork" (the stdlib refuses it);'
        ' use 0, or "spawn" or "forkserver"'
    )


def test_executor_process_cap_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    err = error(POOL + 'items = 3\nbackend = "executor"\nprocesses = 64\n')
    assert err.problem == 'the "executor" backend allows at most 61 processes on Windows, got 64'


# -- all problems, lines and the error object ------------------------------------------


def test_validate_all_reports_every_problem_in_file_order() -> None:
    text = textwrap.dedent(
        """\
        grace_seconds = -1
        [[workers]]
        task = "fibonacci"
        count = 0
        [pool]
        task = "square"
        items = 3
        method = "mapp"
        """
    )
    errors = cfg.check_text(text, SRC)
    assert [(e.line, e.key) for e in errors] == [
        (1, "grace_seconds"),
        (4, "workers[0].count"),
        (8, "pool.method"),
    ]
    assert cfg.validate_all(tomllib.loads(text), "form")[0].line is None
    assert cfg.validate_all(tomllib.loads(cfg.example_text())) == []


def test_lines_are_found_in_subtables_and_dotted_keys() -> None:
    text = textwrap.dedent(
        """\
        [[workers]]
        task = "fibonacci"
        [workers.args]
        n = 3
        [[workers]]
        task = "count_primes"
        args.limit = 10
        args.bogus = 1
        """
    )
    err = error(text)
    assert (err.key, err.line) == ("workers[1].args", 7)


def test_multi_line_arrays_do_not_look_like_headers() -> None:
    text = textwrap.dedent(
        """\
        [pool]
        task = "risky"
        items = [
            [1],
            [2, 3],
        ]
        method = "starmap"
        [[workers]]
        task = "fibonacci"
        count = 0
        """
    )
    errors = cfg.check_text(text, SRC)
    assert [(e.key, e.line) for e in errors] == [("pool.task", 2), ("workers[0].count", 10)]


def test_inline_workers_fall_back_to_the_array_line() -> None:
    err = error('workers = [{ task = "fibonacci" }, { task = "fibonacci", count = 0 }]\n')
    assert (err.key, err.line) == ("workers[1].count", 1)


def test_error_without_line() -> None:
    err = raw_error({"workers": [{"task": "fibonacci", "count": 0}]})
    assert (err.source, err.key, err.line) == ("form", "workers[0].count", None)
    assert str(err) == "form: workers[0].count: must be an integer >= 1, got 0"


def test_error_is_a_picklable_value_error() -> None:
    err = ConfigError("a.toml", "pool.items", 4, "bad")
    assert isinstance(err, ValueError)
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.source, copy.key, copy.line, copy.problem) == ("a.toml", "pool.items", 4, "bad")
    assert str(copy) == "a.toml: line 4: pool.items: bad"


# -- writing ---------------------------------------------------------------------------


def test_dumps_round_trips_the_example() -> None:
    config = cfg.loads(cfg.example_text())
    assert cfg.loads(cfg.dumps(config)) == config


def test_dumps_round_trips_awkward_values() -> None:
    config = RunConfig(
        title='quote " backslash \\ tab \t newline \n bell \x07 del \x7f café ✓',
        start_method="spawn",
        grace_seconds=0.5,
        report_interval=5,
        workers=(
            WorkerGroup(
                "stream",
                3,
                True,
                "odd name ]",
                {
                    "messages": 10,
                    "payload_bytes": 3,
                    "interval": math.inf,
                },
            ),
            WorkerGroup("crash", 1, False, "crash", {}),
        ),
        pool=PoolConfig(
            task="risky",
            items=[
                [1, "a b", True, -0.5, 1e-05],
                {"key with space": [], "nested": {"x": date(2024, 1, 2)}},
                datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC),
                datetime(2024, 5, 6, 7, 8, 9),
                time(1, 2, 3),
                [],
            ],
            processes=2,
            method="map_async",
            chunksize=7,
            maxtasksperchild=3,
            backend="executor",
        ),
    )
    text = cfg.dumps(config)
    again = cfg.loads(text)
    assert again == config
    assert again.report_interval == 5.0 and isinstance(again.report_interval, float)


def test_dumps_rejects_values_toml_cannot_hold() -> None:
    config = RunConfig(workers=(WorkerGroup("fibonacci", 1, False, "f", {"n": None}),))
    with pytest.raises(TypeError, match="no null"):
        cfg.dumps(config)


def test_to_dict_is_json_safe() -> None:
    config = cfg.validate(
        {
            "workers": [{"task": "stream", "args": {"interval": math.inf}}],
            "pool": {"task": "square", "items": [date(2020, 1, 1), (1, 2)]},
        },
        "form",
    )
    form = cfg.to_dict(config)
    json.dumps(form, allow_nan=False)
    assert form["workers"][0]["args"] == {"interval": "inf"}
    assert form["pool"]["items"] == ["2020-01-01", [1, 2]]
    assert form["source"] == "form"
    plain = cfg.loads(cfg.example_text())
    back = cfg.to_dict(plain)
    back.pop("source")
    assert cfg.validate(back) == plain


def test_short_name() -> None:
    assert cfg.short_name("pkg.mod:func") == "func"
    assert cfg.short_name("fibonacci") == "fibonacci"


def test_import_is_light() -> None:
    code = (
        "import sys, mpscope.core.config\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))\n"
        "       or m == 'mpscope.core.tasks']\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=_env())


def _env() -> dict[str, str]:
    import os

    here = Path(__file__).resolve().parents[1] / "desktop"
    return {**os.environ, "PYTHONPATH": str(here)}


@pytest.mark.parametrize(("value", "size"), [
    ('"2 GiB"', 2 * 2**30), ('"512 MiB"', 512 * 2**20), ('"1.5G"', 1536 * 2**20),
    ("256", 256 * 2**20), ('"64mb"', 64 * 2**20)])
def test_memory_limit_takes_sizes_and_round_trips(value: str, size: int) -> None:
    config = cfg.loads(f"memory_limit = {value}\n{PI}")
    assert config.memory_limit == size
    assert cfg.loads(cfg.dumps(config)) == config


@pytest.mark.parametrize(("value", "needle"), [
    ('"lots"', 'must be a size such as "2 GiB"'), ('"2 parsecs"', "must be a size"),
    ("true", "must be a size"), ('"1 MiB"', "at least 32 MiB")])
def test_a_bad_memory_limit_is_one_clear_line(value: str, needle: str) -> None:
    with pytest.raises(cfg.ConfigError) as caught:
        cfg.loads(f"memory_limit = {value}\n{PI}", "run.toml")
    assert needle in str(caught.value) and "line 1" in str(caught.value)
    assert "memory_limit" in str(caught.value)


def test_dask_keys() -> None:
    pytest.importorskip("distributed", reason="the dask backend's keys need Dask distributed")
    pool = cfg.loads('[pool]\ntask = "square"\nitems = 3\nbackend = "dask"\n'
                     'scheduler = "tcp://10.0.0.5:8786"\n', SRC).pool
    assert pool is not None and pool.scheduler == "tcp://10.0.0.5:8786"
    assert cfg.loads(cfg.dumps(cfg.RunConfig(pool=pool)), SRC).pool == pool  # round trip
    for bad, problem in (('backend = "executor"\nscheduler = "tcp://h:1"', "only used with"),
                         ('backend = "dask"\nscheduler = "tcp://h :1"', "an address like"),
                         ('backend = "dask"\nmaxtasksperchild = 2', "no tasks-per-child")):
        with pytest.raises(cfg.ConfigError, match=problem):
            cfg.loads(f'[pool]\ntask = "square"\nitems = 3\n{bad}\n', SRC)
