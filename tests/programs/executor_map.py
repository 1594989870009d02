"""ProcessPoolExecutor.map over a list, in chunks."""

import multiprocessing as mp
import sys
from concurrent.futures import ProcessPoolExecutor


def cube(number):
    return number ** 3


if __name__ == "__main__":
    context = mp.get_context(sys.argv[1] if len(sys.argv) > 1 else "spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as executor:
        cubes = list(executor.map(cube, range(30), chunksize=4))
    print("cubes:", cubes[:5], "…", cubes[-1])
    print("sum:", sum(cubes))
