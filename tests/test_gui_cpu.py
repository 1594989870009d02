"""The CPU panel fed synthetic samples: curves, the heat map, pause, the window, the frame cost."""

from __future__ import annotations

import statistics
import time

import numpy as np
import pytest

from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.engine.sampler import Sample
from mpscope.gui.bridge import RunBridge
from mpscope.gui.cpu.panel import MAX_LINE_CORES, TOP_PROCESSES, CpuPanel
from mpscope.gui.cpu.ring import RingSet, TimeRing, sticky_top

T0 = 1_700_000_000.0


class NamedBridge(RunBridge):
    """A bridge whose records name a few pids, without starting a run."""

    names: dict[int, str] = {}  # noqa: RUF012 (set per test)

    @property
    def records(self) -> list[WorkerRecord]:
        return [WorkerRecord(wid=i, name=name, group="g", index=i, task="t", pid=pid)
                for i, (pid, name) in enumerate(self.names.items(), 1)]


@pytest.fixture
def panel(qtbot):
    bridge = NamedBridge(sample_ms=3_600_000)  # no real samples: the tests feed them
    made = CpuPanel(bridge)
    made.resize(900, 600)
    made.show()
    qtbot.waitExposed(made)
    yield made
    made.cleanup()
    bridge.shutdown()
    made.close()
    made.deleteLater()


def sample(k: int, cores: int = 4, pids: dict[int, float] | None = None) -> Sample:
    per_core = tuple(float((k * 7 + c * 13) % 100) for c in range(cores))
    per_pid = {pid: (cpu, 50_000_000) for pid, cpu in (pids or {}).items()}
    return Sample(T0 + k, per_core, per_pid, 0.5, 80_000_000)


def feed(panel: CpuPanel, start: int, stop: int, **kwargs) -> None:
    for k in range(start, stop):
        panel.add_sample(sample(k, **kwargs))


def points(curve) -> int:
    x, _y = curve.getData()
    return 0 if x is None else len(x)


def test_each_core_gets_a_line_with_one_point_per_sample(panel):
    feed(panel, 0, 30)
    assert not panel.heatmap_mode and panel.image is None
    assert len(panel.core_curves) == 4
    assert [points(c) for c in panel.core_curves] == [30] * 4
    x, y = panel.avg_curve.getData()
    assert x[-1] == 0 and x[0] == -29  # seconds before the newest sample
    assert y[-1] == pytest.approx(np.mean(sample(29).per_core))
    assert "4 cores" in panel.summary.text()
    entries = [text for _color, text, _mark in panel.core_legend.entries[1]]
    assert entries == ["core 0", "core 1", "core 2", "core 3", "average"]


def test_more_than_16_cores_switch_to_a_heat_map(panel):
    feed(panel, 0, 10, cores=MAX_LINE_CORES + 16)
    assert panel.heatmap_mode and panel.core_curves == []
    assert panel.image is not None and panel.image.image.shape == (10, 32)
    assert points(panel.avg_curve) == 10  # the average is drawn over the map
    feed(panel, 10, 12, cores=8)  # back to lines if the machine changes (a test, really)
    assert not panel.heatmap_mode and len(panel.core_curves) == 8
    assert points(panel.core_curves[0]) == 2


def test_pause_freezes_the_view_but_keeps_collecting(panel, qtbot):
    feed(panel, 0, 10)
    panel.pause_button.click()
    assert panel.pause_button.text() == "Resume"
    frozen = panel.avg_curve.getData()[1].copy()
    feed(panel, 10, 20)
    assert np.array_equal(panel.avg_curve.getData()[1], frozen)
    panel.set_window(300)  # the window still changes while paused, on the frozen data
    assert points(panel.avg_curve) == 10
    panel.pause_button.click()
    assert panel.pause_button.text() == "Pause"
    assert points(panel.avg_curve) == 20  # caught up with what was collected


def test_the_window_selector_changes_the_range_and_the_points(panel):
    feed(panel, 0, 400)
    assert points(panel.avg_curve) == 61  # the last minute, both ends included
    panel._window_group.button(1).click()  # "5 min"
    assert panel.window_s == 300 and points(panel.avg_curve) == 301
    low, high = panel._core_plot.viewRange()[0]
    assert low == pytest.approx(-300) and high == pytest.approx(0)
    assert panel._proc_plot.viewRange()[0] == pytest.approx([-300, 0])  # x-linked
    panel._window_group.button(2).click()
    assert panel.window_s == 900 and points(panel.avg_curve) == 400


def test_a_hidden_panel_does_not_draw_and_catches_up_when_shown(panel, qtbot):
    feed(panel, 0, 5)
    panel.hide()
    feed(panel, 5, 15)
    assert points(panel.avg_curve) == 5
    panel.show()
    qtbot.waitUntil(lambda: points(panel.avg_curve) == 15)


def test_the_busiest_processes_get_named_lines_that_keep_their_colour(panel):
    NamedBridge.names = {101: "fib-0", 102: "pool-1"}
    busy = {100 + i: float(i * 10) for i in range(1, 11)}  # ten processes: 8 are shown
    feed(panel, 0, 5, pids=busy)
    drawn = [points(c) for c in panel.process_curves]
    assert drawn.count(5) == TOP_PROCESSES
    labels = [text for _color, text, _mark in panel.process_legend.entries[1]]
    assert "fib-0 (101)" not in labels  # 10 % and 20 %: not among the busiest 8
    assert "pid 110" in labels and labels[-1] == "mpscope itself"
    slot = panel._slots.index(110)
    busy[101] = 500.0  # fib-0 becomes the busiest (five threads)
    feed(panel, 5, 6, pids=busy)
    assert panel._slots.index(110) == slot  # a line keeps its colour while it stays
    assert "fib-0 (101)" in [text for _c, text, _m in panel.process_legend.entries[1]]
    assert panel._proc_plot.viewRange()[1][1] >= 500  # past 100 %: the axis grows


def test_ring_buffers_keep_the_newest_samples_as_contiguous_views():
    ring = TimeRing(capacity=5, width=2)
    for k in range(8):
        ring.append(float(k), (k, -k))
    assert ring.count == 5 and list(ring.times()) == [3, 4, 5, 6, 7]
    assert ring.values().flags["C_CONTIGUOUS"] or ring.values()[0].flags["C_CONTIGUOUS"]
    assert list(ring.values(2)[1]) == [-6, -7]
    times, values = ring.window(4.0, 6.0)
    assert list(times) == [4, 5, 6] and list(values[0]) == [4, 5, 6]
    assert ring.count_since(6.5) == 1
    rings = RingSet(capacity=4, width=1, horizon=10, max_keys=2)
    rings.append(0.0, {1: (1.0,), 2: (2.0,), 3: (3.0,)})
    assert len(rings) == 2
    rings.append(20.0, {4: (4.0,)})
    assert 4 in rings and len(rings) == 1  # the others are older than the horizon
    assert sticky_top([7, None, 8], {8: 1.0, 9: 5.0, 10: 3.0}) == [9, 10, 8]


def test_ring_buffers_start_small_and_grow_without_losing_samples():
    # 256 processes make 256 rings at the first sample: an hour each up front was 8 ms.
    ring = TimeRing(capacity=300, width=2)
    assert ring._t.size < 2 * 300
    for k in range(1000):
        ring.append(float(k), (k, -k))
        if k in (0, 63, 64, 65, 127, 128, 299, 300, 301, 999):
            newest = list(range(max(0, k - 299), k + 1))
            assert list(ring.times()) == newest
            assert list(ring.values()[1]) == [-n for n in newest]
            assert ring.last_time == k and list(ring.last_values()) == [k, -k]
    assert ring.count == 300 and ring._t.size == 2 * 300
    times, _values = ring.window(900.0, 910.0)
    assert list(times) == list(range(900, 911))


def test_a_frame_with_128_cores_is_cheap(panel):
    feed(panel, 0, 60, cores=128, pids={1: 50.0, 2: 80.0})
    panel.set_window(900)
    panel.set_paused(True)
    feed(panel, 60, 900, cores=128, pids={1: 50.0, 2: 80.0})  # 15 minutes of history
    panel.set_paused(False)
    views = [w for w in panel.findChildren(type(panel._core_plot.getViewWidget()))
             if w.isVisible()]
    frames = []
    for k in range(900, 930):
        began = time.perf_counter()
        panel.add_sample(sample(k, cores=128, pids={1: 50.0, 2: 80.0}))
        for view in views:
            view.viewport().repaint()  # the whole frame: data and paint
        frames.append(time.perf_counter() - began)
    median = statistics.median(frames) * 1000
    assert panel.heatmap_mode and panel.image.image.shape == (901, 128)  # both ends included
    assert median < 250  # generous: a loaded machine took 53 ms; benchmark 5c measures it


def test_ended_processes_stay_on_the_chart_greyed_until_the_next_run(panel):
    NamedBridge.names = {201: "pi-0", 202: "pi-1", 203: "io-0"}
    feed(panel, 0, 10, pids={201: 95.0, 202: 90.0, 203: 2.0})
    # pi-0 and pi-1 finish: the sampler no longer sees them; io-0 idles on.
    feed(panel, 10, 14, pids={203: 1.0})
    labels = [text for _color, text, _mark in panel.process_legend.entries[1]]
    assert "pi-0 (201), ended" in labels and "pi-1 (202), ended" in labels
    assert "io-0 (203)" in labels
    drawn = {pid: points(curve) for pid, curve in zip(panel._slots, panel.process_curves,
                                                      strict=True)}
    assert drawn[201] == drawn[202] == 10  # their whole line, up to where they ended
    faded = panel.process_curves[panel._slots.index(201)].opts["pen"].color().alpha()
    assert faded < 255 == panel.process_curves[panel._slots.index(203)].opts["pen"].color().alpha()
    panel._bridge.run_started.emit()  # the next run: the ended ones leave, io-0 stays
    labels = [text for _color, text, _mark in panel.process_legend.entries[1]]
    assert not any("pi-" in text for text in labels) and "io-0 (203)" in labels
    assert 201 not in panel._slots and points(panel.process_curves[panel._slots.index(203)])
