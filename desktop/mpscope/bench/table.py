"""Rows of figures and the table they print as."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from mpscope.bench.machine import Load


class Median(float):
    """A median that remembers the smallest and largest of the values it was taken from."""

    low: float
    high: float

    @classmethod
    def of(cls, values: Iterable[float]) -> Median:
        values = list(values)
        median = cls(statistics.median(values))
        median.low, median.high = min(values), max(values)
        return median


def _figure(value: float, unit: str) -> str:
    """'2.84 s (2.80–2.95)': the median, then min–max where the value is a Median."""
    text = f"{value:.4g} {unit}"
    if isinstance(value, Median) and value.low != value.high:
        text += f" ({value.low:.3g}–{value.high:.3g})"
    return text


@dataclass(frozen=True)
class Row:
    """One figure: mpscope against its baseline, as medians of repeated runs."""

    name: str
    unit: str
    baseline_label: str
    baseline: float
    measured: float
    target: str  # e.g. "<= 1.03"
    higher_is_better: bool = False
    note: str = ""
    load: Load | None = None  # the machine around it (set by the runner)

    @property
    def ratio(self) -> float:
        if self.baseline == 0:
            return float("inf") if self.measured else 1.0
        return self.measured / self.baseline

    @property
    def met(self) -> bool:
        op, limit = self.target.split()
        value = float(limit)
        return self.ratio <= value if op == "<=" else self.ratio >= value

    @property
    def ok(self) -> bool:
        """Met, on a machine that was quiet: a busy machine's figure proves nothing."""
        return self.met and not (self.load is not None and self.load.busy)


@dataclass(frozen=True)
class Absolute:
    """A figure with an absolute limit (no baseline), e.g. the worst timer lateness."""

    name: str
    unit: str
    measured: float
    limit: float
    note: str = ""
    load: Load | None = None

    @property
    def met(self) -> bool:
        return self.measured <= self.limit

    @property
    def ok(self) -> bool:
        return self.met and not (self.load is not None and self.load.busy)


def alternate(repeat: int, baseline: Callable[[], float],
              measured: Callable[[], float]) -> tuple[float, float]:
    """Medians of `repeat` runs of each, alternated so machine noise falls on both alike."""
    base, ours = [], []
    for _ in range(repeat):
        base.append(baseline())
        ours.append(measured())
    return Median.of(base), Median.of(ours)


def verdict(row: Row | Absolute) -> str:
    if row.load is not None and row.load.busy:
        return "BUSY"  # measured beside other work: neither a pass nor a failure
    return "yes" if row.met else "NO"


def render(rows: Sequence[Row | Absolute]) -> str:
    header = ("benchmark", "baseline", "mpscope", "ratio", "target", "ok", "machine", "note")
    lines = []
    for row in rows:
        machine = str(row.load) if row.load is not None else "-"
        if isinstance(row, Row):
            cells = (row.name, f"{_figure(row.baseline, row.unit)} ({row.baseline_label})",
                     _figure(row.measured, row.unit), f"{row.ratio:.3f}", row.target,
                     verdict(row), machine, row.note)
        else:
            cells = (row.name, "-", _figure(row.measured, row.unit), "-",
                     f"<= {row.limit:g} {row.unit}", verdict(row), machine, row.note)
        lines.append(cells)
    widths = [max(len(h), *(len(c[i]) for c in lines)) for i, h in enumerate(header)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"
            for cells in lines]
    return "\n".join(out)
