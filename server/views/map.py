"""The map page: governments at their offices and a prefecture choropleth of counts.

``/map`` (and ``/map.json``) draws every government the graph places (``geo:lat``,
``geo:long``) as a point linking to its page, and the 47 prefectures as a tile-grid
cartogram shaded by one of three counts: initiatives (``dxkg:municipality``), distinct
technologies (``dxkg:usesTechnology``) or survey rows (``dxkg:reportedBy``), of the
records a government reports or is the subject of. ``?technology=`` keeps the records
that use a technology or a narrower one (``dxkg:usesTechnologyBroad``), ``?source=`` the
survey's rows or the case collections' initiatives, ``?measure=`` picks the count. Both
drawings are SVG made here (:mod:`~dxkg.web.views.geo`): no tile server, no script.

Four queries through the pages' engine, each grouped or bounded by the governments the
graph holds: the counts per government, per prefecture, the technologies on offer, the
points (and one for the labels).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, abort, g, request

from dxkg.web.views import entity, geo, graphdata, pages
from dxkg.web.views.i18n import MESSAGES, pick, translate

blueprint = Blueprint("map", __name__)

GEO = "PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>\n"
MEASURES = {
    "initiatives": MESSAGES["map_measure_initiatives"],
    "technologies": MESSAGES["map_measure_technologies"],
    "survey": MESSAGES["map_measure_survey"],
}
SOURCES = {
    "": MESSAGES["filter_all"],
    "survey": MESSAGES["map_source_survey"],
    "cases": MESSAGES["map_source_cases"],
}
#: The records of each source with their government ``?g``; a survey row is also ``?s``.
RECORDS = {
    "survey": "{ ?r dxkg:reportedBy ?g . BIND(?r AS ?s) }",
    "cases": "{ ?case a dxkg:CaseStudy ; dxkg:describes ?r . ?r dxkg:municipality ?g }",
}
#: A government's prefecture ``?p``: its own ``dxkg:inPrefecture``, else itself (a prefecture).
PREFECTURE_OF = "OPTIONAL { ?g dxkg:inPrefecture ?in } BIND(COALESCE(?in, ?g) AS ?p)"


@dataclass(frozen=True)
class Filters:
    """What the reader asked for, checked: a count, a source, a technology (IRIs)."""

    measure: str
    source: str
    technology: str | None


@blueprint.get("/map")
@blueprint.get("/map.json")
def map_page() -> Response:
    """The map, or its data for ``/map.json``; 400 for a filter the page does not offer."""
    technologies = technology_options()
    filters = requested_filters({row["iri"] for row in technologies})
    by_government = counts(filters, "?g", "")
    by_prefecture = counts(filters, "?p", PREFECTURE_OF)
    located = governments()
    names = graphdata.labels_of({row["iri"] for row in located} | {t["iri"] for t in technologies})
    points = [point_row(row, by_government, names) for row in located]
    prefectures = sorted(
        (prefecture_row(row, by_prefecture, names) for row in located if row["prefecture"]),
        key=lambda row: row["code"],
    )
    data = {
        "measure": filters.measure,
        "source": filters.source,
        "technology": filters.technology,
        "layout": "tile-grid",
        "points": points,
        "prefectures": prefectures,
        "technologies": named(technologies, names),
        "measures": [{"key": key, "label": pick(text)} for key, text in MEASURES.items()],
        "sources": [{"key": key, "label": pick(text)} for key, text in SOURCES.items()],
        "json_href": pages.json_link(),
    }
    if not pages.wants_json():
        data |= drawings(points, prefectures, filters.measure)
    return pages.render("map.html", data)


def requested_filters(offered: set[str]) -> Filters:
    """The query parameters as :class:`Filters`; 400 for a value not offered."""
    measure = request.args.get("measure") or "initiatives"
    source = request.args.get("source") or ""
    technology = request.args.get("technology") or None
    if measure not in MEASURES or source not in SOURCES:
        abort(400, description=translate("map_bad_filter"))
    if technology is not None and technology not in offered:
        abort(400, description=translate("map_bad_filter"))
    return Filters(measure, source, technology)


def records(filters: Filters) -> str:
    """The graph pattern of the records the filters keep: ``?r`` with its government ``?g``."""
    chosen = [RECORDS[filters.source]] if filters.source else list(RECORDS.values())
    pattern = " UNION ".join(chosen)
    if filters.technology:
        pattern += f" ?r dxkg:usesTechnologyBroad {graphdata.iri(filters.technology)} ."
    return pattern


def counts(filters: Filters, key: str, extra: str) -> dict[str, dict[str, int]]:
    """Per ``key`` (``?g`` a government, ``?p`` its prefecture, bound by ``extra``): the
    three counts (the OPTIONALs first: the engine joins them faster that way)."""
    rows = graphdata.select(
        f"SELECT {key} (COUNT(DISTINCT ?i) AS ?initiatives)"
        " (COUNT(DISTINCT ?t) AS ?technologies) (COUNT(DISTINCT ?s) AS ?survey)"
        f" WHERE {{ {records(filters)}"
        " OPTIONAL { ?r a dxkg:Initiative . BIND(?r AS ?i) }"
        f" OPTIONAL {{ ?r dxkg:usesTechnology ?t }} {extra} }} GROUP BY {key}"
    )
    name = key.removeprefix("?")
    return {
        row[name].value: {measure: int(row[measure].value) for measure in MEASURES} for row in rows
    }


def technology_options() -> list[dict]:
    """Every technology a survey row or an initiative uses (or a narrower one of it), with
    how many of them."""
    rows = graphdata.select(
        "SELECT ?t (COUNT(DISTINCT ?r) AS ?n) WHERE {"
        " { ?r dxkg:reportedBy ?g } UNION { ?r a dxkg:Initiative }"
        " ?r dxkg:usesTechnologyBroad ?t } GROUP BY ?t"
    )
    return [{"iri": row["t"].value, "records": int(row["n"].value)} for row in rows]


def governments() -> list[dict]:
    """Every government with an office point: code, point, and whether it is a prefecture."""
    rows = graphdata.select(
        GEO + "SELECT ?g ?code ?lat ?long ?prefecture WHERE {"
        " ?g a dxkg:Municipality ; dxkg:localGovernmentCode ?code ; geo:lat ?lat ;"
        " geo:long ?long . BIND(EXISTS { ?g a dxkg:Prefecture } AS ?prefecture) }"
    )
    return [
        {
            "iri": row["g"].value,
            "code": row["code"].value,
            "lat": float(row["lat"].value),
            "long": float(row["long"].value),
            "prefecture": row["prefecture"].value == "true",
        }
        for row in rows
    ]


def point_row(row: dict, by_government: dict, names: dict) -> dict:
    """A government as a point of the map, with its page, name and counts."""
    found = by_government.get(row["iri"], {})
    return {
        "iri": row["iri"],
        "code": row["code"],
        "name": name_of(row["iri"], names),
        "lat": row["lat"],
        "long": row["long"],
        "href": entity.page_href(row["iri"]),
        **{measure: found.get(measure, 0) for measure in MEASURES},
    }


def prefecture_row(row: dict, by_prefecture: dict, names: dict) -> dict:
    """A prefecture of the choropleth (two-digit code), with its page, names and counts."""
    found = by_prefecture.get(row["iri"], {})
    name = name_of(row["iri"], names)
    return {
        "iri": row["iri"],
        "code": row["code"][:2],
        "name": name,
        "short": short_name(name),
        "href": entity.page_href(row["iri"]),
        **{measure: found.get(measure, 0) for measure in MEASURES},
    }


def name_of(resource: str, names: dict) -> str:
    """The label of ``resource`` in the interface language, else its IRI."""
    return names.get(resource, graphdata.Labels()).best(g.lang) or resource


def short_name(name: str) -> str:
    """A prefecture's name for a tile: 東京都 → 東京, Tokyo Metropolis → Tokyo."""
    if g.lang == "en":
        return name.split(" ")[0]
    return (
        name if name == "北海道" else name.removesuffix("都").removesuffix("府").removesuffix("県")
    )


def named(technologies: list[dict], names: dict) -> list[dict]:
    """The technologies on offer with their names, by name."""
    rows = [{**row, "name": name_of(row["iri"], names)} for row in technologies]
    return sorted(rows, key=lambda row: (row["name"], row["iri"]))


def drawings(points: list[dict], prefectures: list[dict], measure: str) -> dict:
    """The page's two SVG drawings and the choropleth's legend (HTML only)."""
    highest = max((row[measure] for row in prefectures), default=0)
    return {
        "point_svg": geo.point_map(
            [
                geo.Point(row["lat"], row["long"], row["href"], row["name"], row[measure])
                for row in points
            ],
            translate("map_points"),
        ),
        "tile_svg": geo.tile_map(
            [
                geo.Tile(row["code"], row["href"], row["short"], row["name"], row[measure])
                for row in prefectures
            ],
            translate("map_choropleth"),
        ),
        "legend": geo.legend(highest),
        "measure_label": pick(MEASURES[measure]),
    }
