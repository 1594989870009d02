"""apply_async with a callback and an error_callback; one task raises."""

import multiprocessing as mp
import sys


def risky(number):
    if number == 3:
        raise ValueError(f"{number} is unlucky")
    return number * 10


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1] if len(sys.argv) > 1 else "spawn")
    results, errors = [], []
    with mp.Pool(2) as pool:
        for number in range(6):
            pool.apply_async(risky, (number,), callback=results.append,
                             error_callback=lambda error: errors.append(str(error)))
        pool.close()
        pool.join()
    print("results:", sorted(results))
    print("errors:", errors)
