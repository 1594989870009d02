"""Find mpscope's resources (icons, styles, translations) from a checkout, a wheel or a bundle."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    """The folder holding `icons/`, `translations/`, …, wherever mpscope runs from.

    Installed (wheel or editable), the top-level `resources/` folder is the
    package `mpscope.resources`; a PyInstaller bundle unpacks it under
    `sys._MEIPASS`; a plain checkout has it beside `desktop/`.
    """
    candidates = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "mpscope" / "resources")
    candidates.append(Path(__file__).resolve().parent / "resources")
    candidates.append(Path(__file__).resolve().parents[2] / "resources")
    for candidate in candidates:
        if (candidate / "icons").is_dir():
            return candidate
    return candidates[-1]


def resource_path(*parts: str) -> Path:
    """Path of one resource, e.g. `resource_path("icons", "kill.svg")`."""
    return resources_dir().joinpath(*parts)
