"""Small inline SVG charts for the reports, made at build time (no JavaScript).

Every chart is one line of SVG (safe inside a Markdown HTML block, which must
not contain blank lines) with ``role="img"``, a ``<title>`` and a ``<desc>``
referenced by ``aria-labelledby``. Each mark carries its own ``<title>`` so the
value shows on hover. The page always puts the same numbers in a table beside
the chart; the chart is never the only place a number appears.

Pure functions of their arguments: same input, same bytes. All text is
XML-escaped, so the result also parses as XML.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from sitrep.model.formatting import format_seconds

__all__ = ["IMPACT_COLOURS", "LOG_TICKS", "PALETTE", "bar_chart", "hbar_chart", "line_chart", "strip_plot_log"]

#: Fill colours, in series order; every series also has a text label in the legend.
PALETTE: tuple[str, ...] = ("#b3261e", "#c75b12", "#8a6100", "#1f5fa8", "#5e35b1", "#00796b", "#6d4c41", "#546e7a")
#: Impact colours of the status page's uptime bars (sitrep.css ``--sr-cell-*``), so a chart reads like the bars.
IMPACT_COLOURS: dict[str, str] = {
    "degraded_performance": "#e0a800", "partial_outage": "#e8710a", "major_outage": "#d93025",
    "under_maintenance": "#1f5fa8",
}
#: Ticks of the log time axis, in seconds, with their labels.
LOG_TICKS: tuple[tuple[float, str], ...] = (
    (60, "1 min"), (600, "10 min"), (3600, "1 h"), (4 * 3600, "4 h"), (86400, "1 d"), (7 * 86400, "1 w"),
)
_FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def _x(text: object) -> str:
    """Escape text for XML content and double-quoted attributes."""
    return escape(str(text), {'"': "&quot;"})


def _n(value: float) -> str:
    """Compact coordinate."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    cid = _x(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sr-chart-svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{cid}-t {cid}-d">',
        f'<title id="{cid}-t">{_x(title)}</title><desc id="{cid}-d">{_x(desc)}</desc>',
    ]


def _nice_max(value: float) -> float:
    """Smallest 1, 2 or 5 times a power of ten at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)  # pragma: no cover


def _ticks(top_value: float, integer: bool) -> list[float]:
    """Five evenly spaced axis values from 0; whole numbers only for counts (never 0.5 incidents)."""
    if not integer:
        y_max = _nice_max(top_value)
        return [y_max * k / 4 for k in range(5)]
    top_value = max(top_value, 1)
    step = max(1, math.ceil(top_value / 4))
    return [float(step * k) for k in range(math.ceil(top_value / step) + 1)]


def _colour(k: int, colours: Sequence[str] | None) -> str:
    return colours[k] if colours and k < len(colours) else PALETTE[k % len(PALETTE)]


def _legend(names: Sequence[str], x: float, y: float, colours: Sequence[str] | None = None) -> list[str]:
    parts = []
    for k, name in enumerate(names):
        parts.append(f'<rect x="{_n(x)}" y="{_n(y - 9)}" width="10" height="10" fill="{_colour(k, colours)}"/>'
                     f'<text x="{_n(x + 14)}" y="{_n(y)}" {_FONT}>{_x(name)}</text>')
        x += 22 + 7 * len(name)
    return parts


def bar_chart(chart_id: str, title: str, desc: str, labels: Sequence[str],
              series: Sequence[tuple[str, Sequence[float]]], *, width: int = 640, height: int = 240,
              value_format: Callable[[float], str] = lambda v: f"{v:g}", integer: bool = False,
              colours: Sequence[str] | None = None) -> str:
    """Vertical bars, one per label; several series are stacked (legend above the plot).

    Labels that would not fit side by side are drawn at an angle instead of overlapping.
    ``integer`` puts whole numbers on the axis (counts); ``colours`` fixes each series' colour.
    """
    widest = max((len(str(label)) for label in labels), default=0) * 6.2
    left, right, top = 44, 10, 26 if len(series) > 1 else 10
    slot_guess = (width - left - right) / max(len(labels), 1)
    rotate = widest + 6 > slot_guess
    bottom = 24 + (min(widest, 110) * 0.71 if rotate else 0)
    height = max(height, int(top + 150 + bottom))
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    ticks = _ticks(max(totals, default=0), integer)
    y_max = ticks[-1]
    out = _open(chart_id, title, desc, width, height)
    for value in ticks:
        y = top + plot_h - plot_h * value / y_max
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{_n(y)}" y2="{_n(y)}" class="sr-grid" stroke="#ccc" '
                   f'stroke-width="1"/><text x="{left - 4}" y="{_n(y + 4)}" text-anchor="end" {_FONT}>'
                   f'{_x(value_format(value))}</text>')
    slot = plot_w / max(len(labels), 1)
    bar_w = max(slot * 0.7, 1)
    every = max(1, math.ceil(len(labels) * 14 / plot_w)) if rotate else 1  # rotated labels need 14 px each
    for i, label in enumerate(labels):
        x = left + slot * i + (slot - bar_w) / 2
        base = top + plot_h
        for k, (name, values) in enumerate(series):
            value = values[i]
            if value <= 0:
                continue
            h = plot_h * value / y_max
            base -= h
            tip = f"{label}: {name} {value_format(value)}" if len(series) > 1 else f"{label}: {value_format(value)}"
            out.append(f'<rect x="{_n(x)}" y="{_n(base)}" width="{_n(bar_w)}" height="{_n(h)}" '
                       f'fill="{_colour(k, colours)}"><title>{_x(tip)}</title></rect>')
        if i % every == 0:
            cx = left + slot * i + slot / 2
            y = top + plot_h + 14
            if rotate:
                out.append(f'<text x="{_n(cx)}" y="{_n(y)}" text-anchor="end" transform="rotate(-45 {_n(cx)} {_n(y)})" '
                           f'{_FONT}>{_x(label)}</text>')
            else:
                out.append(f'<text x="{_n(cx)}" y="{_n(y)}" text-anchor="middle" {_FONT}>{_x(label)}</text>')
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#666"/>')
    if len(series) > 1:
        out += _legend([name for name, _ in series], left, 14, colours)
    out.append("</svg>")
    return "".join(out)


def hbar_chart(chart_id: str, title: str, desc: str, labels: Sequence[str],
               series: Sequence[tuple[str, Sequence[float]]], *, width: int = 640,
               colours: Sequence[str] | None = None) -> str:
    """Horizontal stacked bars, one row per label (long category names stay readable); whole-number axis."""
    row_h, top, right = 22, 26 if len(series) > 1 else 8, 14
    left = int(min(max((len(str(label)) for label in labels), default=0) * 6.4 + 10, width * 0.45))
    plot_w = width - left - right
    height = top + row_h * max(len(labels), 1) + 22
    bottom = top + row_h * max(len(labels), 1)
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    ticks = _ticks(max(totals, default=0), True)
    x_max = ticks[-1]
    out = _open(chart_id, title, desc, width, height)
    for value in ticks:
        x = left + plot_w * value / x_max
        out.append(f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{top}" y2="{bottom}" class="sr-grid" stroke="#ccc"/>'
                   f'<text x="{_n(x)}" y="{bottom + 14}" text-anchor="middle" {_FONT}>{value:g}</text>')
    for i, label in enumerate(labels):
        y = top + row_h * i
        out.append(f'<text x="{left - 6}" y="{_n(y + row_h / 2 + 4)}" text-anchor="end" {_FONT}>{_x(label)}</text>')
        x = float(left)
        for k, (name, values) in enumerate(series):
            value = values[i]
            if value <= 0:
                continue
            w = plot_w * value / x_max
            tip = f"{label}: {name} {value:g}" if len(series) > 1 else f"{label}: {value:g}"
            out.append(f'<rect x="{_n(x)}" y="{_n(y + 4)}" width="{_n(w)}" height="{row_h - 8}" '
                       f'fill="{_colour(k, colours)}"><title>{_x(tip)}</title></rect>')
            x += w
    if len(series) > 1:
        out += _legend([name for name, _ in series], left, 14, colours)
    out.append("</svg>")
    return "".join(out)


def _log_scale(lo: float, hi: float, start: float, length: float) -> Callable[[float], float]:
    span = math.log10(hi) - math.log10(lo)
    return lambda v: start + length * (math.log10(min(max(v, lo), hi)) - math.log10(lo)) / span


def _log_bounds(values: Sequence[float]) -> tuple[float, float]:
    positive = [v for v in values if v > 0]
    lo = min([LOG_TICKS[0][0] / 2, *positive])
    hi = max([LOG_TICKS[-1][0] * 2, *positive])
    return max(lo, 1.0), hi


#: Above this many values in a row, dots are binned (one circle per BIN_PX pixels, area ~ count), so the
#: chart's size does not grow with the archive.
MAX_DOTS_PER_ROW = 60
BIN_PX = 10


def _binned_dots(dots: Sequence[tuple[str, float]], scale: Any, mid: float, colour: str) -> list[str]:
    bins: dict[int, list[float]] = {}
    for _, value in dots:
        bins.setdefault(int(scale(value) // BIN_PX), []).append(value)
    out = []
    for column, values in sorted(bins.items()):
        values.sort()
        radius = min(3 + 1.5 * math.sqrt(len(values)), 14)
        label = f"{len(values)} incident{'s' if len(values) != 1 else ''}, {_seconds_text(values[0])}"
        if len(values) > 1:
            label += f" to {_seconds_text(values[-1])}"
        out.append(f'<circle cx="{_n(column * BIN_PX + BIN_PX / 2)}" cy="{_n(mid)}" r="{_n(radius)}" fill="{colour}" '
                   f'fill-opacity="0.6" stroke="#222" stroke-width="0.5"><title>{_x(label)}</title></circle>')
    return out


def strip_plot_log(chart_id: str, title: str, desc: str,
                   groups: Sequence[tuple[str, Sequence[tuple[str, float]]]], *,
                   targets: Sequence[float | None] = (), width: int = 640) -> str:
    """One row per group (e.g. severity), one dot per value (seconds) on a log time axis.

    ``groups`` is ``[(label, [(dot title, seconds), ...]), ...]``; ``targets`` (seconds,
    per group) draws a dashed target mark. Zero durations are drawn at the left edge.
    """
    row_h, left, right, top = 34, 70, 16, 10
    height = top + row_h * max(len(groups), 1) + 34
    lo, hi = _log_bounds([v for _, dots in groups for _, v in dots])
    scale = _log_scale(lo, hi, left, width - left - right)
    out = _open(chart_id, title, desc, width, height)
    bottom = top + row_h * max(len(groups), 1)
    for seconds, label in LOG_TICKS:
        x = scale(seconds)
        out.append(f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{top}" y2="{bottom}" class="sr-grid" stroke="#ccc"/>'
                   f'<text x="{_n(x)}" y="{bottom + 14}" text-anchor="middle" {_FONT}>{_x(label)}</text>')
    out.append(f'<text x="{_n(left + (width - left - right) / 2)}" y="{bottom + 28}" text-anchor="middle" '
               f'{_FONT}>Time (log scale)</text>')
    for g, (label, dots) in enumerate(groups):
        mid = top + row_h * g + row_h / 2
        out.append(f'<text x="{left - 6}" y="{_n(mid + 4)}" text-anchor="end" {_FONT}>{_x(label)}</text>'
                   f'<line x1="{left}" x2="{width - right}" y1="{_n(mid)}" y2="{_n(mid)}" class="sr-grid" '
                   'stroke="#eee"/>')
        target = targets[g] if g < len(targets) else None
        if target:
            x = scale(target)
            out.append(f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(mid - row_h / 2 + 3)}" y2="{_n(mid + row_h / 2 - 3)}" '
                       f'stroke="#b3261e" stroke-width="2" stroke-dasharray="3 2"><title>{_x(label)} target: '
                       f'{_x(_seconds_text(target))}</title></line>')
        colour = PALETTE[g % len(PALETTE)]
        if len(dots) > MAX_DOTS_PER_ROW:
            out += _binned_dots(dots, scale, mid, colour)
            continue
        for k, (name, value) in enumerate(dots):
            jitter = ((k * 7) % 5 - 2) * 3  # deterministic spread so equal values stay visible
            out.append(f'<circle cx="{_n(scale(value))}" cy="{_n(mid + jitter)}" r="4" '
                       f'fill="{colour}" fill-opacity="0.75" stroke="#222" stroke-width="0.5">'
                       f'<title>{_x(name)}: {_x(_seconds_text(value))}</title></circle>')
    out.append("</svg>")
    return "".join(out)


def line_chart(chart_id: str, title: str, desc: str, labels: Sequence[str],
               series: Sequence[tuple[str, Sequence[float | None]]], *, width: int = 640, height: int = 240) -> str:
    """Durations (seconds) per label on a log time axis, one line per series; gaps where None."""
    left, right, top, bottom = 54, 28, 26, 40  # half of the last label's width stays inside on the right
    plot_w, plot_h = width - left - right, height - top - bottom
    lo, hi = _log_bounds([v for _, values in series for v in values if v is not None])
    scale_y = _log_scale(lo, hi, 0, plot_h)

    def y_of(v: float) -> float:
        return top + plot_h - scale_y(v)

    step = plot_w / max(len(labels) - 1, 1)

    def x_of(i: int) -> float:
        return left + (step * i if len(labels) > 1 else plot_w / 2)

    out = _open(chart_id, title, desc, width, height)
    for seconds, label in LOG_TICKS:
        y = y_of(seconds)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{_n(y)}" y2="{_n(y)}" class="sr-grid" stroke="#ccc"/>'
                   f'<text x="{left - 4}" y="{_n(y + 4)}" text-anchor="end" {_FONT}>{_x(label)}</text>')
    every = max(1, math.ceil(len(labels) * 52 / plot_w))
    for i, label in enumerate(labels):
        if i % every == 0:
            out.append(f'<text x="{_n(x_of(i))}" y="{top + plot_h + 16}" text-anchor="middle" {_FONT}>'
                       f'{_x(label)}</text>')
    for k, (name, values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(values):
            if v is None:
                runs.append([])
            else:
                runs[-1].append((x_of(i), y_of(v)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{_n(x)},{_n(y)}" for x, y in run)
                dash = ' stroke-dasharray="5 3"' if k else ""
                out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for i, v in enumerate(values):
            if v is not None:
                out.append(f'<circle cx="{_n(x_of(i))}" cy="{_n(y_of(v))}" r="3.5" fill="{colour}"><title>'
                           f'{_x(labels[i])} {_x(name)}: {_x(_seconds_text(v))}</title></circle>')
    out += _legend([name for name, _ in series], left, 14)
    out.append("</svg>")
    return "".join(out)


def _seconds_text(seconds: float) -> str:
    return format_seconds(seconds)
