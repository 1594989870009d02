"""`mpscope watch --memory-limit`: each process of a watched program is held to the limit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from test_watch import ENV, PROGRAMS

LIMIT_MIB = 200


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_the_process_that_crosses_the_limit_is_stopped_with_the_reason(
        method: str, tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"
    done = subprocess.run(
        [sys.executable, "-m", "mpscope", "watch", "--no-history", "--memory-limit",
         f"{LIMIT_MIB} MiB", "--summary-json", str(summary), "--", sys.executable,
         str(PROGRAMS / "memory_hog.py"), method],
        capture_output=True, cwd=tmp_path, env=ENV, timeout=120)
    err = done.stderr.decode()
    # The program goes on: only its child was stopped (SIGINT: KeyboardInterrupt, code 1).
    assert done.returncode == 0, err
    assert done.stdout == b"child ended with 1\n"
    assert "hog: uses" in err and f"% of the memory limit of {LIMIT_MIB} MiB" in err
    assert f"over the memory limit of {LIMIT_MIB} MiB: stopping it" in err
    assert "hog: SIGINT sent" in err
    processes = {p["name"]: p for p in json.loads(summary.read_text())["processes"]}
    hog = processes["hog"]
    assert hog["detail"].startswith("its memory (") and \
        f"crossed the limit of {LIMIT_MIB} MiB" in hog["detail"], hog
    assert processes["main"]["state"] == "finished"
    assert "crossed the limit" not in (processes["main"]["detail"] or "")


def test_a_process_that_ignores_ctrl_c_is_terminated(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mpscope", "watch", "--no-history", "--memory-limit",
         f"{LIMIT_MIB} MiB", "--", sys.executable, str(PROGRAMS / "memory_hog.py"), "spawn",
         "stubborn"], capture_output=True, cwd=tmp_path, env=ENV, timeout=120)
    err = done.stderr.decode()
    assert done.returncode == 0, err
    assert done.stdout == b"child ended with -15\n"  # SIGTERM, 0.5 s after the SIGINT
    assert "hog: SIGINT sent" in err and "hog: SIGTERM sent" in err
    assert "terminated — its memory (" in err


def test_a_bad_memory_limit_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mpscope", "watch", "--memory-limit", "lots", "--",
         sys.executable, "-c", "print(1)"], capture_output=True, cwd=tmp_path, env=ENV,
        timeout=60)
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode().strip().splitlines()[-1].startswith(
        "mpscope watch: error: --memory-limit must be a size")
