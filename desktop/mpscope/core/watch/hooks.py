"""Hooks installed in a watched program's main process: pool tasks and child processes reported.

Only the main program is changed, and only where the stdlib looks names up when
it creates a process: `multiprocessing.pool.worker` and
`concurrent.futures.process._process_worker` are module globals read when a
pool starts a process. Replaced by the wrappers in pool_side.py (an importable
module, so a spawned child unpickles them by name), every pool process runs the
stdlib's own loop with its two queues seen through thin proxies: taking a task
reports it began, putting its result reports how it ended, with the traceback
text the stdlib already made. No frame is added to the task's stack, and the
child needs no hook of its own, under spawn, forkserver and fork alike; a
`Process` target is wrapped the same way (`ProcessTarget`), for its output.

Besides, `BaseProcess.start` reports each process with its role, and
multiprocessing's `Popen.returncode` reports each exit code the program
collects. Pool and executor methods report the call (method, items, chunksize).

These are CPython internals: `install()` checks they look as expected and
otherwise leaves the program alone and says so in one line.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
import time
from typing import Any

from mpscope.core.watch import messages as wm
from mpscope.core.watch import output_tee
from mpscope.core.watch.client import channel
from mpscope.core.watch.pool_side import (
    POOL_KEY,
    ProcessTarget,
    executor_worker,
    originals,
    pool_worker,
)

SUPPORTED = ((3, 9), (3, 14))  # [from, to): versions whose internals were checked

_local = threading.local()


def install() -> str | None:
    """Install every hook; → None, or the reason tasks are not tracked (also sent once)."""
    problem = _check()
    if problem is None:
        try:
            _install()
        except Exception as exc:  # noqa: BLE001 - never break the program
            problem = f"cannot install the task hooks ({type(exc).__name__}: {exc})"
    if problem is not None:
        channel().send(wm.Notice(f"{problem}: watching processes only", time.time()))
    return problem


def _check() -> str | None:
    version = sys.version_info[:2]
    if not SUPPORTED[0] <= version < SUPPORTED[1]:
        return f"Python {version[0]}.{version[1]} is not one mpscope knows the pool internals of"
    if getattr(sys, "frozen", False):
        return "a frozen program"
    try:
        import concurrent.futures.process as cf_process
        import inspect
        import multiprocessing.pool as mp_pool
        import multiprocessing.popen_fork
        import multiprocessing.process  # noqa: F401

        pool_params = list(inspect.signature(mp_pool.worker).parameters)[:2]  # type: ignore[attr-defined]
        executor_params = list(inspect.signature(cf_process._process_worker).parameters)[:2]
        for needed in ("mapstar", "starmapstar", "Pool"):
            getattr(mp_pool, needed)
        cf_process._process_chunk  # noqa: B018 - checked to exist
    except Exception as exc:  # noqa: BLE001
        return f"this Python's multiprocessing internals differ ({type(exc).__name__}: {exc})"
    if pool_params != ["inqueue", "outqueue"] or executor_params != ["call_queue",
                                                                     "result_queue"]:
        return "this Python's pool internals differ from what mpscope knows"
    return None


def _install() -> None:
    import concurrent.futures.process as cf_process
    import multiprocessing.forkserver as mp_forkserver
    import multiprocessing.pool as mp_pool
    import multiprocessing.popen_fork as popen_fork
    import multiprocessing.process as mp_process
    import multiprocessing.resource_tracker as mp_tracker

    if originals:
        return
    output_tee.install()
    originals["pool_worker"] = mp_pool.worker  # type: ignore[attr-defined]
    originals["executor_worker"] = cf_process._process_worker
    mp_pool.worker = pool_worker  # type: ignore[attr-defined]
    cf_process._process_worker = executor_worker
    _wrap(mp_process.BaseProcess, "start", _started)
    _wrap(mp_forkserver.ForkServer, "ensure_running", _helper_started(
        "forkserver", "fork server", "multiprocessing.forkserver", "_forkserver_pid"))
    _wrap(mp_tracker.ResourceTracker, "ensure_running", _helper_started(
        "tracker", "resource tracker", "multiprocessing.resource_tracker", "_pid"))
    popen_fork.Popen.returncode = property(  # type: ignore[assignment]
        _get_returncode, _set_returncode)
    _wrap(mp_pool.Pool, "apply_async", _pool_call("apply_async", lambda a, r: 1))
    _wrap(mp_pool.Pool, "_map_async", _pool_call("map", lambda a, r: len(r._value)))
    _wrap(mp_pool.IMapIterator, "__init__", _remember_job)
    _wrap(mp_pool.Pool, "imap", _pool_call("imap", _sized))
    _wrap(mp_pool.Pool, "imap_unordered", _pool_call("imap_unordered", _sized))
    _wrap(cf_process.ProcessPoolExecutor, "submit", _executor_call("submit"))
    _wrap(cf_process.ProcessPoolExecutor, "map", _executor_call("map"))


def _wrap(owner: Any, name: str, make: Any) -> None:
    original = getattr(owner, name)
    originals[f"{owner.__name__}.{name}"] = original
    wrapper = make(original)
    functools.update_wrapper(wrapper, original)
    setattr(owner, name, wrapper)


def _started(original: Any) -> Any:
    def start(self: Any, *args: Any, **kwargs: Any) -> Any:
        role = None
        with contextlib.suppress(Exception):
            role = _role_of(self)  # before start(): it deletes the target and arguments
            if role[0] == "process" and getattr(self, "_target", None) is not None:
                self._target = ProcessTarget(self._target)
        result = original(self, *args, **kwargs)
        if role is not None:
            with contextlib.suppress(Exception):
                channel().send(wm.ProcessStarted(self.pid, os.getpid(), role[0], self.name,
                                                 role[1], role[2], time.time()))
        return result

    return start


def _helper_started(role: str, name: str, target: str, pid_attribute: str) -> Any:
    """Report multiprocessing's own helper (fork server, resource tracker) once it runs:
    a scan of the process tree can miss one that lives only a fraction of a second."""
    def make(original: Any) -> Any:
        def ensure_running(self: Any, *args: Any, **kwargs: Any) -> Any:
            before = getattr(self, pid_attribute, None)
            result = original(self, *args, **kwargs)
            with contextlib.suppress(Exception):
                pid = getattr(self, pid_attribute, None)
                if pid and pid != before:
                    channel().send(wm.ProcessStarted(pid, os.getpid(), role, name, target, 0,
                                                     time.time()))
            return result

        return ensure_running

    return make


def _role_of(process: Any) -> tuple[Any, ...]:
    """(role, target name, pool key); a pool process gets its pool's key as a keyword."""
    target = getattr(process, "_target", None)
    process_args = getattr(process, "_args", ())
    if (target is pool_worker or target is executor_worker) and process_args:
        pool = id(process_args[0])
        process._kwargs = {**process._kwargs, POOL_KEY: pool}  # pickled with it under spawn
        return ("pool" if target is pool_worker else "executor"), "", pool
    return "process", (_callable_name(target) if target is not None else ""), 0


def _callable_name(target: Any) -> str:
    module = getattr(target, "__module__", None) or ""
    name = getattr(target, "__qualname__", None) or getattr(target, "__name__", None)
    if name is None:
        return type(target).__name__
    return name if module in ("__main__", "__mp_main__", "") else f"{module}.{name}"


def _get_returncode(self: Any) -> Any:
    return self.__dict__.get("_mpscope_returncode")


def _set_returncode(self: Any, value: Any) -> None:
    self.__dict__["_mpscope_returncode"] = value
    if value is not None:
        try:
            pid = getattr(self, "pid", None)
            if pid:
                channel().send(wm.ProcessEnded(pid, value, time.time()))
        except Exception:  # noqa: BLE001
            pass


def _remember_job(original: Any) -> Any:
    # imap with chunksize > 1 returns a generator over the iterator: its job id is caught here.
    def init(self: Any, *args: Any, **kwargs: Any) -> Any:
        original(self, *args, **kwargs)
        _local.job = getattr(self, "_job", None)

    return init


def _sized(args: tuple[Any, ...], result: Any) -> int | None:
    iterable = args[1] if len(args) > 1 else None
    try:
        return len(iterable)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - a generator: the count is unknown
        return None


def _pool_call(method: str, items_of: Any) -> Any:
    def make(original: Any) -> Any:
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            _local.job = None
            result = original(self, *args, **kwargs)
            try:
                job = getattr(result, "_job", None)
                job = _local.job if job is None else job
                name = method
                if method == "map" and getattr(args[2] if len(args) > 2 else kwargs.get(
                        "mapper"), "__name__", "") == "starmapstar":
                    name = "starmap"
                chunksize = getattr(result, "_chunksize", None) or (
                    kwargs.get("chunksize") or (args[2] if method.startswith("imap")
                                                and len(args) > 2 else 1))
                channel().send(wm.PoolCall(
                    "pool", id(self._inqueue), name, job, job + 1,
                    items_of(args, result), int(chunksize or 1), time.time()),
                    batch=method == "apply_async")
            except Exception:  # noqa: BLE001
                pass
            return result

        return call

    return make


def _executor_call(method: str) -> Any:
    def make(original: Any) -> Any:
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            if getattr(_local, "inside", False):  # map's own submits
                return original(self, *args, **kwargs)
            first = getattr(self, "_queue_count", 0)
            _local.inside = True
            try:
                result = original(self, *args, **kwargs)
            finally:
                _local.inside = False
            try:
                last = getattr(self, "_queue_count", first + 1)
                items: int | None = 1
                chunksize = 1
                if method == "map":
                    chunksize = int(kwargs.get("chunksize", 1) or 1)
                    try:
                        items = min(len(it) for it in args[1:]) if len(args) > 1 else 0
                    except Exception:  # noqa: BLE001
                        items = None
                channel().send(wm.PoolCall("executor", id(self._call_queue), method, first,
                                           last, items, chunksize, time.time()),
                               batch=method == "submit")
            except Exception:  # noqa: BLE001
                pass
            return result

        return call

    return make
