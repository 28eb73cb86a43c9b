"""The graph view: the neighbourhood of one resource, drawn with Cytoscape.js.

``/view/<path>`` is the page and ``/view/<path>.json`` the same neighbourhood in
Cytoscape.js's elements format. Only resources (IRIs) are nodes: literals stay on
the entity page, ``rdf:type`` edges are left out (the class colours the node), and
so are source excerpts and technology tags, the evidence nodes that would outnumber
everything else. Every query is bounded: at most :data:`MAX_NODES` nodes and
:data:`MAX_EDGES` edges, and the answer says when the neighbourhood was cut.
"""

from __future__ import annotations

from itertools import chain, zip_longest

from flask import Blueprint, Response, abort, current_app, g, request

from dxkg.web.views import entity, graphdata, pages, resources
from dxkg.web.views.graphdata import Labels, iri

blueprint = Blueprint("graphview", __name__)

#: Most nodes drawn, the resource itself included; more is unreadable anyway.
MAX_NODES = 150
#: Most edges drawn between those nodes.
MAX_EDGES = 600
#: Most second-hop candidates read, before the fair share of each first-hop node is taken.
MAX_CANDIDATES = 3000
HOPS = ("1", "2")

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


def second_hop(known: list[str], room: int) -> tuple[list[str], bool]:
    """Up to ``room`` resources linked to the ``known`` ones (the first of which is the
    resource itself) and not among them, and whether some were left out.

    A hub (a prefecture, a code-list concept) has hundreds of neighbours; taking them
    in IRI order would fill the drawing with one hub's. Each first-hop node instead
    gets its turn: its first new neighbour, then every other node's first, and so on.
    """
    values = " ".join(iri(value) for value in known[1:])
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


def neighbourhood(resource: str, hops: int) -> dict:
    """The nodes and edges within ``hops`` links of ``resource``, as Cytoscape.js elements."""
    neighbours, truncated = first_hop(resource)
    nodes = [resource, *neighbours]
    if hops == 2 and neighbours and not truncated:
        more, truncated = second_hop(nodes, MAX_NODES - len(nodes))
        nodes += more
    edges, edges_cut = edges_between(nodes)
    classes = classes_of(nodes)
    first = set(neighbours)
    labels = graphdata.labels_of(set(nodes) | {p for _, p, _ in edges} | set(classes.values()))
    return {
        "elements": {
            "nodes": [
                {
                    "data": {
                        "id": node,
                        "label": label(node, labels),
                        "class": entity.curie(classes[node]) if node in classes else None,
                        "class_label": label(classes[node], labels) if node in classes else None,
                        "href": entity.page_href(node),
                        "hop": 0 if node == resource else 1 if node in first else 2,
                    }
                }
                for node in nodes
            ],
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
