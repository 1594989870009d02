"""Open the window: check for a display, set up QApplication and settings, honour CLI options."""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

# pyqtgraph must bind to PySide6 even if another Qt binding is installed.
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from mpscope.gui.signal_relay import SignalRelay

APP_NAME = ORGANIZATION = "mpscope"
SETTINGS_DIR_ENV = "MPSCOPE_SETTINGS_DIR"  # tests and demos keep the user's settings untouched
EXIT_USAGE = 2
_NEEDS_DISPLAY = {"xcb": ("DISPLAY",), "wayland": ("WAYLAND_DISPLAY",),
                  "wayland-egl": ("WAYLAND_DISPLAY",), "": ("DISPLAY", "WAYLAND_DISPLAY")}


def display_problem(env: dict[str, str] | None = None, platform: str = sys.platform) -> str | None:
    """Why no window can open here (checked before QApplication, which would abort), else None."""
    env = dict(os.environ) if env is None else env
    if platform in ("win32", "darwin"):
        return None
    wanted = [p.split(":")[0].strip() for p in env.get("QT_QPA_PLATFORM", "").split(";")]
    for name in wanted:
        needs = _NEEDS_DISPLAY.get(name)
        if needs is None:
            return None  # offscreen, minimal, vnc, eglfs… need no display server
        if any(env.get(var) for var in needs):
            if name == "xcb" or (name == "" and not env.get("WAYLAND_DISPLAY")):
                # X11: Qt aborts (exit 134) when its plugin lacks a system library.
                from mpscope.gui.platform_check import xcb_problem

                return xcb_problem()
            return None
    return "no display available (DISPLAY and WAYLAND_DISPLAY are not set)"


def configure_settings() -> None:
    """Name the app for QSettings; with $MPSCOPE_SETTINGS_DIR, keep settings in that folder."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APP_NAME)
    folder = os.environ.get(SETTINGS_DIR_ENV)
    if folder:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)


def create_app() -> QApplication:
    """The QApplication (reused when one exists, as under pytest-qt), named and iconed."""
    from mpscope import __version__
    from mpscope.gui.i18n.language import install_translator
    from mpscope.gui.widgets.icons import app_icon

    configure_settings()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    QCoreApplication.setApplicationVersion(__version__)
    app.setDesktopFileName("io.github.mpscope.mpscope")  # matches the installed .desktop entry
    app.setWindowIcon(app_icon())
    install_translator(app)  # the language chosen in View → Language, or the system's
    return app


def run_app(options: Any) -> int:
    """Run the window until it closes; the exit status is the last run's (0 if none ran)."""
    problem = display_problem()
    if problem:
        print(f"mpscope: {problem}; to run without a window: mpscope run CONFIG", file=sys.stderr)
        return EXIT_USAGE
    _app = create_app()  # held: a QApplication created here must outlive the loop
    from mpscope.gui.main_window import MainWindow  # after QApplication: panels make pixmaps

    window = MainWindow()
    if options.config:
        window.launch.message.connect(lambda text: print(f"mpscope: {text}", file=sys.stderr))
        if not window.launch.load_file(options.config):
            window.bridge.shutdown()
            window.deleteLater()
            return EXIT_USAGE
    if options.autostart and window.launch.validate() is None:
        for key, problem_text in window.launch.errors.items():
            print(f"mpscope: {options.config or 'config'}: {key}: {problem_text}", file=sys.stderr)
        window.bridge.shutdown()
        window.deleteLater()
        return EXIT_USAGE
    codes: list[int] = []
    window.bridge.run_finished.connect(codes.append)
    window.bridge.run_finished.connect(lambda _code: _on_run_finished(window, options))
    # A local loop, not app.exec(): once app.exec() returns, Qt treats the application as
    # closing and timers stop firing, which would break a caller (a test) that goes on.
    loop = QEventLoop()
    window.closed.connect(loop.quit)
    # Ctrl-C in the terminal or a SIGTERM stops the run as `mpscope run` does, then closes.
    relay = SignalRelay(window)
    relay.received.connect(lambda signum: _on_signal(window, signum))
    relay.install()
    window.show()
    if options.autostart:
        QTimer.singleShot(0, window.launch.start)
    if getattr(options, "watch", None):
        limit = getattr(options, "memory_limit", None)
        QTimer.singleShot(0, lambda: window.watch(options.watch, title=options.title,
                                                  memory_limit=limit << 20 if limit else None))
    try:
        loop.exec()
    finally:
        relay.uninstall()
        window.deleteLater()
    return codes[-1] if codes else 0


def _on_signal(window: Any, signum: int) -> None:
    if window.bridge.running and not window.bridge.following:
        again = " again: killing every process" if window.closing.interrupted else (
            ": stopping the run, then closing (again to kill every process now)")
        print(f"mpscope: {signal.Signals(signum).name}{again}", file=sys.stderr, flush=True)
    window.closing.interrupt()


def _on_run_finished(window: Any, options: Any) -> None:
    if options.summary_json and window.bridge.run is not None:
        from mpscope.core.engine.summary import build_summary, write_summary

        run = window.bridge.run
        summarize: Any = build_summary
        if hasattr(run, "command"):  # a watched program
            from mpscope.core.console.watch_runner import watch_summary

            summarize = watch_summary
        try:
            write_summary(options.summary_json, summarize(run))
        except (OSError, TypeError, ValueError) as exc:  # checked at start; the disk may change
            print(f"mpscope: could not write the summary to {options.summary_json}: {exc}",
                  file=sys.stderr)
    if options.quit_when_done:
        QTimer.singleShot(0, window.close)
