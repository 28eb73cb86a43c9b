"""Class pages: the instances of a class as a table, paged and sortable, narrowed by facets.

``/class/<Name>?prefecture=<IRI>&technology=<IRI>&sort=-initiatives&page=2``:
each chosen facet value narrows the list (facets combine with AND), every
facet shows its values with counts under the current choice, and the table shows
the class's columns (:data:`~dxkg.web.views.facets.COLUMNS`), each a sort key in
either direction (``-`` for descending). ``.json`` is the page as data,
``.csv`` every row of the same filtered, sorted view. Every query has a LIMIT and
a page asks the engine a fixed number of queries, whatever the class.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from flask import Blueprint, Response, abort, g, request
from pyoxigraph import NamedNode

from dxkg import media
from dxkg.web.views import entity, graphdata, pages
from dxkg.web.views.facets import DEFAULT_SORT, Facet, columns_of, facets_of
from dxkg.web.views.graphdata import Labels, iri
from dxkg.web.views.i18n import pick, translate

blueprint = Blueprint("classes", __name__)

PAGE_SIZE = 50
#: Most rows of a CSV export (the largest class has under a thousand instances).
EXPORT_LIMIT = 5_000
#: Instances per query when reading the values of many (a CSV export), so that no
#: answer reaches the engine's row limit.
BATCH = 500
#: Most values listed per facet (the largest, prefectures, has 47).
MAX_FACET_VALUES = 100
#: Most values read per listed instance, all columns together.
MAX_VALUES_PER_ROW = 40
INSTANCE = "?s rdf:type/rdfs:subClassOf* {cls} ."
LABEL = "OPTIONAL {{ {node} rdfs:label|skos:prefLabel ?{var} FILTER (LANG(?{var}) != 'en') }}"
CSV_SEPARATOR = " | "
CSV_SUFFIX = ".csv"


@dataclass(frozen=True)
class ClassView:
    """One class narrowed by the chosen facet values and sorted: what a page, its JSON
    and its CSV show."""

    name: str
    cls: str
    facets: tuple[Facet, ...]
    columns: tuple[Facet, ...]
    chosen: dict[str, str]
    sort: str

    @property
    def where(self) -> str:
        """The graph pattern binding ``?s`` to every instance the view keeps."""
        by_key = {f.key: f for f in self.facets}
        return INSTANCE.format(cls=self.cls) + "".join(
            restriction(by_key[key], value) for key, value in self.chosen.items()
        )

    @property
    def sort_column(self) -> Facet | None:
        """The column (or facet) the view is sorted by; None for the label."""
        key = self.sort.removeprefix("-")
        return next((c for c in sortable(self) if c.key == key), None)


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
    view = view_of(name.removesuffix(pages.JSON_SUFFIX))
    total = count(view)
    if total == 0:
        require_class(view)
    last_page = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = max(request.args.get("page", 1, type=int), 1)
    if page > last_page:
        abort(404, description=f"page {page} is past the last page, {last_page}")
    subjects = instances(view, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    values, counts = column_values(subjects, view.columns)
    facet_rows = facet_counts(view)
    labels = graphdata.labels_of(
        {view.cls.strip("<>")}
        | {graphdata.vocabulary() + f.term for f in (*view.facets, *view.columns) if f.term}
        | set(subjects)
        | linked(values)
        | {row["v"].value for row in facet_rows if isinstance(row["v"], NamedNode)}
    )
    return pages.render(
        "class.html",
        {
            **entity.named(view.cls.strip("<>"), labels),
            "name": view.name,
            "total": total,
            "page": page,
            "pages": last_page,
            "sort": view.sort,
            "sorts": sort_options(view, labels),
            "chosen": view.chosen,
            "columns": [column_heading(c, view.sort, labels) for c in view.columns],
            "facets": facets_shown(view, facet_rows, labels),
            "items": [row(s, view.columns, values, counts, labels) for s in subjects],
            "json_href": pages.json_link(),
            "csv_href": export_link(view.name),
        },
    )


@blueprint.get(f"/class/<name>{CSV_SUFFIX}")
def class_csv(name: str) -> Response:
    """Every row (up to :data:`EXPORT_LIMIT`) of the page's filtered, sorted view as CSV:
    the instance's IRI and label, then each column (a resource column also its IRIs)."""
    view = view_of(name)
    subjects = instances(view, EXPORT_LIMIT, 0)
    if not subjects:
        require_class(view)
    values: dict[str, dict[str, list[graphdata.Term]]] = {}
    counts: dict[str, dict[str, int]] = {}
    labels: dict[str, Labels] = {}
    for batch in batches(subjects):
        batch_values, batch_counts = column_values(batch, view.columns)
        values |= batch_values
        counts |= batch_counts
        labels |= graphdata.labels_of(set(batch) | linked(batch_values))
    rows = [row(s, view.columns, values, counts, labels) for s in subjects]
    response = Response(csv_text(view.columns, rows), mimetype=media.CSV)
    response.headers["Content-Disposition"] = f'attachment; filename="{view.name}.csv"'
    return response


def view_of(name: str) -> ClassView:
    """The view the request asks for of the class ``name``; 400 for a bad sort or facet
    value, 404 for a name that cannot be a class."""
    if not name.isidentifier():
        abort(404)
    cls = iri(graphdata.vocabulary() + name)
    facets = facets_of(name)
    view = ClassView(
        name=name,
        cls=cls,
        facets=facets,
        columns=columns_of(name),
        chosen={f.key: request.args[f.key] for f in facets if request.args.get(f.key)},
        sort=request.args.get("sort", DEFAULT_SORT.get(name, "label")),
    )
    if view.sort.removeprefix("-") != "label" and view.sort_column is None:
        abort(400, description=f"cannot sort by {view.sort!r}")
    return view


def require_class(view: ClassView) -> None:
    """404 unless the view's class is in the vocabulary (asked only of an empty view:
    one the facets emptied is still a page)."""
    if not view.chosen and not graphdata.ask(f"ASK {{ {view.cls} ?p ?o }}"):
        abort(404, description=f"no class {view.name} in the vocabulary")


def sortable(view: ClassView) -> list[Facet]:
    """What a view may be sorted by besides the label: its columns, then the facets that
    are not also columns."""
    keys = {c.key for c in view.columns}
    return [*view.columns, *(f for f in view.facets if f.key not in keys)]


def export_link(name: str) -> str:
    """The CSV of this request's view: the same filters and sort, every page."""
    query = pages.merge_query(request.args, page=None)
    return f"/class/{name}{CSV_SUFFIX}" + (f"?{query}" if query else "")


def sort_options(view: ClassView, labels: dict[str, Labels]) -> list[tuple[str, str]]:
    """(``sort`` value, what the menu shows) for a class page, each key in both directions."""
    options = [
        ("label", translate("sort_label_ascending")),
        ("-label", translate("sort_label_descending")),
    ]
    for column in sortable(view):
        shown = facet_label(column, labels)
        options.append((column.key, translate("sort_ascending").format(shown)))
        options.append((f"-{column.key}", translate("sort_descending").format(shown)))
    return options


def column_heading(column: Facet, sort: str, labels: dict[str, Labels]) -> dict:
    """A column's heading: its name, whether it counts, how the page is sorted by it
    (``ascending``, ``descending`` or None) and the sort a click on it asks for."""
    direction = {column.key: "ascending", f"-{column.key}": "descending"}.get(sort)
    return {
        "key": column.key,
        "label": facet_label(column, labels),
        "count": column.count,
        "sorted": direction,
        "next_sort": f"-{column.key}" if direction == "ascending" else column.key,
    }


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
        variable = f"?chosen_{facet.key}"
        return f"{facet.pattern(variable)} FILTER (STR({variable}) = {graphdata.literal(chosen)})"
    try:
        return facet.pattern(iri(chosen))
    except ValueError:
        abort(400, description=f"{facet.key}: not an IRI: {chosen!r}")


def count(view: ClassView) -> int:
    """Instances the view keeps."""
    rows = graphdata.select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {view.where} }}")
    return int(rows[0]["n"].value)


def sort_pattern(column: Facet, descending: bool) -> tuple[str, str]:
    """(pattern, aggregate) giving each instance its ``?sortkey`` by ``column``: the number
    of values of a counting column; else the least (descending: the greatest) literal, or
    value's local-government code (prefectures in the national order), else its label."""
    pattern = column.pattern("?sv")
    if column.count:
        return f"OPTIONAL {{ {pattern} }}", "COUNT(DISTINCT ?sv)"
    extreme = "MAX" if descending else "MIN"
    if column.literal:
        return f"OPTIONAL {{ {pattern} }}", f"{extreme}(STR(?sv))"
    value_key = (
        f"OPTIONAL {{ ?sv dxkg:localGovernmentCode ?svc }} {LABEL.format(node='?sv', var='svl')}"
    )
    return f"OPTIONAL {{ {pattern} {value_key} }}", f"{extreme}(COALESCE(?svc, ?svl, STR(?sv)))"


def instances(view: ClassView, limit: int, offset: int) -> list[str]:
    """The IRIs of ``limit`` instances of the view from ``offset``, in the view's order;
    instances without a value for the sort column come last either way."""
    descending = view.sort.startswith("-")
    column = view.sort_column
    if column is None:
        pattern, key, order = "", "", "DESC(?label) ?s" if descending else "?label ?s"
    else:
        pattern, aggregate = sort_pattern(column, descending)
        key = f"({aggregate} AS ?sortkey)"
        by_key = "DESC(?sortkey)" if descending else "?sortkey"
        order = f"(!BOUND(?sortkey)) {by_key} ?label ?s"
    rows = graphdata.select(
        f"""SELECT ?s (MIN(?l) AS ?label) {key} WHERE {{
              {view.where} {LABEL.format(node="?s", var="l")} {pattern}
            }} GROUP BY ?s ORDER BY {order} LIMIT {limit} OFFSET {offset}"""
    )
    return [row["s"].value for row in rows]


def batches(subjects: list[str]) -> Iterator[list[str]]:
    """``subjects`` in runs of :data:`BATCH`."""
    for start in range(0, len(subjects), BATCH):
        yield subjects[start : start + BATCH]


def column_values(
    subjects: list[str], columns: tuple[Facet, ...]
) -> tuple[dict[str, dict[str, list[graphdata.Term]]], dict[str, dict[str, int]]]:
    """For each instance in ``subjects``, the values of each listing column and the number
    of values of each counting column: one query for each kind."""
    values: dict[str, dict[str, list[graphdata.Term]]] = {}
    counts: dict[str, dict[str, int]] = {}
    listed = [c for c in columns if not c.count]
    counted = [c for c in columns if c.count]
    if not subjects:
        return values, counts
    subject_values = "VALUES ?s { " + " ".join(iri(s) for s in subjects) + " }"
    if listed:
        rows = graphdata.select(
            f"SELECT DISTINCT ?s ?column ?v WHERE {{ {branches(listed, subject_values)} }}"
            f" LIMIT {len(subjects) * MAX_VALUES_PER_ROW}"
        )
        for r in rows:
            values.setdefault(r["s"].value, {}).setdefault(r["column"].value, []).append(r["v"])
    if counted:
        rows = graphdata.select(
            f"SELECT ?s ?column (COUNT(DISTINCT ?v) AS ?n) WHERE {{"
            f" {branches(counted, subject_values)} }} GROUP BY ?s ?column"
        )
        for r in rows:
            counts.setdefault(r["s"].value, {})[r["column"].value] = int(r["n"].value)
    return values, counts


def branches(columns: list[Facet], within: str, name: str = "?column") -> str:
    """A UNION binding ``?v`` to the values of each of ``columns`` and ``name`` to its key,
    ``?s`` bound by the pattern ``within`` in each branch (given once outside, the engine
    may join it only after evaluating every branch over the whole graph)."""
    return " UNION ".join(
        f"{{ {within} {c.pattern('?v')} BIND ({graphdata.literal(c.key)} AS {name}) }}"
        for c in columns
    )


def linked(values: dict[str, dict[str, list[graphdata.Term]]]) -> set[str]:
    """The resources among column values (whose labels a page shows)."""
    return {
        v.value
        for per in values.values()
        for vs in per.values()
        for v in vs
        if isinstance(v, NamedNode)
    }


def row(
    subject: str,
    columns: tuple[Facet, ...],
    values: dict[str, dict[str, list[graphdata.Term]]],
    counts: dict[str, dict[str, int]],
    labels: dict[str, Labels],
) -> dict:
    """One instance as the table shows it: named, with each column's values (a listing
    column's sorted by label) or count."""
    found = values.get(subject, {})
    cells: dict[str, list[dict] | int] = {}
    for column in columns:
        if column.count:
            cells[column.key] = counts.get(subject, {}).get(column.key, 0)
        else:
            shown_values = [shown(term, labels) for term in found.get(column.key, [])]
            cells[column.key] = sorted(shown_values, key=lambda v: v["label"])
    return {**entity.named(subject, labels), "columns": cells}


def shown(term: graphdata.Term, labels: dict[str, Labels]) -> dict:
    """A value as the page shows it: a named resource or the literal's text."""
    if isinstance(term, NamedNode):
        return entity.named(term.value, labels)
    return {"label": term.value, "href": None, "iri": None}


def facet_counts(view: ClassView) -> list[dict[str, graphdata.Term]]:
    """Every facet's values with the number of instances of the view having each, in one
    query: rows of ``?facet``, ``?v`` and ``?n``, the largest counts first."""
    if not view.facets:
        return []
    return graphdata.select(
        f"SELECT ?facet ?v (COUNT(DISTINCT ?s) AS ?n) WHERE {{"
        f" {branches(list(view.facets), view.where, '?facet')} }}"
        f" GROUP BY ?facet ?v ORDER BY ?facet DESC(?n) ?v"
        f" LIMIT {MAX_FACET_VALUES * len(view.facets)}"
    )


def facets_shown(
    view: ClassView, rows: list[dict[str, graphdata.Term]], labels: dict[str, Labels]
) -> list[dict]:
    """The facets as the page shows them: name, the chosen value, and at most
    :data:`MAX_FACET_VALUES` values with their counts."""
    by_facet: dict[str, list[dict[str, graphdata.Term]]] = {}
    for r in rows:
        by_facet.setdefault(r["facet"].value, []).append(r)
    return [
        {
            "key": facet.key,
            "label": facet_label(facet, labels),
            "chosen": view.chosen.get(facet.key),
            "values": [
                {
                    **shown(r["v"], labels),
                    "value": r["v"].value,
                    "count": int(r["n"].value),
                    "chosen": r["v"].value == view.chosen.get(facet.key),
                }
                for r in by_facet.get(facet.key, [])[:MAX_FACET_VALUES]
            ],
        }
        for facet in view.facets
    ]


def csv_text(columns: tuple[Facet, ...], rows: list[dict]) -> str:
    """``rows`` as CSV with a byte-order mark (as the release's CSV files, for
    spreadsheets): ``iri``, ``label``, then each column by its key (values joined with
    `` | ``), a resource column followed by ``<key>_iri``."""
    header = ["iri", "label"]
    for column in columns:
        header += (
            [column.key] if column.count or column.literal else [column.key, f"{column.key}_iri"]
        )
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for item in rows:
        line = [item["iri"], item["label"]]
        for column in columns:
            cell = item["columns"][column.key]
            if column.count:
                line.append(cell)
                continue
            line.append(CSV_SEPARATOR.join(v["label"] for v in cell))
            if not column.literal:
                line.append(CSV_SEPARATOR.join(v["iri"] or "" for v in cell))
        writer.writerow(line)
    return out.getvalue()
