"""Command line: `mpscope [CONFIG]` opens the window; run, check, example work headless.

This module never imports Qt at the top: worker processes started with spawn
re-import the main module, and must stay free of PySide6 and pyqtgraph.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
COMMANDS = ("run", "check", "example")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in COMMANDS:
        return _command(args)
    return _gui(args)


def _command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mpscope", description="mpscope headless commands")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a configuration in the terminal (no window)")
    run.add_argument("config", help="a TOML configuration file")
    run.add_argument("--summary-json", metavar="PATH", help="write a JSON summary at the end")
    check = sub.add_parser("check", help="validate a configuration and start nothing")
    check.add_argument("config", help="a TOML configuration file")
    sub.add_parser("example", help="print a commented example configuration")
    options = parser.parse_args(argv)
    if options.command == "example":
        from mpscope.core.config import example_text

        sys.stdout.write(example_text())
        return EXIT_OK
    config = _load(options.config)
    if config is None:
        return EXIT_USAGE
    if options.command == "check":
        groups = sum(group.count for group in config.workers)
        pool = f" and a pool of {config.pool.processes}" if config.pool else ""
        method = config.start_method
        print(f"{options.config}: ok ({groups} worker(s){pool}, start method {method})")
        return EXIT_OK
    from mpscope.core.headless import HeadlessRunner

    return HeadlessRunner(config).execute(options.summary_json)


def _load(path: str):  # type: ignore[no-untyped-def]
    from mpscope.core.config import ConfigError, load

    try:
        return load(path)
    except ConfigError as error:
        print(f"mpscope: {error}", file=sys.stderr)
        return None


def _gui(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="mpscope",
        description="A desktop task monitor for Python multiprocessing.",
        epilog="headless commands: mpscope run CONFIG | mpscope check CONFIG | mpscope example",
    )
    parser.add_argument("config", nargs="?", help="a TOML configuration to load")
    parser.add_argument("--autostart", action="store_true", help="start the run at once")
    parser.add_argument("--quit-when-done", action="store_true", help="close when the run ends")
    parser.add_argument("--summary-json", metavar="PATH", help="write a JSON summary at the end")
    options = parser.parse_args(argv)
    try:
        from mpscope.gui.app import run_app
    except ImportError as error:  # the window is optional until its issue lands
        print(f"mpscope: the window is not available ({error}); use `mpscope run CONFIG`",
              file=sys.stderr)
        return EXIT_USAGE
    return run_app(options)
