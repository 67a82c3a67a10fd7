"""A bar chart drawn on the server as inline SVG geometry: no script, no CDN, prints as is."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    label_x: float
    value_y: float
    share: float  # of the axis's maximum, in per cent: a phone's row draws the bar this long


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    baseline: float
    bars: list[Bar]
    ticks: list[Tick]
    maximum: int


def nice_step(maximum: int, ticks: int = 4) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving about ``ticks`` grid lines."""
    if maximum <= 0:
        return 1
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if power * factor >= raw:
            return max(int(power * factor), 1)
    return int(power * 10)  # pragma: no cover - the loop always returns


def bar_chart(
    values: list[int],
    labels: list[str],
    *,
    width: int = 720,
    height: int = 260,
    left: int = 52,
    right: int = 12,
    top: int = 18,
    bottom: int = 30,
) -> BarChart:
    """Lay out one bar per value between a left axis and the baseline."""
    step = nice_step(max(values, default=0))
    maximum = step * max(math.ceil(max(values, default=0) / step), 1)
    plot_width = width - left - right
    plot_height = height - top - bottom
    baseline = top + plot_height
    slot = plot_width / max(len(values), 1)
    bar_width = slot * 0.64
    bars = []
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        h = plot_height * value / maximum
        x = left + slot * i + (slot - bar_width) / 2
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(baseline - h, 1),
                width=round(bar_width, 1),
                height=round(h, 1),
                value=value,
                label=label,
                label_x=round(x + bar_width / 2, 1),
                value_y=round(baseline - h - 4, 1),
                share=round(100 * value / maximum, 1),
            )
        )
    ticks = [
        Tick(y=round(baseline - plot_height * v / maximum, 1), value=v)
        for v in range(0, maximum + 1, step)
    ]
    return BarChart(
        width=width,
        height=height,
        left=left,
        right=width - right,
        top=top,
        baseline=baseline,
        bars=bars,
        ticks=ticks,
        maximum=maximum,
    )
