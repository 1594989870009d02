"""One pool process crashes with a segmentation fault; the executor reports a broken pool."""

import ctypes
import faulthandler
import multiprocessing as mp
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool


def work(number):
    if number == 2:
        faulthandler.disable()  # no crash dump: the segfault itself is the point
        ctypes.string_at(0)  # reads address 0: SIGSEGV
    return number


if __name__ == "__main__":
    context = mp.get_context(sys.argv[1] if len(sys.argv) > 1 else "spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as executor:
        try:
            print("results:", list(executor.map(work, range(4))))
        except BrokenProcessPool:
            print("a pool process crashed: the pool is broken")
            sys.exit(3)
