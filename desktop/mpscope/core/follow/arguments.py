"""The `mpscope follow` command line's options, apart from the command itself.

Every headless command builds the whole parser, so this module imports nothing:
the follow machinery (command.py: the history store, the control socket, the
tail) would otherwise be imported on the way to every `mpscope run`.
"""

from __future__ import annotations

from typing import Any

EXIT_STATUS = ("exit status: the run's own when it ends; 1 when its recorder died; 2 for a usage "
               "problem (no such run, no history, a bad --control); 3 when --list finds no live "
               "run; 130 when Ctrl-C stops following (the run goes on)")


def add_parser(sub: Any) -> None:
    """Add `follow` and its options to `sub` (an argparse subparsers object)."""
    follow = sub.add_parser("follow", help="follow a run another mpscope records (live tail)",
                            epilog=EXIT_STATUS)
    follow.add_argument("run_id", nargs="?", type=int, metavar="RUN_ID",
                        help="a run id from `mpscope history` (default: --latest)")
    follow.add_argument("--latest", action="store_true",
                        help="the newest running run, else the newest run")
    follow.add_argument("--list", action="store_true",
                        help="list this machine's live runs, newest first, and exit (exit status "
                             "3 when there is none); with --remote or --via, another machine's")
    follow.add_argument("--jsonl", action="store_true",
                        help="one JSON object per line (schema: docs/follow.md)")
    follow.add_argument("--since", type=int, default=0, metavar="SEQ",
                        help="only what came after sequence number SEQ (to resume)")
    follow.add_argument("--control", metavar="ACTION[:WORKER]",
                        help="send stop|pause|resume|terminate|kill|stack to the run or one worker "
                             "(e.g. kill:pi-2, stack:pi-0 prints its Python stacks) and exit")
    follow.add_argument("--remote", metavar="DESTINATION",
                        help="follow a run on another machine over SSH (user@host)")
    follow.add_argument("--via", metavar="COMMAND",
                        help="instead of ssh: a command that runs the remote command given as "
                             "its last argument (e.g. 'sh -c')")
    follow.add_argument("--remote-command", default="mpscope", metavar="COMMAND",
                        help="how to run mpscope over there (default: mpscope)")
    follow.add_argument("--stdin-control", action="store_true",
                        help="with --jsonl: read control requests, one JSON object a line, from "
                             "stdin and answer with `reply` lines")
