"""PyInstaller run-time hook (packaging/mpscope.spec): keep Qt out of worker processes.

PyInstaller's own run-time hook for PySide6 runs at the start of *every* process
of the bundle and imports PySide6.QtCore there (to register a qt.conf). In a
frozen app every multiprocessing worker, the resource tracker and the fork
server are processes of the bundle too, so each would load Qt: slower starts,
more memory, and the opposite of mpscope's rule that workers never touch Qt.

Custom run-time hooks run before PyInstaller's. In a multiprocessing child
process this one turns that qt.conf step into a no-op; the process that may
open the window keeps PyInstaller's behaviour unchanged. If PyInstaller's
internals change, nothing is patched (workers then load QtCore, which the
bundle's smoke test reports).
"""


def _mpscope_rthook():
    import sys

    args = sys.argv[1:]
    worker = "--multiprocessing-fork" in args or (
        len(args) >= 2 and args[-2] == "-c" and args[-1].startswith("from multiprocessing")
    )
    if not worker:
        return
    try:
        from _pyi_rth_utils import qt
    except ImportError:
        return
    if hasattr(qt, "create_embedded_qt_conf"):
        qt.create_embedded_qt_conf = lambda *_args, **_kwargs: None


_mpscope_rthook()
del _mpscope_rthook
