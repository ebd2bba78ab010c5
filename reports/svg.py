"""Horizontal bar charts as inline SVG, drawn in Python so the report needs no JS library."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

PALETTE = ("#1d4ed8", "#0f766e", "#7c3aed", "#b45309", "#be123c", "#0369a1", "#4d7c0f",
           "#a21caf", "#c2410c", "#334155")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(items: list[tuple[str, int]], title: str, width: int = 620,
              label_width: int = 280, bar_height: int = 22, gap: int = 8,
              limit: int = 12, number: Callable[[int], str] | None = None) -> Markup:
    """An accessible horizontal bar chart of ``(label, value)`` pairs, largest first.

    At most ``limit`` bars; the rest are summed into a last "…" bar so the total stays right.
    Every label is escaped; long labels are shortened, with the full text in ``<title>``.
    ``number`` writes a value as the report's language does (default: thin-space groups).
    """
    shown = number or _group
    items = sorted(((str(k), int(v)) for k, v in items), key=lambda kv: (-kv[1], kv[0]))
    if len(items) > limit:
        rest = sum(v for _, v in items[limit - 1:])
        items = [*items[: limit - 1], ("…", rest)]
    top = max((v for _, v in items), default=0) or 1
    value_room = 70
    plot = width - label_width - value_room
    height = max(1, len(items)) * (bar_height + gap) + gap
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_height + gap)
        w = max(2.0, plot * value / top) if value else 0.0
        colour = PALETTE[i % len(PALETTE)]
        mid = y + bar_height / 2
        parts.append(
            f'<g><title>{escape(label)}: {escape(shown(value))}</title>'
            f'<text x="{label_width - 10}" y="{mid:.1f}" text-anchor="end" '
            f'dominant-baseline="central" class="chart-label">{escape(_short(label, 30))}</text>'
            f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_height}" rx="3" '
            f'fill="{colour}"/>'
            f'<text x="{label_width + w + 6:.1f}" y="{mid:.1f}" dominant-baseline="central" '
            f'class="chart-value">{escape(shown(value))}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _group(n: int) -> str:
    """Thousands separated by a thin space, readable in every report language."""
    return f"{n:,}".replace(",", "\u202f")
