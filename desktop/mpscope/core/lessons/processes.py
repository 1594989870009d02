"""Lesson 1, process basics: start() and join(), pid and parent pid, a live process tree."""

from __future__ import annotations

import os
import time
from typing import Any

import psutil

from mpscope.core.lessons._common import context, end_all, table
from mpscope.core.worker.reporter import NULL_REPORTER, Reporter
from mpscope.core.worker.watchdog import start_orphan_watchdog


def process_tree(
    children: int = 2, grandchildren: int = 1, seconds: float = 3.0,
    reporter: Reporter | None = None,
) -> dict[str, Any]:
    """Start children that start grandchildren, snapshot the live process tree, join them all."""
    reporter = reporter or NULL_REPORTER
    ctx = context()
    me, parent = os.getpid(), os.getppid()
    reporter.log(f"this worker is pid {me}; its parent (mpscope) is pid {parent}")
    procs = []
    try:
        for i in range(children):
            child = ctx.Process(target=_child, args=(grandchildren, seconds), name=f"child-{i}")
            child.start()  # returns at once: the child now runs alongside this process
            procs.append(child)
            reporter.log(f"start(): {child.name} is pid {child.pid}")
        # Wait until every child has started its grandchildren, then look at the tree.
        expected = children * (1 + grandchildren)
        deadline = time.monotonic() + max(seconds, 5.0)
        while len(psutil.Process(me).children(recursive=True)) < expected:
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
        roles = {me: "this worker (process_tree)", parent: "mpscope (the parent)"}
        roles.update({child.pid: child.name for child in procs if child.pid})
        tree = describe_tree(psutil.Process(parent), roles)
        reporter.log("process tree:\n" + "\n".join(row[0] for row in _rows(tree)))
        exits = []
        for n, child in enumerate(procs, 1):
            child.join()  # wait until this child has ended
            exits.append([child.name, child.pid, child.exitcode])
            reporter.report(n, len(procs), f"joined {child.name}, exit code {child.exitcode}")
            reporter.log(f"join(): {child.name} (pid {child.pid}) ended, code {child.exitcode}")
    finally:
        end_all(procs)  # on a stop or an error, take the children down too
    return table(
        "The process tree, seen from inside a worker",
        ["process", "pid", "parent pid", "status"],
        _rows(tree),
        f"{children} children and {children * grandchildren} grandchildren started, "
        f"all joined; every process has its own pid and knows its parent's",
        tree=tree, me=me, parent=parent, exits=exits,
    )


def _child(grandchildren: int, seconds: float) -> None:
    """A child process: start grandchildren, sleep, then join them."""
    start_orphan_watchdog()  # end with the parent, even if it is killed
    ctx = context()
    procs = [ctx.Process(target=_grandchild, args=(seconds,)) for _ in range(grandchildren)]
    try:
        for proc in procs:
            proc.start()
        time.sleep(seconds)
        for proc in procs:
            proc.join()
    finally:
        end_all(procs)


def _grandchild(seconds: float) -> None:
    """A grandchild process: just be there for a while."""
    start_orphan_watchdog()
    time.sleep(seconds)


def describe_tree(process: psutil.Process, roles: dict[int, str]) -> dict[str, Any]:
    """{pid, ppid, name, status, children} for a process and all its descendants (like pstree)."""
    try:
        with process.oneshot():
            node: dict[str, Any] = {
                "pid": process.pid, "ppid": process.ppid(),
                "name": roles.get(process.pid) or _guess_role(process, roles),
                "status": process.status(),
            }
        kids = sorted(process.children(), key=lambda p: p.pid)
    except psutil.Error:  # it ended while we looked
        return {"pid": process.pid, "ppid": None, "name": "(ended)", "status": "gone",
                "children": []}
    node["children"] = [describe_tree(kid, roles) for kid in kids]
    return node


def _guess_role(process: psutil.Process, roles: dict[int, str]) -> str:
    try:
        cmdline = " ".join(process.cmdline())
    except psutil.Error:
        cmdline = ""
    for marker, role in (("resource_tracker", "resource tracker"), ("forkserver", "fork server")):
        if marker in cmdline:
            return role
    try:
        parent_role = roles.get(process.ppid(), "")
        name = process.name()
    except psutil.Error:
        return "(ended)"
    return f"grandchild (of {parent_role})" if parent_role.startswith("child-") else name


def _rows(node: dict[str, Any], depth: int = 0) -> list[list[Any]]:
    label = ("   " * (depth - 1) + "└─ " if depth else "") + node["name"]
    rows = [[label, node["pid"], node["ppid"], node["status"]]]
    for kid in node["children"]:
        rows += _rows(kid, depth + 1)
    return rows
