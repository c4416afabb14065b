"""Charts as SVG images drawn on the server: trend lines, bars with a target, funnels,
intervals. Plain Python, no Django; the output is a self-contained <svg> string.

Every chart names its key message in <title>/<desc> (read by screen readers), writes the
values on the chart itself, marks the highlighted item with a pattern and a word as well as a
colour, and takes its colours from the page's theme (high contrast too) with fallbacks for
a standalone file. Pages show the same figures in a table next to the chart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

WIDTH = 720
FONT = 15
SUPPRESSED_MARK = "—"

# Colours as attributes, so a standalone file looks right; the page's stylesheet
# (insights/insights.css) overrides them by class for the high-contrast theme.
_PAINT = {
    "muted": 'fill="#54565c"',
    "grid": 'stroke="#d5d8de" stroke-width="1"',
    "axis": 'stroke="#767a82" stroke-width="1.5"',
    "bar": 'fill="#0031a8"',
    "hot": 'fill="#c4161c"',
    "bar-alt": 'fill="#54565c"',
    "line": 'fill="none" stroke="#0031a8" stroke-width="3"',
    "line-2": 'fill="none" stroke="#54565c" stroke-width="3" stroke-dasharray="2 4"',
    "dot": 'fill="#0031a8"',
    "dot-2": 'fill="#54565c"',
    "target": 'stroke="#1b6f3a" stroke-width="2.5" stroke-dasharray="8 5"',
    "target-text": 'fill="#1b6f3a" font-weight="700"',
    "hot-text": 'fill="#c4161c" font-weight="700"',
    "whisker": 'stroke="#1a1a1c" stroke-width="2"',
    "strong": 'font-weight="700"',
}


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    """Return `text` escaped for XML, without the control characters XML cannot hold."""
    return escape(_NOT_XML.sub("", text))


def _paint(css: str) -> str:
    """Return class and colour attributes for the space-separated classes in `css`."""
    names = css.split()
    attrs = " ".join(_PAINT[n] for n in names if n in _PAINT)
    return f'class="{css}" {attrs}'.rstrip() if css else ""


@dataclass(frozen=True)
class Target:
    value: float
    label: str


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    secondary: bool = False


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    highlight: bool = False
    value_label: str = ""


@dataclass(frozen=True)
class Stage:
    label: str
    count: int | None
    note: str = ""
    highlight: bool = False


@dataclass(frozen=True)
class IntervalRow:
    label: str
    estimate: float | None
    low: float | None = None
    high: float | None = None
    note: str = ""


@dataclass
class _Svg:
    chart_id: str
    title: str
    description: str
    height: int
    parts: list[str] = field(default_factory=list)

    def text(
        self,
        x: float,
        y: float,
        content: str,
        anchor: str = "start",
        css: str = "",
        size: int | None = None,
    ) -> None:
        style = f' font-size="{size}"' if size else ""
        klass = f" {_paint(css)}" if css else ""
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}{style}>'
            f"{_xml(content)}</text>"
        )

    def add(self, element: str) -> None:
        self.parts.append(element)

    def render(self) -> str:
        cid = escape(self.chart_id)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="kc chart" role="img" '
            f'font-family="inherit" font-size="{FONT}" '
            f'viewBox="0 0 {WIDTH} {self.height}" width="100%" '
            f'style="max-width:{WIDTH}px;height:auto" '
            f'aria-labelledby="{cid}-title {cid}-desc" id="{cid}">'
            f'<title id="{cid}-title">{_xml(self.title)}</title>'
            f'<desc id="{cid}-desc">{_xml(self.description)}</desc>'
            f'<defs><pattern id="{cid}-hatch" width="8" height="8" '
            f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            f'<rect width="8" height="8" {_paint("hot")}/>'
            f'<line x1="0" y1="0" x2="0" y2="8" stroke="#fff" stroke-width="3"/></pattern></defs>'
            + "".join(self.parts)
            + "</svg>"
        )


def text_width(text: str, size: int = 14) -> float:
    """Return the approximate width of `text` in pixels: CJK characters are square."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.56 for ch in text)


def fit(text: str, width: float, size: int = 14) -> str:
    """Return `text` shortened with … so that it fits in `width` pixels."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def format_number(value: float | None, decimals: int = 0) -> str:
    """Return 1,234,567 (or 12.3 with decimals); the suppression mark for None."""
    if value is None:
        return SUPPRESSED_MARK
    return f"{value:,.{decimals}f}"


def compact_number(value: float, language: str = "ja") -> str:
    """Return an axis label: 2億 / 9,000万 in Japanese, 200M / 90k in English."""
    magnitude = abs(value)
    if language.startswith("ja"):
        if magnitude >= 1e8:
            return f"{value / 1e8:,.4g}億"
        if magnitude >= 1e4:
            return f"{value / 1e4:,.4g}万"
        return f"{value:,.4g}"
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if magnitude >= limit:
            return f"{value / limit:,.4g}{suffix}"
    return f"{value:,.4g}"


def nice_scale(low: float, high: float, ticks: int = 5) -> tuple[float, float, float]:
    """Return (start, stop, step) of a readable axis covering low…high."""
    if high <= low:
        high = low + 1
    raw = (high - low) / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _ticks(start: float, stop: float, step: float) -> list[float]:
    count = int(round((stop - start) / step))
    return [start + i * step for i in range(count + 1)]


def _label_step(labels: Sequence[str], slot: float) -> int:
    """Return n so that writing every n-th axis label leaves them room not to overlap."""
    widest = max((text_width(label, 13) for label in labels), default=0) + 10
    return max(1, math.ceil(widest / max(slot, 1)))


def _empty(svg: _Svg, message: str) -> str:
    svg.text(WIDTH / 2, svg.height / 2, message, "middle", "muted")
    return svg.render()


def _target_legend(svg: _Svg, right: float, target: Target) -> None:
    """Name the target line in a legend at the top right, clear of bars and points."""
    width = text_width(target.label, 14)
    svg.add(
        f'<line {_paint("target")} x1="{right - width - 40:.1f}" x2="{right - width - 8:.1f}" '
        f'y1="17" y2="17"/>'
    )
    svg.text(right, 22, target.label, "end", "target-text", 14)


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    target: Target | None = None,
    language: str = "ja",
    empty: str = "No data",
    zero_based: bool = True,
    suffix: str = "",
) -> str:
    """Return a trend chart: one line per series, gaps where a value is suppressed.

    With a `suffix` (such as "%") values are written as whole numbers followed by it."""
    svg = _Svg(chart_id, title, description, 340)
    values = [v for s in series for v in s.values if v is not None]
    if not values or not x_labels:
        return _empty(svg, empty)
    if target is not None:
        values.append(target.value)
    low = 0.0 if zero_based and min(values) >= 0 else min(values)
    start, stop, step = nice_scale(low, max(values) * 1.08)
    left, right, top, bottom = 78, WIDTH - 24, 44, 340 - 58
    n = len(x_labels)

    def x(i: int) -> float:
        return left + (right - left) * (i + 0.5) / n

    def y(v: float) -> float:
        return bottom - (bottom - top) * (v - start) / (stop - start)

    for tick in _ticks(start, stop, step):
        svg.add(
            f'<line {_paint("grid")} x1="{left}" x2="{right}" '
            f'y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>'
        )
        svg.text(left - 8, y(tick) + 5, compact_number(tick, language), "end", "muted", 13)
    svg.add(f'<line {_paint("axis")} x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}"/>')
    every = _label_step(x_labels, (right - left) / n)
    for i, label in enumerate(x_labels):
        if i % every == 0:
            svg.text(x(i), bottom + 22, label, "middle", "muted", 13)
    if target is not None:
        ty = y(target.value)
        svg.add(f'<line {_paint("target")} x1="{left}" x2="{right}" y1="{ty:.1f}" y2="{ty:.1f}"/>')
        _target_legend(svg, right, target)
    for index, s in enumerate(series):
        css = "line-2" if s.secondary else "line"
        dot = "dot-2" if s.secondary else "dot"
        segment: list[str] = []
        for i, v in enumerate(list(s.values) + [None]):
            if v is None:
                if len(segment) > 1:
                    svg.add(f'<polyline {_paint(css)} points="{" ".join(segment)}"/>')
                segment = []
                continue
            segment.append(f"{x(i):.1f},{y(v):.1f}")
            svg.add(f'<circle {_paint(dot)} cx="{x(i):.1f}" cy="{y(v):.1f}" r="4"/>')
        last = next((i for i in range(len(s.values) - 1, -1, -1) if s.values[i] is not None), None)
        if last is not None:
            value = s.values[last]
            label = f"{value:.0f}{suffix}" if suffix else compact_number(value, language)
            svg.text(x(last), y(value) - 12 - 16 * index, label, "middle", "strong", 14)
    legend_x = left
    for s in series:  # legends sit at the top left; a target's legend at the top right
        css = "line-2" if s.secondary else "line"
        svg.add(f'<line {_paint(css)} x1="{legend_x}" x2="{legend_x + 28}" y1="18" y2="18"/>')
        svg.text(legend_x + 34, 23, s.name, "start", "", 14)
        legend_x += 48 + text_width(s.name, 14)
    return svg.render()


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    target: Target | None = None,
    language: str = "ja",
    empty: str = "No data",
    suppressed_label: str = "fewer than 10",
) -> str:
    """Return vertical bars with their values written on top and an optional target line."""
    svg = _Svg(chart_id, title, description, 340)
    values = [b.value for b in bars if b.value is not None]
    if not values:
        return _empty(svg, empty)
    if target is not None:
        values.append(target.value)
    start, stop, step = nice_scale(0.0, max(values) * 1.08)
    left, right, top, bottom = 78, WIDTH - 24, 44, 340 - 58
    n = len(bars)
    slot = (right - left) / n
    width = min(slot * 0.7, 80)

    def y(v: float) -> float:
        return bottom - (bottom - top) * (v - start) / (stop - start)

    for tick in _ticks(start, stop, step):
        svg.add(
            f'<line {_paint("grid")} x1="{left}" x2="{right}" '
            f'y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>'
        )
        svg.text(left - 8, y(tick) + 5, compact_number(tick, language), "end", "muted", 13)
    every = _label_step([b.label for b in bars], slot)
    for i, bar in enumerate(bars):
        cx = left + slot * (i + 0.5)
        if bar.value is None:
            svg.text(cx, bottom - 8, SUPPRESSED_MARK, "middle", "muted")
        else:
            fill = f'fill="url(#{escape(chart_id)}-hatch)"' if bar.highlight else _paint("bar")
            svg.add(
                f'<rect {fill} x="{cx - width / 2:.1f}" y="{y(bar.value):.1f}" '
                f'width="{width:.1f}" height="{bottom - y(bar.value):.1f}"/>'
            )
            if n <= 16:
                svg.text(
                    cx,
                    y(bar.value) - 6,
                    bar.value_label or compact_number(bar.value, language),
                    "middle",
                    "strong",
                    13,
                )
        if i % every == 0:
            svg.text(cx, bottom + 22, bar.label, "middle", "muted", 13)
    svg.add(f'<line {_paint("axis")} x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}"/>')
    if target is not None:
        ty = y(target.value)
        svg.add(f'<line {_paint("target")} x1="{left}" x2="{right}" y1="{ty:.1f}" y2="{ty:.1f}"/>')
        _target_legend(svg, right, target)
    if any(b.value is None for b in bars):
        svg.text(left, 16, f"{SUPPRESSED_MARK} = {suppressed_label}", "start", "muted", 13)
    return svg.render()


def funnel_chart(
    chart_id: str,
    title: str,
    description: str,
    stages: Sequence[Stage],
    highlight_label: str = "Largest drop-off",
    empty: str = "No data",
) -> str:
    """Return a funnel: one horizontal bar per stage, the highlighted stage hatched and named."""
    row = 46
    svg = _Svg(chart_id, title, description, 20 + row * max(len(stages), 1))
    first = stages[0].count if stages else None
    if not stages or not first:
        return _empty(svg, empty)
    label_width, left, right = 250, 260, WIDTH - 150
    for i, stage in enumerate(stages):
        top = 10 + i * row
        label = fit(stage.label, label_width - 8)
        svg.text(label_width, top + 27, label, "end", "strong" if stage.highlight else "", 14)
        if stage.count is None:
            svg.text(left + 4, top + 27, SUPPRESSED_MARK, "start", "muted")
            continue
        width = max(2.0, (right - left) * min(stage.count / first, 1.0))
        fill = f'fill="url(#{escape(chart_id)}-hatch)"' if stage.highlight else _paint("bar")
        svg.add(f'<rect {fill} x="{left}" y="{top + 6}" width="{width:.1f}" height="{row - 14}"/>')
        share = f"{100 * stage.count / first:.0f}%"
        svg.text(left + width + 8, top + 22, f"{stage.count:,} ({share})", "start", "strong", 14)
        if stage.note or stage.highlight:
            note = f"▲ {highlight_label} {stage.note}".strip() if stage.highlight else stage.note
            svg.text(
                left + width + 8,
                top + 39,
                note,
                "start",
                "hot-text" if stage.highlight else "muted",
                12,
            )
    return svg.render()


def interval_chart(
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[IntervalRow],
    low: float = -100,
    high: float = 100,
    empty: str = "No data",
    suppressed_label: str = "fewer than 10 answers",
) -> str:
    """Return estimates as dots with their interval as whiskers, one row each, on low…high."""
    row = 40
    svg = _Svg(chart_id, title, description, 50 + row * max(len(rows), 1))
    if not rows:
        return _empty(svg, empty)
    label_width, left, right = 270, 290, WIDTH - 70

    def x(v: float) -> float:
        return left + (right - left) * (v - low) / (high - low)

    bottom = 20 + row * len(rows)
    for tick in _ticks(low, high, (high - low) / 4):
        svg.add(
            f'<line {_paint("grid")} x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="12" y2="{bottom}"/>'
        )
        svg.text(
            x(tick),
            bottom + 20,
            f"{tick:+.0f}" if low < 0 else f"{tick:.0f}",
            "middle",
            "muted",
            13,
        )
    for i, r in enumerate(rows):
        cy = 20 + i * row + row / 2
        svg.text(label_width, cy + 5, fit(r.label, label_width - 8), "end", "", 14)
        if r.estimate is None:
            svg.text(
                left + 4, cy + 5, f"{SUPPRESSED_MARK} {suppressed_label}", "start", "muted", 13
            )
            continue
        if r.low is not None and r.high is not None:
            svg.add(
                f'<line {_paint("whisker")} x1="{x(r.low):.1f}" x2="{x(r.high):.1f}" '
                f'y1="{cy:.1f}" y2="{cy:.1f}"/>'
            )
            for end in (r.low, r.high):
                svg.add(
                    f'<line {_paint("whisker")} x1="{x(end):.1f}" x2="{x(end):.1f}" '
                    f'y1="{cy - 8:.1f}" y2="{cy + 8:.1f}"/>'
                )
        svg.add(f'<circle {_paint("dot")} cx="{x(r.estimate):.1f}" cy="{cy:.1f}" r="7"/>')
        svg.text(right + 10, cy + 5, r.note or f"{r.estimate:+.0f}", "start", "strong", 14)
    return svg.render()


def hbar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    maximum: float | None = None,
    suffix: str = "",
    empty: str = "No data",
    suppressed_label: str = "fewer than 10",
) -> str:
    """Return horizontal bars, one per labelled item (long names fit), values written out.

    A highlighted bar is a total: grey with a bold label."""
    row = 40
    svg = _Svg(chart_id, title, description, 16 + row * max(len(bars), 1))
    values = [b.value for b in bars if b.value is not None]
    if not values:
        return _empty(svg, empty)
    top_value = maximum or max(values) or 1
    label_width, left, right = 270, 280, WIDTH - 90
    for i, bar in enumerate(bars):
        top = 8 + i * row
        svg.text(
            label_width,
            top + 24,
            fit(bar.label, label_width - 8),
            "end",
            "strong" if bar.highlight else "",
            14,
        )
        if bar.value is None:
            svg.text(
                left + 4, top + 24, f"{SUPPRESSED_MARK} {suppressed_label}", "start", "muted", 13
            )
            continue
        width = max(2.0, (right - left) * min(bar.value / top_value, 1.0))
        fill = _paint("bar-alt") if bar.highlight else _paint("bar")  # a total, in grey
        svg.add(f'<rect {fill} x="{left}" y="{top + 6}" width="{width:.1f}" height="{row - 14}"/>')
        label = bar.value_label or (f"{bar.value:.0f}{suffix}" if suffix else f"{bar.value:,.0f}")
        svg.text(left + width + 8, top + 24, label, "start", "strong", 14)
    return svg.render()
