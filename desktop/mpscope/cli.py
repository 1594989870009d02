"""Command line: `mpscope [CONFIG]` opens the window; run, check, example work headless.

This module never imports Qt at the top: worker processes started with spawn
re-import the main module, and must stay free of PySide6 and pyqtgraph.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from mpscope.core.history.store import HistoryStore

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
COMMANDS = ("run", "check", "example", "history", "export", "follow", "watch")


def main(argv: Sequence[str] | None = None) -> int:
    # In a frozen app (PyInstaller) a worker re-runs the program's executable; whatever the
    # entry script, it must turn into the worker here, before any parsing or Qt. A no-op
    # when not frozen. (packaging/mpscope_launcher.py calls it even earlier.)
    multiprocessing.freeze_support()
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "watch":
        return _watch(args[1:])
    if args and args[0] in COMMANDS:
        return _command(args)
    return _gui(args)


def _command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mpscope", description="mpscope headless commands")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a configuration in the terminal (no window)")
    run.add_argument("config", help="a TOML configuration file")
    run.add_argument("--summary-json", metavar="PATH", help="write a JSON summary at the end")
    run.add_argument("--no-history", action="store_true", help="do not record this run")
    run.add_argument("--results", metavar="PATH",
                     help="write the pool's results as JSON lines (index, item, result or error)")
    run.add_argument("--notify-command", metavar="CMD",
                     help="run CMD (a shell command) for each failure, loss, memory warning and "
                          "the run's end, with the event as one JSON object on its stdin")
    check = sub.add_parser("check", help="validate a configuration and start nothing")
    check.add_argument("config", help="a TOML configuration file")
    sub.add_parser("example", help="print a commented example configuration")
    history = sub.add_parser("history", help="list recorded runs, newest first")
    history.add_argument("--limit", type=_count, default=20, metavar="N", help="show N runs (20)")
    history.add_argument("--status", choices=("running", "finished", "interrupted"))
    history.add_argument("--search", metavar="TEXT", help="runs whose title or config has TEXT")
    history.add_argument("--path", action="store_true", help="print the database's path only")
    export = sub.add_parser("export", help="write a recorded run as JSON or CSV files")
    export.add_argument("run_id", type=_count, metavar="RUN_ID", help="a run id from `history`")
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("--out", metavar="DIR", default=".", help="directory to write into (.)")
    # Only the options here: the follow machinery is imported when it is the command.
    from mpscope.core.follow.arguments import add_parser as add_follow_parser

    add_follow_parser(sub)
    options = parser.parse_args(argv)
    if options.command == "follow":
        from mpscope.core.follow import command as follow

        return follow.main(options)
    if options.command in ("history", "export"):
        import sqlite3

        try:
            return _history(options) if options.command == "history" else _export(options)
        except sqlite3.DatabaseError as error:  # opened, but broken further in
            from mpscope.core.history.paths import history_path
            from mpscope.core.history.store import unusable

            print(f"mpscope: {unusable(history_path(), error)}", file=sys.stderr)
            return EXIT_FAILED
    if options.command == "example":
        from mpscope.core.config import example_text

        sys.stdout.write(example_text())
        return EXIT_OK
    config = _load(options.config)
    if config is None or not _scheduler_reachable(options.config, config):
        return EXIT_USAGE
    if options.command == "check":
        groups = sum(group.count for group in config.workers)
        pool = f" and a pool of {config.pool.processes}" if config.pool else ""
        method = config.start_method
        print(f"{options.config}: ok ({groups} worker(s){pool}, start method {method})")
        return EXIT_OK
    if options.summary_json and not _writable(options.summary_json):
        return EXIT_USAGE
    if options.results and config.pool is None:
        print(f"mpscope: --results: {options.config} has no [pool] whose results to write",
              file=sys.stderr)
        return EXIT_USAGE
    if options.results and not _writable(options.results, "--results"):
        return EXIT_USAGE
    from mpscope.core.console.headless import HeadlessRunner

    runner = HeadlessRunner(config, record=not options.no_history)
    runner.notify_with(options.notify_command)
    return runner.execute(options.summary_json, results_path=options.results)


def _watch(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="mpscope watch", usage="mpscope watch [OPTIONS] -- COMMAND [ARGS…]",
        description="Run a program unchanged and watch its processes, pool tasks and output. "
                    "Its output and exit code are its own; mpscope's lines go to stderr.")
    parser.add_argument("--title", metavar="T", help="the run's title (default: the command)")
    parser.add_argument("--summary-json", metavar="PATH", help="write a JSON summary at the end")
    parser.add_argument("--no-history", action="store_true", help="do not record this run")
    parser.add_argument("--window", action="store_true", help="watch it in the window")
    parser.add_argument("--notify-command", metavar="CMD",
                        help="run CMD for each failure, loss, memory warning and the end, with "
                             "the event as one JSON object on its stdin")
    parser.add_argument("--memory-limit", metavar="SIZE",
                        help="cap each process of the program, e.g. \"2 GiB\": a warning at 80 %%, "
                             "then the process is stopped (SIGINT, SIGTERM, SIGKILL)")
    split = argv.index("--") if "--" in argv else None
    options, command = (parser.parse_args(argv[:split]), argv[split + 1:]) if split is not None \
        else parser.parse_known_args(argv)
    if split is None and any(word.startswith("-") for word in command[:1]):
        parser.error(f"unknown option {command[0]} (put the command after --)")
    if not command:
        parser.error("no command to watch: mpscope watch -- python script.py")
    limit = None
    if options.memory_limit is not None:
        from mpscope.core.config.sizes import parse_size

        try:
            limit = parse_size(options.memory_limit)
        except ValueError as problem:
            parser.error(f"--memory-limit {problem}")
    if options.window:
        extra = ["--summary-json", options.summary_json] if options.summary_json else []
        if limit is not None:
            extra += ["--memory-limit", str(limit >> 20)]
        return _gui([*extra, *(["--title", options.title] if options.title else []),
                     "--watch", *command])
    from mpscope.core.console.watch_runner import WatchRunner
    from mpscope.core.watch.watched_run import build_watched_run

    run = build_watched_run(command, title=options.title, subreaper=True, memory_limit=limit,
                            terminal=True)  # a terminal of ours is the program's, as a pty
    runner = WatchRunner(run, record=not options.no_history)
    runner.notify_with(options.notify_command)
    return runner.execute(options.summary_json)


def _history(options: argparse.Namespace) -> int:
    from mpscope.core.history.export import format_runs

    store, path = _open_history()
    if options.path:
        print(path)
        return EXIT_OK
    if store is None:  # no history yet (said on stdout) or unusable (said on stderr)
        return EXIT_FAILED if path.exists() else EXIT_OK
    try:
        runs = store.list_runs(options.search, options.status, options.limit)
    finally:
        store.close()
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    print(format_runs(runs, color) if runs else "no matching runs")
    return EXIT_OK


def _export(options: argparse.Namespace) -> int:
    from mpscope.core.history.export import UnknownRun, export_csv, export_json

    store, path = _open_history(quiet=True)
    if store is None:
        if not path.exists():  # an unusable one was named on stderr already
            print(f"mpscope: no run #{options.run_id} in {path}", file=sys.stderr)
        return EXIT_USAGE if not path.exists() else EXIT_FAILED
    write = export_json if options.format == "json" else export_csv
    try:
        written = write(store, options.run_id, options.out)
    except UnknownRun:
        print(f"mpscope: no run #{options.run_id} in {path} (see `mpscope history`)",
              file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        print(f"mpscope: cannot write the export: {error}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        store.close()
    for written_path in written:
        print(written_path)
    return EXIT_OK


def _open_history(quiet: bool = False) -> tuple[HistoryStore | None, Path]:
    """(store, path); store is None when there is no history yet or it cannot be opened."""
    from mpscope.core.history.paths import history_path
    from mpscope.core.history.store import HistoryError, HistoryStore

    path = history_path()
    if not path.exists():  # reading must not create a database
        if not quiet:
            print(f"no runs recorded yet ({path})")
        return None, path
    try:
        return HistoryStore(path), path
    except HistoryError as error:
        print(f"mpscope: {error}", file=sys.stderr)
        return None, path


def _count(text: str) -> int:
    """argparse type: a whole number from 1 up (a run id, a number of runs)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 2**63 - 1:  # SQLite's integers end there
        raise argparse.ArgumentTypeError(f"must be from 1 to {2**63 - 1}, got {text}")
    return value


def _writable(path: str, option: str = "--summary-json") -> bool:
    """Check before anything starts that an output file can be written; say so if not."""
    from mpscope.core.engine.summary import output_problem

    problem = output_problem(path)
    if problem:
        print(f"mpscope: {option} {path}: {problem}", file=sys.stderr)
    return problem is None


def _load(path: str):  # type: ignore[no-untyped-def]
    from mpscope.core.config import ConfigError, load

    try:
        return load(path)
    except ConfigError as error:
        from mpscope.core.printable import printable

        print(f"mpscope: {printable(str(error))}", file=sys.stderr)
        return None


def _scheduler_reachable(path: str, config) -> bool:  # type: ignore[no-untyped-def]
    """A `[pool]` on a Dask scheduler: it must answer within PROBE_TIMEOUT, or one line says why."""
    pool = config.pool
    if pool is None or pool.backend != "dask" or not pool.scheduler:
        return True
    from mpscope.core.pool.dask_client import PROBE_TIMEOUT, probe

    problem = probe(pool.scheduler, PROBE_TIMEOUT)
    if problem:
        print(f"mpscope: {path}: pool.scheduler: {problem}", file=sys.stderr)
    return problem is None


def _gui(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="mpscope",
        description="A desktop task monitor for Python multiprocessing.",
        epilog="headless commands: mpscope run CONFIG | mpscope check CONFIG | mpscope example"
               " | mpscope history | mpscope export RUN_ID | mpscope follow [RUN_ID]",
    )
    parser.add_argument("config", nargs="?", help="a TOML configuration to load")
    parser.add_argument("--autostart", action="store_true", help="start the run at once")
    parser.add_argument("--quit-when-done", action="store_true", help="close when the run ends")
    parser.add_argument("--summary-json", metavar="PATH", help="write a JSON summary at the end")
    parser.add_argument("--title", help=argparse.SUPPRESS)  # mpscope watch --window
    parser.add_argument("--watch", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.add_argument("--memory-limit", type=int, help=argparse.SUPPRESS)  # MiB, with --watch
    options = parser.parse_args(argv)
    if options.summary_json and not _writable(options.summary_json):
        return EXIT_USAGE
    try:
        from mpscope.gui.app import run_app
    except ImportError as error:  # the window is optional until its issue lands
        print(f"mpscope: the window is not available ({error}); use `mpscope run CONFIG`",
              file=sys.stderr)
        return EXIT_USAGE
    return run_app(options)
