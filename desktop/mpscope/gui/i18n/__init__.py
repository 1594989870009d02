"""Translations: the language menu and the core's sentences marked for lupdate."""
