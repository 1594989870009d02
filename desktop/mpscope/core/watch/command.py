"""What `mpscope watch -- COMMAND` runs: a Python command goes through mpscope.attach.

`python [OPTIONS] script.py ARGS` becomes `python [OPTIONS] -m mpscope.attach
script.py ARGS` (and likewise `-m module` and `-c code`); any other command
runs as given, with the sitecustomize shim on PYTHONPATH installing the hooks
in the first Python process it starts. `python -I`/`-E` ignore PYTHONPATH and
frozen programs have no multiprocessing internals to hook: processes only.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field

from mpscope.core.text import Text

_PYTHON = re.compile(r"python(\d+(\.\d+)?)?(\.exe)?$")
_OPTION_WITH_VALUE = {"-W", "-X", "--check-hash-based-pycs"}
_IGNORES_ENV = ("I", "E")


class CommandError(ValueError):
    """A command line that cannot be watched (said in one line)."""


@dataclass(frozen=True)
class WatchCommand:
    """A program to watch: its command line, working directory and environment additions."""

    argv: tuple[str, ...]
    cwd: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    title: str | None = None

    def __post_init__(self) -> None:
        if not self.argv or not self.argv[0].strip():
            raise CommandError("no command to watch (mpscope watch -- python script.py)")

    @property
    def text(self) -> str:
        """The command line as a shell would show it."""
        return shlex.join(self.argv)


@dataclass(frozen=True)
class Launch:
    """The command actually run, and whether tasks can be tracked (else: why not)."""

    argv: tuple[str, ...]
    hooked: bool  # True: through mpscope.attach; False: processes only, or via the shim
    shim_hooks: bool  # True: the shim installs the hooks in the first Python process
    notice: str | None = None


def plan(argv: tuple[str, ...]) -> Launch:
    """Decide how to run `argv` (see the module docstring)."""
    if not _PYTHON.match(os.path.basename(argv[0])):
        return Launch(argv, hooked=False, shim_hooks=True)
    options: list[str] = []
    rest = list(argv[1:])
    while rest and rest[0].startswith("-") and rest[0] not in ("-", "-m", "-c"):
        option = rest.pop(0)
        options.append(option)
        if option == "--":
            break
        if option in _OPTION_WITH_VALUE and rest:
            options.append(rest.pop(0))
        elif option[:2] in ("-W", "-X") or option.startswith("--"):
            continue
        elif any(flag in option[1:] for flag in _IGNORES_ENV):
            return Launch(argv, hooked=False, shim_hooks=False, notice=Text(
                "python {option} ignores the environment: watching processes only, no tasks",
                option=option))
        elif any(flag in option[1:] for flag in "hV"):
            return Launch(argv, hooked=False, shim_hooks=False)
    if not rest or rest[0] == "-" or (rest[0] in ("-m", "-c") and len(rest) < 2):
        return Launch(argv, hooked=False, shim_hooks=False, notice=Text(
            "no script to run: watching processes only, no tasks"))
    return Launch((argv[0], *options, "-m", "mpscope.attach", *rest), hooked=True,
                  shim_hooks=False)
