"""Charts of the print-ready report as inline SVG, drawn on the server from the report's figures.

Why SVG and not the page's ECharts: a print page must print without JavaScript (the CSP forbids
inline scripts; a browser's print and PDF makers often do not wait for scripts), and vector
shapes stay sharp on paper. Colours are chosen to survive black-and-white printing (bars in mid
grey, the line in black with dots). Every label goes through `escape`: department and category
names are data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 680
BAR = "#8a8a8a"
LINE = "#000"


def _ticks(top: float, n: int = 4) -> list[float]:
    """Round gridline values from 0 to at least `top`."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / n
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(int(top // step) + 2) if step * (i - 1) < top]


def _num(v: float) -> str:
    return f"{v:g}"


def daily_chart(days: Sequence[dict[str, Any]], *, title: str, intake: str, completed: str) -> SafeString:
    """Bars of intake per day, a line of completions, with a legend; empty when there are no days."""
    if not days:
        return mark_safe("")  # noqa: S308 -- a constant
    height, left, right, top, bottom = 240, 44, 12, 30, 40
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    values = [(int(d.get("intake") or 0), int(d.get("completed") or 0)) for d in days]
    ticks = _ticks(max(max(a, b) for a, b in values))
    ymax = ticks[-1] or 1
    slot = plot_w / len(days)

    def y(v: float) -> float:
        return top + plot_h - v / ymax * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-svg" id="report-svg-days" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for t in ticks:
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#ccc" '
            f'stroke-width="0.6"/><text x="{left - 4}" y="{y(t) + 4:.1f}" font-size="10" '
            f'text-anchor="end">{_num(t)}</text>'
        )
    every = max(1, len(days) // 10)  # at most ~10 day labels, so that a month stays legible
    points = []
    for i, ((a, b), d) in enumerate(zip(values, days, strict=True)):
        x = left + i * slot
        w = max(slot * 0.6, 1.0)
        parts.append(
            f'<rect class="bar" x="{x + (slot - w) / 2:.1f}" y="{y(a):.1f}" width="{w:.1f}" '
            f'height="{top + plot_h - y(a):.1f}" fill="{BAR}"><title>{escape(d.get("day", ""))}: '
            f"{a}</title></rect>"
        )
        points.append((x + slot / 2, y(b)))
        if i % every == 0:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 14}" font-size="10" '
                f'text-anchor="middle">{escape(str(d.get("day", ""))[5:])}</text>'
            )
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    parts.append(f'<polyline class="line" points="{path}" fill="none" stroke="{LINE}" stroke-width="1.6"/>')
    parts.extend(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.2" fill="{LINE}"/>' for px, py in points)
    parts.append(
        f'<line x1="{left}" x2="{WIDTH - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#000"/>'
    )
    # Legend.
    parts.append(
        f'<rect x="{left}" y="8" width="12" height="10" fill="{BAR}"/>'
        f'<text x="{left + 16}" y="17" font-size="11">{escape(intake)}</text>'
        f'<line x1="{left + 110}" x2="{left + 128}" y1="13" y2="13" stroke="{LINE}" stroke-width="1.6"/>'
        f'<text x="{left + 132}" y="17" font-size="11">{escape(completed)}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every piece of data above is escaped


def _hbars(
    items: Sequence[tuple[str, float | None, str]],
    *,
    title: str,
    element_id: str,
    scale: float,
    ticks: Sequence[tuple[float, str]],
    width: int = WIDTH,
) -> SafeString:
    """Horizontal bars: (label, value or None, text printed after the bar); `scale` is the value
    at full width, `ticks` the (value, text) gridlines."""
    if not items:
        return mark_safe("")  # noqa: S308 -- a constant
    row_h, right, top = 20, 52, 8
    left = 150 if width >= WIDTH else 90  # room for a unit's name; a half-width chart has less
    height = top + row_h * len(items) + 20
    plot_w = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-svg" id="{escape(element_id)}" '
        f'viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick, text in ticks:
        x = left + plot_w * tick / scale
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - 18}" stroke="#ccc" '
            f'stroke-width="0.6"/><text x="{x:.1f}" y="{height - 6}" font-size="10" '
            f'text-anchor="middle">{escape(text)}</text>'
        )
    for i, (label, value, text) in enumerate(items):
        y = top + i * row_h
        room = 12 if width >= WIDTH else 7
        label = label if len(label) <= room else label[: room - 1] + "…"
        parts.append(
            f'<text x="{left - 6}" y="{y + 14}" font-size="11" text-anchor="end">{escape(label)}</text>'
        )
        if value is None:
            parts.append(f'<text x="{left + 4}" y="{y + 14}" font-size="11">—</text>')
            continue
        w = max(0.0, min(1.0, value / scale)) * plot_w
        parts.append(
            f'<rect class="bar" x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{BAR}"/><text x="{left + w + 4:.1f}" y="{y + 14}" font-size="10">'
            f"{escape(text)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every piece of data above is escaped


def rate_chart(
    rows: Sequence[dict[str, Any]],
    *,
    title: str,
    key: str = "on_time_completion_rate",
    element_id: str = "report-svg-departments",
) -> SafeString:
    """A rate (0–1) per row in the given (ranked) order; a row without the rate shows "—"."""
    items = []
    for r in rows:
        rate = r.get(key)
        value = None if rate is None else float(rate)
        items.append((str(r.get("label") or "—"), value, "" if value is None else f"{value * 100:.1f}%"))
    return _hbars(
        items,
        title=title,
        element_id=element_id,
        scale=1.0,
        ticks=[(p / 100, f"{p}%") for p in (0, 25, 50, 75, 100)],
    )


def count_chart(rows: Sequence[dict[str, Any]], *, title: str, element_id: str) -> SafeString:
    """Intake per row (top categories or areas)."""
    items = [
        (str(r.get("label") or "—"), float(r.get("intake") or 0), str(int(r.get("intake") or 0)))
        for r in rows
    ]
    ticks = _ticks(max((v or 0.0 for _, v, _ in items), default=0.0))
    return _hbars(
        items,
        title=title,
        element_id=element_id,
        scale=ticks[-1] if items else 1.0,
        ticks=[(t, _num(t)) for t in ticks],
        width=WIDTH // 2,  # shown two side by side (categories, areas)
    )
