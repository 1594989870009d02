"""Checks each line of a follow stream against the schema (docs/follow.md) before anything uses it.

A stream from another machine is data, never code: each line is parsed as
JSON (length-capped, no NaN or Infinity) and every field a reader uses must
have its documented type. Unknown types and extra fields are allowed (a newer
mpscope adds them); anything else raises StreamError with one clear sentence.
"""

from __future__ import annotations

import json
import math
from typing import Any

from mpscope.core.follow.feed import SCHEMA

MAX_LINE = 1 << 20  # bytes; a longer line is not mpscope's


class StreamError(ValueError):
    """A line that is not part of a valid follow stream (the message says what is wrong)."""


_NUM, _INT, _STR, _BOOL = "number", "integer", "string", "boolean"
_OPT = "?"  # suffix: the field may be null
# type → the fields a reader relies on, with their kinds.
FIELDS: dict[str, dict[str, str]] = {
    "run": {"since": _INT, "run": "object"},
    "event": {"seq": _INT, "t": _NUM, "wid": _INT + _OPT, "kind": _STR, "text": _STR,
              "detail": _STR + _OPT},
    "worker": {"seq": _INT, "wid": _INT, "name": _STR, "kind": _STR, "state": _STR,
               "pid": _INT + _OPT, "exitcode": _INT + _OPT, "done": _NUM + _OPT,
               "total": _NUM + _OPT, "detail": _STR + _OPT},
    "task": {"seq": _INT, "task_seq": _INT, "outcome": _STR + _OPT},
    "progress": {"seq": _INT, "t": _NUM, "wid": _INT, "done": _NUM + _OPT,
                 "total": _NUM + _OPT},
    "cpu": {"seq": _INT, "t": _NUM, "per_core": "numbers", "own_cpu": _NUM + _OPT,
            "own_rss": _INT + _OPT},
    "worker_cpu": {"seq": _INT, "t": _NUM, "wid": _INT, "cpu": _NUM + _OPT,
                   "rss": _INT + _OPT},
    "heartbeat": {"seq": _INT, "t": _NUM},
    "reply": {"ok": _BOOL},
    "live_run": {"run": "object"},
    "end": {"seq": _INT, "status": _STR, "exit_code": _INT + _OPT, "duration": _NUM + _OPT},
}
RUN_FIELDS = {"id": _INT, "status": _STR, "title": _STR + _OPT, "host": _STR + _OPT,
              "pid": _INT + _OPT, "started_at": _NUM + _OPT}
LIVE_RUN_FIELDS = {**RUN_FIELDS, "workers": _INT + _OPT, "tasks": _INT + _OPT,
                   "done": _NUM + _OPT, "total": _NUM + _OPT}


def parse_line(line: bytes) -> dict[str, Any]:
    """One stream line → its object; StreamError when it is not one of ours."""
    if len(line) > MAX_LINE:
        raise StreamError(f"a line of {len(line):,} bytes (at most {MAX_LINE:,})")
    try:
        item = json.loads(line, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise StreamError(f"not JSON ({_short(exc)})") from None
    if not isinstance(item, dict):
        raise StreamError("not a JSON object")
    if item.get("v") != SCHEMA:
        raise StreamError(f"schema version {_short(item.get('v'))} (this mpscope reads {SCHEMA})")
    kind = item.get("type")
    if not isinstance(kind, str):
        raise StreamError("an object without a type")
    _check(item, FIELDS.get(kind, {}), kind)
    if kind in ("run", "live_run"):
        _check(item["run"], RUN_FIELDS if kind == "run" else LIVE_RUN_FIELDS, kind)
    return item


def _check(item: dict[str, Any], fields: dict[str, str], kind: str) -> None:
    for name, expected in fields.items():
        value = item.get(name)
        optional = expected.endswith(_OPT)
        expected = expected.rstrip(_OPT)
        if value is None and optional:
            continue
        if not _fits(value, expected):
            article = "an" if expected[0] in "aeiou" else "a"
            raise StreamError(f"a {kind} whose {name} is not {article} {expected}: "
                              f"{_short(value)}")


def _fits(value: Any, expected: str) -> bool:
    if expected == _INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == _NUM:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and \
            math.isfinite(value)
    if expected == _STR:
        return isinstance(value, str)
    if expected == _BOOL:
        return isinstance(value, bool)
    if expected == "object":
        return isinstance(value, dict)
    if expected == "numbers":
        return isinstance(value, list) and all(_fits(v, _NUM) for v in value)
    raise AssertionError(expected)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _short(value: Any, width: int = 60) -> str:
    text = repr(value) if not isinstance(value, Exception) else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"
