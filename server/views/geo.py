"""Maps of Japan drawn on the server as inline SVG: no tile server, no script, no URL.

Two drawings, every text and attribute escaped:

- points on an equirectangular projection (longitudes shortened by the cosine of 35° N),
  over a backdrop of every local government office in Japan from localgovjp (CC0,
  ``mappings/reference/localgovjp/``) rounded to a 0.2° grid, which sketches the islands
  without any outline (:func:`point_map`, and :func:`small_map` for one government);
- a tile-grid cartogram of the 47 prefectures, one square each, Hokkaido top right and
  Okinawa bottom left as tile-grid maps of Japan lay them out, shaded by a count
  (:func:`tile_map`).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from markupsafe import Markup, escape

from dxkg.config import PROJECT_ROOT

LOCALGOVJP = PROJECT_ROOT / "mappings" / "reference" / "localgovjp" / "localgovjp-utf8.csv"
#: The drawn extent in degrees: every office, 与那国町 to 根室市, 小笠原村 included.
WEST, EAST, SOUTH, NORTH = 122.5, 146.5, 24.0, 46.0
#: Longitudes shortened by the cosine of Japan's middle latitude.
ASPECT = math.cos(math.radians(35.0))
#: Cells of the backdrop per degree (0.2°).
BACKDROP_CELLS = 5

#: Tile of each prefecture (two-digit code): column, row.
TILES: dict[str, tuple[int, int]] = {
    "01": (12, 0), "02": (12, 1), "03": (12, 2), "04": (12, 3), "05": (11, 2),
    "06": (11, 3), "07": (12, 4), "08": (11, 5), "09": (11, 4), "10": (10, 4),
    "11": (10, 5), "12": (11, 6), "13": (10, 6), "14": (9, 6), "15": (10, 3),
    "16": (9, 3), "17": (8, 3), "18": (7, 3), "19": (9, 5), "20": (9, 4),
    "21": (8, 4), "22": (8, 6), "23": (8, 5), "24": (7, 5), "25": (7, 4),
    "26": (6, 4), "27": (5, 5), "28": (5, 4), "29": (6, 5), "30": (6, 6),
    "31": (4, 4), "32": (3, 4), "33": (4, 5), "34": (3, 5), "35": (2, 5),
    "36": (4, 7), "37": (4, 6), "38": (3, 6), "39": (3, 7), "40": (1, 5),
    "41": (1, 6), "42": (0, 6), "43": (1, 7), "44": (2, 6), "45": (2, 7),
    "46": (1, 8), "47": (0, 9),
}  # fmt: skip
TILE = 44  # px, a tile's side with its gap
#: Shades of the choropleth, lightest (no count) to darkest.
SHADES = ("#f2f2f2", "#d0e1f2", "#94c4df", "#4a98c9", "#1764ab", "#08306b")
POINT_COLOUR = "#c0392b"
BACKDROP_COLOUR = "#c8cdd2"


@dataclass(frozen=True)
class Point:
    """A government at its office: where it is, its page, what it is called, its count."""

    lat: float
    long: float
    href: str
    name: str
    count: int


@dataclass(frozen=True)
class Tile:
    """A prefecture of the cartogram: code (two digits), page, short name, full name, count."""

    code: str
    href: str | None
    short: str
    name: str
    count: int


def project(lat: float, long: float, width: float) -> tuple[float, float]:
    """``lat``/``long`` as x, y in a drawing ``width`` wide (north up)."""
    scale = width / ((EAST - WEST) * ASPECT)
    return (long - WEST) * ASPECT * scale, (NORTH - lat) * scale


def height_for(width: float) -> float:
    """The height of a point map ``width`` wide."""
    return project(SOUTH, EAST, width)[1]


@cache
def backdrop_cells() -> tuple[tuple[float, float], ...]:
    """Every office in localgovjp rounded to the backdrop's grid, once each."""
    with LOCALGOVJP.open(encoding="utf-8-sig", newline="") as file:
        cells = {
            (
                round(float(row["lat"]) * BACKDROP_CELLS) / BACKDROP_CELLS,
                round(float(row["lng"]) * BACKDROP_CELLS) / BACKDROP_CELLS,
            )
            for row in csv.DictReader(file)
        }
    return tuple(sorted(cells))


def _backdrop(width: float, radius: float) -> str:
    dots = "".join(
        '<circle cx="{:.1f}" cy="{:.1f}" r="{}"/>'.format(*project(lat, long, width), radius)
        for lat, long in backdrop_cells()
    )
    return f'<g class="backdrop" fill="{BACKDROP_COLOUR}">{dots}</g>'


def _svg(width: float, height: float, title: str, body: str, css_class: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(css_class)}" role="img"'
        f' viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def point_radius(count: int) -> float:
    """A point's radius: small without a count, growing with its square root."""
    return 2.5 if count == 0 else round(3.5 + 1.5 * math.sqrt(count), 1)


def _point(point: Point, width: float) -> str:
    x, y = project(point.lat, point.long, width)
    opacity = "0.35" if point.count == 0 else "0.8"
    return (
        f'<a href="{escape(point.href)}" class="point" data-count="{point.count}">'
        f"<title>{escape(point.name)}: {point.count}</title>"
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{point_radius(point.count)}"'
        f' fill="{POINT_COLOUR}" fill-opacity="{opacity}" stroke="#fff" stroke-width="0.6"/></a>'
    )


def point_map(points: Iterable[Point], title: str, width: float = 560) -> Markup:
    """Governments at their offices over the backdrop, each a link to its page; the
    larger counts drawn last, so the small ones stay clickable on top."""
    ordered = sorted(points, key=lambda point: -point.count)
    body = _backdrop(width, 1.1) + "".join(_point(point, width) for point in ordered)
    return _svg(width, height_for(width), title, body, "point-map")


def small_map(lat: float, long: float, label: str = "", width: float = 160) -> Markup:
    """A locator map of one government: its office as a dot over the backdrop.

    ``label`` (the government's name, escaped here) is the drawing's title; the result
    is safe to put in a page as it is.
    """
    x, y = project(lat, long, width)
    marker = (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{POINT_COLOUR}"'
        ' stroke="#fff" stroke-width="1.2"/>'
    )
    return _svg(width, height_for(width), label, _backdrop(width, 0.6) + marker, "small-map")


def shade(count: int, highest: int) -> str:
    """The fill of a tile: the lightest without a count, else one of five steps."""
    if count <= 0 or highest <= 0:
        return SHADES[0]
    step = math.ceil(5 * count / highest)
    return SHADES[min(max(step, 1), 5)]


def _tile(tile: Tile, highest: int) -> str:
    column, row = TILES[tile.code]
    x, y = column * TILE, row * TILE
    fill = shade(tile.count, highest)
    ink = "#fff" if fill in SHADES[3:] else "#222"
    body = (
        f"<title>{escape(tile.name)}: {tile.count}</title>"
        f'<rect x="{x + 1}" y="{y + 1}" width="{TILE - 2}" height="{TILE - 2}" rx="3"'
        f' fill="{fill}" stroke="#888" stroke-width="0.5"/>'
        f'<text x="{x + TILE / 2}" y="{y + 18}" text-anchor="middle" font-size="10"'
        f' fill="{ink}">{escape(tile.short)}</text>'
        f'<text x="{x + TILE / 2}" y="{y + 33}" text-anchor="middle" font-size="11"'
        f' font-weight="bold" fill="{ink}">{tile.count}</text>'
    )
    attributes = f'class="tile" data-code="{escape(tile.code)}" data-count="{tile.count}"'
    if tile.href is None:
        return f"<g {attributes}>{body}</g>"
    return f'<a href="{escape(tile.href)}" {attributes}>{body}</a>'


def tile_map(tiles: Sequence[Tile], title: str) -> Markup:
    """The prefectures as a tile grid shaded by their counts (darkest: the highest)."""
    highest = max((tile.count for tile in tiles), default=0)
    columns = 1 + max(column for column, _ in TILES.values())
    rows = 1 + max(row for _, row in TILES.values())
    body = "".join(_tile(tile, highest) for tile in tiles if tile.code in TILES)
    return _svg(columns * TILE, rows * TILE, title, body, "tile-map")


def legend(highest: int) -> list[dict]:
    """The choropleth's steps: each shade with the counts it stands for."""
    steps = [{"fill": SHADES[0], "low": 0, "high": 0}]
    for step in range(1, 6):
        low = math.floor(highest * (step - 1) / 5) + 1
        high = math.floor(highest * step / 5)
        if highest and low <= high:
            steps.append({"fill": SHADES[step], "low": low, "high": high})
    return steps
