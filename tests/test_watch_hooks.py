"""A pool process tells its tasks through its slot file: the task it runs, and a ring of those
it finished, written before the result goes (the pool may SIGTERM it right after). Frames
carry failures, and the tasks a full ring cannot take."""

from __future__ import annotations

import os
import pickle
import socket
from pathlib import Path
from typing import Any

import pytest

from mpscope.core.watch import client, pool_side, task_rings
from mpscope.core.watch import messages as wm
from mpscope.core.watch.task_rings import TaskRings, held_task, ring_entries
from mpscope.core.worker.channel import HEADER


class _RecordingQueue:
    """Stands for the pool's result queue: notes whether reports were still waiting."""

    def __init__(self) -> None:
        self.waiting_at_put: list[bool] = []

    def put(self, obj: Any) -> None:
        self.waiting_at_put.append(client.channel().waiting)


def _frames(data: bytes) -> list[Any]:
    frames, at = [], 0
    while at + HEADER.size <= len(data):
        (size,) = HEADER.unpack_from(data, at)
        frames.append(pickle.loads(data[at + HEADER.size:at + HEADER.size + size]))
        at += HEADER.size + size
    return frames


@pytest.fixture
def watched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    address = str(tmp_path / "watch.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(address)
    server.listen(1)
    monkeypatch.setenv(client.ENV_ADDRESS, address)
    monkeypatch.setattr(client, "_channel", client.Channel())
    yield server
    client.channel()._close()
    server.close()


def _received(server: socket.socket) -> list[Any]:
    connection, _ = server.accept()
    connection.settimeout(2)
    data = b""
    try:
        while chunk := connection.recv(65536):
            data += chunk
    except TimeoutError:
        pass
    connection.close()
    return _frames(data)


def test_a_task_is_in_the_slot_while_it_runs_and_in_the_ring_before_its_result(
        watched: socket.socket, tmp_path: Path) -> None:
    results = _RecordingQueue()
    inbox = pool_side._PoolInbox(_Tasks([(7, i, len, ((),), {}) for i in range(3)]), 1)
    outbox = pool_side._PoolOutbox(results, 1)
    path = tmp_path / f"task-{os.getpid()}"
    counts = []
    for i in range(3):
        job, index, *_ = inbox.get()
        held = held_task(path.read_bytes())
        assert held is not None and held[:5] == (0, 1, 7, i, 1)  # Pool, pool 1, job 7, part i
        outbox.put((job, index, (True, i)))
        slot = path.read_bytes()
        counts.append(ring_entries(slot)[0])
        assert held_task(slot) is None  # holds no task any more
    assert counts == [1, 2, 3]
    entries = ring_entries(path.read_bytes())[1]
    assert [(ok, job, part) for ok, _, _, job, part, *_ in entries] == [(1, 7, 0), (1, 7, 1),
                                                                         (1, 7, 2)]
    assert results.waiting_at_put == [False, False, False]  # no frame: the ring tells them
    client.channel()._close()
    frames = _received(watched)
    assert [frame[:2] for frame in frames] == [(wm.HELLO, os.getpid())]


def test_the_ring_goes_on_as_mpscope_takes_it_and_frames_take_over_when_it_is_full(
        watched: socket.socket, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "RING_SIZE", 4)
    monkeypatch.setattr(task_rings, "RING_SIZE", 4)
    inbox = pool_side._PoolInbox(_Tasks([(7, i, len, ((),), {}) for i in range(15)]), 1)
    outbox = pool_side._PoolOutbox(_RecordingQueue(), 1)
    rings, taken = TaskRings(str(tmp_path / "watch.sock")), []
    for i in range(10):  # mpscope takes the ring every third task
        job, index, *_ = inbox.get()
        outbox.put((job, index, (True, i)))
        if i % 3 == 2:
            taken += [entry[4] for entry in rings.take(os.getpid())]
    taken += [entry[4] for entry in rings.take(os.getpid())]
    assert taken == list(range(10))
    for i in range(10, 15):  # nobody takes them: four fit in the ring, the fifth is a frame
        job, index, *_ = inbox.get()
        outbox.put((job, index, (True, i)))
    assert not client.channel().waiting  # sent at once: no ring entry covers it
    assert [entry[4] for entry in rings.take(os.getpid())] == [10, 11, 12, 13]
    rings.close_all()
    client.channel()._close()
    ran = [frame[4] for frame in _received(watched) if frame[0] == wm.RAN]
    assert ran == [14]


def test_a_slot_being_written_is_not_read(tmp_path: Path) -> None:
    slot = bytearray(client.SLOT_FILE_SIZE)
    client.SLOT.pack_into(slot, client.SLOT_AT, 1, 0, 1, 7, 3, 1, 1.0)
    client.GENERATION.pack_into(slot, 0, 2)
    assert held_task(bytes(slot)) == (0, 1, 7, 3, 1, 1.0)
    client.GENERATION.pack_into(slot, 0, 3)  # odd: its process is writing it
    assert held_task(bytes(slot)) is None


def test_a_failed_task_is_sent_before_its_result(watched: socket.socket) -> None:
    results = _RecordingQueue()
    inbox = pool_side._PoolInbox(_Tasks([(7, 0, len, ((),), {})]), 1)
    outbox = pool_side._PoolOutbox(results, 1)
    job, index, *_ = inbox.get()
    outbox.put((job, index, (False, ValueError("bad"))))  # its traceback is only in the frame
    assert results.waiting_at_put == [False]
    client.channel()._close()
    failed = [frame for frame in _received(watched)[1:] if frame[0] in (wm.DONE, wm.RAN)]
    assert len(failed) == 1 and "ValueError: bad" in failed[0] and False in failed[0]


class _Tasks:
    """Stands for the pool's task queue."""

    def __init__(self, tasks: list[Any]) -> None:
        self.tasks = tasks

    def get(self) -> Any:
        return self.tasks.pop(0)
