"""Rows of figures and the table they print as."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass


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

    @property
    def ratio(self) -> float:
        if self.baseline == 0:
            return float("inf") if self.measured else 1.0
        return self.measured / self.baseline

    @property
    def ok(self) -> bool:
        op, limit = self.target.split()
        value = float(limit)
        return self.ratio <= value if op == "<=" else self.ratio >= value


@dataclass(frozen=True)
class Absolute:
    """A figure with an absolute limit (no baseline), e.g. the worst timer lateness."""

    name: str
    unit: str
    measured: float
    limit: float
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.measured <= self.limit


def alternate(repeat: int, baseline: Callable[[], float],
              measured: Callable[[], float]) -> tuple[float, float]:
    """Medians of `repeat` runs of each, alternated so machine noise falls on both alike."""
    base, ours = [], []
    for _ in range(repeat):
        base.append(baseline())
        ours.append(measured())
    return statistics.median(base), statistics.median(ours)


def render(rows: Sequence[Row | Absolute]) -> str:
    header = ("benchmark", "baseline", "mpscope", "ratio", "target", "ok", "note")
    lines = []
    for row in rows:
        if isinstance(row, Row):
            cells = (row.name, f"{row.baseline:.4g} {row.unit} ({row.baseline_label})",
                     f"{row.measured:.4g} {row.unit}", f"{row.ratio:.3f}", row.target,
                     "yes" if row.ok else "NO", row.note)
        else:
            cells = (row.name, "-", f"{row.measured:.4g} {row.unit}", "-",
                     f"<= {row.limit:g} {row.unit}", "yes" if row.ok else "NO", row.note)
        lines.append(cells)
    widths = [max(len(h), *(len(c[i]) for c in lines)) for i, h in enumerate(header)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"
            for cells in lines]
    return "\n".join(out)
