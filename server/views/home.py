"""The home page: what the dataset is, how much of each class, where to go next."""

from __future__ import annotations

from flask import Blueprint, Response

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


@blueprint.get("/")
@blueprint.get("/index.json")
def home() -> Response:
    """Counts per class, the sources and the licence (from the build report)."""
    report = files.current().report
    return pages.render(
        "home.html",
        {
            "classes": class_counts(),
            "triples": report.triples["total"],
            "sources": [source.model_dump() for source in report.sources],
            "licence": report.licence.model_dump(),
            "json_href": "/index.json",
        },
    )


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
