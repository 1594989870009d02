"""Smoke-test a built bundle: `python3 packaging/smoke_bundle.py dist/mpscope/mpscope`.

Standard library only (it runs with the system's python3, outside the bundle).
Checks, each with a fresh data and settings folder:

- the resources sit where mpscope.assets looks for them in a bundle;
- `mpscope example` and `mpscope check` work (the example is packaged data);
- `mpscope run` runs two workers and a pool of two end to end, with spawn and
  with forkserver, and writes a summary where everything finished;
- a task of your own ("module:function") is found through PYTHONPATH;
- without a display the window refuses in one line with exit status 2;
- offscreen, the window runs the same configuration end to end (which also
  builds the lessons from their texts and their scripts), and its worker
  processes never load Qt;
- no process of the bundle is left behind.

Exit status 0 when every check passes; otherwise 1, after printing what failed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CONFIG = """\
title = "bundle smoke test"
start_method = "{method}"
grace_seconds = 2.0

[[workers]]
task = "sleep_io"
count = 2
name = "io"
args = {{ seconds = 1.5, steps = 15 }}

[pool]
task = "square"
items = 200
processes = 2
method = "imap_unordered"
chunksize = 10
"""

OWN_TASK = """\
def crunch(n, reporter=None):
    total = 0
    for i in range(n):
        total += i
        reporter.report(i + 1, n)
    return total
"""

OWN_CONFIG = """\
[[workers]]
task = "own_task:crunch"
count = 2
args = { n = 100 }
"""

IN_BUNDLE = [
    "mpscope/resources/icons/mpscope.svg",
    "mpscope/resources/translations/mpscope_zh_CN.qm",
    "mpscope/resources/lessons/en/process_basics.md",
    "mpscope/resources/lessons/zh_CN/process_basics.md",
    "mpscope/core/example.toml",
    "mpscope/resources/lessons/scripts/01_process_basics.py",  # the code view shows it
    "PySide6/Qt/translations/qtbase_zh_CN.qm",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
]

failures: list[str] = []


def check(ok: bool, what: str) -> None:
    print(f"  {'ok  ' if ok else 'FAIL'} {what}", flush=True)
    if not ok:
        failures.append(what)


def run(exe: Path, args: list[str], env: dict[str, str], cwd: Path,
        timeout: float = 180) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    proc = subprocess.run([str(exe), *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False)
    print(f"$ mpscope {' '.join(args)}  → exit {proc.returncode} "
          f"in {time.monotonic() - started:.1f} s", flush=True)
    return proc


def summary_ok(path: Path, label: str) -> None:
    try:
        summary = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        check(False, f"{label}: summary JSON readable ({error})")
        return
    workers = summary.get("workers", [])
    pool = summary.get("pool") or {}
    check(len(workers) == 2 and all(w.get("state") == "finished" for w in workers),
          f"{label}: both workers finished {[w.get('state') for w in workers]}")
    check(pool.get("results_ok") is True and pool.get("items_done") == 200
          and pool.get("failed") == 0,
          f"{label}: pool of {pool.get('processes')} results_ok={pool.get('results_ok')} "
          f"items_done={pool.get('items_done')} failed={pool.get('failed')}")


def bundle_processes(exe: Path) -> dict[int, int]:
    """{pid: parent pid} of every running process whose executable is the bundle's."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.readlink(entry / "exe") != str(exe):
                continue
            stat = (entry / "stat").read_text()
            found[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return found


def is_worker(pid: int) -> bool:
    """True once `pid` runs as a multiprocessing child (spawn, resource tracker, forkserver)."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"--multiprocessing-fork" in args or any(a.startswith(b"from multiprocessing")
                                                     for a in args)


def loads_qt(pid: int) -> bool:
    try:
        return "libQt6" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


class ChildWatch(threading.Thread):
    """While the window runs: which of its child processes ever mapped a Qt library."""

    def __init__(self, exe: Path) -> None:
        super().__init__(daemon=True)
        self.exe, self.done = exe, threading.Event()
        self.children: set[int] = set()
        self.with_qt: set[int] = set()

    def run(self) -> None:
        while not self.done.is_set():
            procs = bundle_processes(self.exe)
            parents = {pid for pid, ppid in procs.items() if ppid not in procs}  # the window
            for pid, ppid in procs.items():
                # Between fork and exec a child still shows its parent's memory: judge it
                # only once its command line says it is a worker (or a helper) process.
                if (ppid in parents or ppid in self.children) and is_worker(pid):
                    self.children.add(pid)
                    if loads_qt(pid):
                        self.with_qt.add(pid)
            time.sleep(0.05)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    exe = Path(argv[0]).resolve()
    internal = exe.parent / "_internal"
    root = internal if internal.is_dir() else exe.parent
    print(f"smoke-testing {exe}")
    for name in IN_BUNDLE:
        check((root / name).is_file(), f"bundle holds {name}")

    with tempfile.TemporaryDirectory(prefix="mpscope-smoke-") as folder:
        tmp = Path(folder)
        env = {key: value for key, value in os.environ.items()
               if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "PYTHONPATH")}
        env.update(MPSCOPE_DATA_DIR=str(tmp / "data"), MPSCOPE_SETTINGS_DIR=str(tmp / "settings"))
        for method in ("spawn", "forkserver"):
            (tmp / f"{method}.toml").write_text(CONFIG.format(method=method))

        proc = run(exe, ["example"], env, tmp)
        (tmp / "example.toml").write_text(proc.stdout)
        check(proc.returncode == 0 and "[pool]" in proc.stdout, "example prints the example")
        proc = run(exe, ["check", "example.toml"], env, tmp)
        check(proc.returncode == 0 and ": ok (" in proc.stdout, f"check: {proc.stdout.strip()}")

        for method in ("spawn", "forkserver"):
            proc = run(exe, ["run", f"{method}.toml", "--summary-json", f"{method}.json"], env, tmp)
            check(proc.returncode == 0, f"run with {method}: exit 0")
            if proc.returncode:
                print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
            summary_ok(tmp / f"{method}.json", f"run with {method}")

        (tmp / "own").mkdir()
        (tmp / "own" / "own_task.py").write_text(OWN_TASK)
        (tmp / "own.toml").write_text(OWN_CONFIG)
        proc = run(exe, ["run", "own.toml", "--summary-json", "own.json"],
                   dict(env, PYTHONPATH=str(tmp / "own")), tmp)
        try:
            own = json.loads((tmp / "own.json").read_text())
            results = [worker.get("result") for worker in own["workers"]]
        except (OSError, ValueError, KeyError):
            results = []
        check(proc.returncode == 0 and results == [4950, 4950],
              f"a task of your own, found through PYTHONPATH: results {results}")

        proc = run(exe, ["spawn.toml"], env, tmp, timeout=60)
        check(proc.returncode == 2 and proc.stderr.count("\n") == 1
              and "no display" in proc.stderr,
              f"without a display: exit 2 and one line: {proc.stderr.strip()!r}")

        watch = ChildWatch(exe)
        watch.start()
        offscreen = dict(env, QT_QPA_PLATFORM="offscreen")
        proc = run(exe, ["--autostart", "--quit-when-done", "--summary-json", "gui.json",
                         "spawn.toml"], offscreen, tmp)
        watch.done.set()
        watch.join()
        check(proc.returncode == 0, "window (offscreen) runs the configuration: exit 0")
        if proc.returncode:
            print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
        summary_ok(tmp / "gui.json", "window")
        check(len(watch.children) >= 4 and not watch.with_qt,
              f"window's {len(watch.children)} child processes never loaded Qt "
              f"(with Qt: {sorted(watch.with_qt)})")

        proc = run(exe, ["history", "--limit", "3"], env, tmp)
        check(proc.returncode == 0 and "bundle smoke test" in proc.stdout,
              "history lists the runs")

    deadline = time.monotonic() + 5
    while bundle_processes(exe) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = bundle_processes(exe)
    check(not left, f"no bundle process left behind {sorted(left)}")
    print(f"smoke test: {'FAILED: ' + '; '.join(failures) if failures else 'all checks passed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
