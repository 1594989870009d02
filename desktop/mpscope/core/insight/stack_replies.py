"""`mpscope follow RUN --control stack[:WORKER]`: the reply is the stacks themselves.

The control server answers most commands at once; a stack takes a moment
(the process writes it, the run's poll reads it), so the reply is sent when
the `stack` events of every asked process have arrived, within a second.
"""

from __future__ import annotations

from typing import Any

from mpscope.core.engine.run_state import Event


class StackReplies:
    """Asks for stacks for a control command and answers it once every dump is in."""

    def __init__(self, run: Any) -> None:
        self.run = run
        self._waiting: list[tuple[Any, set[int], list[str]]] = []  # (command, wids, parts)
        self._listening = False

    def ask(self, command: Any, records: list[Any]) -> dict[str, Any] | None:
        """Ask every running process of `records`; None: the reply comes with the dumps."""
        if not self._listening:
            self.run.engine.subscribe(self._on_event)
            self._listening = True
        wids: set[int] = set()
        parts: list[str] = []
        for record in records:
            if len(records) > 1 and not record.state.is_alive:
                continue  # the whole run: only what runs
            reason = self.run.request_stack(record.wid)
            if reason is None:
                wids.add(record.wid)
            else:
                parts.append(str(reason))
        if not wids:
            return {"ok": False, "error": "\n".join(parts) or "no process is running"}
        self._waiting.append((command, wids, parts))
        return None

    def _on_event(self, event: Event) -> None:
        if event.kind != "stack" or event.wid is None:
            return
        for entry in list(self._waiting):
            command, wids, parts = entry
            if event.wid not in wids:
                continue
            wids.discard(event.wid)
            parts.append(f"{event.text}\n{event.detail}" if event.detail else str(event.text))
            if not wids:
                self._waiting.remove(entry)
                command.reply = {"ok": True, "text": "\n\n".join(parts)}
                command.answered.set()
