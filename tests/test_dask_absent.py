"""Without the optional Dask extra: one line and exit 2 for the "dask" backend, the rest works.

Dask is hidden from a fresh interpreter (None in sys.modules, so find_spec()
and import both fail), so these run whether or not it is installed here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DESKTOP = Path(__file__).resolve().parents[1] / "desktop"
ENV = dict(os.environ, PYTHONPATH=str(DESKTOP))
HIDE_DASK = "import sys; sys.modules['distributed'] = sys.modules['dask'] = None\n"


@pytest.mark.parametrize("command", ["run", "check"])
def test_missing_extra_is_one_line_and_exit_2(tmp_path: Path, command: str) -> None:
    path = tmp_path / "run.toml"
    path.write_text('[pool]\ntask = "square"\nitems = 4\nbackend = "dask"\n')
    code = HIDE_DASK + "from mpscope.cli import main; sys.exit(main(sys.argv[1:]))"
    out = subprocess.run([sys.executable, "-c", code, command, str(path)], capture_output=True,
                         text=True, env=ENV, timeout=60, check=False)
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and 'pip install "mpscope[dask]"' in lines[0]


def test_the_core_works_without_dask() -> None:
    code = (HIDE_DASK +
            "from mpscope.core.config import loads\n"
            "from mpscope.core.engine.run import Run\n"
            "run = Run(loads('[pool]\\ntask = \"square\"\\nitems = 5\\nprocesses = 1\\n'))\n"
            "run.start()\n"
            "while run.busy: run.poll(0.05)\n"
            "print(sorted(run.pool.results))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV,
                         timeout=60, check=True)
    assert out.stdout.strip() == str([(i, i * i) for i in range(5)])
