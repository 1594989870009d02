"""The tags of the frames a watched program sends most: plain tuples `(TAG, *fields)`.

A pool may report tens of thousands of tasks a second, and a plain tuple
unpickles in a third of a NamedTuple's time. Kept apart from messages.py so the
program's child processes need not import `typing` to send them.
"""

BEGAN, DONE = 0, 1  # (BEGAN, kind, pool, job, part, items, pid, t) and
#                     (DONE, kind, pool, job, part, ok, error, traceback, pid, t): see messages.py
RAN = 3  # BEGAN and DONE of one task in one frame: (RAN, kind, pool, job, part, items, ok,
#          error, traceback, pid, started, ended)
OUTPUT = 4  # a copy of what a process wrote: (OUTPUT, pid, stream 1 | 2, text); output_tee.py
HELLO = 5  # a process opened its stream (its first frame): (HELLO, pid, ppid, t)
