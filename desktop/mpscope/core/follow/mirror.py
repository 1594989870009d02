"""A followed run as the window's Run: records, events and samples rebuilt from the feed.

FollowedRun has what RunBridge and the views use of a Run (`engine.records`,
`engine.subscribe`, `poll`, `busy`, `control`, `stop`, `kill`, …) but starts
nothing and owns nothing: closing the window leaves the run running. Its items
come from a LocalFeed (this machine's history) or a RemoteFollow (SSH); its
commands go to the owner's control socket, or back over the SSH connection.
Nothing here blocks: the local control socket is talked to on a short-lived
thread, and its answers come back through `poll()`.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mpscope.core.config.model import RunConfig
from mpscope.core.engine.run_state import ErrorInfo, Event, WorkerRecord
from mpscope.core.engine.sampler import Sample
from mpscope.core.engine.states import State
from mpscope.core.follow.control import ControlError, send
from mpscope.core.follow.followed_pool import POOL_ITEMS, FollowedPool
from mpscope.core.follow.tail import Tail
from mpscope.core.history.store import HistoryStore
from mpscope.core.text import Text

GUI_READ_LIMIT = 1_000  # feed rows per poll on the window's thread (a replay takes a few ticks)
_WORKER_FIELDS = ("pid", "exitcode", "started_at", "running_at", "ended_at", "received", "sent",
                  "seq_gaps", "done", "total", "restarts", "result")


class LocalFeed:
    """A run on this machine: its history's feed, and its owner's control socket."""

    def __init__(self, history: Path, run_id: int) -> None:
        self.store = HistoryStore(history, check_interrupted=False)
        self.tail = Tail(self.store, run_id)
        self.tail.reader_limit = GUI_READ_LIMIT
        self.run_id = run_id
        self.state, self.message = "live", ""
        self._replies: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()

    @property
    def more(self) -> bool:
        return self.tail.more

    def poll(self) -> list[dict[str, Any]]:
        items = self.tail.poll()
        while True:
            try:
                items.append(self._replies.get_nowait())
            except queue.Empty:
                break
        if self.tail.done:
            self.state = "ended"
        return items

    def send(self, request: dict[str, Any]) -> bool:
        """Send on a thread: the owner may take up to a few seconds to answer."""
        pid = self.tail.run.get("pid")
        if pid is None:
            return False

        def talk() -> None:
            try:
                reply = send(self.run_id, int(pid), request)
            except ControlError as exc:
                reply = {"ok": False, "error": str(exc)}
            self._replies.put({"v": 1, "type": "reply", **reply})

        threading.Thread(target=talk, name="mpscope-control-client", daemon=True).start()
        return True

    def close(self) -> None:
        self.store.close()


class _Mirror:
    """The engine-shaped part: records by wid and the event stream's listeners."""

    def __init__(self, owner: FollowedRun) -> None:
        self.records: dict[int, WorkerRecord] = {}
        self._listeners: list[Callable[[Event], None]] = []
        self._owner = owner

    def subscribe(self, listener: Callable[[Event], None]) -> None:
        self._listeners.append(listener)

    def emit(self, event: Event) -> None:
        for listener in self._listeners:
            listener(event)

    def terminate_all(self) -> None:
        self._owner.send("terminate")

    def set_daemon(self, wid: int, daemon: bool) -> None:
        pass  # the run's own process decided that long ago


class FollowedRun:
    """A run another process owns, shown as if it ran here (see the module's docstring)."""

    owned = False  # the window must never kill it on close

    def __init__(self, source: Any, label: str = "") -> None:
        self.source = source
        self.label = label
        self.engine = _Mirror(self)
        self.pool: FollowedPool | None = None  # once its first line says it has one
        self.config = RunConfig(title=label or "followed run", start_method="followed")
        self.run_id: int | None = None
        self.started_at: float | None = None  # its first line says when
        self.ended_at: float | None = None
        self.interrupted = False
        self._exit_code: int | None = None
        self._samples: list[Sample] = []
        self._said = ""

    # -- the Run interface the bridge uses ---------------------------------------
    def start(self) -> None:
        """Nothing to start: the run is already running elsewhere."""

    def poll(self, budget: float = 0.005) -> int:
        items = self.source.poll()
        for item in items:
            self._apply(item)
        state = self.source.state
        if state in ("failed", "reconnecting") and self.source.message != self._said:
            self._said = self.source.message
            self.engine.emit(Event(time.time(), None, "error" if state == "failed" else "info",
                                   self._said))
        if state == "failed" and self.ended_at is None:
            self.ended_at = time.time()
            if self.pool is not None:
                self.pool.finish(self.ended_at)
        return len(items)

    @property
    def busy(self) -> bool:
        return self.source.state not in ("ended", "failed")

    @property
    def backlog(self) -> bool:
        return bool(getattr(self.source, "more", False))

    @property
    def starting(self) -> bool:
        return False

    @property
    def duration(self) -> float:
        if self.started_at is None:
            return 0.0
        return (self.ended_at or time.time()) - self.started_at

    def wait_handles(self) -> list[Any]:
        return []

    def exit_code(self) -> int:
        return 1 if self._exit_code is None else self._exit_code

    def take_samples(self) -> list[Sample]:
        """CPU samples the owner recorded since the last call (the bridge shows them)."""
        samples, self._samples = self._samples, []
        return samples

    def stop(self) -> None:
        self.send("stop")

    def kill(self) -> None:
        self.send("kill")

    @property
    def control_reason(self) -> str | None:
        """Why the run's commands cannot reach its owner now; None when they can."""
        if self.source.state in ("ended", "failed"):
            return Text("the run has ended: there is nothing to control")
        if self.source.state != "live":
            return Text("not connected: the run's commands cannot reach it now")
        if isinstance(self.source, LocalFeed) and self.source.tail.run.get("pid") is None:
            return Text("its owner has not said its process id yet")
        return None

    def control(self, action: str, wid: int) -> None:
        if action not in ("stop", "pause", "resume", "terminate", "kill", "restart"):
            self._note(Text("{action} is not available for a followed run", action=action))
            return
        self.send(action, wid)

    def request_stack(self, wid: int) -> str | None:
        """Ask the owner; its `stack` event comes back through the feed."""
        reason = self.control_reason
        if reason is None and not self.source.send({"v": 1, "action": "stack", "worker": wid}):
            reason = Text("not connected: the run's commands cannot reach it now")
        return reason

    def send(self, action: str, wid: int | None = None) -> None:
        request: dict[str, Any] = {"v": 1, "action": action}
        if wid is not None:
            request["worker"] = wid
        if not self.source.send(request):
            self._note(Text("not connected: {action} was not sent", action=action))

    def close(self) -> None:
        """Stop following (the run itself goes on)."""
        self.source.close()

    # -- items → records, events, samples ----------------------------------------
    def _apply(self, item: dict[str, Any]) -> None:
        kind = item["type"]
        if kind == "event":
            self.engine.emit(Event(item["t"], item["wid"], item["kind"], item["text"],
                                   item.get("detail")))
        elif kind == "worker":
            self._worker(item)
        elif kind == "task" and self.pool is not None:
            self.pool.apply_task(item)
        elif kind == "progress" and item["wid"] == POOL_ITEMS and self.pool is not None:
            self.pool.apply_progress(item)
        elif kind == "progress":
            record = self.engine.records.get(item["wid"])
            if record is not None:
                record.done, record.total = item["done"] or 0.0, item["total"]
        elif kind == "cpu":
            self._samples.append(Sample(item["t"], tuple(item["per_core"]), {},
                                        item["own_cpu"] or 0.0, item["own_rss"] or 0))
        elif kind == "worker_cpu":
            record = self.engine.records.get(item["wid"])
            if self._samples and self._samples[-1].t == item["t"] and record and record.pid:
                self._samples[-1].per_pid[record.pid] = (item["cpu"] or 0.0, item["rss"] or 0)
        elif kind == "run":
            run = item["run"]
            self.run_id, self.started_at = run["id"], run.get("started_at") or time.time()
            self.config = RunConfig(title=run.get("title"), start_method="followed",
                                    source=f"follow: run #{run['id']} on {run.get('host')}")
            form = (run.get("config") or {}).get("pool")
            if isinstance(form, dict) and self.pool is None:
                self.pool = FollowedPool(form, self.engine.records, self.started_at)
        elif kind == "reply":  # a stack's reply holds the dumps: they come as its events
            said = str(item.get("text") or item.get("error") or "")
            self._note(said.partition("\n")[0], error=not item["ok"])
        elif kind == "end":
            self._exit_code = item["exit_code"] if item["exit_code"] is not None else 1
            self.ended_at = item.get("ended_at") or time.time()
            self.interrupted = item["status"] == "interrupted"
            if self.pool is not None:
                self.pool.finish(self.ended_at)

    def _worker(self, item: dict[str, Any]) -> None:
        record = self.engine.records.get(item["wid"])
        if record is None:
            record = WorkerRecord(item["wid"], item["name"], item.get("group") or item["name"],
                                  item.get("index") or 0, item.get("task") or "",
                                  kind=item["kind"])
            self.engine.records[record.wid] = record
        try:
            record.state = State(item["state"])
        except ValueError:
            record.state = State.LOST  # a state this mpscope does not know
        for name in _WORKER_FIELDS:
            if name in item:
                setattr(record, name, item[name])
        record.done = record.done or 0.0
        record.detail = item.get("detail") or ""
        if item.get("error_type"):
            record.error = ErrorInfo(item["error_type"], item.get("error_message") or "",
                                     item.get("traceback") or "")

    def _note(self, text: str, error: bool = False) -> None:
        self.engine.emit(Event(time.time(), None, "error" if error else "info", text))
