"""Screenshots of a program watched in the window (`mpscope watch --window`), at 1366×768.

    python scripts/watch_screenshots.py [--language zh_CN] [--out DIR] [--at 3] [--tree | --output]

Watches tests/programs/monte_carlo_pi.py (a Pool.map of Monte Carlo samples)
and grabs the window `--at` seconds in and once the program has ended; with
`--tree`, watches tests/programs/process_tree.py (a child with a grandchild
and a sibling) and grabs its process tree `--at` seconds in; with `--output`,
watches tests/programs/producer_consumer.py to its end and grabs the consumer's
Details, which show the lines that process wrote.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1366, 768)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--language", default="en")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--at", type=float, default=3.0)
    parser.add_argument("--tree", action="store_true", help="the process-tree program")
    parser.add_argument("--output", action="store_true", help="a process's own output")
    options = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "desktop"))
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from mpscope.gui.app import create_app
    from mpscope.gui.i18n.language import install_translator
    from mpscope.gui.main_window import MainWindow

    app = create_app()
    install_translator(app, options.language)
    options.out.mkdir(parents=True, exist_ok=True)
    stem = options.out / f"watch-{options.language}"
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings)
        window.resize(*SIZE)
        window.show()
        programs = ROOT / "tests" / "programs"
        if options.output:
            return _output_shots(app, window, stem, programs)
        if options.tree:
            argv = [sys.executable, str(programs / "process_tree.py"), "spawn"]
        else:
            argv = [sys.executable, str(programs / "monte_carlo_pi.py"), "spawn", "3000000"]
        assert window.watch(argv)
        loop = QEventLoop()
        QTimer.singleShot(int(options.at * 1000), loop.quit)
        loop.exec()
        if options.tree:  # the sleepers would run for two minutes: one picture, then kill
            window.grab().save(f"{stem}-tree.png")
            print(f"wrote {stem}-tree.png")
            window.bridge.run_finished.connect(loop.quit)
            window.bridge.kill_all()
            if window.bridge.running:  # closing a running window would ask first
                loop.exec()
            window.close()
            return 0
        window.grab().save(f"{stem}-running.png")
        if window.bridge.running:
            window.bridge.run_finished.connect(loop.quit)
            QTimer.singleShot(120_000, loop.quit)
            loop.exec()
        for _ in range(20):
            app.processEvents()
        window.grab().save(f"{stem}-ended.png")
        print(f"wrote {stem}-running.png and -ended.png")
        window.bridge.kill_all()
        window.close()
    return 0


def _output_shots(app: object, window: object, stem: Path, programs: Path) -> int:
    """The producer/consumer program to its end, then the consumer's Details."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    window.bridge.run_finished.connect(loop.quit)  # type: ignore[attr-defined]
    assert window.watch([sys.executable, str(programs / "producer_consumer.py"),  # type: ignore[attr-defined]
                         "spawn"])
    QTimer.singleShot(60_000, loop.quit)
    loop.exec()
    for _ in range(20):
        app.processEvents()  # type: ignore[attr-defined]
    records = {r.name: r for r in window.bridge.run.engine.records.values()}  # type: ignore[attr-defined]
    dialog = window.workers.show_details(records["consumer"])  # type: ignore[attr-defined]
    for _ in range(20):
        app.processEvents()  # type: ignore[attr-defined]
    dialog.grab().save(f"{stem}-output.png")
    print(f"wrote {stem}-output.png")
    dialog.close()
    window.close()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
