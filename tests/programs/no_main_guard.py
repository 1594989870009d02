"""Starts a process without the `if __name__ == "__main__":` guard (fine under fork only)."""

import multiprocessing as mp
import sys


def greet():
    print("hello from the child", flush=True)


context = mp.get_context(sys.argv[1] if len(sys.argv) > 1 else "spawn")
child = context.Process(target=greet)
child.start()
child.join()
print("child exit code:", child.exitcode)
