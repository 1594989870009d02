"""Finding the line of a dotted key in TOML text, for messages that point at the right place."""

from __future__ import annotations

import re
import tomllib

from mpscope.core.config.model import (
    KeyPath,
)

BARE_KEY = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\]|\\.)*"'
_LITERAL = r"'[^']*'"
_KEY_PART = rf"(?:{BARE_KEY}|{_BASIC}|{_LITERAL})"
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_KEY_LINE = re.compile(rf"^\s*(?P<key>{_DOTTED})\s*=(?P<rest>.*)$")
_HEADER_LINE = re.compile(rf"^\s*(?P<open>\[\[?)\s*(?P<key>{_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_STRINGS = re.compile(rf"{_BASIC}|{_LITERAL}")


def _key_parts(dotted: str) -> tuple[str, ...]:
    parts = []
    for match in re.finditer(_KEY_PART, dotted):
        part = match.group(0)
        if part[0] == "'":
            part = part[1:-1]
        elif part[0] == '"':
            # Let tomllib undo the escapes rather than reimplementing them.
            try:
                part = next(iter(tomllib.loads(f"{part} = 0")))
            except tomllib.TOMLDecodeError:  # only if `text` was not the parsed TOML
                part = part[1:-1]
        parts.append(part)
    return tuple(parts)


def _bracket_depth(value: str) -> int:
    """How many brackets/braces a line of value text leaves open (strings ignored)."""
    text = _STRINGS.sub('""', value).split("#", 1)[0]
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")


class LineIndex:
    """Best-effort map from key paths to the line that defines them."""

    def __init__(self, text: str) -> None:
        self._lines: dict[KeyPath, int] = {}
        self._scan(text)

    def _scan(self, text: str) -> None:
        arrays: dict[KeyPath, int] = {}  # array-of-tables path -> elements seen
        table: KeyPath = ()
        depth = 0  # open brackets of a multi-line array or inline table
        in_string: str | None = None  # the delimiter of an open multi-line string
        for number, line in enumerate(text.splitlines(), start=1):
            if in_string is not None:
                if line.count(in_string) % 2 == 1:
                    depth += _bracket_depth(line.split(in_string)[-1])
                    in_string = None
                continue
            if depth > 0:
                depth = max(0, depth + _bracket_depth(line))
                continue
            if header := _HEADER_LINE.match(line):
                path = self._resolve(_key_parts(header["key"]), arrays)
                if header["open"] == "[[":
                    self._lines.setdefault(path, number)  # the array as a whole
                    arrays[path] = arrays.get(path, 0) + 1
                    path = (*path, arrays[path] - 1)
                table = path
                self._lines.setdefault(table, number)
                continue
            if keyed := _KEY_LINE.match(line):
                path = (*table, *_key_parts(keyed["key"]))
                for end in range(len(table) + 1, len(path) + 1):
                    self._lines.setdefault(path[:end], number)
                rest = keyed["rest"]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_string = quote
                        rest = rest.split(quote)[0]
                depth = max(0, _bracket_depth(rest))

    @staticmethod
    def _resolve(parts: tuple[str, ...], arrays: dict[KeyPath, int]) -> KeyPath:
        """Turn header parts into a path, entering the latest element of each array."""
        path: KeyPath = ()
        for position, part in enumerate(parts):
            path = (*path, part)
            # The header's own last part is not entered: the caller decides that.
            if position < len(parts) - 1 and path in arrays:
                path = (*path, arrays[path] - 1)
        return path

    def find(self, path: KeyPath) -> int | None:
        """The line of `path`, else of its nearest enclosing key that has one."""
        for end in range(len(path), 0, -1):
            if path[:end] in self._lines:
                return self._lines[path[:end]]
        return None
