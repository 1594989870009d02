"""Lesson 8: daemon processes -- what happens to children when the program ends.

Run it:  python 08_daemons.py

When the main process reaches its end normally, multiprocessing's exit hook
(registered with atexit) first TERMINATES every child marked daemon=True,
then JOINS (waits for) every other child. So a daemon child's unfinished
work is lost, and a non-daemon child delays the exit until it is done.

That hook only runs on a normal exit: after os._exit(), a kill signal or a
crash nobody terminates the daemon child -- it keeps running on its own.

To see this, the lesson runs a small program (this same file, with the
argument "program") twice and watches what its children managed to do.
A daemon process may not start children of its own; pool processes are
daemons too.
"""

import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time


def slow_child(folder, name, seconds):
    """Write "<name>.started", work for `seconds`, then write "<name>.finished"."""
    open(os.path.join(folder, name + ".started"), "w").close()
    time.sleep(seconds)
    open(os.path.join(folder, name + ".finished"), "w").close()


def program(folder, how):
    """The small program: a daemon child (1 s of work) and a normal one (0.5 s)."""
    daemon = mp.Process(target=slow_child, args=(folder, "daemon", 1.0), daemon=True)
    normal = mp.Process(target=slow_child, args=(folder, "normal", 0.5))
    daemon.start()
    normal.start()
    while not os.path.exists(os.path.join(folder, "daemon.started")):
        time.sleep(0.01)  # both children are at work now
    if how == "os._exit":
        os._exit(0)  # no atexit hooks: nobody terminates or joins the children
    # Reaching the end: the exit hook terminates the daemon, then joins the other.


def try_child_of_daemon(answer):
    try:
        grandchild = mp.Process(target=time.sleep, args=(0.1,))
        grandchild.start()
        grandchild.join()
        answer.put("started")
    except AssertionError as error:  # "daemonic processes are not allowed to have children"
        answer.put(type(error).__name__)


def is_daemon(_):
    return mp.current_process().daemon


def main():
    rows = []
    for how in ("normal end", "os._exit"):
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            subprocess.run([sys.executable, __file__, "program", folder, how], check=True)
            exit_s = time.perf_counter() - start
            time.sleep(1.2)  # long enough for a surviving daemon child to finish its work
            done = set(os.listdir(folder))
            rows.append([phrase("the program reached its end") if how == "normal end"
                         else phrase("the program called os._exit(0)"),
                         "normal.finished" in done, "daemon.finished" in done, exit_s])
    table("A daemon child (1 s of work) and a normal child (0.5 s) when the program ends",
          ["how the program ended", "normal child finished", "daemon child finished",
           "program took (s)"], rows)
    normal_end, os_exit = rows
    if not normal_end[2] and normal_end[1]:
        say("At a normal end the daemon child was terminated before finishing its work, and "
            "the program waited for the normal child ({seconds:.2f} s in all).",
            seconds=normal_end[3])
    else:
        say("Unexpected here: at a normal end the daemon child finished: {daemon}, the normal "
            "child finished: {normal}.", daemon=normal_end[2], normal=normal_end[1])
    if os_exit[2]:
        say("After os._exit(0) no exit hook ran: nobody terminated the daemon child, and it "
            "finished its work on its own.")
    else:
        say("After os._exit(0) the daemon child did not finish its work within 1.2 s here.")

    answer = mp.Queue()
    daemon = mp.Process(target=try_child_of_daemon, args=(answer,), daemon=True)
    daemon.start()
    outcome = answer.get(timeout=60)
    daemon.join()
    say("A daemon process that tries to start a child gets: {outcome} (the check is an "
        "assert, so python -O skips it).", outcome=outcome)
    with mp.Pool(2) as pool:
        say("Pool processes are daemons: daemon = {daemon}.", daemon=pool.map(is_daemon, [0])[0])
    finish("daemons")


# -- printing the results ------------------------------------------------------------
# Each table and finding is printed for you to read, and kept: the last line
# repeats them all as JSON ("LESSON-RESULT {...}") for programs that read them.
RESULT = {"tables": [], "findings": []}


def table(title, columns, rows):
    """Print a table, and keep it for the result line."""
    RESULT["tables"].append({"title": title, "columns": columns, "rows": rows})
    cells = [columns] + [[show(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print(line.rstrip())
        if n == 0:
            print("  ".join("-" * width for width in widths))
    print()


def say(text, **values):
    """Print one finding, and keep it for the result line."""
    RESULT["findings"].append(phrase(text, **values))
    print(show(RESULT["findings"][-1]))


def phrase(text, **values):
    """Words for a table cell or a finding: the text with {names} filled in from values."""
    return {"text": text, "values": values}


def show(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    if isinstance(value, dict):
        return value["text"].format(**value["values"])
    return str(value)


def finish(lesson):
    print("LESSON-RESULT " + json.dumps({"lesson": lesson, **RESULT}), flush=True)


if __name__ == "__main__":  # needed: under spawn, every child imports this file again
    if sys.argv[1:2] == ["program"]:
        program(*sys.argv[2:4])
    else:
        main()
