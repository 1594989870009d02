"""A small process tree: the main program starts `middle` (which starts its own `grandchild`)
and a `sibling`; it reports how `middle` ended and whether `sibling` lived through it."""

import multiprocessing as mp
import sys
import time


def sleeper() -> None:
    time.sleep(120)


def middle(context_name: str) -> None:
    grandchild = mp.get_context(context_name).Process(target=sleeper, name="grandchild")
    grandchild.start()
    grandchild.join()


if __name__ == "__main__":
    method = sys.argv[1] if len(sys.argv) > 1 else "fork"
    context = mp.get_context(method)
    first = context.Process(target=middle, args=(method,), name="middle")
    first.start()
    other = context.Process(target=sleeper, name="sibling")
    other.start()
    first.join()
    print(f"middle ended: {first.exitcode}; sibling alive: {other.is_alive()}", flush=True)
    other.terminate()
    other.join()
