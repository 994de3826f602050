"""The dashboard's charts, drawn on the server as SVG with pygal: no JavaScript, no CDN.

Each chart is handed out as a ``data:`` URI for an ``<img>``: the page's Content Security
Policy forbids inline styles (which an inline SVG needs), an image document keeps its own,
and WeasyPrint renders the same ``<img>`` in the annual PDF. Pages put a table of the same
figures next to each chart, the text alternative.
"""

from __future__ import annotations

import base64
from xml.etree import ElementTree  # nosec B405  # only serialises pygal's tree, parses nothing

import pygal
from pygal.style import Style

STYLE = Style(font_family="DejaVu Sans, WenQuanYi Micro Hei, sans-serif", background="white",
              plot_background="white", colors=("#b3261e", "#c77700", "#1f5f8b"),
              label_font_size=12, major_label_font_size=12, title_font_size=16)
MAX_BARS = 25


def _data_uri(chart) -> str:
    """The chart as an SVG image without pygal's (inert, but useless) configuration script."""
    tree = chart.render_tree()
    for parent in tree.iter():
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.endswith("script"):
                parent.remove(child)
    svg = ElementTree.tostring(tree, encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _options(title: str) -> dict:
    return {"title": title, "style": STYLE, "show_legend": False, "height": 320, "width": 800,
            "disable_xml_declaration": True, "js": [], "x_label_rotation": 30,
            "print_values": False, "truncate_label": 24}


def trend_chart(title: str, series_name: str, points: list[tuple[str, int]]) -> str:
    """A line of visitors per period."""
    chart = pygal.Line(**_options(title), show_minor_x_labels=len(points) <= 31,
                       x_labels_major_count=12)
    chart.x_labels = [label for label, _value in points]
    chart.add(series_name, [value for _label, value in points])
    return _data_uri(chart)


def bar_chart(title: str, series_name: str, bars: list[tuple[str, int]]) -> str:
    """One bar per city (the largest ``MAX_BARS``)."""
    bars = bars[:MAX_BARS]
    chart = pygal.Bar(**_options(title))
    chart.x_labels = [label for label, _value in bars]
    chart.add(series_name, [value for _label, value in bars])
    return _data_uri(chart)
