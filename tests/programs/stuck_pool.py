"""A pool whose two tasks never end (they wait in a known function) and a main program that
waits for them in another; `mpscope watch` tests ask both for their stacks."""

import multiprocessing as mp
import sys
import time


def deeply_stuck_in_pool(item):
    sys.stdout.write(f"pool-ready {item}\n")  # one write: the two lines never interleave
    sys.stdout.flush()
    while True:
        time.sleep(0.05)


def main_waits_here(pool):
    return pool.map(deeply_stuck_in_pool, [1, 2], chunksize=1)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    with mp.Pool(2) as pool:
        main_waits_here(pool)
