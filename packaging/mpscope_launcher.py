"""Entry script of the frozen mpscope bundle (packaging/mpscope.spec).

In a frozen app, `spawn` and `forkserver` start each worker (and the resource
tracker) by re-running this very executable with `--multiprocessing-fork` or
`-c "from multiprocessing… import main"`. `freeze_support()` must therefore be
the first thing that runs: it recognises those arguments, runs the worker and
exits, so a worker never reaches the command line parser, let alone Qt.
(PyInstaller's runtime hook makes `freeze_support()` work on Linux and macOS,
not only on Windows.)
"""

import multiprocessing
import os
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()

    # A bundle ignores $PYTHONPATH; honour it (after the bundle's own modules) so that
    # tasks of your own, "package.module:function", can be found. Workers inherit sys.path.
    sys.path.extend(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p)

    from mpscope.cli import main

    sys.exit(main())
