"""The control socket: a Unix socket only the run's own user can reach, JSON lines, no pickle.

The process that owns a run listens on `<runtime dir>/<pid>-<run id>.sock`; the
directory is private (mode 0700, owned by the user) and each peer's uid is
checked again with SO_PEERCRED, so another user (root aside) cannot even
connect, and a peer that somehow does is refused. One request line, one reply
line, then the connection closes (docs/follow.md, "Control protocol").

The listening thread only parses and queues; the owner applies commands on its
own thread (`serve_pending`), because the engine is single-threaded.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import select
import socket
import stat
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROTOCOL = 1
ACTIONS = ("stop", "pause", "resume", "terminate", "kill", "restart", "stack")
MAX_REQUEST = 4096  # bytes in one request line
MAX_REPLY = 4 << 20  # bytes in one reply line: a stack reply carries every thread's dump
CLIENT_TIMEOUT_S = 2.0  # a peer that does not finish its line in time is dropped
REPLY_TIMEOUT_S = 5.0  # the owner applies commands at its next tick (≤ 0.1 s)
_PEERCRED = struct.Struct("3i")  # pid, uid, gid (Linux struct ucred)


class ControlError(Exception):
    """A control request could not be made or was refused (the message says why)."""


@dataclass
class Command:
    """One validated request: an action for the run (worker None) or for one worker."""

    action: str
    worker: str | int | None = None
    id: str | int | None = None  # echoed in the reply, for callers with several in flight
    peer_pid: int = 0
    reply: dict[str, Any] | None = None
    answered: threading.Event = field(default_factory=threading.Event)


def runtime_dir(create: bool = True) -> Path:
    """`$XDG_RUNTIME_DIR/mpscope`, else `/tmp/mpscope-<uid>`: private to the user (0700)."""
    base = os.environ.get("XDG_RUNTIME_DIR", "")
    path = Path(base) / "mpscope" if base and os.path.isabs(base) else \
        Path("/tmp") / f"mpscope-{os.getuid()}"
    if create:
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=0o700, parents=False)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise ControlError(f"{path} is not a private directory of this user (mode 0700); "
                           "remove it or set XDG_RUNTIME_DIR")
    return path


def socket_path(run_id: int, pid: int) -> Path:
    return runtime_dir(create=False) / f"{pid}-{run_id}.sock"


def parse_command(line: bytes) -> Command:
    """A request line → Command; ControlError names what is wrong with it."""
    try:
        request = json.loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ControlError(f"not a JSON object: {exc}") from None
    if not isinstance(request, dict):
        raise ControlError("not a JSON object")
    if request.get("v", PROTOCOL) != PROTOCOL:
        raise ControlError(f"protocol version {request.get('v')!r} is not {PROTOCOL}")
    action, worker, ident = request.get("action"), request.get("worker"), request.get("id")
    if action not in ACTIONS:
        raise ControlError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
    if worker is not None and (isinstance(worker, bool) or not isinstance(worker, (str, int))
                               or (isinstance(worker, str) and len(worker) > 200)):
        raise ControlError("worker must be a worker's name or number")
    if ident is not None and (isinstance(ident, bool) or not isinstance(ident, (str, int))
                              or len(str(ident)) > 100):
        raise ControlError("id must be a short string or a number")
    return Command(action, worker, ident)


def parse_spec(spec: str) -> dict[str, Any]:
    """`kill:pi-2` or `stop` (the whole run) → a request object."""
    action, _, worker = spec.partition(":")
    if action not in ACTIONS:
        raise ControlError(f"unknown action {action!r} in {spec!r} (one of {', '.join(ACTIONS)})")
    request: dict[str, Any] = {"v": PROTOCOL, "action": action}
    if worker:
        request["worker"] = int(worker) if worker.isdigit() else worker
    return request


class ControlServer:
    """Listens for one run's control requests until closed."""

    def __init__(self, run_id: int) -> None:
        self.path = runtime_dir() / f"{os.getpid()}-{run_id}.sock"
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # left by a killed process that had our pid
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(str(self.path))
        os.chmod(self.path, 0o600)
        self._sock.listen(8)
        self._wake_r, self._wake_w = os.pipe()
        self._pending: queue.SimpleQueue[Command] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="mpscope-control", daemon=True)
        self._thread.start()

    def serve_pending(self, apply: Callable[[Command], dict[str, Any] | None]) -> int:
        """Apply queued commands on the caller's thread; → how many."""
        count = 0
        while True:
            try:
                command = self._pending.get_nowait()
            except queue.Empty:
                return count
            try:
                reply = apply(command)
            except Exception as exc:  # noqa: BLE001 - one bad command must not end the run
                reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            if reply is None:  # the applier answers later itself (a stack takes a moment)
                count += 1
                continue
            command.reply = reply
            command.answered.set()
            count += 1

    def close(self) -> None:
        """Stop listening and remove the socket file."""
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")
        self._thread.join(2 * CLIENT_TIMEOUT_S + REPLY_TIMEOUT_S)
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._sock.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _serve(self) -> None:
        while True:
            ready, _, _ = select.select([self._sock.fileno(), self._wake_r], [], [])
            if self._wake_r in ready:
                return
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            with conn, contextlib.suppress(OSError):
                self._answer(conn)

    def _answer(self, conn: socket.socket) -> None:
        pid, uid, _ = _PEERCRED.unpack(conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                       _PEERCRED.size))
        if uid != os.getuid():
            _send(conn, {"ok": False, "error": f"refused: uid {uid} is not this run's user"})
            return
        conn.settimeout(CLIENT_TIMEOUT_S)
        try:
            command = parse_command(_read_line(conn))
        except ControlError as exc:
            _send(conn, {"ok": False, "error": str(exc)})
            return
        command.peer_pid = pid
        self._pending.put(command)
        if not command.answered.wait(REPLY_TIMEOUT_S):
            _send(conn, {"ok": False, "error": "the run did not answer in time", "id": command.id})
            return
        _send(conn, {**(command.reply or {}), "id": command.id})


def send(run_id: int, pid: int, request: dict[str, Any],
         timeout: float = CLIENT_TIMEOUT_S + REPLY_TIMEOUT_S) -> dict[str, Any]:
    """Send one request to the run's owner; → its reply. ControlError when that fails."""
    path = socket_path(run_id, pid)
    line = json.dumps(request).encode() + b"\n"
    if len(line) > MAX_REQUEST:
        raise ControlError("request too long")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(str(path))
            with contextlib.suppress(BrokenPipeError):  # refused before it read: see why
                sock.sendall(line)
            reply = json.loads(_read_line(sock, MAX_REPLY, "reply"))
        except FileNotFoundError:
            raise ControlError(f"run #{run_id} has no control socket ({path}): it has ended, "
                               "or its process cannot be controlled") from None
        except (OSError, ValueError, ControlError) as exc:
            raise ControlError(f"cannot reach run #{run_id} at {path}: {exc}") from None
    if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
        raise ControlError(f"run #{run_id} answered something that is not a reply")
    return reply


def _read_line(conn: socket.socket, limit: int = MAX_REQUEST, what: str = "request") -> bytes:
    data = b""
    while b"\n" not in data:
        chunk = conn.recv(min(1 << 16, limit + 1 - len(data)))
        if not chunk:
            break
        data += chunk
        if len(data) > limit:
            raise ControlError(f"{what} longer than {limit} bytes")
    return data.split(b"\n", 1)[0]


def _send(conn: socket.socket, reply: dict[str, Any]) -> None:
    conn.sendall(json.dumps({"v": PROTOCOL, **reply}).encode() + b"\n")
