"""Prints a followed run as `mpscope run` does: events with their time, progress, a table."""

from __future__ import annotations

import json
import time
from typing import Any, TextIO

from mpscope.core.console.headless import PRINT_CAPS, PROGRESS_EVERY, PROGRESS_WORKERS_SHOWN

_VERDICTS = {0: "everything succeeded", 130: "interrupted"}


class PlainPrinter:
    """Turns feed items into the lines `mpscope run` prints (handle each, tick once a second)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.started = 0.0
        self.live = True
        self.workers: dict[int, dict[str, Any]] = {}
        self.progress: dict[int, tuple[float, float | None]] = {}
        self._printed: dict[str, int] = dict.fromkeys(PRINT_CAPS, 0)
        self._unprinted: dict[str, int] = dict.fromkeys(PRINT_CAPS, 0)
        self._next_progress = time.monotonic() + PROGRESS_EVERY

    def handle(self, item: dict[str, Any]) -> None:
        kind = item["type"]
        if kind == "run":
            self._begin(item)
        elif kind == "event":
            self._event(item)
        elif kind == "worker":
            self.workers[item["wid"]] = item
        elif kind == "progress":
            self.progress[item["wid"]] = (item["done"] or 0.0, item["total"])
        elif kind == "end":
            self._end(item)

    def tick(self) -> None:
        """Print a progress line when a second has passed (only while the run is live)."""
        now = time.monotonic()
        if now >= self._next_progress:
            self._next_progress = now + PROGRESS_EVERY
            if self.live:
                self._print_progress()

    def _begin(self, item: dict[str, Any]) -> None:
        run = item["run"]
        self.started = run["started_at"] or time.time()
        self.live = run["status"] == "running"
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.started))
        title = f" “{run['title']}”" if run["title"] else ""
        tail = ("Ctrl-C stops following; the run goes on" if self.live else
                f"it is {run['status']}")
        self.out.write(f"following run #{run['id']}{title} (pid {run['pid']} on {run['host']}, "
                       f"started {when}); {tail}\n")
        self.out.flush()

    def _event(self, item: dict[str, Any]) -> None:
        kind = item["kind"]
        if kind in PRINT_CAPS:
            if self._printed[kind] >= PRINT_CAPS[kind]:
                self._unprinted[kind] += 1
                return
            self._printed[kind] += 1
        text = f"log {item['text']}" if kind == "log" else item["text"]
        self._say(item["t"], text)

    def _print_progress(self) -> None:
        parts = []
        workers = [w for w in self.workers.values() if w["kind"] == "worker"]
        shares = {w["wid"]: _share(*self.progress.get(w["wid"], (0.0, w["total"])))
                  for w in workers}
        known = [s for s in shares.values() if s is not None]
        if known:
            parts.append(f"workers {100 * sum(known) / len(workers):.0f}%")
        for worker in workers[:PROGRESS_WORKERS_SHOWN]:
            if worker["state"] in ("starting", "running", "stopping"):
                share = shares[worker["wid"]]
                parts.append(f"{worker['name']} {'…' if share is None else f'{100 * share:.0f}%'}")
        if len(workers) > PROGRESS_WORKERS_SHOWN:
            parts.append(f"(+{len(workers) - PROGRESS_WORKERS_SHOWN} more)")
        if 0 in self.progress:
            done, total = self.progress[0]
            parts.append(f"pool {done:.0f}/{'?' if total is None else f'{total:.0f}'} items")
        unprinted = [f"{n:,} {kind.replace('_', ' ')}s" for kind, n in self._unprinted.items() if n]
        if unprinted:
            parts.append("not shown: " + ", ".join(unprinted))
        if parts:
            self._say(time.time(), "progress " + " | ".join(parts))

    def _end(self, item: dict[str, Any]) -> None:
        self.live = False
        table = worker_table(list(self.workers.values()))
        if table:
            self.out.write("\n" + table + "\n")
        code, duration = item["exit_code"], item["duration"] or 0.0
        if item["status"] == "finished":
            verdict = _VERDICTS.get(code, "run ended with failures")
            self.out.write(f"\n{verdict} in {duration:.1f}s (exit status {code})\n")
        else:
            self.out.write(f"\nrun {item['status']}: the process that recorded it is gone "
                           f"(last heard of {duration:.1f}s after it started)\n")
        self.out.flush()

    def _say(self, t: float, text: str) -> None:
        self.out.write(f"[{t - self.started:7.2f}s] {text}\n")
        self.out.flush()


def _share(done: float, total: float | None) -> float | None:
    return None if not total else max(0.0, min(1.0, done / total))


def worker_table(workers: list[dict[str, Any]]) -> str:
    """The table `mpscope run` ends with, from recorded worker rows."""
    headers = ("worker", "pid", "task", "state", "exit", "msgs", "time", "result / error")
    rows = []
    for w in workers:
        if w["kind"] != "worker":
            continue
        if w["state"] == "finished":
            outcome = "" if w["result"] is None else json.dumps(w["result"])
        elif w["error_type"]:
            outcome = f"{w['error_type']}: {w['error_message']}" if w["error_message"] \
                else w["error_type"]
        else:
            outcome = w["detail"] or ""
        elapsed = (w["ended_at"] - w["started_at"]) if w["ended_at"] and w["started_at"] else None
        rows.append((w["name"], str(w["pid"] or "-"), w["task"], w["state"],
                     "-" if w["exitcode"] is None else str(w["exitcode"]),
                     f"{w['received']}/{'?' if w['sent'] is None else w['sent']}",
                     "-" if elapsed is None else f"{elapsed:.1f}s", _clip(outcome, 60)))
    if not rows:
        return ""
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in rows]
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"
