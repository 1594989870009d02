"""Estimate π with Monte Carlo sampling on a process pool (Pool.map), as tutorials show it."""

import multiprocessing as mp
import random
import sys


def monte_carlo(samples):
    rng = random.Random(samples)  # seeded: the same answer on every run
    inside = 0
    for _ in range(samples):
        x, y = rng.random(), rng.random()
        if x * x + y * y <= 1.0:
            inside += 1
    return inside


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1] if len(sys.argv) > 1 else "spawn")
    samples = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    with mp.Pool(4) as pool:
        counts = pool.map(monte_carlo, [samples + i for i in range(8)])
    total = sum(samples + i for i in range(8))
    print(f"pi is about {4 * sum(counts) / total:.6f}")
