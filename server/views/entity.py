"""What the page about one resource shows, built from a few bounded SPARQL queries.

Every list is capped: outgoing values, incoming links (grouped by property and
paged), excerpts. A view here returns plain dicts, so that the same data is the
HTML page and its JSON form.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import abort, current_app, g, request
from pyoxigraph import BlankNode, NamedNode

from dxkg.namespaces import RDF
from dxkg.web.views import files, graphdata, networkdata
from dxkg.web.views.graphdata import Labels, Term, iri

#: Most values of one resource read for its page; a resource has far fewer.
MAX_VALUES = 2000
#: Incoming links shown per property on one page.
INCOMING_PAGE = 20
#: Most properties whose incoming links are listed.
MAX_INCOMING_PROPERTIES = 40

#: Most edition changes read for one case (the most any case has is a few dozen).
MAX_CHANGES = 500

RDF_TYPE = str(RDF.type)


def is_graph(resource: str) -> bool:
    """Whether ``resource`` names one of the release's named graphs."""
    return resource.startswith(current_app.config["BASE_IRI"] + "graph/")


def exists(resource: str) -> bool:
    """Whether the release says anything about ``resource`` (or holds it as a graph)."""
    if not is_iri(resource):
        # A path whose escapes decode to letters no IRI may hold (U+0085, U+FFFE…): the
        # release says nothing about it, so it is unknown (404), not a server error.
        return False
    node = iri(resource)
    if is_graph(resource):
        return graphdata.ask(f"ASK {{ GRAPH {node} {{ ?s ?p ?o }} }}")
    return graphdata.ask(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}")


def is_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI that SPARQL can name."""
    try:
        iri(text)
    except ValueError:
        return False
    return True


def description_query(resource: str) -> str:
    """The RDF description of a resource: what it says and what points at it.

    (A named graph's document, every triple in it, is read from the release's dump
    instead: see :func:`.resources.data`.)
    """
    node = iri(resource)
    return (
        f"CONSTRUCT {{ {node} ?p ?o . ?s ?q {node} }}"
        f" WHERE {{ {{ {node} ?p ?o }} UNION {{ ?s ?q {node} }} }}"
    )


def local_path(resource: str) -> str | None:
    """The server path of a resource minted by the release, else None."""
    base = current_app.config["BASE_IRI"]
    if resource.startswith((base + "id/", base + "graph/")):
        return resource[len(base) :]
    return None


def page_href(resource: str) -> str | None:
    """Where this server shows ``resource`` (the ontology for vocabulary terms)."""
    path = local_path(resource)
    if path is not None:
        return f"/page/{path}"
    if resource.startswith(graphdata.vocabulary()):
        return "/ontology#" + resource.removeprefix(graphdata.vocabulary())
    return None


def curie(resource: str) -> str:
    """``prov:wasDerivedFrom`` for a known namespace, else the IRI itself."""
    for prefix, namespace in graphdata.namespaces_by_prefix().items():
        if resource.startswith(namespace):
            return f"{prefix}:{resource[len(namespace) :]}"
    return resource


def named(resource: str, labels: dict[str, Labels]) -> dict:
    """An IRI as the pages show it: label in the interface language, link, IRI."""
    found = labels.get(resource, Labels())
    return {
        "kind": "iri",
        "iri": resource,
        "href": page_href(resource),
        "label": found.best(g.get("lang", "ja")) or curie(resource),
        "label_ja": found.ja,
        "label_en": found.en,
    }


def value(term: Term, labels: dict[str, Labels]) -> dict:
    """One object value: a named resource, a blank node or a literal kept verbatim."""
    if isinstance(term, NamedNode):
        return named(term.value, labels)
    if isinstance(term, BlankNode):
        return {"kind": "bnode", "label": f"_:{term.value}"}
    datatype = term.datatype.value if term.language is None else None
    return {
        "kind": "literal",
        "text": term.value,
        "lang": term.language,
        "datatype": curie(datatype) if datatype and not datatype.endswith("#string") else None,
    }


def outgoing(resource: str) -> list[tuple[str, Term]]:
    """(property, value) pairs of ``resource``, capped."""
    rows = graphdata.select(
        f"SELECT ?p ?o WHERE {{ {iri(resource)} ?p ?o }} ORDER BY ?p ?o LIMIT {MAX_VALUES}"
    )
    return [(row["p"].value, row["o"]) for row in rows]


def grouped(pairs: Iterable[tuple[str, Term]], labels: dict[str, Labels]) -> list[dict]:
    """Values grouped under their property, types first, then by property label."""
    groups: dict[str, list[dict]] = {}
    for prop, term in pairs:
        groups.setdefault(prop, []).append(value(term, labels))
    ordered = sorted(groups, key=lambda p: (p != RDF_TYPE, named(p, labels)["label"]))
    return [{"property": named(p, labels), "values": groups[p]} for p in ordered]


def incoming(resource: str, only: str | None, offset: int) -> list[dict]:
    """Links pointing at ``resource``, grouped by property: counts and one page each.

    ``only`` restricts the answer to one property (the "more" pages), from ``offset``.
    """
    node = iri(resource)
    where = f"?s {iri(only)} {node} BIND({iri(only)} AS ?p)" if only else f"?s ?p {node}"
    counts = graphdata.select(
        f"SELECT ?p (COUNT(?s) AS ?n) WHERE {{ {where} }} GROUP BY ?p ORDER BY ?p"
        f" LIMIT {MAX_INCOMING_PROPERTIES}"
    )
    groups = []
    for row in counts:
        prop, total = row["p"].value, int(row["n"].value)
        start = offset if only else 0
        subjects = graphdata.select(
            f"SELECT ?s WHERE {{ ?s {iri(prop)} {node} }} ORDER BY ?s"
            f" LIMIT {INCOMING_PAGE} OFFSET {start}"
        )
        groups.append(
            {
                "property": prop,
                "count": total,
                "offset": start,
                "subjects": [r["s"] for r in subjects],
            }
        )
    return groups


def excerpts(resource: str) -> list[dict]:
    """The source excerpts the resource was derived from: document, lines and text."""
    rows = graphdata.select(
        f"""SELECT ?excerpt ?document ?first ?last ?text WHERE {{
              {iri(resource)} prov:wasDerivedFrom ?excerpt .
              ?excerpt dxkg:sourceDocument ?document ; dxkg:firstLine ?first ;
                       dxkg:lastLine ?last ; dxkg:excerptText ?text .
            }} ORDER BY ?document ?first LIMIT 20"""
    )
    return [
        {
            "iri": row["excerpt"].value,
            "href": page_href(row["excerpt"].value),
            "document": row["document"].value,
            "first_line": int(row["first"].value),
            "last_line": int(row["last"].value),
            "text": row["text"].value,
        }
        for row in rows
    ]


def other_editions(resource: str) -> list[tuple[str, str]]:
    """(other edition's IRI, "earlier" or "later") for a case linked across editions."""
    node = iri(resource)
    rows = graphdata.select(
        f"""SELECT ?other ?when WHERE {{
              {{ {node} prov:wasRevisionOf ?other BIND("earlier" AS ?when) }}
              UNION {{ ?other prov:wasRevisionOf {node} BIND("later" AS ?when) }}
            }} LIMIT 10"""
    )
    return [(row["other"].value, row["when"].value) for row in rows]


def edition_changes(resource: str) -> dict[str, list[dict]]:
    """The change nodes (``dxkg:EditionChange``, made by the link stage) between ``resource``
    and each other edition of its case, by the other edition, in the order the build numbered
    them: field, kind, and the old and new value as printed with their lines."""
    node = iri(resource)
    rows = graphdata.select(
        f"""SELECT ?change ?field ?kind ?later ?earlier ?old ?new ?oldLine ?newLine WHERE {{
              {{ ?change dxkg:laterReport {node} }} UNION {{ ?change dxkg:earlierReport {node} }}
              ?change a dxkg:EditionChange ; dxkg:changedField ?field ; dxkg:changeKind ?kind ;
                      dxkg:laterReport ?later ; dxkg:earlierReport ?earlier .
              OPTIONAL {{ ?change dxkg:oldValue ?old }} OPTIONAL {{ ?change dxkg:newValue ?new }}
              OPTIONAL {{ ?change dxkg:oldSourceLine ?oldLine }}
              OPTIONAL {{ ?change dxkg:newSourceLine ?newLine }}
            }} LIMIT {MAX_CHANGES}"""
    )
    by_other: dict[str, list[dict]] = {}
    for row in sorted(rows, key=lambda row: _change_number(row["change"].value)):
        later = row["later"].value
        other = row["earlier"].value if later == resource else later
        by_other.setdefault(other, []).append(
            {
                "iri": row["change"].value,
                "field": row["field"].value,
                "kind": row["kind"].value,
                **{key: _optional(row, key) for key in ("old", "new", "oldLine", "newLine")},
            }
        )
    return by_other


def _change_number(change: str) -> int:
    """``…/case/v4-1-4/change/12`` → 12."""
    return int(change.rsplit("/", 1)[1])


def _optional(row: dict, key: str) -> str | int | None:
    """A row's optional value: a line as a number, a printed value as its text."""
    found = row.get(key)
    if found is None:
        return None
    return int(found.value) if key.endswith("Line") else found.value


def describe(resource: str, path: str) -> dict:
    """Everything the entity page shows about ``resource``."""
    only = request.args.get("in")
    if only and not is_iri(only):
        abort(400, description=f"in: not an IRI: {only!r}")
    offset = max(request.args.get("offset", 0, type=int), 0)
    mine = [] if is_graph(resource) else outgoing(resource)
    links_in = incoming(resource, only, offset)
    editions = other_editions(resource)
    changes = edition_changes(resource)
    wanted = {
        resource,
        *(p for p, _ in mine),
        *(o.value for _, o in mine if isinstance(o, NamedNode)),
    }
    wanted |= {group["property"] for group in links_in}
    wanted |= {s.value for group in links_in for s in group["subjects"] if isinstance(s, NamedNode)}
    wanted |= {other for other, _ in editions}
    wanted |= {change["field"] for found in changes.values() for change in found}
    labels = graphdata.labels_of(wanted)
    itself = named(resource, labels)
    return {
        **itself,
        "path": path,
        "types": [value(o, labels) for p, o in mine if p == RDF_TYPE],
        "properties": grouped(((p, o) for p, o in mine if p != RDF_TYPE), labels),
        "incoming": [
            {
                "property": named(group["property"], labels),
                "count": group["count"],
                "offset": group["offset"],
                "subjects": [value(s, labels) for s in group["subjects"]],
            }
            for group in links_in
        ],
        "incoming_only": only,
        "excerpts": excerpts(resource),
        "editions": [
            {
                "when": when,
                "other": named(other, labels),
                "changes": [
                    {**change, "field": named(change["field"], labels)}
                    for change in changes.get(other, [])
                ],
            }
            for other, when in editions
        ],
        # Its degree, centralities and community in each network of the release's analysis.
        "network_measures": networkdata.entity_measures(files.current(), resource),
        "is_graph": is_graph(resource),
        "graph_size": graph_size(resource) if is_graph(resource) else None,
        "data_links": {
            suffix: f"/data/{path}.{suffix}" for suffix in ("ttl", "nt", "jsonld", "rdf")
        },
        "json_href": f"/page/{path}.json",
    }


def graph_size(resource: str) -> int:
    """Triples in the named graph ``resource``."""
    rows = graphdata.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri(resource)} {{ ?s ?p ?o }} }}"
    )
    return int(rows[0]["n"].value)
