"""Which process wrote each output line: copies claim relayed lines, in the terminal's order."""

from __future__ import annotations

import io

import pytest

from mpscope.core.watch.output import MAX_LINE
from mpscope.core.watch.output_owners import CLAIM_WAIT_S, MAX_COPIES, OutputOwners
from mpscope.core.watch.output_tee import TeeStream


def test_a_copy_that_came_first_claims_its_line_at_once() -> None:
    owners = OutputOwners()
    owners.copy(11, 1, "hello ")
    owners.copy(11, 1, "world\nsecond")
    owners.copy(12, 2, "oops\n")
    owners.line("stdout", "hello world", 0.0)
    owners.line("stderr", "oops", 0.0)
    assert owners.ready(0.0) == [(11, "stdout", "hello world"), (12, "stderr", "oops")]


def test_a_line_waits_for_its_copy_and_the_lines_behind_it_keep_their_place() -> None:
    owners = OutputOwners()
    owners.copy(12, 1, "b\n")
    owners.line("stdout", "a", 0.0)  # on a terminal the line can come before its copy
    owners.line("stdout", "b", 0.0)
    assert owners.ready(0.1) == []
    owners.copy(11, 1, "a\r\n")
    assert owners.ready(0.2) == [(11, "stdout", "a"), (12, "stdout", "b")]


def test_an_unclaimed_line_is_the_main_programs_once_it_waited_long_enough() -> None:
    owners = OutputOwners()
    owners.line("stdout", "written by os.write", 0.0)
    owners.line("stdout", "later", 0.1)
    assert owners.ready(CLAIM_WAIT_S / 2) == []
    assert owners.ready(CLAIM_WAIT_S) == [(None, "stdout", "written by os.write")]
    assert owners.ready(0.2, everything=True) == [(None, "stdout", "later")]


def test_the_same_line_from_two_processes_goes_to_each_in_turn() -> None:
    owners = OutputOwners()
    owners.copy(11, 1, "ready\n")
    owners.copy(12, 1, "ready\n")
    for _ in range(2):
        owners.line("stdout", "ready", 0.0)
    assert [pid for pid, _, _ in owners.ready(0.0)] == [11, 12]


def test_streams_are_told_apart_and_long_lines_compared_as_cut() -> None:
    owners = OutputOwners()
    long = "x" * (MAX_LINE + 500)
    owners.copy(11, 2, "same\n")
    owners.copy(12, 1, long[:300])
    owners.copy(12, 1, long[300:] + "\n")
    owners.line("stdout", "same", 0.0)
    owners.line("stdout", long[:MAX_LINE], 0.0)
    assert owners.ready(CLAIM_WAIT_S) == [(None, "stdout", "same"),
                                          (12, "stdout", long[:MAX_LINE])]


def test_copies_that_never_reach_the_terminal_are_bounded() -> None:
    owners = OutputOwners()
    for number in range(MAX_COPIES + 100):  # a killed process's buffer never got out
        owners.copy(11, 1, f"lost {number}\n")
    owners.copy(12, 1, "kept\n")
    owners.line("stdout", "lost 0", 0.0)  # the oldest copies were let go
    owners.line("stdout", "kept", 0.0)
    assert owners.ready(CLAIM_WAIT_S) == [(None, "stdout", "lost 0"), (12, "stdout", "kept")]
    assert sum(len(pids) for pids in owners._copies.values()) <= MAX_COPIES


def test_the_tee_is_the_real_stream_to_the_program() -> None:
    real = io.StringIO()
    tee = TeeStream(real, 1)
    assert tee.write("abc") == 3
    tee.writelines(["d", "e\n"])
    print("printed", file=tee)
    assert real.getvalue() == "abcde\nprinted\n"
    assert tee.getvalue() is not None and tee.closed is False
    tee.custom = 5  # attributes land on the real stream
    assert real.custom == 5  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        tee.write(b"bytes")  # the real stream's own error, unchanged
    real.close()
    with pytest.raises(ValueError, match="closed file"):
        tee.write("after close")
