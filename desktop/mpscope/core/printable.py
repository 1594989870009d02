"""Text from user code made safe for a terminal: control characters shown, never obeyed."""

from __future__ import annotations

import re

# C0 controls but tab, DEL, and C1 controls (U+0080–U+009F: a lone \x9b is an escape
# sequence's start on many terminals). A newline stays only where a caller allows it.
# U+2028/U+2029 split lines for Python's splitlines() and for some viewers.
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROLS_BUT_NEWLINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str, *, newlines: bool = False) -> str:
    r"""`text` with every control character written as an escape (ESC → `\x1b`)."""
    pattern = _CONTROLS_BUT_NEWLINE if newlines else _CONTROLS
    return pattern.sub(lambda match: _escape(match.group()), text)


def _escape(char: str) -> str:
    code = ord(char)
    if code > 0xFF:
        return f"\\u{code:04x}"
    return {"\n": "\\n", "\r": "\\r"}.get(char) or f"\\x{code:02x}"
