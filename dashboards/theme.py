"""The one chart theme: palette, fonts and sizes, registered with Altair once.

Market and relational words always take the same two colours, from the Okabe-Ito palette
that stays distinct under the common forms of colour blindness.
"""

from __future__ import annotations

import altair as alt

THEME_NAME = "marketspeak"
MARKET = "#D55E00"  # vermillion
RELATIONAL = "#0072B2"  # blue
NEUTRAL = "#555555"
LEXICON_COLOURS = {"market": MARKET, "relational": RELATIONAL}
# Kinds of source take the rest of the palette, never the two lexicon colours.
KIND_COLOURS = {
    "council": "#009E73",
    "regulator": "#CC79A7",
    "government": "#E69F00",
    "other": "#56B4E9",
}
FONT = "Helvetica, Arial, sans-serif"


def lexicon_scale() -> alt.Scale:
    """Colour scale that fixes market and relational to their colours in every chart."""
    return alt.Scale(domain=list(LEXICON_COLOURS), range=list(LEXICON_COLOURS.values()))


def kind_scale() -> alt.Scale:
    """Colour scale for kinds of source (council, regulator, government, other)."""
    return alt.Scale(domain=list(KIND_COLOURS), range=list(KIND_COLOURS.values()))


@alt.theme.register(THEME_NAME, enable=True)
def marketspeak_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "view": {"continuousWidth": 640, "continuousHeight": 300, "stroke": None},
            "font": FONT,
            "title": {"fontSize": 16, "anchor": "start", "subtitleColor": NEUTRAL},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "top"},
            "range": {
                "category": [
                    MARKET,
                    RELATIONAL,
                    "#009E73",
                    "#CC79A7",
                    "#E69F00",
                    "#56B4E9",
                    "#F0E442",
                    "#000000",
                ]
            },
        }
    }


def enable() -> None:
    """Make the marketspeak theme the active one (importing this module also does)."""
    alt.theme.enable(THEME_NAME)
