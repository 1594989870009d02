"""Memory sizes in a configuration: "512 MiB", "2 GiB", "1.5G" or a number of MiB, to bytes."""

from __future__ import annotations

import re

MIN_MEMORY_LIMIT = 32 * 2**20  # a Python process alone takes 10–20 MiB
_UNITS = {"": 2**20, "b": 1, "k": 2**10, "kb": 2**10, "kib": 2**10, "m": 2**20, "mb": 2**20,
          "mib": 2**20, "g": 2**30, "gb": 2**30, "gib": 2**30, "t": 2**40, "tb": 2**40,
          "tib": 2**40}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*")


def parse_size(value: object) -> int:
    """Bytes from a size; raises ValueError with the sentence a config error shows.

    Units are binary whatever their spelling (1 GB = 1 GiB: memory is counted
    in pages); a bare number is MiB.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"must be a size such as \"2 GiB\" or \"512 MiB\", got {value!r}")
    if isinstance(value, int | float):
        number, unit = float(value), ""
    else:
        match = _SIZE.fullmatch(value)
        if match is None or match.group(2).lower() not in _UNITS:
            raise ValueError(f"must be a size such as \"2 GiB\" or \"512 MiB\", got {value!r}")
        number, unit = float(match.group(1)), match.group(2).lower()
    size = int(number * _UNITS[unit])
    if size < MIN_MEMORY_LIMIT:
        raise ValueError(f"must be at least {MIN_MEMORY_LIMIT >> 20} MiB (a Python process "
                         f"alone takes 10–20 MiB), got {value!r}")
    return size


def format_size(size: int) -> str:
    """The size as a config writes it, read back by parse_size to the same bytes."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} B"
