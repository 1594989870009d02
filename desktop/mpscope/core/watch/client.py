"""The program's end of the watch channel: one stream per process, never blocks, never raises.

Every process of a watched program writes to its own connection to mpscope's
socket (`MPSCOPE_WATCH` names it), opened on the first frame, so a process
killed mid-frame only cuts its own stream. Frames are the channel's usual
`length + pickle` (core/worker/channel.py). The socket is non-blocking: a frame
the socket cannot take now waits in a small buffer and goes out before the next
one; when that buffer is full, or mpscope is gone, frames are dropped and
counted. The program never waits for mpscope and never sees an exception.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import socket
import struct
import threading
import time

from mpscope.core.watch.tags import HELLO
from mpscope.core.worker.channel import HEADER

TYPE_CHECKING = False  # `typing` itself is not imported: a watched program's children load this
if TYPE_CHECKING:
    from typing import Any

ENV_ADDRESS = "MPSCOPE_WATCH"
MAX_PENDING = 4 << 20  # bytes waiting for the socket; beyond it frames are dropped
PROGRESS_EVERY = 0.1  # seconds: progress is coalesced, the latest value wins
LOCK_WAIT = 0.05  # seconds a frame may wait for another thread's write, then it is dropped
BATCH_S = 0.025  # a batched frame waits at most this long for the next one…
BATCH_BYTES = 16 << 10  # …or until this many bytes wait
# A pool process's tasks, in a small file it maps (no system call per task) and mpscope
# reads at every tick (watch/task_rings.py) and once more when the process ends. First a
# generation, odd while the process writes the slot (mpscope then reads it next tick, never
# half a task); then the slot: the task it runs now: running?, kind (0 Pool, 1 executor),
# pool, job, part, items, since when.
GENERATION = struct.Struct("<q")
SLOT_AT = GENERATION.size
SLOT = struct.Struct("<BBxxxxxxqqqqd")
# Then the tasks it finished, as a ring: a finished task costs the process a memory write,
# not a frame. Two counts first: tasks written (by the process, after the entry it counts)
# and tasks taken (by mpscope); then RING_SIZE entries: ok, kind, pool, job, part, items,
# started, ended. The process never writes over an entry mpscope has not taken: with the
# ring full it sends a frame instead.
FINISHED_COUNT = struct.Struct("<q")
COUNT_AT = SLOT_AT + SLOT.size
TAKEN_AT = COUNT_AT + FINISHED_COUNT.size
FINISHED = struct.Struct("<BBxxxxxxqqqqdd")
RING_SIZE = 4096  # ~0.2 s of the tiniest tasks: mpscope reads at every tick
RING_AT = TAKEN_AT + FINISHED_COUNT.size
SLOT_FILE_SIZE = RING_AT + RING_SIZE * FINISHED.size


DROPPED = 2  # frame (DROPPED, pid, count): this process dropped `count` frames so far


def slot_path(address: str, pid: int) -> str:
    """Where process `pid` keeps its task slot: beside mpscope's socket, in its private folder."""
    return os.path.join(os.path.dirname(address), f"task-{pid}")


class Channel:
    """This process's stream to mpscope (see the module docstring)."""

    def __init__(self) -> None:
        self.address = os.environ.get(ENV_ADDRESS) or None
        self._sock: socket.socket | None = None
        self._pid = 0
        self._pending = bytearray()
        self._lock = threading.Lock()
        self._dead = self.address is None
        self.dropped = 0
        self._progress: tuple[Any, ...] | None = None
        self._progress_sent_at = 0.0
        self._sent_at = 0.0
        self._dropped_said = 0
        self._held: tuple[Any, ...] | None = None  # a BEGAN frame not yet batched
        self._wake: threading.Event | None = None  # the flusher thread's, where there is one
        self._flusher_pid = 0
        self._slot: Any = None
        self._slot_failed = False
        self._finished = 0  # tasks written to the slot's ring
        self._generation = 0  # the slot's (see GENERATION)
        self.copies_waiting = False  # output copies wait in a batch (see pool_side._before_result)

    @property
    def active(self) -> bool:
        return not self._dead

    def send(self, frame: Any, batch: bool = False, quiet: bool = False) -> None:
        """Send one frame if mpscope can take it now; otherwise keep or drop it. Never raises.

        `batch`: the frame may wait (up to BATCH_S, or until `flush()`) to go out with
        others in one system call; pool processes flush before they wait for work.
        `quiet`: a frame that may go unsent, uncounted, and leaves room for the others
        (output copies: their lines then show as the main program's).
        """
        if self._dead:
            return
        if not self._lock.acquire(timeout=LOCK_WAIT):
            self.dropped += not quiet
            return
        try:
            self._send_locked(frame, batch, quiet)
        except Exception:  # noqa: BLE001 - nothing may reach the program
            self.dropped += not quiet
        finally:
            self._lock.release()

    def _send_locked(self, frame: Any, batch: bool, quiet: bool = False) -> None:
        if self._sock is None or self._pid != os.getpid():
            self._connect()
            if self._sock is None:
                return
        payload = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
        if len(self._pending) + len(payload) > (MAX_PENDING >> 1 if quiet else MAX_PENDING):
            self.dropped += not quiet
            return
        if self.dropped > self._dropped_said:  # say how many were lost, once there is room
            self.dropped += 1  # this frame gives its place to the count, which includes it
            self._dropped_said = self.dropped
            said = pickle.dumps((DROPPED, os.getpid(), self.dropped))
            self._pending += HEADER.pack(len(said)) + said
        else:
            self._pending += HEADER.pack(len(payload)) + payload
        now = time.monotonic()
        if not batch or len(self._pending) >= BATCH_BYTES or now - self._sent_at >= BATCH_S:
            self._sent_at = now
            self._flush()
        elif self._wake is not None and not self._wake.is_set():
            self._wake.set()

    def keep_flushed(self) -> None:
        """Start this process's flusher thread: batched frames go out within BATCH_S even
        while the process waits for work (pool processes only: their loop is the stdlib's)."""
        if self._dead or self._flusher_pid == os.getpid():
            return
        self._flusher_pid = os.getpid()
        self._wake = threading.Event()
        threading.Thread(target=self._flush_loop, name="mpscope-watch-flush",
                         daemon=True).start()

    def _flush_loop(self) -> None:
        wake = self._wake
        while not self._dead and wake is not None:
            wake.wait()
            time.sleep(BATCH_S)
            wake.clear()
            self.flush()
            if self._pending:  # the socket was full: try again later
                wake.set()

    def task_began(self, frame: tuple[Any, ...]) -> None:
        """Without a slot: hold a BEGAN frame; if its task ends before the next batch leaves,
        one RAN frame tells both (see task_done); otherwise the batch takes it, so a long
        task shows as running within BATCH_S."""
        if self._dead:
            return
        wake = self._wake
        if wake is None:  # no flusher thread to take it along: batch it now
            self.send(frame, batch=True)
            return
        if not self._lock.acquire(timeout=LOCK_WAIT):
            self.dropped += 1
            return
        try:
            if self._held is not None:  # a task that never ended (cannot happen): tell it
                self._send_locked(self._held, True)
            self._held = frame
        except Exception:  # noqa: BLE001
            self.dropped += 1
        finally:
            self._lock.release()
        if not wake.is_set():
            wake.set()

    def task_done(self, frame: tuple[Any, ...], ran: tuple[Any, ...], batch: bool = True) -> None:
        """Send a DONE frame, or the RAN frame when no BEGAN frame left (it is still held, or
        the slot told the task); `batch`: it may wait (its ring entry covers a death)."""
        if self._dead:
            return
        if not self._lock.acquire(timeout=LOCK_WAIT):
            self.dropped += 1
            return
        try:
            if self._held is not None or self._slot is not None:
                self._held, frame = None, ran
            self._send_locked(frame, batch)
        except Exception:  # noqa: BLE001 - nothing may reach the program
            self.dropped += 1
        finally:
            self._lock.release()

    @property
    def flushed_in_background(self) -> bool:
        """True in a process whose flusher thread sends batched frames (see keep_flushed)."""
        return self._flusher_pid == os.getpid()

    @property
    def waiting(self) -> bool:
        """True when batched frames wait to be sent."""
        return bool(self._pending)

    def hold_task(self, kind: int, pool: int, job: int, part: int, items: int,
                  since: float) -> bool:
        """Note the task this process runs now in its slot, where mpscope sees it; False
        when there is no slot (then frames tell the task: task_began, task_done)."""
        slot = self._slot
        if slot is None:
            if self._dead or self._slot_failed or self.address is None:
                return False
            slot = self._open_slot()
            if slot is None:
                return False
            self._connect_now()  # its stream's end is how mpscope knows the slot is final
        generation = self._generation
        GENERATION.pack_into(slot, 0, generation + 1)  # odd: being written
        SLOT.pack_into(slot, SLOT_AT, 1, kind, pool, job, part, items, since)
        GENERATION.pack_into(slot, 0, generation + 2)
        self._generation = generation + 2
        return True

    def finish_task(self, ok: bool, kind: int, pool: int, job: int, part: int, items: int,
                    started: float, ended: float) -> bool:
        """The held task ended: the slot says so and the ring takes it; False when it could
        not (no slot, or mpscope has not taken the ring's oldest entry yet): send a frame."""
        slot = self._slot
        if slot is None:
            return False
        slot[SLOT_AT] = 0  # one byte: not running (the rest stays, consistent)
        count = self._finished
        if count - FINISHED_COUNT.unpack_from(slot, TAKEN_AT)[0] >= RING_SIZE:
            return False
        FINISHED.pack_into(slot, RING_AT + (count % RING_SIZE) * FINISHED.size, ok, kind, pool,
                           job, part, items, started, ended)
        self._finished = count + 1
        FINISHED_COUNT.pack_into(slot, COUNT_AT, count + 1)  # after the entry it counts
        return True

    def _connect_now(self) -> None:
        """Open this process's stream (its Hello goes at once), if not yet open."""
        if not self._lock.acquire(timeout=LOCK_WAIT):
            return
        try:
            if self._sock is None or self._pid != os.getpid():
                self._connect()
            self._flush()
        except Exception:  # noqa: BLE001
            pass
        finally:
            self._lock.release()

    def _open_slot(self) -> Any:
        try:
            import mmap

            path = slot_path(self.address or "", os.getpid())
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.ftruncate(fd, SLOT_FILE_SIZE)
                self._slot = mmap.mmap(fd, SLOT_FILE_SIZE)
            finally:
                os.close(fd)
        except Exception:  # noqa: BLE001 - no slot: a death then cannot name its task
            self._slot_failed = True
        return self._slot

    def _connect(self) -> None:
        self._sock, self._pending = None, bytearray()
        self._pid = os.getpid()
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(0.5)  # a connect to a listening local socket is immediate
            sock.connect(self.address or "")
            sock.setblocking(False)
        except OSError:
            self._dead = True
            return
        self._sock = sock
        _register_exit_flush()  # per process: a forked child loses its parent's finalizers
        payload = pickle.dumps((HELLO, self._pid, os.getppid(), time.time()))
        self._pending += HEADER.pack(len(payload)) + payload

    def _flush(self) -> None:
        sock = self._sock
        while self._pending and sock is not None:
            try:
                sent = sock.send(self._pending)
            except (BlockingIOError, InterruptedError):
                return  # mpscope is busy: the rest goes with the next frame
            except OSError:  # mpscope is gone: stop trying
                self._close(dead=True)
                return
            del self._pending[:sent]

    def flush(self) -> None:
        """Send what is waiting (pending progress included); at exit, for instance."""
        if self._dead:
            return
        progress, self._progress = self._progress, None
        if progress is not None:
            self.send(progress)
        if (self._pending or self._held is not None) and self._lock.acquire(timeout=LOCK_WAIT):
            try:
                held, self._held = self._held, None
                if held is not None:  # a task running for a whole batch: it shows now
                    self._send_locked(held, True)
                self._flush()
            except Exception:  # noqa: BLE001
                self.dropped += 1
            finally:
                self._lock.release()

    def progress(self, frame: Any) -> None:
        """Coalesced: sent at most every PROGRESS_EVERY s; the latest value waits for flush()."""
        now = time.monotonic()
        if now - self._progress_sent_at >= PROGRESS_EVERY:
            self._progress_sent_at = now
            self._progress = None
            self.send(frame)
        else:
            self._progress = frame

    def after_fork(self) -> None:
        """In a forked child: the inherited stream belongs to the parent; open our own later."""
        self._lock = threading.Lock()
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()  # only this process's copy of the descriptor
        self._sock, self._pending, self._pid, self._progress = None, bytearray(), 0, None
        self._slot, self._slot_failed = None, False  # the parent's slot stays the parent's
        self._finished = self._generation = 0
        self.copies_waiting = False
        self._held, self._wake, self._flusher_pid = None, None, 0  # threads stay behind

    def _close(self, dead: bool = False) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
        self._sock = None
        self._dead = self._dead or dead


_channel: Channel | None = None
_channel_lock = threading.Lock()


def channel() -> Channel:
    """This process's channel (created on first use; inactive when not watched)."""
    global _channel
    if _channel is None:
        with _channel_lock:
            if _channel is None:
                _channel = Channel()
                if _channel.active:
                    import atexit

                    atexit.register(_flush_at_exit)
                    os.register_at_fork(after_in_child=_after_fork)
    return _channel


def _register_exit_flush() -> None:
    try:  # multiprocessing children leave with os._exit: atexit does not run there
        from multiprocessing import util

        util.Finalize(None, _flush_at_exit, exitpriority=-100)
    except Exception:  # noqa: BLE001
        pass


def _after_fork() -> None:
    if _channel is not None:
        _channel.after_fork()


def _flush_at_exit() -> None:
    if _channel is not None:
        _channel.flush()


def lines_of(text: Any) -> list[str]:
    """`mpscope.log` text as lines, each at most 2,000 characters."""
    try:
        text = str(text)
    except Exception:  # noqa: BLE001
        text = "<unprintable>"
    return [line[:2000] for line in text.splitlines()] or [""]
