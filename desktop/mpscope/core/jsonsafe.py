"""Turn any value into a JSON-safe form (for summaries, history and display)."""

from __future__ import annotations

import json
import math
from typing import Any

MAX_JSON_CHARS = 1 << 20  # larger forms are replaced by a truncated repr
MAX_REPR = 500


def json_safe(value: Any) -> Any:
    """Return `value` as JSON types; anything else becomes its (short) repr."""
    kind = type(value)
    if value is None or kind is bool or kind is int or (kind is str and len(value) < 4096):
        return value  # the common case (a pool's items and results), no round trip
    if kind is float:
        return value if math.isfinite(value) else repr(value)
    form = _convert(value, depth=0)
    try:
        text = json.dumps(form)
    except (TypeError, ValueError):
        return _short_repr(value)
    if len(text) > MAX_JSON_CHARS:
        return {"repr": _short_repr(value), "truncated": True}
    return form


def _convert(value: Any, depth: int) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if depth > 20:
        return _short_repr(value)
    if isinstance(value, (list, tuple, set, frozenset, range)):
        return [_convert(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {str(key): _convert(item, depth + 1) for key, item in value.items()}
    return _short_repr(value)  # bytes too: as {"bytes": n} it looked like a dict a task made


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception as exc:  # noqa: BLE001 - a broken __repr__ must not break a summary
        text = f"<unrepresentable {type(value).__name__}: {exc}>"
    return text if len(text) <= MAX_REPR else text[: MAX_REPR - 1] + "…"
