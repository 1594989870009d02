"""`mpscope follow`: tail a run another process records, as text or JSON lines; send commands.

Exit status: the run's own when it ends (0, 1, 130…); 1 when its recorder died
(the run is interrupted); 2 for a usage problem (no such run, no history, a
bad --control); 3 when `--list` finds no live run; 130 when Ctrl-C stops
following (the run goes on).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from typing import Any, TextIO

from mpscope.core.follow.arguments import add_parser
from mpscope.core.follow.control import ControlError, parse_command, parse_spec, send
from mpscope.core.follow.feed import HEARTBEAT_S, SCHEMA
from mpscope.core.follow.plain import PlainPrinter
from mpscope.core.follow.tail import POLL_S, NoSuchRun, Tail, pick_run
from mpscope.core.history.retention import FEED_KEEP_S, feed_gone
from mpscope.core.history.store import HistoryError, HistoryStore

EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130
__all__ = ["add_parser", "main"]


def main(options: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    from mpscope.core.history.paths import history_path

    if options.run_id is not None and options.latest:
        return _usage("give a RUN_ID or --latest, not both")
    if options.since < 0:
        return _usage("--since must be 0 or more")
    if options.stdin_control and not options.jsonl:
        return _usage("--stdin-control answers in the stream: use it with --jsonl")
    if options.list:
        return _list(options, out)
    if options.remote or options.via:
        from mpscope.core.follow.remote_console import follow_remote

        return follow_remote(options, out)
    path = history_path()
    if not path.exists():
        return _usage(f"no runs recorded yet ({path})")
    try:
        store = HistoryStore(path, check_interrupted=False)
    except HistoryError as exc:
        return _usage(str(exc))
    try:
        run_id = pick_run(store, options.run_id)
        if options.control:
            return _control(store, run_id, options.control, out)
        if feed_gone(store, run_id):
            return _usage(f"run #{run_id} ended over {FEED_KEEP_S / 3600:g} h ago and its live "
                          "feed is gone (the feed is kept that long after a run ends); its "
                          f"record is in the history: mpscope export {run_id}")
        return Following(store, run_id, options, out).run()
    except NoSuchRun as exc:
        return _usage(str(exc))
    finally:
        store.close()


def _list(options: argparse.Namespace, out: TextIO) -> int:
    """`--list`: this machine's live runs, or another's (--remote, --via)."""
    extra = [name for name, given in (("RUN_ID", options.run_id is not None),
                                      ("--latest", options.latest), ("--since", options.since),
                                      ("--control", options.control),
                                      ("--stdin-control", options.stdin_control)) if given]
    if extra:
        return _usage(f"--list lists the live runs: it takes no {', '.join(extra)}")
    if options.remote or options.via:
        from mpscope.core.follow.remote_list import list_remote

        return list_remote(options, out)
    from mpscope.core.follow.live import print_listing

    return print_listing(options.jsonl, out)


def _control(store: HistoryStore, run_id: int, spec: str, out: TextIO) -> int:
    run = store.get_run(run_id)
    assert run is not None
    try:
        request = parse_spec(spec)
        if run["status"] != "running":
            raise ControlError(f"run #{run_id} is {run['status']}: nothing to control")
        reply = send(run_id, run["pid"], request)
    except ControlError as exc:
        print(f"mpscope: {exc}", file=sys.stderr)
        return EXIT_USAGE if "unknown action" in str(exc) else EXIT_FAILED
    if not reply["ok"]:
        print(f"mpscope: run #{run_id}: {reply.get('error')}", file=sys.stderr)
        return EXIT_FAILED
    out.write(f"run #{run_id}: {reply.get('text', 'done')}\n")
    return 0


class Following:
    """The follow loop: poll the tail, write what arrived, end with the run."""

    def __init__(self, store: HistoryStore, run_id: int, options: argparse.Namespace,
                 out: TextIO) -> None:
        self.tail = Tail(store, run_id, options.since)
        self.out = out
        self.jsonl = options.jsonl
        self.printer = None if self.jsonl else PlainPrinter(out)
        self._lock = threading.Lock()  # stdout: the loop and the stdin-control thread
        self._last_write = time.monotonic()
        self._stop = threading.Event()
        if options.stdin_control and self.jsonl:
            threading.Thread(target=self._read_commands, name="mpscope-stdin", daemon=True).start()

    def run(self) -> int:
        tail = self.tail
        try:
            while not tail.done:
                items = tail.poll()
                for item in items:
                    self._write(item)
                if self.printer is not None:
                    self.printer.tick()
                elif time.monotonic() - self._last_write > HEARTBEAT_S:
                    self._write({"v": SCHEMA, "type": "heartbeat", "seq": tail.since,
                                 "t": round(time.time(), 3)})
                if not tail.more and not tail.done:
                    self._stop.wait(POLL_S)
        except KeyboardInterrupt:
            if self.printer is not None:
                self.out.write(f"\nstopped following; run #{tail.run_id} goes on\n")
            return EXIT_INTERRUPTED
        except BrokenPipeError:  # the reader went away (ssh dropped, `| head`): just stop
            _quiet_stdout()
            return EXIT_FAILED
        assert tail.exit_code is not None
        return tail.exit_code

    def _write(self, item: dict[str, Any]) -> None:
        if self.printer is not None:
            self.printer.handle(item)
            return
        line = json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock:
            self.out.write(line)
            self.out.flush()
        self._last_write = time.monotonic()

    def _read_commands(self) -> None:
        """Control requests from stdin (the SSH connection's other direction)."""
        for raw in sys.stdin.buffer:
            if not raw.strip():
                continue
            reply: dict[str, Any]
            ident = None
            try:
                command = parse_command(raw.strip()[:4096])
                ident = command.id
                request = {"v": 1, "action": command.action}
                if command.worker is not None:
                    request["worker"] = command.worker
                run = self.tail.run  # the last read's copy: the store is the loop's alone
                if run.get("status") != "running":
                    raise ControlError(f"run #{self.tail.run_id} is {run.get('status')}")
                reply = send(self.tail.run_id, run["pid"], request)
            except ControlError as exc:
                reply = {"ok": False, "error": str(exc)}
            try:
                self._write({"v": SCHEMA, "type": "reply", "id": ident, "ok": reply["ok"],
                             **{k: reply[k] for k in ("text", "error") if k in reply}})
            except (BrokenPipeError, ValueError):
                return


def _usage(message: str) -> int:
    print(f"mpscope: {message}", file=sys.stderr)
    return EXIT_USAGE


def _quiet_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so exiting does not complain again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
