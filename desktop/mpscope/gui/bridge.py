"""RunBridge: adapts the Qt-free Run to Qt, draining it from a QTimer with a time budget.

The GUI thread never blocks on IPC: `Run.poll(budget)` only does non-blocking
reads, and the timer gives it at most 10 ms per tick. Under a flood the ticks
run back to back (other events are still handled between them, so the window
stays responsive); when nothing arrives the timer backs off to 100 ms, so an
idle window wakes 10 times a second and costs almost nothing. Views do not
listen to every message: they refresh from the records on `refreshed` and
receive events in batches, both at most 10 times a second, at the end of a drain
tick (a view that redraws on every tick would repaint 60 times a second under a
flood of events). Hidden or minimized, views are not refreshed at all.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from mpscope.core.config import RunConfig
from mpscope.core.engine.run import Run
from mpscope.core.engine.run_state import Event, WorkerRecord
from mpscope.core.engine.sampler import BackgroundSampler, Sample
from mpscope.core.follow.commands import ControlHandle, listen
from mpscope.core.history.history_writer import TASK_ROWS_PER_CALL, Recorder, attach

DRAIN_BUDGET_S = 0.010
FAST_TICK_MS = 10
SLOW_TICK_MS = 100  # a trickle: ten ticks a second while things move …
IDLE_TICK_MS = 500  # … and twice a second once a whole second was a trickle (idle)
QUIET_TICKS = 10  # trickle ticks in a row before the drain slows to IDLE_TICK_MS
BUSY_MESSAGES = 32  # a tick that handled this many is a flood: the next one comes soon
REFRESH_MS = 100
SAMPLE_MS = 1000
# Nobody looks (window hidden or minimized): everything is still read and recorded,
# only less often, so the app costs no more than htop.
UNWATCHED_TICK_MS = 1000
UNWATCHED_REFRESH_MS = 1000
UNWATCHED_SAMPLE_MS = 2000


class RunBridge(QObject):
    """Owns the current Run; emits batched events, periodic refreshes and CPU samples.

    Signals:
        config_changed(RunConfig): a configuration was loaded or edited.
        run_prepared(Run): a run was built and is about to start: its records are all
            PENDING, so what must be chosen before start() (`daemon`) can still be set.
        run_started(): a run began.
        run_finished(int): the run ended, with its exit code.
        events_arrived(list[Event]): events since the last batch, in order (≤ 10 batches/s).
        refreshed(): records changed; views re-read them (at most 10 times a second).
        sampled(Sample): a new CPU/memory sample (per core, per worker pid, own).
    """

    config_changed = Signal(object)
    run_prepared = Signal(object)
    run_started = Signal()
    run_finished = Signal(int)
    events_arrived = Signal(list)
    refreshed = Signal()
    sampled = Signal(object)
    _sample_ready = Signal(object)  # from the sampling thread; queued to this one

    def __init__(self, parent: QObject | None = None, sample_ms: int = SAMPLE_MS,
                 record_history: bool = True) -> None:
        super().__init__(parent)
        self.config: RunConfig | None = None
        # A Run, a WatchedRun or a followed run: they share poll, busy, engine and exit_code.
        self.run: Any = None
        self.prepared: Run | None = None  # built by prepare(), started by start()
        self.recorder: Recorder | None = None
        self.record_history = record_history
        self.sampler = BackgroundSampler(self._sample_ready.emit)
        self._sample_ready.connect(self._on_sample)
        self.last_sample: Sample | None = None
        self.messages_per_second = 0.0
        self._pending_events: list[Event] = []
        self._watched = True
        self._dirty = False
        self._handled_since_sample = 0
        self._quiet_ticks = 0  # trickle ticks in a row (see _drain)
        self._control: ControlHandle | None = None  # the control socket of a run started here
        self._control_asked = False
        self._drain_timer = QTimer(self)
        self._drain_timer.setInterval(FAST_TICK_MS)
        self._drain_timer.timeout.connect(self._drain)
        self._refresh_every = REFRESH_MS / 1000
        self._refreshed_at = 0.0
        self._sample_ms = sample_ms
        self._sample_timer = QTimer(self)
        self._sample_timer.setInterval(sample_ms)
        self._sample_timer.timeout.connect(self._sample)
        self._sample_timer.start()

    # -- what views read ---------------------------------------------------------
    @property
    def records(self) -> list[WorkerRecord]:
        return list(self.run.engine.records.values()) if self.run else []

    @property
    def pool(self) -> Any:
        return self.run.pool if self.run else None

    @property
    def running(self) -> bool:
        run = self.run
        return run is not None and (run.started_at is not None or self.following) and run.busy

    # -- commands --------------------------------------------------------------
    def set_config(self, config: RunConfig | None) -> None:
        """The configuration the next Start runs (None: none that can run)."""
        self.config = config
        self.prepared = None  # built from the old configuration: start() builds anew
        self.config_changed.emit(config)

    def prepare(self) -> Run | None:
        """Build a Run of the current configuration without starting it; None if none can start.

        Its records are PENDING until `start()`: listeners of `run_prepared` set
        what multiprocessing only allows before start (`daemon`) on its engine.
        """
        if self.config is None or self.running:
            return None
        self.prepared = Run(self.config, threaded_starts=True)
        self.run_prepared.emit(self.prepared)
        return self.prepared

    def start(self) -> None:
        """Start the prepared run (preparing one first if needed); the previous must have ended."""
        if self.running:
            return
        if self.following:  # a followed run that has ended: stop reading its feed
            self.run.close()
        run = self.prepared if self.prepared is not None else self.prepare()
        if run is None:
            return
        self.prepared = None
        self.run = run
        run.engine.subscribe(self._on_event)
        # Every run is recorded; the recorder writes on its own thread, never this one. The
        # drain tick snapshots every 10-50 ms, so each call may write only a share of the rows.
        self.recorder = (attach(run, task_rows=TASK_ROWS_PER_CALL) if self.record_history
                         else None)
        self._control, self._control_asked = None, False  # opened once the run has an id
        run.start()
        # Everything built so far (window, records, the pool's task plan) lives for the
        # whole run: freezing it keeps the collector's full passes short while it runs.
        # gc.freeze() is process-wide: the bridge is its only caller, and run_finished's
        # unfreeze undoes exactly this.
        gc.freeze()
        self._drain_timer.setInterval(FAST_TICK_MS)
        self._drain_timer.start()
        self.run_started.emit()
        self._dirty = True

    def follow(self, run: Any) -> None:
        """Show a run another process owns (a FollowedRun) as if it had started here: its
        records, events and samples come from its feed; closing leaves it running."""
        if self.running:
            return
        if self.run is not None and not getattr(self.run, "owned", True):
            self.run.close()
        self.prepared, self.recorder = None, None
        self.run = run
        run.engine.subscribe(self._on_event)
        self._drain_timer.setInterval(FAST_TICK_MS)
        self._drain_timer.start()
        self.run_started.emit()
        self._dirty = True

    @property
    def following(self) -> bool:
        """True while the current run is another process's (see follow)."""
        return self.run is not None and not getattr(self.run, "owned", True)

    def start_watched(self, run: Any) -> str | None:
        """Start watching a program (a WatchedRun, see mpscope.core.watch); → why not, or None."""
        if self.running:
            return self.tr("a run is still going: stop it first")
        from mpscope.core.watch.watched_run import WatchError

        self.prepared = run
        self.run_prepared.emit(run)
        try:
            self.start()
        except WatchError as error:
            if self.recorder is not None:
                self.recorder.finish(run.exit_code(), timeout=0)
                self.recorder = None
            self.run_finished.emit(run.exit_code())
            return str(error)
        return None

    def stop_all(self) -> None:
        if self.run:
            self.run.stop()
            self._hurry()

    def kill_all(self) -> None:
        if self.run:
            self.run.kill()
            self._hurry()

    def terminate_all(self) -> None:
        if self.run:
            self.run.engine.terminate_all()
            if self.run.pool is not None:
                self.run.pool.kill()
            self._hurry()

    def control(self, action: str, wid: int) -> None:
        """stop | terminate | kill | restart one worker or pool process."""
        if self.run is None:
            return
        self.run.control(action, wid)
        if action == "restart" and not self._drain_timer.isActive():
            self._drain_timer.start()
        self._hurry()
        self._dirty = True

    def request_stack(self, wid: int) -> str | None:
        """Ask a process for its Python stacks (a `stack` event follows); else why not."""
        if self.run is None:
            return None
        reason = self.run.request_stack(wid)
        if reason is None:
            self._hurry()  # like any command: the answer shows at once, not after the idle tick
        return reason

    def set_daemon(self, wid: int, daemon: bool) -> None:
        if self.run:
            self.run.engine.set_daemon(wid, daemon)
            self._dirty = True

    def _hurry(self) -> None:
        """A command's outcome (a state change, an exit) shows within a fast tick, not after
        the trickle's half second; the drain backs off again once things are quiet."""
        self._quiet_ticks = 0
        if self._drain_timer.isActive() and self._drain_timer.interval() > FAST_TICK_MS:
            self._drain_timer.setInterval(FAST_TICK_MS)

    def set_sample_interval(self, ms: int) -> None:
        self._sample_ms = ms
        if self._watched:
            self._sample_timer.setInterval(ms)

    @property
    def watched(self) -> bool:
        """False while the window is hidden or minimized (see set_watched)."""
        return self._watched

    def set_watched(self, watched: bool) -> None:
        """Window shown, or hidden or minimized: when nobody looks, wake up less often.

        Messages, deaths and history are still handled, once a second, and events
        still arrive (notifications need them); views do not refresh at all; CPU is
        sampled every 2 s, and only while a run is recorded. Shown again, the views
        catch up at once.
        """
        if watched == self._watched:
            return
        self._watched = watched
        self._refresh_every = (REFRESH_MS if watched else UNWATCHED_REFRESH_MS) / 1000
        self._sample_timer.setInterval(
            self._sample_ms if watched else max(self._sample_ms, UNWATCHED_SAMPLE_MS))
        if watched:
            self._dirty = True  # the views catch up now, not at the next tick
            self._refresh()

    # -- the pump ----------------------------------------------------------------
    def _drain(self) -> None:
        run = self.run
        if run is None:
            self._drain_timer.stop()
            return
        began = time.perf_counter()
        handled = run.poll(DRAIN_BUDGET_S)
        backlog = run.backlog or time.perf_counter() - began >= DRAIN_BUDGET_S
        self._handled_since_sample += handled
        # A backlog drains in back-to-back ticks (the event loop still runs between
        # them); a quiet run backs off, so an idle window costs almost nothing.
        if backlog:
            self._quiet_ticks = 0
            self._drain_timer.setInterval(0)
        elif handled >= BUSY_MESSAGES or run.starting:  # a Started frees a start slot
            self._quiet_ticks = 0
            self._drain_timer.setInterval(FAST_TICK_MS)
        else:  # a trickle (a report now and then) does not need a tick every 10 ms
            self._quiet_ticks += 1
            # Just after a start or a burst, first messages still come: keep up for a
            # second; an idle run (reports once a second) then costs two wake-ups a second.
            slow = SLOW_TICK_MS if self._quiet_ticks < QUIET_TICKS else IDLE_TICK_MS
            self._drain_timer.setInterval(slow if self._watched else UNWATCHED_TICK_MS)
        if handled or self._pending_events:
            self._dirty = True
        if self.recorder is not None:
            self.recorder.snapshot()
        for sample in getattr(run, "take_samples", list)():  # a followed run's own samples
            self._on_sample(sample)
        self._serve_control()
        self._refresh_due()
        if not run.busy:
            self._close_control()
            self._drain_timer.stop()
            self._refresh()
            if self.recorder is not None:
                self.recorder.finish(run.exit_code(), timeout=0)
            gc.unfreeze()  # the run's garbage may be collected again
            self.run_finished.emit(run.exit_code())

    def _serve_control(self) -> None:
        """`mpscope follow --control` for a run started here: its socket opens once the
        recorder knows the run's id (a few ticks in); commands apply on this thread."""
        recorder = self.recorder
        if not self._control_asked and recorder is not None and recorder.run_id is not None:
            self._control_asked = True
            self._control = listen(self.run, recorder)
        if self._control is not None:
            self._control.serve()

    def _close_control(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None

    def _on_event(self, event: Event) -> None:
        self._pending_events.append(event)

    def _refresh_due(self) -> None:
        """Refresh if the last one is REFRESH_MS old: the drain tick and the sample bring
        it, so the window needs no timer of its own for it (fewer wake-ups when idle)."""
        if time.monotonic() - self._refreshed_at >= self._refresh_every:
            self._refresh()

    def _refresh(self) -> None:
        self._refreshed_at = time.monotonic()
        if self._pending_events:
            events, self._pending_events = self._pending_events, []
            self.events_arrived.emit(events)
        if self._dirty and self._watched:  # hidden: nobody looks; views catch up when shown
            self._dirty = False
            self.refreshed.emit()

    def _sample(self) -> None:
        if (not self._watched and not self.running) or self.following:
            return  # a followed run brings the samples its owner took
        self.sampler.request(
            r.pid for r in self.records if r.pid and r.state.is_alive and not r.remote)

    def _on_sample(self, sample: Sample) -> None:
        host_loads = getattr(self.pool, "host_loads", None)  # a pool on a Dask cluster
        if host_loads is not None:
            sample = sample._replace(hosts=host_loads())
        elapsed = (sample.t - self.last_sample.t) if self.last_sample else 0.0
        if elapsed > 0:
            self.messages_per_second = self._handled_since_sample / elapsed
        self._handled_since_sample = 0
        self.last_sample = sample
        if self.recorder is not None and self.running:
            self.recorder.on_sample(sample)
        for record in self.records:
            if record.remote:
                continue  # its figures come from its own cluster (the Dask scheduler)
            if record.pid in sample.per_pid:
                record.cpu_percent, record.rss = sample.per_pid[record.pid]
                record.peak_rss = max(record.peak_rss, record.rss)
                record.cpu_time = sample.cpu_time.get(record.pid, record.cpu_time)
            elif not record.state.is_alive:
                record.cpu_percent = 0.0
        self.sampled.emit(sample)
        self._dirty = True
        if not self._drain_timer.isActive():  # no run being drained: the sample refreshes
            self._refresh_due()

    def shutdown(self) -> None:
        """Stop timers; kill whatever still runs (the window asked the user first)."""
        self._drain_timer.stop()
        self._close_control()
        self._sample_timer.stop()
        self.sampler.close()
        if self.following:
            self.run.close()  # only stops following: the run goes on
        elif self.run is not None and self.run.busy:
            self.run.kill()
            while self.run.busy:
                self.run.poll(0.05)
                time.sleep(0.01)
        if self.recorder is not None:
            self.recorder.finish(self.run.exit_code() if self.run else None, timeout=0)
            self.recorder.join(5)
