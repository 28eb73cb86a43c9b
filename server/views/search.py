"""Full-text search: ``/search`` and ``/search.json`` over the build's ``search.sqlite``.

The index (written by :mod:`dxkg.pipeline.publish.searchindex`) answers, not the SPARQL
engine: a substring scan of every text through SPARQL is an order of magnitude
slower (``benchmarks/search.py``). Queries are folded with the index's own
:func:`~dxkg.pipeline.publish.searchindex.search_key`, so ``ＲＰＡ`` finds RPA.

Without ``class=`` the page shows, for every class with hits, its count and its
first :data:`PER_GROUP` hits; ``class=`` lists that class's hits, :data:`PER_PAGE`
a page. Each resource appears once, under its best-ranked matching field (labels
first). Snippets are returned as [text, is_match] segments of verbatim text, which
the template escapes piece by piece: no text from the data can become markup.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
from pathlib import Path

from flask import Blueprint, Response, current_app, request
from flask.blueprints import BlueprintSetupState

from dxkg.pipeline.publish.searchindex import fold, search_key
from dxkg.release import SEARCH_INDEX
from dxkg.web.views import entity, files, pages
from dxkg.web.views.i18n import translate

blueprint = Blueprint("search", __name__)

MAX_QUERY_CHARS = 200
PER_PAGE = 20
PER_GROUP = 5
#: Longest snippet, in characters of the verbatim text, and how much of it precedes the match.
SNIPPET_CHARS = 160
SNIPPET_LEAD = 40
#: The trigram index finds substrings of at least this many characters.
TRIGRAM = 3

_MATCHES = {
    # A quoted FTS5 phrase on the trigram table is a substring search through the index.
    True: "SELECT resource, field, rowid AS entry FROM entries WHERE entries MATCH :match",
    # A key of one or two characters has no trigram to look up: scan every folded text
    # instead (a few milliseconds for this release's ~6,000 texts).
    False: "SELECT resource, field, rowid AS entry FROM entries WHERE instr(folded, :key) > 0",
}
# Each resource once, by its best field (labels first; the bare column ``entry`` comes
# from the row holding the minimum, as SQLite documents), numbered within its class.
_RANKED = """
WITH matches AS ({matches}),
best AS (SELECT resource, MIN(field) AS field, entry FROM matches GROUP BY resource),
ranked AS (
  SELECT best.*, resources.class, ROW_NUMBER() OVER (
    PARTITION BY resources.class ORDER BY best.field, resources.label_ja, resources.iri) AS n
  FROM best JOIN resources ON resources.id = best.resource
)
"""
_COUNTS = """
SELECT classes.name, classes.label_ja, classes.label_en, COUNT(*) AS hits
FROM ranked JOIN classes ON classes.id = ranked.class
GROUP BY classes.id ORDER BY hits DESC, classes.name
"""
_HITS = """
SELECT classes.name, resources.iri, resources.label_ja, resources.label_en,
       fields.name, fields.label_ja, fields.label_en, entries.verbatim
FROM ranked
JOIN classes ON classes.id = ranked.class
JOIN resources ON resources.id = ranked.resource
JOIN fields ON fields.id = ranked.field
JOIN entries ON entries.rowid = ranked.entry
WHERE CASE WHEN :class IS NULL THEN n <= :per_group
           ELSE classes.name = :class AND n > :offset AND n <= :offset + :per_page END
ORDER BY classes.name, n
"""

#: Where an application keeps its threads' connections to the index (:func:`_connection`).
CONNECTIONS = "dxkg.search.connections"


class _ThreadConnection(threading.local):
    """A thread's read-only connection to the index, and the process that opened it."""

    pid: int | None = None
    connection: sqlite3.Connection | None = None


@blueprint.record_once
def _hold_connections(state: BlueprintSetupState) -> None:
    """Give the application its per-thread connections: one application serves one
    release, so one index; they go when the application does."""
    state.app.extensions[CONNECTIONS] = _ThreadConnection()


@blueprint.get("/search")
@blueprint.get("/search.json")
def search() -> Response:
    """The search form, and the hits for ``q`` grouped by class."""
    text = request.args.get("q", "").strip()
    class_name = request.args.get("class") or None
    data = {
        "search_text": text,
        "json_href": pages.json_link("/search"),
        "class": class_name,
        "error": None,
        "total": 0,
        "classes": [],
        "groups": [],
    }
    if len(text) > MAX_QUERY_CHARS:
        error = translate("search_too_long").format(limit=MAX_QUERY_CHARS)
        shown = text[:MAX_QUERY_CHARS]  # the form shows what it accepts, not a page of text
        return pages.render("search.html", {**data, "search_text": shown, "error": error}, 400)
    key = search_key(text)
    if not key:
        return pages.render("search.html", data)
    served = files.current()
    if not served.publishes(SEARCH_INDEX):
        return pages.render("search.html", {**data, "error": translate("search_missing")}, 503)
    connection = _connection(served.path(SEARCH_INDEX))
    return pages.render("search.html", {**data, **find(connection, key, class_name)})


def find(connection: sqlite3.Connection, key: str, class_name: str | None) -> dict:
    """The hits for the folded ``key``: counts per class and the groups to show.

    Reads ``page=`` from the request, clamped to the pages there are.
    """
    indexed = len(key) >= TRIGRAM
    ranked = _RANKED.format(matches=_MATCHES[indexed])
    match = '"' + key.replace('"', '""') + '"'
    counts = connection.execute(ranked + _COUNTS, {"match": match, "key": key}).fetchall()
    classes = [
        {
            "name": name,
            "label_ja": label_ja,
            "label_en": label_en,
            "count": count,
            "href": _link(**{"class": name, "page": None}),
        }
        for name, label_ja, label_en, count in counts
    ]
    in_class = next((c["count"] for c in classes if c["name"] == class_name), 0)
    pages_in_class = max(math.ceil(in_class / PER_PAGE), 1)
    page = min(max(request.args.get("page", 1, type=int), 1), pages_in_class)
    rows = connection.execute(
        ranked + _HITS,
        {
            "match": match,
            "key": key,
            "class": class_name,
            "per_group": PER_GROUP,
            "offset": (page - 1) * PER_PAGE,
            "per_page": PER_PAGE,
        },
    ).fetchall()
    hits: dict[str, list[dict]] = {}
    for name, iri, label_ja, label_en, field, field_ja, field_en, verbatim in rows:
        segments = highlight(verbatim, key)
        hits.setdefault(name, []).append(
            {
                "iri": iri,
                "href": entity.page_href(iri),
                "label_ja": label_ja,
                "label_en": label_en,
                "field": field,
                "field_label_ja": field_ja,
                "field_label_en": field_en,
                "snippet": "".join(piece for piece, _ in segments),
                "highlight": segments,
            }
        )
    groups = [
        {
            **group,
            "hits": hits[group["name"]],
            "more_href": _link(**{"class": group["name"], "page": None})
            if class_name is None and group["count"] > PER_GROUP
            else None,
        }
        for group in classes
        if group["name"] in hits
    ]
    return {
        "total": sum(group["count"] for group in classes),
        "indexed": indexed,
        "classes": classes,
        "all_href": _link(**{"class": None, "page": None}) if class_name else None,
        "groups": groups,
        "page": page,
        "pages": pages_in_class if class_name else 1,
        "previous_href": _link(page=str(page - 1)) if class_name and page > 1 else None,
        "next_href": _link(page=str(page + 1)) if class_name and page < pages_in_class else None,
    }


def highlight(text: str, key: str) -> list[list]:
    """``text`` cut to :data:`SNIPPET_CHARS` around its first match of the folded ``key``,
    as ``[piece, is_match]`` segments of verbatim text (``…`` marks a cut)."""
    folded = fold(text)
    spans = []
    start = folded.folded.find(key)
    while start >= 0:
        end = start + len(key)
        spans.append((folded.origin[start], folded.origin[end - 1] + 1))
        start = folded.folded.find(key, end)
    first = spans[0][0] if spans else 0
    window_start = max(0, min(first - SNIPPET_LEAD, len(text) - SNIPPET_CHARS))
    window_end = min(len(text), window_start + SNIPPET_CHARS)
    segments: list[list] = [["…", False]] if window_start else []
    position = window_start
    for span_start, span_end in spans:
        span_end = min(span_end, window_end)
        if span_start >= window_end:
            break
        if span_start > position:
            segments.append([text[position:span_start], False])
        segments.append([text[span_start:span_end], True])
        position = span_end
    if position < window_end:
        segments.append([text[position:window_end], False])
    if window_end < len(text):
        segments.append(["…", False])
    return segments


def _link(**changes: str | None) -> str:
    """This page (HTML or JSON) with ``changes`` applied to its query string."""
    return request.path + "?" + pages.merge_query(request.args, **changes)


def _connection(path: Path) -> sqlite3.Connection:
    """This thread's read-only connection to the index at ``path``.

    Opened lazily and kept on the application, per process and thread: a connection must
    not cross a fork, and sqlite3 refuses one made in another thread.
    ``immutable`` spares the locking, as a release never changes in place (a new
    build replaces the whole folder).
    """
    held: _ThreadConnection = current_app.extensions[CONNECTIONS]
    if held.connection is None or held.pid != os.getpid():
        uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
        held.connection, held.pid = sqlite3.connect(uri, uri=True), os.getpid()
    return held.connection
