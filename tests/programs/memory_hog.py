"""A child process that keeps allocating (80 MiB a second, up to 1 GiB) and a main program that
reports how it ended: `mpscope watch --memory-limit` must stop the child, not the program."""

import multiprocessing as mp
import signal
import sys
import time


def hog(stubborn):
    if stubborn:  # Ctrl-C does not stop it: mpscope must escalate
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    kept = []
    for _ in range(256):
        kept.append(b"\x01" * (4 << 20))  # touched pages: resident at once
        time.sleep(0.05)
    time.sleep(60)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    child = mp.Process(target=hog, args=(sys.argv[2:] == ["stubborn"],), name="hog")
    child.start()
    child.join()
    print(f"child ended with {child.exitcode}", flush=True)
