"""Reports progress and log lines to mpscope when watched; runs the same without it."""

import multiprocessing as mp
import sys

try:
    from mpscope import log, progress
except ImportError:  # mpscope not installed: the same calls do nothing
    def progress(done, total=None, note=None):
        pass

    def log(text):
        pass


def child(steps):
    for step in range(steps):
        progress(step + 1, steps, note=f"child step {step + 1}")
    log("child finished")


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1] if len(sys.argv) > 1 else "spawn")
    worker = mp.Process(target=child, args=(50,), name="child")
    worker.start()
    for step in range(200):
        progress(step + 1, 200)
    log("main: all 200 steps done")
    worker.join()
    print("done", worker.exitcode)
