"""`python -m mpscope`: the same commands as the `mpscope` script."""

import multiprocessing
import sys

if __name__ == "__main__":
    # First of all: in a frozen app each worker re-runs this program with
    # `--multiprocessing-fork`; freeze_support() then runs the worker and exits.
    multiprocessing.freeze_support()

    from mpscope.cli import main

    sys.exit(main())
