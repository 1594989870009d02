"""Screenshots of the real window during a run, at 1366×768, into docs/screenshots/.

    python scripts/screenshots.py [--out docs/screenshots] [--config RUN.toml] [--at 5]
    python scripts/screenshots.py --only window-zh_CN     # one of them

At a classroom projector's size, `--at` seconds into the run: window.png
(English), window-zh_CN.png (Chinese), window-presenter.png (presenter mode),
window-dark.png (dark palette); history.png shows the English run opened from
the History panel once it has been stopped (recorded into a temporary history,
never the user's own). Each shot is taken by its own process (a language is
chosen at start-up).

Without a display it starts its own Xvfb (when installed). The top of this
file stays Qt-free: spawned workers re-import it as their main module.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1366, 768)  # the most common projector and cheap-laptop screen
# name: (language, presenter mode, theme, then the run opened from the History)
SHOTS = {"window": ("en", False, "system", True), "window-zh_CN": ("zh_CN", False, "system", False),
         "window-presenter": ("en", True, "system", False),
         "window-dark": ("en", False, "dark", False)}

# Something of everything: CPU-bound and I/O workers, one that fails, one we kill, a pool.
DEMO = """
title = "Classroom demo"
grace_seconds = 1.0

[[workers]]
task = "monte_carlo_pi"
count = 3
name = "pi"
args = { samples = 120_000_000 }

[[workers]]
task = "sleep_io"
count = 2
daemon = true
name = "io"
args = { seconds = 2.5, steps = 25 }

[[workers]]
task = "risky"
count = 1
args = { x = 3 }

[pool]
task = "sleep_io"
items = 60
processes = 2
method = "imap_unordered"
"""


def start_xvfb() -> tuple[subprocess.Popen[bytes], str] | None:
    """Start Xvfb on a free display number; None when there is no Xvfb."""
    if not shutil.which("Xvfb"):
        return None
    for number in range(99, 140):
        if Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
            continue
        screen = f"{SIZE[0]}x{SIZE[1]}x24"
        proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", screen, "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                return proc, f":{number}"
            time.sleep(0.05)
        proc.kill()
        proc.wait()
    return None


def shoot(out: Path, config: Path, at: float, name: str) -> int:
    """Open the window, start the run, grab it `at` seconds in as NAME.png, end everything.

    For the "window" shot, the run is then killed and opened from the History panel.
    """
    language, presenter, palette, history = SHOTS[name]
    sys.path.insert(0, str(ROOT / "desktop"))
    from PySide6.QtCore import QTimer

    from mpscope.core.engine.states import State
    from mpscope.gui import theme
    from mpscope.gui.app import create_app
    from mpscope.gui.i18n.language import install_translator

    app = create_app()
    install_translator(app, language)
    if palette != "system":
        theme.apply_theme(app, palette)
    window = _open_window(config, presenter)
    if window is None:
        return 2
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def grab(name: str) -> None:
        path = out / name
        window.grab().save(str(path))
        written.append(path)

    def kill_one() -> None:
        # Shows what an operator sees after a SIGKILL: the killed chip and its exit.
        victims = [r for r in window.bridge.records if r.group == "pi" and r.state is State.RUNNING]
        if victims:
            window.bridge.control("kill", victims[-1].wid)

    def end_run() -> None:
        window.docks["history"].raise_()
        window.bridge.kill_all()  # the History lists the run once its recording has ended

    def open_recorded() -> None:
        recorder = window.bridge.recorder
        panel = window.history
        row = panel.model.row_of(recorder.run_id) if recorder and recorder.run_id else -1
        if row < 0 or panel.model.run(row)["status"] != "finished" or panel.views:
            return
        panel.view.select_ids([recorder.run_id])
        view = panel.open_run(recorder.run_id)
        view.resize(*SIZE)
        view.loaded.connect(lambda: QTimer.singleShot(800, lambda: grab_view(view)))

    def grab_view(view: Any) -> None:
        path = out / "history.png"
        view.grab().save(str(path))
        written.append(path)
        view.close()
        window.close()

    steps: list[tuple[float, object]] = [
        (0.0, window.launch.start), (at * 0.5, kill_one), (at, lambda: grab(f"{name}.png")),
    ]
    if history:
        window.history.listed.connect(open_recorded)
        steps.append((steps[-1][0] + 0.2, end_run))
        steps.append((steps[-1][0] + 60.0, lambda: window.isVisible() and window.close()))
    else:
        steps.append((steps[-1][0] + 0.1, window.close))
    return _play(app, window, steps, written)


def _open_window(config: Path, presenter: bool) -> Any:
    """The window at SIZE with `config` loaded and shown; None (said on stderr) if it can't."""
    from mpscope.gui.main_window import CLOSE_TERMINATE, MainWindow

    window = MainWindow()
    window.ask_close = lambda daemons, others: CLOSE_TERMINATE  # never a dialog here
    window.resize(*SIZE)
    window.presenter.set_enabled(presenter)
    if not window.launch.load_file(str(config)):
        print(f"screenshots: cannot open {config}", file=sys.stderr)
        return None
    window.show()
    return window


def _play(app: Any, window: Any, steps: list[tuple[float, object]], written: list[Path]) -> int:
    """Run each step at its time until the window closes; → 0 if something was written."""
    from PySide6.QtCore import QTimer

    for delay, step in steps:
        QTimer.singleShot(int(delay * 1000), step)  # type: ignore[arg-type]
    window.closed.connect(app.quit)
    app.exec()
    for path in written:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0 if written else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--config", type=Path, help="a run file (default: a built-in demo)")
    parser.add_argument("--at", type=float, default=10.0, help="seconds into the run to grab")
    parser.add_argument("--only", choices=sorted(SHOTS), help="take this shot only")
    options = parser.parse_args(argv)
    if options.only is None:  # each shot in its own process: the language is set at start
        codes = [subprocess.run([sys.executable, __file__, "--only", name, "--out",
                                 str(options.out), "--at", str(options.at),
                                 *(["--config", str(options.config)] if options.config else [])],
                                check=False).returncode for name in SHOTS]
        return max(codes)
    display = None
    if not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        display = start_xvfb()
        if display is None:
            print("screenshots: no display and no Xvfb; set QT_QPA_PLATFORM=offscreen",
                  file=sys.stderr)
            return 2
        os.environ["DISPLAY"] = display[1]
    with tempfile.TemporaryDirectory(prefix="mpscope-shots-") as temp:
        # Never read or write the user's own mpscope settings or run history.
        os.environ["MPSCOPE_SETTINGS_DIR"] = temp
        os.environ["MPSCOPE_DATA_DIR"] = temp
        config = options.config
        if config is None:
            config = Path(temp) / "demo.toml"
            config.write_text(DEMO, encoding="utf-8")
        try:
            return shoot(options.out, config, options.at, options.only)
        finally:
            if display is not None:
                display[0].terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    display[0].wait(5)


if __name__ == "__main__":
    sys.exit(main())
