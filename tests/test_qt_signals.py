"""PySide6 6.12.0 aborts CPython 3.11 when a Signal(object) carries None or a bool.

The window's signals carry such values (an exit code, a flag, "no run"), so the
dependency excludes 6.12 on Python < 3.12 (pyproject.toml; docs/design.md, "Qt").
This emits them, many times, in a fresh interpreter: with the broken release the
child dies of `Fatal Python error: none_dealloc` (or bool_dealloc) and this fails.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("PySide6")

EMITS = 20_000  # each emit dropped a reference the broken release never took

CHILD = textwrap.dedent(f"""
    import threading
    from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

    class Carrier(QObject):
        value = Signal(object)

    app = QCoreApplication([])
    carrier = Carrier()
    direct, threaded = [], []
    carrier.value.connect(direct.append)
    for _ in range({EMITS}):
        for value in (None, True, False):
            carrier.value.emit(value)

    # Emitted from another thread, as the run's helper threads do.
    receiver = Carrier()
    receiver.value.connect(threaded.append)
    thread = threading.Thread(target=lambda: [receiver.value.emit(v) for v in
                                              (None, True, False) * 100])
    thread.start()
    thread.join()
    QTimer.singleShot(0, app.quit)
    app.exec()
    print(len(direct), direct[:3], len(threaded), threaded[:3])
""")


def test_a_signal_of_object_carries_none_and_booleans():
    child = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                           timeout=120, check=False)
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.split() == [str(3 * EMITS), "[None,", "True,", "False]",
                                    "300", "[None,", "True,", "False]"]
