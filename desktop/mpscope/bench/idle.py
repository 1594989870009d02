"""3. Idle cost: the window watching 8 sleeping workers, side by side with `htop -d 15`.

Each repetition runs in a fresh process (`python -m mpscope.bench.idle SECONDS`):
in the benchmark's own process, the memory and the threads the earlier suites left
would be measured as the idle window's.
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys

import psutil

from mpscope.bench.fresh import in_a_fresh_process
from mpscope.bench.qtloop import application, spin_until
from mpscope.bench.table import Absolute, Median, Row
from mpscope.core.config import loads

WORKERS = 8


def _cpu_seconds(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return times.user + times.system


def _idle_for(seconds: float) -> None:
    """Let the event loop run undisturbed (no polling of our own) for `seconds`."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def _start_htop(pids: list[int]) -> subprocess.Popen[bytes] | None:
    htop = shutil.which("htop")
    if htop is None:
        return None
    primary, secondary = pty.openpty()  # htop needs a terminal
    env = dict(os.environ, TERM="xterm", COLUMNS="160", LINES="50")
    process = subprocess.Popen([htop, "-d", "15", "-p", ",".join(map(str, pids))],
                               stdin=secondary, stdout=secondary, stderr=secondary, env=env)
    os.close(secondary)
    process._mpscope_pty = primary  # type: ignore[attr-defined]
    return process


def _drain_pty(process: subprocess.Popen[bytes]) -> None:
    primary = process._mpscope_pty  # type: ignore[attr-defined]
    os.set_blocking(primary, False)
    try:
        while os.read(primary, 65536):
            pass
    except (BlockingIOError, OSError):
        pass


def once(seconds: float) -> tuple[float, float, float, float]:
    """(visible CPU %, hidden CPU %, htop CPU %, our RSS MB) for one repetition."""
    from mpscope.gui.main_window import MainWindow

    application()
    window = MainWindow()
    window.show()
    bridge = window.bridge
    bridge.set_config(loads(f"""
[[workers]]
task = "sleep_io"
count = {WORKERS}
args = {{ seconds = 3600, steps = 3600 }}
"""))
    bridge.start()
    assert spin_until(lambda: all(r.state == "running" for r in bridge.records), 60)
    htop = _start_htop([r.pid for r in bridge.records if r.pid])
    ours = psutil.Process()
    try:
        _idle_for(2.0)  # settle
        figures = []
        for visible in (True, False):
            if not visible:
                window.showMinimized()
                window.hide()
                _idle_for(1.0)
            cpu0 = _cpu_seconds(ours)
            htop0 = _cpu_seconds(psutil.Process(htop.pid)) if htop else 0.0
            _idle_for(seconds)
            figures.append(100 * (_cpu_seconds(ours) - cpu0) / seconds)
            if visible and htop:
                htop_cpu = 100 * (_cpu_seconds(psutil.Process(htop.pid)) - htop0) / seconds
            if htop:
                _drain_pty(htop)
        rss = ours.memory_info().rss / 2**20
    finally:
        if htop:
            htop.kill()
            htop.wait()
            os.close(htop._mpscope_pty)  # type: ignore[attr-defined]
        bridge.kill_all()
        spin_until(lambda: not bridge.running, 30)
        bridge.shutdown()
        window.close()
    return figures[0], figures[1], htop_cpu if htop else float("nan"), rss


def measure(repeat: int, seconds: float = 60.0) -> list[Row | Absolute]:
    results = [in_a_fresh_process("mpscope.bench.idle", str(seconds), timeout=seconds * 3 + 120)
               for _ in range(repeat)]
    columns = zip(*results, strict=True)
    visible, hidden, htop, rss = (Median.of(column) for column in columns)
    return [
        Absolute("3a. idle CPU, window visible", "% core", visible, 1.0,
                 note=f"htop -d 15 beside it: {htop:.2f}%"),
        Absolute("3b. idle RSS, window visible", "MB", rss, 200),
        Row("3c. idle CPU, window hidden", "% core", "htop -d 15", htop, hidden, "<= 1.0"),
    ]


if __name__ == "__main__":
    print(json.dumps(once(float(sys.argv[1]))))
