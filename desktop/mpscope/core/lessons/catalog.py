"""The eleven lessons: for each, the run(s) it launches, the code shown and the key points."""

from __future__ import annotations

from mpscope.core.lessons import (
    Lesson,
    channels,
    daemons,
    errors,
    gil,
    pools,
    processes,
    scaling,
    shared,
    start_methods,
    terminate,
)
from mpscope.core.lessons.source import source_of
from mpscope.core.tasks import builtin

L = "mpscope.core.lessons"  # lesson tasks are named "mpscope.core.lessons.<module>:<function>"


def _pool(title: str, task: str, items: int, method: str, chunksize: int = 0,
          processes: int = 2) -> str:
    chunk = f"chunksize = {chunksize}\n" if chunksize else ""
    return (f'title = "{title}"\n\n[pool]\ntask = "{task}"\nitems = {items}\n'
            f'processes = {processes}\nmethod = "{method}"\n{chunk}')


PROCESS_BASICS = f"""\
title = "Lesson 1: process basics"

# Reads the live process tree (like pstree) from inside a worker, then joins its children.
[[workers]]
task = "{L}.processes:process_tree"
name = "tree"
args = {{ children = 2, grandchildren = 1, seconds = 4.0 }}

# A worker with children of its own: they show up in the tree too.
[[workers]]
task = "spawn_children"
name = "parent"
args = {{ children = 2, seconds = 4.0 }}

[[workers]]
task = "sleep_io"
name = "sleeper"
count = 2
args = {{ seconds = 4.0 }}
"""

GIL = f"""\
title = "Lesson 2: threads against processes (the GIL)"

[[workers]]
task = "{L}.gil:threads_vs_processes"
name = "gil"
# workers = 0 means one per CPU; work is the number of loop iterations in all.
args = {{ workers = 0, work = 40_000_000 }}
"""

POOL_METHODS = {
    "map": _pool("Lesson 3: Pool.map", f"{L}.pools:uneven_slow", 20, "map"),
    "imap": _pool("Lesson 3: Pool.imap", f"{L}.pools:uneven_slow", 20, "imap", 1),
    "imap_unordered": _pool("Lesson 3: Pool.imap_unordered", f"{L}.pools:uneven_slow", 20,
                            "imap_unordered", 1),
    "apply_async + callback": _pool("Lesson 3: Pool.apply_async", f"{L}.pools:uneven_slow", 20,
                                    "apply_async"),
    "apply_async + error_callback": _pool("Lesson 3: apply_async with error_callback",
                                          f"{L}.pools:fails_on_3", 12, "apply_async"),
    "all methods side by side": f"""\
title = "Lesson 3: when do results arrive?"

[[workers]]
task = "{L}.pools:pool_methods_demo"
name = "methods"
args = {{ items = 12, processes = 2 }}
""",
}

CHUNKSIZE = {
    "chunksize = 1": _pool("Lesson 4: chunksize 1", f"{L}.pools:square", 20_000, "imap", 1),
    "chunksize = 1000": _pool("Lesson 4: chunksize 1000", f"{L}.pools:square", 20_000, "imap",
                              1000),
    "chunksize too large": _pool("Lesson 4: chunks too large for uneven items",
                                 f"{L}.pools:uneven_slow", 20, "map", 7),
    "timing table": f"""\
title = "Lesson 4: timing chunksizes"

[[workers]]
task = "{L}.pools:chunksize_timing"
name = "chunksize"
args = {{ items = 100_000, processes = 2, chunksizes = [1, 10, 100, 1000] }}
""",
}

_SCALING = f"""\
title = "Lesson 5: how many processes?"

[[workers]]
task = "{L}.scaling:scaling"
name = "scaling"
# max_processes = 0: 1 to one per CPU; serial: the share of the CPU work that only one
# process can do (Amdahl's serial fraction); io_processes = 0: 1 to two per CPU.
args = {{ max_processes = 0, serial = 0.1, io_processes = 0, repeats = 3{{extra}} }}
"""
SCALING = {
    "up to one per CPU": _SCALING.replace("{extra}", ""),
    "up to two per CPU": _SCALING.replace("{extra}", ", oversubscribe = true"),
}

QUEUE_PIPE = f"""\
title = "Lesson 6: Queue, SimpleQueue and Pipe"

[[workers]]
task = "{L}.channels:channel_throughput"
name = "throughput"
args = {{ messages = 200_000 }}
"""

SHARED_MEMORY = f"""\
title = "Lesson 7: shared memory and lost updates"

[[workers]]
task = "{L}.shared:lost_updates"
name = "counter"
args = {{ processes = 4, increments = 500_000 }}
"""

DAEMONS = f"""\
title = "Lesson 8: daemon processes"

# A small program starts a daemon and a non-daemon child, then reaches its end.
[[workers]]
task = "{L}.daemons:daemon_exit"
name = "at-exit"
args = {{ seconds = 2.0 }}

# A daemon worker may not have children: this one fails as it tries.
[[workers]]
task = "spawn_children"
name = "daemon-parent"
daemon = true
args = {{ children = 1, seconds = 2.0 }}

# The same task in a non-daemon worker works.
[[workers]]
task = "spawn_children"
name = "normal-parent"
args = {{ children = 1, seconds = 2.0 }}
"""

_CRASHES = "".join(f"""
[[workers]]
task = "crash"
name = "crash-{kind}"
args = {{ kind = "{kind}", after = 1.5 }}
""" for kind in ("exit", "os_exit", "segfault", "abort"))

EXCEPTIONS = {
    "in processes": f"""\
title = "Lesson 9: exceptions and crashes in children"

# risky(x) raises ValueError when x is a multiple of 3.
[[workers]]
task = "risky"
name = "risky-ok"
args = {{ x = 4 }}

[[workers]]
task = "risky"
name = "risky-fails"
args = {{ x = 3 }}

# What the parent catches when a pool item raises.
[[workers]]
task = "{L}.errors:pool_exceptions"
name = "pool-errors"
args = {{ items = 8, processes = 2 }}

# Four ways to die without raising an exception.
{_CRASHES}""",
    "error_callback in a pool": _pool("Lesson 9: apply_async with error_callback", "risky", 12,
                                      "apply_async"),
}

_START_COSTS = f"""
[[workers]]
task = "{L}.start_methods:start_costs"
name = "start-costs"
args = {{ starts = 10 }}
"""
_PICKLING = f"""
[[workers]]
task = "{L}.start_methods:pickling_lambda"
name = "pickling"
"""
_MAIN_GUARD = f"""
[[workers]]
task = "{L}.start_methods:missing_main_guard"
name = "main-guard"
args = {{ timeout = 20.0 }}
"""
START_METHODS = {
    "all three": 'title = "Lesson 10: start methods"\n' + _START_COSTS + _PICKLING + _MAIN_GUARD,
    "start-up cost": 'title = "Lesson 10: start-up cost"\n' + _START_COSTS,
    "pickling a lambda": 'title = "Lesson 10: pickling"\n' + _PICKLING,
    "the __main__ guard": 'title = "Lesson 10: the __main__ guard"\n' + _MAIN_GUARD,
}

TERMINATE_QUEUE = f"""\
title = "Lesson 11: terminate() and a shared Queue"

[[workers]]
task = "{L}.terminate:terminate_shared_queue"
name = "terminate"
args = {{ trials = 20, writers = 3, stall_timeout = 1.0 }}
"""


def build() -> list[Lesson]:
    """Make the lessons (called once, when the registry is first used)."""
    def lesson(number: int, lesson_id: str, title: str, run: str | dict[str, str], code: str,
               notice: str, kind: str) -> Lesson:
        variants = dict(run) if isinstance(run, dict) else {}
        config = next(iter(variants.values())) if variants else str(run)
        return Lesson(lesson_id, number, title, config, code, notice.strip(), kind, variants)

    return [
        lesson(1, "process_basics", "Process basics", PROCESS_BASICS,
               source_of(processes.process_tree, builtin.spawn_children),
               """
start() returns at once; the child runs alongside its parent until join() waits for it.
Every process has its own pid and knows its parent's pid: together they form a tree.
A child can have children of its own; the Workers panel shows each worker's pid.
""", "table"),
        lesson(2, "gil", "Threads vs processes (the GIL)", GIL,
               source_of(gil.burn, gil.threads_vs_processes),
               """
Only one thread at a time runs Python code in a process (the GIL).
Threads do not speed up CPU-bound Python: the CPU panel shows one busy core.
Processes each have their own interpreter and GIL, so they use every core.
""", "table"),
        lesson(3, "pool_methods", "Pool methods: map, imap, imap_unordered, apply_async",
               POOL_METHODS, source_of(pools.uneven_slow, pools.fails_on_3,
                                       pools.pool_methods_demo),
               """
map blocks until every result is ready and returns them in input order.
imap yields results in input order: one slow item holds back the rest.
imap_unordered and apply_async callbacks deliver results as they finish.
error_callback receives a failing call's exception; the other calls go on.
""", "pool"),
        lesson(4, "chunksize", "chunksize", CHUNKSIZE,
               source_of(pools.square, pools.uneven_slow, pools.chunksize_timing),
               """
Each chunk is one message to a pool process and one back: it has a fixed cost.
With tiny tasks, chunksize 1 spends most of the time sending; big chunks are much faster.
With uneven tasks, chunks that are too large leave some processes idle at the end.
""", "pool"),
        lesson(5, "scaling", "How many processes?", SCALING,
               source_of(scaling.scaling),
               """
Speedup = time with 1 process / time with n; efficiency = speedup / n.
CPU-bound work stops speeding up at the number of cores.
A serial part s caps the speedup at 1/s (Amdahl's law), however many cores.
I/O-bound work (waiting) keeps speeding up beyond the core count.
""", "scaling"),
        lesson(6, "queue_pipe", "Queue and Pipe", QUEUE_PIPE,
               source_of(channels.producer, channels.consume, channels.channel_throughput),
               """
A Pipe connects two ends; a Queue is a Pipe plus locks and a feeder thread.
Queue.put() returns before the data is sent: a background thread sends it.
Every message has a fixed cost: sending 100 items per message is far faster.
""", "table"),
        lesson(7, "shared_memory", "Shared memory and locks", SHARED_MEMORY,
               source_of(shared.add_without_lock, shared.add_with_lock, shared.add_to_own_slot,
                         shared.lost_updates),
               """
counter.value += 1 is read, add, write: another process can write in between.
Value has a lock, but += does not hold it across the read and the write.
with counter.get_lock(): makes the count exact, and slower.
Best of all: give each process its own slot and add them up at the end.
""", "table"),
        lesson(8, "daemons", "Daemon processes", DAEMONS,
               source_of(daemons.work_and_mark, daemons.main_program, daemons.daemon_exit),
               """
At normal exit, Python terminates daemon children and joins (waits for) the others.
A daemon child's unfinished work is lost; a non-daemon child delays the exit.
A daemon process may not have children: start() fails with an AssertionError.
""", "table"),
        lesson(9, "exceptions", "Exceptions and crashes in children", EXCEPTIONS,
               source_of(builtin.risky, builtin.crash, pools.fails_on_3, errors.pool_exceptions),
               """
An exception in a Process ends that process (exit code 1); the parent carries on.
A pool sends the exception back: map and get() raise it again in the parent.
error_callback receives it instead, and the other calls are not affected.
A crash (os._exit, a signal) leaves no exception at all: only an exit code.
""", "workers"),
        lesson(10, "start_methods", "Start methods, pickling and the __main__ guard",
               START_METHODS,
               source_of(start_methods.start_costs, start_methods.pickling_lambda,
                         start_methods.missing_main_guard),
               """
fork copies the parent: fast, but unsafe once the parent has threads (Unix only).
spawn starts a fresh interpreter: slower, the default on Windows and macOS, used by mpscope.
forkserver forks each child from a small, clean server process (Unix only).
Whatever a child needs is pickled: a function travels by its name, so a lambda cannot.
Under spawn the child imports the main script again: guard it with if __name__ == "__main__":.
""", "table"),
        lesson(11, "terminate_queue", "terminate() and a shared Queue", TERMINATE_QUEUE,
               source_of(terminate.queue_writer, terminate.shared_queue_trial,
                         terminate.engine_trial, terminate.terminate_shared_queue),
               """
A Queue shared by several writers has one lock for writing.
A writer terminated while holding it never releases it: the other writers block for good.
One channel per worker (as mpscope uses) cannot be blocked by another worker's death.
""", "table"),
    ]
