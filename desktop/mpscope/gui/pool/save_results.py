"""Save results…: the pool's results as JSON lines, one per item (as `mpscope run --results`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from mpscope.core.pool import results_file


def save_results(parent: QWidget, pool: Any, path: str | None = None) -> int | None:
    """Ask where (unless `path` is given) and write; → rows written, None when not saved."""
    title = QCoreApplication.translate("SaveResults", "Save pool results")
    if path is None:
        path, _filter = QFileDialog.getSaveFileName(
            parent, title, "results.jsonl",
            QCoreApplication.translate("SaveResults", "JSON lines (*.jsonl);;All files (*)"))
        if not path:
            return None
    try:
        return results_file.write(path, pool)
    except OSError as exc:
        QMessageBox.warning(parent, title, QCoreApplication.translate(
            "SaveResults", "Could not write {path}: {reason}").format(
                path=path, reason=exc.strerror or exc))
        return None
