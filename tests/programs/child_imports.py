"""Says what a pool process has loaded: watched, it must stay as light as it is bare."""

import multiprocessing as mp
import sys


def loaded(_):
    return "typing" in sys.modules, sorted(m for m in sys.modules if m.startswith("mpscope"))


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1] if len(sys.argv) > 1 else "spawn")
    with mp.Pool(1) as pool:
        print(pool.map(loaded, [0])[0])
