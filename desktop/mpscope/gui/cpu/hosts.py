"""A cluster's hosts on the CPU chart: a line per host of a Dask pool, as its workers report it."""

from __future__ import annotations

from collections.abc import Mapping

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from mpscope.core.engine.sampler import HostLoad
from mpscope.gui.cpu.ring import RingSet
from mpscope.gui.widgets.charts import add_curve, curve_pen

# Colours far from the first cores' (PALETTE starts blue, orange, green, red): a host line
# must not pass for a core's, and its pen is wider and dash-dotted too.
HOST_COLORS = ("#6a3d9a", "#b15928", "#1f78b4", "#33a02c", "#e31a1c", "#ff7f00")
MAX_HOSTS = len(HOST_COLORS)  # the busiest hosts beyond these are left off the chart
HOST_MARK = "━·"
ENDED_ALPHA = 110


class HostLines(QObject):
    """Lines of cluster hosts' CPU % on a chart, kept (greyed) a while after their run ends.

    Fed from the samples: the window adds each Dask host's load, which the core
    read from the scheduler (the workers' plugin measures it at each heartbeat).
    """

    def __init__(self, plot: pg.PlotItem, capacity: int, horizon: float) -> None:
        super().__init__()
        self._plot = plot
        self._rings = RingSet(capacity, 1, horizon=horizon, max_keys=4 * MAX_HOSTS)
        self._latest: dict[str, HostLoad] = {}
        self._seen: dict[str, HostLoad] = {}  # a host's last load, for its legend once ended
        self.hosts: list[str] = []  # the hosts drawn, in colour order
        self.curves: list[pg.PlotCurveItem] = []

    def append(self, t: float, loads: Mapping[str, HostLoad]) -> bool:
        """Record one sample's hosts; True when the legend must change (hosts came or went)."""
        if not loads and not self.hosts:
            return False  # no cluster: nothing to keep, nothing drawn
        self._rings.append(t, {host: (load.cpu,) for host, load in loads.items()})
        before = (list(self.hosts), set(self._latest))
        self._latest = dict(loads)
        self._seen.update(loads)
        kept = [host for host in self.hosts if host in self._rings]
        new = sorted((str(h) for h, _ in self._rings.rings() if h not in kept),
                     key=lambda h: -self._seen[h].cpu)
        self.hosts = [*kept, *new][:MAX_HOSTS]
        while len(self.curves) < len(self.hosts):
            curve = add_curve(self._plot, HOST_COLORS[len(self.curves)])
            curve.setZValue(5)  # over the cores' lines and a heat map
            self.curves.append(curve)
        return (self.hosts, set(self._latest)) != before

    def forget_ended(self) -> None:
        """A new run: hosts no longer reported leave the chart."""
        self._rings.discard([h for h, _ in self._rings.rings() if h not in self._latest])
        self.hosts = [host for host in self.hosts if host in self._latest]

    def draw(self, lo: float, end: float) -> None:
        """Each host's line over the window [lo, end], x relative to `end`."""
        for i, curve in enumerate(self.curves):
            ring = self._rings.get(self.hosts[i]) if i < len(self.hosts) else None
            if ring is None:
                curve.setData([], [])
                continue
            times, values = ring.window(lo, end)
            curve.setData(times - end, values[0].copy(), skipFiniteCheck=True)

    def apply_style(self, width: float) -> None:
        """Pens after a palette or chart-style change."""
        for i, curve in enumerate(self.curves):
            ended = i < len(self.hosts) and self.hosts[i] not in self._latest
            curve.setPen(curve_pen(self._color(i, ended), Qt.PenStyle.DashDotLine, width=width))

    def legend(self) -> list[tuple[QColor, str, str]]:
        """The legend's keys: one per host drawn."""
        keys = []
        for i, host in enumerate(self.hosts):
            load = self._latest.get(host) or self._seen[host]
            text = self.tr("host {0} · {1} Dask worker(s), {2} cores").format(
                host, load.workers, load.cores)
            if host not in self._latest:
                text = self.tr("{0}, ended").format(text)
            keys.append((self._color(i, host not in self._latest), text, HOST_MARK))
        return keys

    def _color(self, index: int, ended: bool) -> QColor:
        color = QColor(HOST_COLORS[index % len(HOST_COLORS)])
        if ended:
            color.setAlpha(ENDED_ALPHA)
        return color
