"""Sentences the core says to people: English as a str, translatable by the window.

The core never imports Qt, so it cannot translate. Instead it says
`Text("{name}: starting (pid {pid})", name=..., pid=...)`: the str value is
the English sentence (headless output, JSON, SQLite and every caller that
wants text keep working), and the window translates `template` (context
"core") and fills in `values` (see mpscope.gui.i18n.language.translated).

Templates must be string literals: `scripts/i18n.py update` collects them for
the translators. Names, pids, user text and exception messages go in values,
never in the template.
"""

from __future__ import annotations

from typing import Any

CONTEXT = "core"  # the translation context of every template


class Text(str):
    """An English sentence that remembers its template and values, for translation."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, /, **values: Any) -> Text:
        return _restore(template.format(**values), template, values)

    def __reduce__(self) -> tuple[Any, ...]:
        # str's own pickling would call Text(english): it would re-format the
        # English (braces in a value break it) and lose the template.
        return _restore, (str(self), self.template, self.values)

    def __copy__(self) -> Text:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Text:
        return self


def _restore(english: str, template: str, values: dict[str, Any]) -> Text:
    """A Text from its parts as they were (unpickling does not format again)."""
    text = str.__new__(Text, english)
    text.template = template
    text.values = values
    return text
