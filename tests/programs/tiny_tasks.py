"""Many tiny tasks, one item each, then the pool ends at once (its `with` block terminates
the pool processes right after the last result)."""

import multiprocessing as mp
import sys


def square(number):
    return number * number


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1] if len(sys.argv) > 1 else "spawn")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    with mp.Pool(2) as pool:
        print("sum:", sum(pool.imap_unordered(square, range(count), chunksize=1)))
