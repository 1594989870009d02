"""A pool process's finished tasks are known before its result goes: the pool may SIGTERM it
right after. A task's frame may still wait for its batch; its slot's ring holds it then."""

from __future__ import annotations

import os
import pickle
import socket
from pathlib import Path
from typing import Any

import pytest

from mpscope.core.watch import client, pool_side
from mpscope.core.watch import messages as wm
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


def test_every_finished_task_is_in_the_ring_before_its_result(watched: socket.socket,
                                                               tmp_path: Path) -> None:
    results = _RecordingQueue()
    inbox = pool_side._PoolInbox(_Tasks([(7, i, len, ((),), {}) for i in range(3)]), 1)
    outbox = pool_side._PoolOutbox(results, 1)
    ring = []
    for i in range(3):
        job, index, *_ = inbox.get()
        outbox.put((job, index, (True, i)))
        slot = (tmp_path / f"task-{os.getpid()}").read_bytes()
        (count,) = client.FINISHED_COUNT.unpack_from(slot, client.SLOT.size)
        ring.append(count)
        assert client.SLOT.unpack_from(slot)[0] == 0  # holds no task any more
    assert ring == [1, 2, 3]
    entries = [client.FINISHED.unpack_from(slot, client.RING_AT + n * client.FINISHED.size)
               for n in range(3)]
    assert [(ok, job, part) for ok, _, _, job, part, *_ in entries] == [(1, 7, 0), (1, 7, 1),
                                                                         (1, 7, 2)]
    assert client.channel().waiting  # the frames wait for their batch…
    client.channel().flush()  # …which the flusher thread sends within BATCH_S
    client.channel()._close()
    frames = _received(watched)
    assert frames[0][:2] == (wm.HELLO, os.getpid())
    ended = [frame[3:5] for frame in frames[1:] if frame[0] in (wm.DONE, wm.RAN)]
    assert ended == [(7, 0), (7, 1), (7, 2)]


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
