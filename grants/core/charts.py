"""Charts as inline SVG, drawn on the server: one code path for web pages and PDF reports."""

from collections.abc import Sequence

from markupsafe import Markup, escape

PALETTE = ("#1f5fa8", "#3a8d5c", "#d18b1f", "#b8412f", "#6b5ca5", "#4a8fa8")


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def horizontal_bars(
    items: Sequence[tuple[str, float | None, str]],
    maximum: float,
    width: int = 520,
    row: int = 26,
    label_width: int = 190,
    title: str = "",
    step: float = 1,
) -> Markup:
    """Bars for (label, value, value text) rows on a 0..maximum scale, a grid line every `step`;
    labels and texts are escaped."""
    height = row * len(items) + 24
    plot = width - label_width - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Report Sans, Noto Sans, DejaVu Sans, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    ticks = int(maximum / step)
    for n in range(ticks + 1):
        tick = n * step
        x = label_width + plot * tick / maximum
        parts.append(
            f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 18}" stroke="#ddd" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle" fill="#666">{_fmt(tick)}</text>'
        )
    for i, (label, value, text) in enumerate(items):
        y = 6 + i * row
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end" fill="#222">{escape(short)}</text>'
        )
        if value is not None:
            w = max(0.0, min(1.0, value / maximum)) * plot
            color = PALETTE[i % len(PALETTE)]
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{row - 8}" fill="{color}" rx="2"/>'
            )
            parts.append(
                f'<text x="{label_width + w + 4:.1f}" y="{y + 13}" fill="#222">{escape(text)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def distribution(
    items: Sequence[tuple[str, int]], width: int = 520, height: int = 28, title: str = ""
) -> Markup:
    """One stacked bar of counts (e.g. evaluations per band), with a legend underneath."""
    total = sum(count for _label, count in items) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height + 22 * len(items)}" '
        f'viewBox="0 0 {width} {height + 22 * len(items)}" font-family="Report Sans, Noto Sans, DejaVu Sans, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    x = 0.0
    for i, (_label, count) in enumerate(items):
        w = width * count / total
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height - 6}" fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        x += w
    for i, (label, count) in enumerate(items):
        y = height + 22 * i
        parts.append(f'<rect x="0" y="{y}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(f'<text x="18" y="{y + 10}" fill="#222">{escape(label)}: {count}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _svg_open(width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Report Sans, Noto Sans, DejaVu Sans, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]


def grouped_bars(
    items: Sequence[tuple[str, Sequence[tuple[float | None, str]]]],
    series: Sequence[str],
    maximum: float,
    width: int = 640,
    label_width: int = 220,
    bar: int = 12,
    title: str = "",
) -> Markup:
    """Several bars per row (one per series, e.g. announced and contracted budget) on a 0..maximum
    scale, each with its value text, and a legend of the series on top; labels and texts are escaped."""
    legend = 20
    group = len(series) * (bar + 2) + 8
    height = legend + group * len(items) + 6
    plot = width - label_width - 130
    maximum = maximum or 1
    parts = _svg_open(width, height, title)
    x = 0
    for i, name in enumerate(series):
        parts.append(f'<rect x="{x}" y="2" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(f'<text x="{x + 16}" y="12" fill="#222">{escape(name)}</text>')
        x += 24 + 7 * len(str(name))
    parts.append(
        f'<line x1="{label_width}" y1="{legend}" x2="{label_width}" y2="{height - 4}" stroke="#999" stroke-width="1"/>'
    )
    for g, (label, values) in enumerate(items):
        y = legend + g * group
        short = label if len(label) <= 34 else label[:33] + "…"
        middle = y + (group - 8) / 2 + 4
        parts.append(
            f'<text x="{label_width - 6}" y="{middle:.1f}" text-anchor="end" fill="#222">{escape(short)}</text>'
        )
        for s, (value, text) in enumerate(values):
            top = y + s * (bar + 2)
            w = max(0.0, min(1.0, (value or 0) / maximum)) * plot if value is not None else 0.0
            parts.append(
                f'<rect x="{label_width}" y="{top}" width="{w:.1f}" height="{bar}" '
                f'fill="{PALETTE[s % len(PALETTE)]}" rx="1"/>'
            )
            parts.append(
                f'<text x="{label_width + w + 4:.1f}" y="{top + bar - 2}" fill="#222">{escape(text)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def histogram(
    items: Sequence[tuple[str, int]], width: int = 640, height: int = 200, title: str = ""
) -> Markup:
    """Vertical columns of counts per bin (e.g. evaluations per 10 points of the index), the count
    above each column and the bin's label underneath; labels are escaped."""
    top, bottom, left = 16, 22, 8
    plot_h = height - top - bottom
    n = max(1, len(items))
    slot = (width - 2 * left) / n
    peak = max((count for _label, count in items), default=0) or 1
    parts = _svg_open(width, height, title)
    base = height - bottom
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{width - left}" y2="{base}" stroke="#999" stroke-width="1"/>'
    )
    for i, (label, count) in enumerate(items):
        x = left + i * slot
        h = plot_h * count / peak
        parts.append(
            f'<rect x="{x + 3:.1f}" y="{base - h:.1f}" width="{slot - 6:.1f}" height="{h:.1f}" fill="{PALETTE[0]}"/>'
        )
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{base - h - 3:.1f}" text-anchor="middle" fill="#222">{count}</text>'
        )
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{height - 6}" text-anchor="middle" fill="#666">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def fluid(svg: Markup) -> Markup:
    """The chart scaled down to the width of a narrow screen (Bootstrap's img-fluid: max-width 100 %,
    height auto; the viewBox keeps the proportions); PDFs ignore the class."""
    return Markup(str(svg).replace('class="chart"', 'class="chart img-fluid"', 1))


__all__ = ["_fmt", "distribution", "fluid", "grouped_bars", "histogram", "horizontal_bars"]
