"""Screenshots of lessons run in the window, at a projector's 1366×768, in a language.

    QT_QPA_PLATFORM=offscreen python scripts/lesson_screenshots.py [--language zh_CN]
        [--out docs/screenshots] [LESSON_ID ...]

For each lesson (default: gil, scaling, start_methods) it opens the Lessons
panel, runs the lesson's script, waits for the result, and saves
lesson-<id>-<language>.png (the whole window), -panel.png (the panel with its
results) and, when the panel is docked narrow, -text.png (its lesson tab before the run).
Settings go to a temporary folder, never the user's own.
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
    parser.add_argument("--language", default="zh_CN")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("lessons", nargs="*", default=["gil", "scaling", "start_methods"])
    options = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "desktop"))
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from mpscope.gui.app import create_app
    from mpscope.gui.i18n.language import install_translator
    from mpscope.gui.main_window import MainWindow

    app = create_app()
    install_translator(app, options.language)
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings)
        window.resize(*SIZE)
        window.show()
        window.show_lessons()
        panel = window.lessons
        panel.set_language(options.language)
        options.out.mkdir(parents=True, exist_ok=True)
        for lesson_id in options.lessons:
            panel.select(lesson_id)
            stem = f"lesson-{lesson_id}-{options.language}"
            if panel.narrow:  # docked: the lesson's text first, as a class sees it on opening
                panel.tabs.setCurrentIndex(0)
                for _ in range(20):
                    app.processEvents()
                panel.grab().save(str(options.out / f"{stem}-text.png"))
            loop = QEventLoop()
            window.bridge.run_finished.connect(loop.quit)
            panel.run_lesson()
            QTimer.singleShot(180_000, loop.quit)  # a lesson takes seconds; never hang here
            loop.exec()
            window.bridge.run_finished.disconnect(loop.quit)
            for _ in range(20):  # let the results lay out
                app.processEvents()
            window.grab().save(str(options.out / f"{stem}.png"))
            panel.grab().save(str(options.out / f"{stem}-panel.png"))
            print(f"wrote {options.out / stem}.png and -panel.png")
        window.bridge.kill_all()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
