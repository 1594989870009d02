"""Screenshots of File → Watch a run on another machine…'s picker, at 1366×768.

    python scripts/picker_screenshots.py [--language zh_CN] [--out docs/screenshots]

Starts two headless runs in a throwaway history, asks for them through
`sh -c` (the --via runner: the listing is the one ssh would fetch) and grabs
the window with the picker over it: follow-picker[-LANG].png, and the picker
when the listing fails (follow-picker-failed[-LANG].png).
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1366, 768)
RUNS = {  # two live runs, told apart by their titles and workers
    "a.toml": 'title = "nightly training (resnet, 4 seeds)"\n[[workers]]\ntask = "sleep_io"\n'
              'count = 4\nname = "seed"\nargs = { seconds = 60, steps = 240 }\n',
    "b.toml": 'title = "数据清洗 data cleaning"\n[[workers]]\ntask = "sleep_io"\ncount = 2\n'
              'name = "clean"\nargs = { seconds = 120, steps = 120 }\n',
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--language", default="en")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    options = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "desktop"))
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QWidget

    from mpscope.gui.app import create_app
    from mpscope.gui.i18n.language import install_translator
    from mpscope.gui.main_window import MainWindow

    suffix = "" if options.language == "en" else f"-{options.language}"
    folder = Path(tempfile.mkdtemp(prefix="mpscope-shots-"))
    runtime = tempfile.mkdtemp(prefix="mprt-", dir="/tmp")  # short: AF_UNIX paths
    os.environ.update(MPSCOPE_DATA_DIR=str(folder / "data"), XDG_RUNTIME_DIR=runtime,
                      PYTHONPATH=str(ROOT / "desktop"))
    app = create_app()
    install_translator(app, options.language)
    options.out.mkdir(parents=True, exist_ok=True)
    runs = []
    for name, text in RUNS.items():
        (folder / name).write_text(text)
        run = subprocess.Popen([sys.executable, "-m", "mpscope", "run", str(folder / name)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               start_new_session=True)
        assert run.stdout is not None
        run.stdout.readline()  # its first event: recorded from now on
        runs.append(run)
    time.sleep(3)  # a picture, not a test: let the runs report some progress
    remote = shlex.join(["env", *(f"{n}={os.environ[n]}" for n in (
        "PYTHONPATH", "MPSCOPE_DATA_DIR", "XDG_RUNTIME_DIR")), sys.executable, "-m", "mpscope"])
    window = MainWindow(settings=QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
    window.resize(*SIZE)
    window.show()

    def shot(dialog: QWidget, name: str) -> None:
        while not dialog.listing.done:  # type: ignore[attr-defined]
            app.processEvents()
            time.sleep(0.02)
        app.processEvents()
        image = window.grab()
        painter = QPainter(image)
        painter.drawPixmap(window.rect().center() - dialog.rect().center(), dialog.grab())
        painter.end()
        image.save(str(options.out / name))
        print(f"wrote {options.out / name}")
        dialog.close()

    try:
        shot(window.follow.pick_remote(["sh", "-c"], remote, "me@gpu-server"),
             f"follow-picker{suffix}.png")
        shot(window.follow.pick_remote(["sh", "-c"], "no-such-mpscope", "me@gpu-server"),
             f"follow-picker-failed{suffix}.png")
    finally:
        for run in runs:
            os.killpg(run.pid, signal.SIGKILL)
            run.communicate()
        window.close()
        subprocess.run(["rm", "-rf", runtime, str(folder)], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
