"""Charts as SVG text, built on the server: plain Python, no Django, no scripts, no styles.

Every chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>`` (the text
alternative), and colours come from classes that the site's stylesheet defines (``chart-*``), so the strict
Content Security Policy (no inline styles) holds. Each chart on a page has a table of the same figures beside
it; the SVG is the picture, not the only record. Text is escaped here, once: callers pass plain strings.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

Number = Decimal | int

LABEL_WIDTH = 230
WIDTH = 640
BAR = 14
GAP = 10


@dataclass(frozen=True)
class Series:
    """One set of bars: its name (for the legend) and the class that colours it."""

    name: str
    css_class: str


def _svg(ident: str, title: str, desc: str, width: float, height: float, body: list[str]) -> str:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width:g} {height:g}" '
            f'aria-labelledby="{ident}-title {ident}-desc" id={quoteattr(ident)}>'
            f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>')
    return head + "".join(body) + "</svg>"


def _text(x: float, y: float, text: str, css_class: str = "chart-label", anchor: str = "start") -> str:
    return f'<text x="{x:g}" y="{y:g}" class="{css_class}" text-anchor="{anchor}">{escape(text)}</text>'


def _shorten(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _legend(series: Sequence[Series], y: float) -> list[str]:
    parts, x = [], float(LABEL_WIDTH)
    for s in series:
        parts.append(f'<rect x="{x:g}" y="{y - 9:g}" width="10" height="10" class="{s.css_class}"/>')
        parts.append(_text(x + 16, y, s.name))
        x += 16 + 8 * len(s.name) + 24
    return parts


def bar_chart(ident: str, title: str, desc: str, categories: Sequence[str], series: Sequence[Series],
              values: Sequence[Sequence[Number]], fmt: Callable[[Number], str]) -> str:
    """Horizontal bars, a group per category and a bar per series; ``values[i][j]`` is category i, series j.

    Bars share one scale (the largest value spans the plot), so lengths compare across categories.
    """
    if len(values) != len(categories) or any(len(row) != len(series) for row in values):
        raise ValueError("one value per category and series")
    top = max((v for row in values for v in row), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - 110  # room after the longest bar for its value ("9 990 635,50 €")
    group = BAR * len(series) + GAP
    y = 30.0
    body = _legend(series, 16) if len(series) > 1 else []
    for category, row in zip(categories, values, strict=True):
        body.append(_text(LABEL_WIDTH - 6, y + BAR * len(series) / 2 + 4, _shorten(category), anchor="end"))
        for j, (s, value) in enumerate(zip(series, row, strict=True)):
            length = float(value) / float(top) * plot
            bar_y = y + j * BAR
            body.append(f'<rect x="{LABEL_WIDTH}" y="{bar_y:g}" width="{max(length, 0.0):.1f}" height="{BAR - 2}" '
                        f'class="{s.css_class}"/>')
            body.append(_text(LABEL_WIDTH + length + 4, bar_y + BAR - 4, fmt(value), "chart-value"))
        y += group
    return _svg(ident, title, desc, WIDTH, y + 4, body)


def column_chart(ident: str, title: str, desc: str, categories: Sequence[str], series: Sequence[Series],
                 values: Sequence[Sequence[Number]], fmt: Callable[[Number], str]) -> str:
    """Vertical columns over time: a group per category (a round, oldest first) and a column per series."""
    if len(values) != len(categories) or any(len(row) != len(series) for row in values):
        raise ValueError("one value per category and series")
    height, base, left = 260.0, 220.0, 20.0
    top = max((v for row in values for v in row), default=0) or 1
    slot = (WIDTH - left) / max(len(categories), 1)
    width = min(40.0, (slot - 16) / max(len(series), 1))
    body = _legend(series, 16)
    body.append(f'<line x1="{left:g}" y1="{base:g}" x2="{WIDTH:g}" y2="{base:g}" class="chart-axis"/>')
    for i, (category, row) in enumerate(zip(categories, values, strict=True)):
        x0 = left + i * slot + (slot - width * len(series)) / 2
        for j, (s, value) in enumerate(zip(series, row, strict=True)):
            h = float(value) / float(top) * (base - 50)
            x = x0 + j * width
            body.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{width - 2:.1f}" height="{h:.1f}" '
                        f'class="{s.css_class}"/>')
            body.append(_text(x + width / 2, base - h - 4, fmt(value), "chart-value", "middle"))
        body.append(_text(left + i * slot + slot / 2, base + 18, _shorten(category, 18), anchor="middle"))
    return _svg(ident, title, desc, WIDTH, height, body)


@dataclass(frozen=True)
class Area:
    """A municipality of the map: its code, name and outline as SVG path data."""

    code: str
    name: str
    path: str


def map_chart(ident: str, title: str, desc: str, areas: Sequence[Area], shaded: set[str], width: float,
              height: float, legend: Sequence[tuple[str, str]] = ()) -> str:
    """The areas outlined, those whose code is in ``shaded`` filled; each area names itself in a tooltip."""
    body = []
    for area in areas:
        css = "chart-area chart-area-on" if area.code in shaded else "chart-area"
        body.append(f'<path d="{area.path}" class="{css}"><title>{escape(area.name)}</title></path>')
    for i, (css_class, text) in enumerate(legend):  # the map is drawn at twice its size: so is its legend
        y = 34 + i * 34
        body.append(f'<rect x="8" y="{y - 20}" width="22" height="22" class="{css_class}"/>')
        body.append(_text(38, y, text, "chart-label chart-map-label"))
    return _svg(ident, title, desc, width, height, body)
