"""`mpscope follow --remote HOST` (or `--via COMMAND`): a remote run, followed in this terminal."""

from __future__ import annotations

import argparse
import json
import select
import shlex
import sys
from typing import TextIO

from mpscope.core.follow.plain import PlainPrinter
from mpscope.core.follow.remote import RemoteFollow, ssh_runner

EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130
WAIT_S = 0.2


def follow_remote(options: argparse.Namespace, out: TextIO) -> int:
    """Print the remote stream (as text, or the checked JSON lines) until the run ends."""
    try:
        runner = shlex.split(options.via) if options.via else ssh_runner(options.remote)
    except ValueError as exc:
        print(f"mpscope: {exc}", file=sys.stderr)
        return EXIT_USAGE
    remote = RemoteFollow(runner, options.remote_command, options.run_id,
                          label=options.remote or options.via)
    remote.since = options.since
    printer = None if options.jsonl else PlainPrinter(out)
    said = ""
    try:
        while remote.state not in ("ended", "failed"):
            for item in remote.poll():
                if printer is not None:
                    printer.handle(item)
                else:
                    out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
            out.flush()
            if printer is not None:
                printer.tick()
            if remote.message != said and remote.state in ("reconnecting", "failed"):
                said = remote.message
                print(f"mpscope: {said}", file=sys.stderr)
            fd = remote.fileno()
            if remote.state not in ("ended", "failed"):
                select.select([fd] if fd is not None else [], [], [], WAIT_S)
    except KeyboardInterrupt:
        remote.close()
        return EXIT_INTERRUPTED
    finally:
        remote.close()
    return remote.exit_code if remote.state == "ended" and remote.exit_code is not None \
        else EXIT_FAILED
