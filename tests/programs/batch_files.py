"""A batch job: each pool task writes one report file into a folder."""

import multiprocessing as mp
import os
import sys


def write_report(job):
    folder, number = job
    path = os.path.join(folder, f"report-{number:02d}.txt")
    # To stderr (a pool process's stdout buffer is lost when the pool terminates it), in one
    # write: print() writes "writing", " ", the path and "\n" apart, and on an unbuffered
    # stream the three processes' words then mix on one line.
    sys.stderr.write(f"writing {path}\n")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(f"report {number}: {number * number}\n")
    return os.path.basename(path)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1] if len(sys.argv) > 1 else "spawn")
    folder = sys.argv[2] if len(sys.argv) > 2 else "reports"
    os.makedirs(folder, exist_ok=True)
    with mp.Pool(3) as pool:
        for name in pool.imap(write_report, [(folder, n) for n in range(12)], chunksize=2):
            print("wrote", name)
