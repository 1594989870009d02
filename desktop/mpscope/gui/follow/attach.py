"""File → Open a live run… and Watch a run on another machine…: the window follows a run."""

from __future__ import annotations

import contextlib
import shlex
import threading
from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from mpscope.core.follow.mirror import FollowedRun, LocalFeed
from mpscope.core.follow.remote import RemoteFollow, ssh_runner
from mpscope.core.follow.remote_list import RemoteListing
from mpscope.core.history.paths import history_path
from mpscope.gui.bridge import RunBridge
from mpscope.gui.follow.dialogs import LiveRunsDialog, RemoteDialog, live_runs
from mpscope.gui.follow.remote_picker import RemoteRunsDialog
from mpscope.gui.widgets.actions import make_action


class FollowActions(QObject):
    """The two File menu commands, and what the window says while it follows a run."""

    _runs_read = Signal(list)  # live runs, read on a thread (emitted there, queued here)

    def __init__(self, window: QMainWindow, bridge: RunBridge, file_menu: QMenu,
                 before: QAction | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.bridge = bridge
        self.open_live = make_action(
            window, self.tr("Open a &live run…"),
            self.tr("Show a run recorded on this machine by another mpscope, live"),
            self.choose_live_run, "Ctrl+Shift+O")
        self.watch_remote = make_action(
            window, self.tr("&Watch a run on another machine…"),
            self.tr("Choose a live run on another machine and follow it over SSH"),
            self.choose_remote)
        # before=None puts them at the end (Qt takes a null action; the stubs do not say so).
        file_menu.insertActions(before, [self.open_live, self.watch_remote])  # type: ignore[arg-type]
        file_menu.insertSeparator(before)  # type: ignore[arg-type]
        self.settings = getattr(window, "settings", None)  # the last destination, remembered
        self._destination = self._setting("follow/destination", "")
        self._command = self._setting("follow/remote_command", "mpscope")
        self._named = ""
        bridge.run_started.connect(self._on_started)
        bridge.refreshed.connect(self._on_refreshed)
        bridge.run_finished.connect(self._on_finished)

    # -- the commands ------------------------------------------------------------------
    def choose_live_run(self) -> LiveRunsDialog | None:
        """The list of live runs, filled once a thread has read them (never on this one)."""
        if self._busy():
            return None
        dialog = LiveRunsDialog(None, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._runs_read.connect(dialog.set_runs)
        dialog.finished.connect(lambda _result: self._runs_read.disconnect(dialog.set_runs))
        dialog.accepted.connect(lambda: self._follow_chosen(dialog))

        def read() -> None:
            runs = live_runs()
            with contextlib.suppress(RuntimeError):  # the window closed meanwhile
                self._runs_read.emit(runs)

        threading.Thread(target=read, name="mpscope-live-runs", daemon=True).start()
        dialog.open()
        return dialog

    def _follow_chosen(self, dialog: LiveRunsDialog) -> None:
        if dialog.run_id is not None and not self._busy():
            self.follow_local(dialog.run_id)

    def choose_remote(self) -> RemoteDialog | None:
        """Ask for the SSH destination (the last one filled in), then for the run there."""
        if self._busy():
            return None
        dialog = RemoteDialog(self.window, self._destination, self._command)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._destination_chosen(dialog))
        dialog.open()
        return dialog

    def _destination_chosen(self, dialog: RemoteDialog) -> None:
        self._destination = dialog.destination.text().strip()
        self._command = dialog.command.text().strip()
        if self.settings is not None:
            self.settings.setValue("follow/destination", self._destination)
            self.settings.setValue("follow/remote_command", self._command)
        self.pick_remote(ssh_runner(self._destination), self._command, self._destination)

    def pick_remote(self, runner: Sequence[str], command: str = "mpscope",
                    label: str = "") -> RemoteRunsDialog:
        """Ask `runner` (ssh … HOST, or any command runner) for its live runs, off this thread,
        and follow the one chosen."""
        label = label or shlex.join(runner)
        dialog = RemoteRunsDialog(RemoteListing(runner, command, label), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._follow_picked(dialog, runner, command, label))
        dialog.open()
        return dialog

    def _follow_picked(self, dialog: RemoteRunsDialog, runner: Sequence[str], command: str,
                       label: str) -> None:
        if not self._busy():
            self.follow_remote(runner, command, label, dialog.run_id)

    def follow_local(self, run_id: int) -> FollowedRun:
        run = FollowedRun(LocalFeed(history_path(), run_id), label=f"#{run_id}")
        self.bridge.follow(run)
        return run

    def follow_remote(self, runner: Sequence[str], command: str = "mpscope",
                      label: str = "", run_id: int | None = None) -> FollowedRun:
        """Follow run `run_id` (None: the newest) that `runner` (ssh … HOST, or any command
        runner) reaches."""
        label = label or shlex.join(runner)
        run = FollowedRun(RemoteFollow(runner, command, run_id=run_id, label=label), label=label)
        self.bridge.follow(run)
        return run

    def _setting(self, key: str, default: str) -> str:
        value = self.settings.value(key, default) if self.settings is not None else default
        return value if isinstance(value, str) and value else default

    # -- what the window says ----------------------------------------------------------
    def _busy(self) -> bool:
        if not self.bridge.running:
            return False
        QMessageBox.information(self.window, self.tr("A run is going on"), self.tr(
            "Follow another run once this one has ended."))
        return True

    def _on_started(self) -> None:
        self._named = ""
        self._on_refreshed()

    def _on_refreshed(self) -> None:
        """Once the run's name is known (its first line), the title and status say so."""
        if not self.bridge.following or self._named == self._name() or not self.bridge.running:
            return
        self._named = self._name()
        self.window.setWindowTitle(self.tr("{name} — following live — mpscope").format(
            name=self._name()))
        self.window.statusBar().showMessage(self.tr(
            "Following {name} live: its commands go to the process that owns it. Closing this "
            "window leaves the run running.").format(name=self._name()))

    def _on_finished(self, code: int) -> None:
        if self.bridge.following:  # after the window's own title update for the end
            title = self.tr("{name} — ended (exit status {code}) — mpscope").format(
                name=self._name(), code=code)
            QTimer.singleShot(0, lambda: self.window.setWindowTitle(title))

    def _name(self) -> str:
        run = self.bridge.run
        title = getattr(getattr(run, "config", None), "title", None)
        label = getattr(run, "label", "")
        return f"{title} ({label})" if title and title != label else label
