"""Benchmark results: one Measurement per target, printed as a table and saved as JSON."""

from __future__ import annotations

import json
import platform
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Measurement:
    """Samples of one figure and the target it is held to."""

    target_id: str  # the target number, e.g. "2a"
    name: str  # what was measured, e.g. "3,000 tokens at full speed: Enter -> all on screen"
    unit: str  # "s", "ms", "MB", "tokens/s"
    samples: list[float]
    target: float
    higher_is_better: bool = False
    note: str = ""
    extra: dict[str, float] = field(default_factory=dict)  # other figures worth keeping

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def met(self) -> bool:
        if not self.samples:
            return False
        return self.median >= self.target if self.higher_is_better else self.median <= self.target


def _cell(value: float) -> str:
    if value != value:  # NaN: no samples
        return "-"
    # Below 999.5, not 1000: three significant digits round 999.5 up to "1e+03".
    return f"{value:,.3g}" if abs(value) < 999.5 else f"{value:,.0f}"


def table(measurements: Sequence[Measurement]) -> str:
    """A Markdown table: median, min, max, target and whether it is met."""
    rows = [
        "| # | figure | median | min | max | n | target | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for m in measurements:
        low, high = (min(m.samples), max(m.samples)) if m.samples else (float("nan"),) * 2
        bound = ">=" if m.higher_is_better else "<="
        rows.append(
            f"| {m.target_id} | {m.name} | {_cell(m.median)} {m.unit} | {_cell(low)} | "
            f"{_cell(high)} | {len(m.samples)} | {bound} {_cell(m.target)} {m.unit} | "
            f"{'yes' if m.met else 'NO'} |"
        )
    return "\n".join(rows)


def machine() -> dict[str, str]:
    import os

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": str(os.cpu_count()),
        "processor": platform.processor() or platform.machine(),
    }


def _json_number(value: float) -> float | None:
    # NaN (a figure without samples) is not valid JSON; null is.
    return None if value != value else value


def write_json(measurements: Sequence[Measurement], path: Path) -> None:
    data = {
        "machine": machine(),
        "measurements": [
            {**asdict(m), "median": _json_number(m.median), "met": m.met} for m in measurements
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
