"""Inline SVG bar charts for the printable report: shares of two sides per figure, no script."""

from html import escape

from gateway.reports.composition import Figure

BAR_COLORS = {"rural": "#c0392b", "urban": "#2c6fbb"}
SIDE_LABELS = {"rural": "農村社區", "urban": "城市社區"}


def bar_chart(title: str, figures: list[Figure], *, width: int = 640) -> str:
    """A grouped bar chart of each figure's rural and urban share (0 to 100 %)."""
    row, bar, left, top = 44, 16, 220, 40
    height = top + row * len(figures) + 30
    scale = (width - left - 70) / 100
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (side, color) in enumerate(BAR_COLORS.items()):
        x = left + i * 110
        parts.append(f'<rect x="{x}" y="24" width="12" height="10" fill="{color}"/>')
        parts.append(f'<text x="{x + 16}" y="33">{SIDE_LABELS[side]}</text>')
    for index, figure in enumerate(figures):
        y = top + index * row
        parts.append(f'<text x="0" y="{y + bar + 4}">{escape(figure.label)}</text>')
        for offset, (side, color) in enumerate(BAR_COLORS.items()):
            value = getattr(figure, side).share
            bar_y = y + offset * (bar + 2)
            length = (value or 0) * scale
            parts.append(f'<rect x="{left}" y="{bar_y}" width="{length:.1f}" height="{bar}" fill="{color}"/>')
            text = "—" if value is None else f"{value:.1f}%"
            parts.append(f'<text x="{left + length + 4:.1f}" y="{bar_y + bar - 3}">{text}</text>')
    parts.append(f'<line x1="{left}" y1="{top - 2}" x2="{left}" y2="{height - 26}" stroke="#333"/>')
    parts.append("</svg>")
    return "".join(parts)
