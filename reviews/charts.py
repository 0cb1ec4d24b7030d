"""Charts as server-rendered SVG: small pure functions from numbers to markup, no JavaScript, no CDN.

Every chart is an accessible image (role="img" with a <title> and a <desc>), writes its numbers as
text beside each bar, and marks emphasised bars with a hatch and a word, never with colour alone.
All text goes through escape(), so a label such as an officer's name cannot break out of the markup.
The table beside each chart on the page carries the same numbers for screen readers and copying.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1b1f24"
BAR = "#0b5394"
EMPHASIS = "#a4161a"
TRACK = "#f3f5f8"

ROW_HEIGHT = 30
BAR_HEIGHT = 20
LABEL_WIDTH = 270
PLOT_WIDTH = 290
VALUE_WIDTH = 190
WIDTH = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
PADDING = 8
LABEL_MAX_CHARS = 34


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value, and an optional word shown after the value (e.g. "past the pledge")."""

    label: str
    value: float
    flag: str = ""


def number(value: float) -> str:
    """12 for whole numbers, 12.5 otherwise: charts and tables print numbers the same way."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _shorten(label: str) -> str:
    return label if len(label) <= LABEL_MAX_CHARS else label[: LABEL_MAX_CHARS - 1] + "…"


def _open_svg(*, chart_id: str, title: str, description: str, height: int) -> list[str]:
    ident = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{ident}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" font-size="14" fill="{INK}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        # A hatch for emphasised bars, so they differ by more than colour.
        f'<defs><pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{EMPHASIS}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>',
    ]


def _value_text(bar: Bar, *, suffix: str = "") -> str:
    text = number(bar.value) + suffix
    return f"{text} ({bar.flag})" if bar.flag else text


def _fill(bar: Bar, chart_id: str) -> str:
    return f"url(#{escape(chart_id)}-hatch)" if bar.flag else BAR


def bar_chart(*, chart_id: str, title: str, description: str, bars: Sequence[Bar], empty_text: str) -> SafeString:
    """Horizontal bars, one per row: the label on the left, the bar, then its number (and flag) in words."""
    if not bars:
        return _empty(chart_id=chart_id, title=title, description=description, empty_text=empty_text)
    height = PADDING * 2 + ROW_HEIGHT * len(bars)
    top = max((bar.value for bar in bars), default=0) or 1
    parts = _open_svg(chart_id=chart_id, title=title, description=description, height=height)
    for index, bar in enumerate(bars):
        y = PADDING + index * ROW_HEIGHT
        width = round(PLOT_WIDTH * max(bar.value, 0) / top, 1)
        text_y = y + BAR_HEIGHT / 2 + 5
        parts += [
            "<g>",
            f"<title>{escape(bar.label)}: {escape(_value_text(bar))}</title>",
            f'<text x="{LABEL_WIDTH - 8}" y="{text_y}" text-anchor="end">{escape(_shorten(bar.label))}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{PLOT_WIDTH}" height="{BAR_HEIGHT}" fill="{TRACK}"/>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="{_fill(bar, chart_id)}"/>',
            f'<text x="{LABEL_WIDTH + PLOT_WIDTH + 8}" y="{text_y}">{escape(_value_text(bar))}</text>',
            "</g>",
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))


def funnel_chart(*, chart_id: str, title: str, description: str, stages: Sequence[Bar], empty_text: str) -> SafeString:
    """Centred bars narrowing stage by stage, each with its count and its share of the first stage."""
    first = stages[0].value if stages else 0
    if not stages or first <= 0:
        return _empty(chart_id=chart_id, title=title, description=description, empty_text=empty_text)
    height = PADDING * 2 + ROW_HEIGHT * len(stages)
    parts = _open_svg(chart_id=chart_id, title=title, description=description, height=height)
    centre = LABEL_WIDTH + PLOT_WIDTH / 2
    for index, stage in enumerate(stages):
        y = PADDING + index * ROW_HEIGHT
        width = round(PLOT_WIDTH * max(stage.value, 0) / first, 1)
        share = f" ({round(100 * stage.value / first)}%)"
        text_y = y + BAR_HEIGHT / 2 + 5
        parts += [
            "<g>",
            f"<title>{escape(stage.label)}: {escape(number(stage.value) + share)}</title>",
            f'<text x="{LABEL_WIDTH - 8}" y="{text_y}" text-anchor="end">{escape(_shorten(stage.label))}</text>',
            f'<rect x="{round(centre - width / 2, 1)}" y="{y}" width="{width}" height="{BAR_HEIGHT}" '
            f'fill="{_fill(stage, chart_id)}"/>',
            f'<text x="{LABEL_WIDTH + PLOT_WIDTH + 8}" y="{text_y}">{escape(_value_text(stage, suffix=share))}</text>',
            "</g>",
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _empty(*, chart_id: str, title: str, description: str, empty_text: str) -> SafeString:
    height = PADDING * 2 + ROW_HEIGHT
    parts = _open_svg(chart_id=chart_id, title=title, description=description, height=height)
    parts += [f'<text x="{PADDING}" y="{PADDING + BAR_HEIGHT / 2 + 5}">{escape(empty_text)}</text>', "</svg>"]
    return mark_safe("".join(parts))
