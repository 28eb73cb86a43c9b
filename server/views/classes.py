"""Class pages: the instances of a class, paged and sortable, narrowed by facets.

``/class/<Name>?prefecture=<IRI>&technology=<IRI>&sort=prefecture&page=2``:
each chosen facet value narrows the list (facets combine with AND), every
facet shows its values with counts under the current choice, and every query
has a LIMIT, so no class page is an unbounded query.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, g, request
from pyoxigraph import NamedNode

from dxkg.web.views import entity, graphdata, pages
from dxkg.web.views.facets import Facet, facets_of
from dxkg.web.views.graphdata import Labels, iri
from dxkg.web.views.i18n import pick, translate

blueprint = Blueprint("classes", __name__)

PAGE_SIZE = 50
#: Most values listed per facet (the largest, prefectures, has 47).
MAX_FACET_VALUES = 100
INSTANCE = "?s rdf:type/rdfs:subClassOf* {cls} ."
LABEL = "OPTIONAL {{ {node} rdfs:label|skos:prefLabel ?{var} FILTER (LANG(?{var}) != 'en') }}"


@blueprint.get("/class/")
@blueprint.get("/class/index.json")
def class_index() -> Response:
    """Every class of the vocabulary that has instances, with counts."""
    rows = graphdata.select(
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s rdf:type ?class"
        f" FILTER STRSTARTS(STR(?class), {graphdata.literal(graphdata.vocabulary())}) }}"
        " GROUP BY ?class ORDER BY DESC(?n) LIMIT 200"
    )
    labels = graphdata.labels_of({row["class"].value for row in rows})
    classes = [
        {
            **entity.named(row["class"].value, labels),
            "name": row["class"].value.removeprefix(graphdata.vocabulary()),
            "count": int(row["n"].value),
        }
        for row in rows
    ]
    return pages.render("classes.html", {"classes": classes, "json_href": "/class/index.json"})


@blueprint.get("/class/<name>")
def class_page(name: str) -> Response:
    """One page of a class's instances, with the facets and their counts."""
    name = name.removesuffix(pages.JSON_SUFFIX)
    if not name.isidentifier():
        abort(404)
    cls = iri(graphdata.vocabulary() + name)
    facets = facets_of(name)
    chosen = {f.key: request.args[f.key] for f in facets if request.args.get(f.key)}
    sort = request.args.get("sort", "label")
    if sort not in {"label", "-label", *(f.key for f in facets)}:
        abort(400, description=f"cannot sort by {sort!r}")
    page = max(request.args.get("page", 1, type=int), 1)
    where = INSTANCE.format(cls=cls) + "".join(
        restriction(f, chosen[f.key]) for f in facets if f.key in chosen
    )
    total = count(where)
    if total == 0 and not chosen and not graphdata.ask(f"ASK {{ {cls} ?p ?o }}"):
        abort(404, description=f"no class {name} in the vocabulary")
    last_page = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    if page > last_page:
        abort(404, description=f"page {page} is past the last page, {last_page}")
    items = instances(where, sort, facets, page)
    terms = {graphdata.vocabulary() + f.term for f in facets if f.term}
    labels = graphdata.labels_of({cls.strip("<>"), *terms})
    return pages.render(
        "class.html",
        {
            **entity.named(cls.strip("<>"), labels),
            "name": name,
            "total": total,
            "page": page,
            "pages": last_page,
            "sort": sort,
            "sorts": sort_options(facets, labels),
            "chosen": chosen,
            "facets": [facet_counts(f, where, chosen.get(f.key), labels) for f in facets],
            "items": items,
            "json_href": pages.json_link(),
        },
    )


def sort_options(facets: tuple[Facet, ...], labels: dict[str, Labels]) -> list[tuple[str, str]]:
    """(``sort`` value, what the menu shows) for a class page; ``labels`` holds those of
    the facets' terms."""
    by_label = [("label", translate("sort_label_ascending"))]
    by_label.append(("-label", translate("sort_label_descending")))
    return by_label + [(f.key, facet_label(f, labels)) for f in facets]


def facet_label(facet: Facet, labels: dict[str, Labels]) -> str:
    """A facet's name in the interface language: the rdfs:label of its vocabulary term in
    ``labels`` (its first letter a capital, as the headings have it), else its message."""
    if facet.message is not None:
        return pick(facet.message)
    label = labels.get(graphdata.vocabulary() + facet.term, Labels()).best(g.get("lang", "ja"))
    return label[:1].upper() + label[1:] if label else facet.term


def restriction(facet: Facet, chosen: str) -> str:
    """The triple pattern keeping instances whose ``facet`` has the value ``chosen``."""
    if facet.literal:
        return f" ?s {facet.path} ?chosen_{facet.key} FILTER (STR(?chosen_{facet.key}) = {graphdata.literal(chosen)})"
    try:
        return f" ?s {facet.path} {iri(chosen)} ."
    except ValueError:
        abort(400, description=f"{facet.key}: not an IRI: {chosen!r}")


def count(where: str) -> int:
    """Instances matching ``where``."""
    rows = graphdata.select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where} }}")
    return int(rows[0]["n"].value)


def instances(where: str, sort: str, facets: tuple[Facet, ...], page: int) -> list[dict]:
    """One page of instances, sorted by label or by a facet's value label."""
    by_facet = next((f for f in facets if f.key == sort), None)
    sort_pattern, order = "", "?label ?s"
    if by_facet is not None:
        sort_pattern = (
            f"OPTIONAL {{ ?s {by_facet.path} ?sv . {LABEL.format(node='?sv', var='svl')} }}"
        )
        order = "?sortkey ?label ?s"
    elif sort == "-label":
        order = "DESC(?label) ?s"
    rows = graphdata.select(
        f"""SELECT ?s (MIN(?l) AS ?label) (MIN(COALESCE(?svl, STR(?sv))) AS ?sortkey) WHERE {{
              {where} {LABEL.format(node="?s", var="l")} {sort_pattern}
            }} GROUP BY ?s ORDER BY {order} LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}"""
    )
    subjects = [row["s"].value for row in rows]
    columns = facet_values(subjects, facets)
    linked = {
        v.value
        for per in columns.values()
        for vs in per.values()
        for v in vs
        if isinstance(v, NamedNode)
    }
    labels = graphdata.labels_of(set(subjects) | linked)
    return [
        {
            **entity.named(subject, labels),
            "facets": {
                key: [shown(term, labels) for term in terms]
                for key, terms in columns.get(subject, {}).items()
            },
        }
        for subject in subjects
    ]


def shown(term: graphdata.Term, labels: dict[str, graphdata.Labels]) -> dict:
    """A facet value as the page shows it: a named resource or the literal's text."""
    if isinstance(term, NamedNode):
        return entity.named(term.value, labels)
    return {"label": term.value, "href": None}


def facet_values(
    subjects: list[str], facets: tuple[Facet, ...]
) -> dict[str, dict[str, list[graphdata.Term]]]:
    """For each listed instance, its values of each facet (shown as columns)."""
    if not subjects or not facets:
        return {}
    values = " ".join(iri(s) for s in subjects)
    branches = " UNION ".join(
        f"{{ ?s {f.path} ?v BIND ({graphdata.literal(f.key)} AS ?facet) }}" for f in facets
    )
    rows = graphdata.select(
        f"SELECT DISTINCT ?s ?facet ?v WHERE {{ VALUES ?s {{ {values} }} {branches} }}"
        f" LIMIT {PAGE_SIZE * 40}"
    )
    found: dict[str, dict[str, list[graphdata.Term]]] = {}
    for row in rows:
        found.setdefault(row["s"].value, {}).setdefault(row["facet"].value, []).append(row["v"])
    return found


def facet_counts(facet: Facet, where: str, chosen: str | None, labels: dict[str, Labels]) -> dict:
    """A facet's values with the number of matching instances for each; ``labels`` holds
    those of the facets' terms."""
    rows = graphdata.select(
        f"SELECT ?v (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where} ?s {facet.path} ?v }}"
        f" GROUP BY ?v ORDER BY DESC(?n) ?v LIMIT {MAX_FACET_VALUES}"
    )
    value_labels = graphdata.labels_of(
        {row["v"].value for row in rows if isinstance(row["v"], NamedNode)}
    )
    values = [
        {
            **shown(row["v"], value_labels),
            "value": row["v"].value,
            "count": int(row["n"].value),
            "chosen": row["v"].value == chosen,
        }
        for row in rows
    ]
    return {
        "key": facet.key,
        "label": facet_label(facet, labels),
        "chosen": chosen,
        "values": values,
    }
