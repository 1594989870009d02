"""`python -m mpscope`: the same commands as the `mpscope` script."""

import sys

from mpscope.cli import main

if __name__ == "__main__":
    sys.exit(main())
