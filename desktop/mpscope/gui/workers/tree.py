"""The process tree of a run's records: each row's depth and a key that orders rows depth-first."""

from __future__ import annotations

from collections.abc import Sequence

from mpscope.core.engine.run_state import WorkerRecord


def tree_layout(records: Sequence[WorkerRecord]) -> dict[int, tuple[int, str]]:
    """wid → (depth, key): a record's parent is the row whose pid is its `parent` pid.

    Sorting by key lists each process right after its parent, children in the order
    they appeared (as `pstree` shows). Records without a known parent are roots: a
    configuration run's workers are all roots, so the order stays the run's own.
    """
    by_pid: dict[int, WorkerRecord] = {}
    for record in records:
        # A reused pid: the live process owns it, else the latest row that had it.
        if record.pid is not None:
            held = by_pid.get(record.pid)
            if held is None or not record.state.is_final or held.state.is_final:
                by_pid[record.pid] = record
    layout: dict[int, tuple[int, str]] = {}
    position = {r.wid: index for index, r in enumerate(records)}

    def place(record: WorkerRecord, seen: frozenset[int]) -> tuple[int, str]:
        done = layout.get(record.wid)
        if done is not None:
            return done
        own = f"{position[record.wid]:06d}"
        parent = by_pid.get(record.parent) if record.parent is not None else None
        if parent is None or parent is record or parent.wid in seen:
            layout[record.wid] = (0, own)
        else:
            depth, key = place(parent, seen | {record.wid})
            layout[record.wid] = (depth + 1, f"{key}/{own}")
        return layout[record.wid]

    for record in records:
        place(record, frozenset())
    return layout
