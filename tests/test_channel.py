"""The framed channel: complete frames only, half frames discarded, reads never block."""

from __future__ import annotations

import os
import pickle
import select
import time

from mpscope.core.engine.channel_reader import FrameReader
from mpscope.core.worker.channel import HEADER, FrameWriter


def _pipe() -> tuple[FrameReader, int]:
    read_fd, write_fd = os.pipe()
    return FrameReader(read_fd), write_fd


def test_frames_round_trip_in_order():
    reader, write_fd = _pipe()
    writer = FrameWriter(write_fd)
    for i in range(500):
        writer.send(("msg", i, "x" * (i % 7)))
    os.close(write_fd)
    got = reader.drain()
    assert [message[1] for message in got] == list(range(500))
    assert reader.truncated_bytes == 0
    reader.close()


def test_half_frame_is_discarded_and_reading_never_blocks():
    reader, write_fd = _pipe()
    FrameWriter(write_fd).send("whole")
    payload = pickle.dumps("y" * 10_000)
    os.write(write_fd, HEADER.pack(len(payload)) + payload[:3000])  # a writer killed mid-frame
    started = time.monotonic()
    assert reader.read(100) == ["whole"]
    assert reader.read(100) == []  # the half frame waits, without blocking
    assert time.monotonic() - started < 0.5
    os.close(write_fd)
    assert reader.drain() == []
    assert reader.truncated_bytes == HEADER.size + 3000
    reader.close()


def test_read_respects_the_message_cap():
    reader, write_fd = _pipe()
    writer = FrameWriter(write_fd)
    for i in range(50):
        writer.send(i)
    assert reader.read(10) == list(range(10))
    assert reader.read(100) == list(range(10, 50))
    os.close(write_fd)
    reader.close()


def test_corrupt_frame_is_counted_and_skipped():
    reader, write_fd = _pipe()
    os.write(write_fd, HEADER.pack(4) + b"\x00bad")
    FrameWriter(write_fd).send("after")
    os.close(write_fd)
    assert reader.drain() == ["after"]
    assert reader.corrupt_frames == 1
    reader.close()


def test_a_short_read_with_whole_frames_needs_no_second_system_call(monkeypatch):
    # Each system call lets busy threads take the GIL from the GUI thread.
    from mpscope.core.engine import channel_reader as channel

    reader, write_fd = _pipe()
    writer = FrameWriter(write_fd)
    for i in range(3):
        writer.send(i)
    calls = []
    real_read = os.read
    monkeypatch.setattr(channel.os, "read", lambda fd, n: calls.append(fd) or real_read(fd, n))
    assert reader.read(100) == [0, 1, 2]
    assert len(calls) == 1
    payload = pickle.dumps("z" * 100)
    os.write(write_fd, HEADER.pack(len(payload)) + payload[:50])  # half a frame: no message...
    assert reader.read(100) == []  # ...so it reads on until the pipe says it is empty
    assert len(calls) == 3
    os.close(write_fd)
    reader.close()


def test_a_full_batch_can_leave_frames_that_the_descriptor_no_longer_shows():
    # Why the engine rereads a channel cut off after a full batch without waiting for poll().
    reader, write_fd = _pipe()
    writer = FrameWriter(write_fd)
    for i in range(25):
        writer.send(i)
    assert reader.read(10) == list(range(10))
    assert select.select([reader.fd], [], [], 0)[0] == []  # nothing left to read...
    assert reader.read(10) == list(range(10, 20))  # ...but whole frames are buffered
    assert reader.read(10) == list(range(20, 25))  # fewer than asked: the buffer is empty
    assert reader.read(10) == []
    os.close(write_fd)
    reader.close()
