"""The graph view: the neighbourhood of one resource, drawn with Cytoscape.js.

``/view/<path>`` is the page and ``/view/<path>.json`` the same neighbourhood in
Cytoscape.js's elements format. Only resources (IRIs) are nodes: literals stay on
the entity page, ``rdf:type`` edges are left out (the class colours the node), and
so are source excerpts and technology tags, the evidence nodes that would outnumber
everything else. Every query is bounded: at most :data:`MAX_NODES` nodes and
:data:`MAX_EDGES` edges, and the answer says when the neighbourhood was cut.

At two hops a first-hop node linked to more than :data:`HUB_THRESHOLD` resources
outside the first hop (a technology, a code-list concept, a prefecture with many
governments) is a hub: it is not expanded but drawn as one node carrying the count of
its neighbours left out (``more``) and a link to its own graph view (``view_href``).
Every node has a ``kind`` (case, initiative, municipality, vendor, technology, other)
that colours it, and the answer's ``legend`` lists the kinds present.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain, zip_longest
from typing import NamedTuple

from flask import Blueprint, Response, abort, current_app, g, request

from dxkg.web.views import entity, graphdata, pages, resources
from dxkg.web.views.graphdata import Labels, iri
from dxkg.web.views.i18n import MESSAGES, pick, translate

blueprint = Blueprint("graphview", __name__)

#: Most nodes drawn, the resource itself included; more is unreadable anyway.
MAX_NODES = 150
#: Most edges drawn between those nodes.
MAX_EDGES = 600
#: Most second-hop candidates read, before the fair share of each first-hop node is taken.
MAX_CANDIDATES = 3000
HOPS = ("1", "2")
#: Most neighbours outside the first hop that a first-hop node may have and still be
#: expanded at two hops. In the release, 90 % of the drawable resources have at most 11
#: neighbours (75 %: 6), a case 20 to 42 (its answers, milestones, costs), a prefecture
#: 13 to 53, a technology or code-list concept up to 690. With 10, 長岡市's 2-hop view
#: has 15 nodes (its two cases and 新潟県 collapsed), a case's 54 and 東京都's 138, all
#: under :data:`MAX_NODES`; with 20, 東京都's reaches the cap.
HUB_THRESHOLD = 10

#: The vocabulary's classes of governments (``dxkg:Municipality`` and its subclasses).
GOVERNMENTS = (
    "Municipality", "Prefecture", "City", "DesignatedCity", "Town", "Village", "Ward",
    "SpecialWard",
)  # fmt: skip
#: The kind of a node, by the curie of its class; any other class is ``other``.
KINDS = {
    "dxkg:CaseStudy": "case",
    "dxkg:Initiative": "initiative",
    **{f"dxkg:{name}": "municipality" for name in GOVERNMENTS},
    "dxkg:Vendor": "vendor",
    "dxkg:Technology": "technology",
}
#: The kinds in the legend's order, with their names.
KIND_NAMES = {
    "case": MESSAGES["kind_case"],
    "initiative": MESSAGES["kind_initiative"],
    "municipality": MESSAGES["kind_municipality"],
    "vendor": MESSAGES["kind_vendor"],
    "technology": MESSAGES["kind_technology"],
    "other": MESSAGES["kind_other"],
}

#: Evidence nodes, one per excerpt or matched text: left out of the drawing.
HIDDEN_CLASSES = ("SourceExcerpt", "TechnologyTag")


def hidden_filter(variable: str) -> str:
    """A FILTER that drops ``?variable`` when it is an evidence node."""
    hidden = " ".join(f"dxkg:{name}" for name in HIDDEN_CLASSES)
    return f"FILTER NOT EXISTS {{ VALUES ?hidden {{ {hidden} }} ?{variable} rdf:type ?hidden }}"


def neighbour_pattern(node: str) -> str:
    """``?n``: a resource linked to ``node`` (a SPARQL term or variable) in either direction."""
    return (
        f"{{ {node} ?p ?n }} UNION {{ ?n ?p {node} }}"
        f" FILTER (isIRI(?n) && ?p != rdf:type) {hidden_filter('n')}"
    )


def first_hop(resource: str) -> tuple[list[str], bool]:
    """The resources linked to ``resource``, in IRI order, and whether some were left out."""
    node = iri(resource)
    rows = graphdata.select(
        f"SELECT DISTINCT ?n WHERE {{ {neighbour_pattern(node)} FILTER (?n != {node}) }}"
        f" ORDER BY ?n LIMIT {MAX_NODES}"
    )
    found = [row["n"].value for row in rows]
    return found[: MAX_NODES - 1], len(found) == MAX_NODES


def outside_counts(known: list[str]) -> dict[str, int]:
    """For each first-hop node (``known`` but the first, the resource itself), how many
    resources it is linked to outside ``known``; nodes with none are left out."""
    values = " ".join(iri(value) for value in known[1:])
    drawn = ", ".join(iri(value) for value in known)
    rows = graphdata.select(
        f"SELECT ?via (COUNT(DISTINCT ?n) AS ?count) WHERE {{ VALUES ?via {{ {values} }}"
        f" {neighbour_pattern('?via')} FILTER (?n NOT IN ({drawn})) }}"
        f" GROUP BY ?via LIMIT {MAX_NODES}"
    )
    return {row["via"].value: int(row["count"].value) for row in rows}


def second_hop(known: list[str], expanded: list[str], room: int) -> tuple[list[str], bool]:
    """Up to ``room`` resources linked to the ``expanded`` ones and not among the
    ``known`` ones, and whether some were left out.

    A hub (a prefecture, a code-list concept) has hundreds of neighbours; taking them
    in IRI order would fill the drawing with one hub's. Each first-hop node instead
    gets its turn: its first new neighbour, then every other node's first, and so on.
    """
    if not expanded:
        return [], False
    values = " ".join(iri(value) for value in expanded)
    rows = graphdata.select(
        f"SELECT DISTINCT ?via ?n WHERE {{ VALUES ?via {{ {values} }} {neighbour_pattern('?via')} }}"
        f" ORDER BY ?via ?n LIMIT {MAX_CANDIDATES}"
    )
    seen = set(known)
    by_via: dict[str, list[str]] = {}
    for row in rows:
        if row["n"].value not in seen:
            by_via.setdefault(row["via"].value, []).append(row["n"].value)
    added: list[str] = []
    for candidate in chain.from_iterable(zip_longest(*by_via.values())):
        if candidate is not None and candidate not in seen:
            seen.add(candidate)
            added.append(candidate)
    return added[:room], len(added) > room or len(rows) == MAX_CANDIDATES


def edges_between(nodes: list[str]) -> tuple[list[tuple[str, str, str]], bool]:
    """The links (subject, property, object) among ``nodes`` except ``rdf:type``, in a
    stable order, and whether some were left out."""
    values = " ".join(iri(value) for value in nodes)
    rows = graphdata.select(
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o"
        f" FILTER (?p != rdf:type) VALUES ?o {{ {values} }} }}"
        f" ORDER BY ?s ?p ?o LIMIT {MAX_EDGES + 1}"
    )
    edges = [(row["s"].value, row["p"].value, row["o"].value) for row in rows]
    return edges[:MAX_EDGES], len(edges) > MAX_EDGES


def classes_of(nodes: list[str]) -> dict[str, str]:
    """One class per node, for its colour: the vocabulary's own class if it has one."""
    values = " ".join(iri(value) for value in nodes)
    rows = graphdata.select(
        f"SELECT DISTINCT ?x ?class WHERE {{ VALUES ?x {{ {values} }} ?x rdf:type ?class }}"
        f" LIMIT {MAX_NODES * 10}"
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["x"].value, []).append(row["class"].value)
    vocabulary = graphdata.vocabulary()
    return {
        node: min(classes, key=lambda name: (not name.startswith(vocabulary), name))
        for node, classes in found.items()
    }


def label(resource: str, labels: dict[str, Labels]) -> str:
    """The label in the interface language, else a short name for the IRI."""
    found = labels.get(resource, Labels()).best(g.lang)
    if found:
        return found
    path = entity.local_path(resource)
    return path if path is not None else entity.curie(resource)


def kind_of(node_class: str | None) -> str:
    """The node's kind, for its colour: case, initiative, municipality, vendor, technology
    or other."""
    return KINDS.get(entity.curie(node_class), "other") if node_class else "other"


def left_out(
    hubs: dict[str, int], edges: list[tuple[str, str, str]], second: set[str]
) -> dict[str, int]:
    """Each hub's count of neighbours not drawn: those outside the first hop, less the
    second-hop nodes (reached from other nodes) drawn next to it."""
    pairs = {(s, o) for s, _, o in edges} | {(o, s) for s, _, o in edges}
    drawn = Counter(hub for hub, other in pairs if hub in hubs and other in second)
    return {hub: count - drawn[hub] for hub, count in hubs.items()}


def hub_data(resource: str, more: int) -> dict:
    """What a collapsed hub adds to its node: the count left out, said, and its own view."""
    path = entity.local_path(resource)
    return {
        "more": more,
        "more_label": translate("graph_more").format(more),
        "view_href": f"/view/{path}" if path is not None else None,
    }


def legend(nodes: list[dict]) -> list[dict]:
    """The kinds present among ``nodes``, in the legend's order, with their counts."""
    counts = Counter(node["data"]["kind"] for node in nodes)
    return [
        {"kind": kind, "label": pick(name), "count": counts[kind]}
        for kind, name in KIND_NAMES.items()
        if counts[kind]
    ]


def expand(resource: str, neighbours: list[str]) -> tuple[list[str], dict[str, int], bool]:
    """The second hop around ``resource``: the nodes added, the hubs not expanded with
    the count of resources each links to outside the first hop, and whether some were
    left out."""
    known = [resource, *neighbours]
    outside = outside_counts(known)
    hubs = {node: count for node, count in outside.items() if count > HUB_THRESHOLD}
    expanded = [node for node in neighbours if outside.get(node) and node not in hubs]
    more, truncated = second_hop(known, expanded, MAX_NODES - len(known))
    return more, hubs, truncated


class Found(NamedTuple):
    """What was read about the nodes: their classes, labels and, for hubs, the count
    of neighbours left out."""

    classes: dict[str, str]
    labels: dict[str, Labels]
    hidden: dict[str, int]


def node_element(node: str, hop: int, found: Found) -> dict:
    """The Cytoscape.js element of ``node``, ``hop`` links from the resource."""
    node_class = found.classes.get(node)
    return {
        "data": {
            "id": node,
            "label": label(node, found.labels),
            "class": entity.curie(node_class) if node_class else None,
            "class_label": label(node_class, found.labels) if node_class else None,
            "kind": kind_of(node_class),
            "href": entity.page_href(node),
            "hop": hop,
            **(hub_data(node, found.hidden[node]) if node in found.hidden else {}),
        }
    }


def neighbourhood(resource: str, hops: int) -> dict:
    """The nodes and edges within ``hops`` links of ``resource``, as Cytoscape.js elements,
    with the hubs collapsed at two hops."""
    neighbours, truncated = first_hop(resource)
    nodes, hubs = [resource, *neighbours], {}
    if hops == 2 and neighbours and not truncated:
        more, hubs, truncated = expand(resource, neighbours)
        nodes += more
    edges, edges_cut = edges_between(nodes)
    classes = classes_of(nodes)
    first = set(neighbours)
    labels = graphdata.labels_of(set(nodes) | {p for _, p, _ in edges} | set(classes.values()))
    found = Found(classes, labels, left_out(hubs, edges, set(nodes) - first - {resource}))
    drawn = [
        node_element(node, 0 if node == resource else 1 if node in first else 2, found)
        for node in nodes
    ]
    return {
        "elements": {
            "nodes": drawn,
            "edges": [
                {
                    "data": {
                        "id": f"{source} {prop} {target}",
                        "source": source,
                        "target": target,
                        "label": label(prop, labels),
                        "property": prop,
                    }
                }
                for source, prop, target in edges
            ],
        },
        "legend": legend(drawn),
        "hub_threshold": HUB_THRESHOLD,
        "truncated": truncated or edges_cut,
    }


@blueprint.get("/view/<path:path>")
def view(path: str) -> Response:
    """The graph page of the resource ``<base>path``, or its JSON for ``….json``."""
    # One rule for both forms, as for /page/: a path never ends in .json otherwise.
    path = resources.requested_path("/view/").removesuffix(pages.JSON_SUFFIX)
    resource = current_app.config["BASE_IRI"] + path
    hops = request.args.get("hops", "1")
    if hops not in HOPS:
        abort(400, description="hops must be 1 or 2")
    if not entity.exists(resource):
        abort(404, description=f"nothing is known about <{resource}>")
    data = {
        "iri": resource,
        "hops": int(hops),
        "max_nodes": MAX_NODES,
        "page_href": entity.page_href(resource),
        "json_href": pages.json_link(f"/view/{path}"),
    }
    return pages.render("graphview.html", {**data, **neighbourhood(resource, int(hops))})
