"""The home page: what the dataset holds, where to start (featured questions, the map,
the network, the search), how much of each class, and the sources by title."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, send_from_directory

from dxkg import namespaces
from dxkg.release import ExampleQuery
from dxkg.web.views import files, graphdata, pages

blueprint = Blueprint("home", __name__)

#: The classes a reader starts from, in the order the home page lists them.
MAIN_CLASSES = (
    "Initiative",
    "CaseStudy",
    "SharedSystem",
    "Municipality",
    "Vendor",
    "Technology",
    "Role",
    "DXPromotionBody",
    "Department",
    "Organization",
    "SourceDocument",
)

#: The example queries (numbered from 1, as ``/query?example=N``) the home page features.
FEATURED_EXAMPLES = (2, 5, 15, 18)

#: Searches the home page suggests, as a reader would type them.
SEARCH_EXAMPLES = ("RPA", "チャットボット", "長岡市")


@blueprint.get("/")
@blueprint.get("/index.json")
def home() -> Response:
    """Counts per class, featured questions, the sources by title and the licence (from
    the build report)."""
    release = files.current()
    report = release.report
    return pages.render(
        "home.html",
        {
            "classes": class_counts(),
            "triples": report.triples["total"],
            "featured": featured(release.example_queries),
            "searches": SEARCH_EXAMPLES,
            "sources": titled_sources([source.model_dump() for source in report.sources]),
            "licence": report.licence.model_dump(),
            "json_href": "/index.json",
        },
    )


@blueprint.get("/favicon.ico")
def favicon() -> Response:
    """The site's icon, where browsers look for it (``static/favicon.ico``)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=86400)


def class_counts() -> list[dict]:
    """Instances of each main class (subclasses included) with the class's labels."""
    values = " ".join(f"dxkg:{name}" for name in MAIN_CLASSES)
    rows = graphdata.select(
        f"SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?class {{ {values} }}"
        " ?s rdf:type/rdfs:subClassOf* ?class } GROUP BY ?class"
    )
    counts = {row["class"].value: int(row["n"].value) for row in rows}
    labels = graphdata.labels_of(set(counts))
    return [
        {
            "name": name,
            "iri": iri,
            "label_ja": labels[iri].ja,
            "label_en": labels[iri].en,
            "count": counts[iri],
        }
        for name in MAIN_CLASSES
        if (iri := graphdata.vocabulary() + name) in counts
    ]


def featured(examples: tuple[ExampleQuery, ...]) -> list[dict]:
    """The featured example queries the release has, each with its number on ``/query``."""
    return [
        {"number": number, **examples[number - 1].model_dump(exclude={"query"})}
        for number in FEATURED_EXAMPLES
        if number <= len(examples)
    ]


def titled_sources(sources: list[dict]) -> list[dict]:
    """The build report's ``sources`` (``id``, ``sha256``), each with its document's IRI,
    the path that dereferences it here, and its titles (its ja and en labels in the
    graph), in the report's order."""
    base = current_app.config["BASE_IRI"]
    iris = [
        namespaces.things(base) + "source/" + source["id"].removesuffix(".txt")
        for source in sources
    ]
    labels = graphdata.labels_of(set(iris))
    return [
        {
            **source,
            "iri": iri,
            "href": "/" + iri.removeprefix(base),
            "title_ja": labels[iri].ja,
            "title_en": labels[iri].en,
        }
        for source, iri in zip(sources, iris, strict=True)
    ]
