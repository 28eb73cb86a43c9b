"""Full-text search: ``/search`` and ``/search.json`` over the build's ``search.sqlite``.

The index (written by :mod:`dxkg.pipeline.publish.searchindex`) answers, not the SPARQL
engine: a substring scan of every text through SPARQL is an order of magnitude
slower (``benchmarks/search.py``).

A query (:func:`parse`) is terms separated by spaces, all of which a resource must hold
in its labels, texts or context (its government and prefecture); ``"…"`` (or ``“…”``,
``「…」``) keeps a phrase whole, and a trailing ``*`` is taken as the prefix it already is.
Terms are folded with the index's own :func:`~dxkg.pipeline.publish.searchindex.search_key`
(NFKC, case, no spaces), so ``ＲＰＡ`` finds RPA. A Japanese term is cut into words by
janome's morphological analyser, particles and symbols dropped, short words joined to a
neighbour so that each piece has a trigram to look up (:func:`segments`):
``自治体情報システム標準化`` must hold 自治体, 情報システム and 標準化. Pieces of one or two
characters have no trigram: they filter the index's matches, or, when a query has
nothing longer, every document (~3,300: a few milliseconds).

Ranking: a label equal to the query, then a label starting with it, then labels holding
every term, then the rest; within each, BM25 with labels weighing more. Groups (one per
class) come in the order of their best hit, so the entity named by the query is on top.
Facets count the hits by class and by prefecture (each under the other's choice);
``class=`` and ``prefecture=`` narrow them, ``class=`` pages that class, :data:`PER_PAGE`
a page. Each hit carries its context: its record (the case of an interview answer),
government and prefecture. With nothing found, the answer suggests each term alone and
labels close to the query.

Snippets are returned as [text, is_match] segments of verbatim text, which the template
escapes piece by piece: no text from the data can become markup.
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
import sqlite3
import threading
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request
from flask.blueprints import BlueprintSetupState
from janome.tokenizer import Tokenizer

from dxkg.pipeline.publish.searchindex import LINE, fold, search_key
from dxkg.pipeline.text import nfkc
from dxkg.release import SEARCH_INDEX
from dxkg.web.views import entity, files, pages
from dxkg.web.views.i18n import translate

blueprint = Blueprint("search", __name__)

MAX_QUERY_CHARS = 200
MAX_TERMS = 10
PER_PAGE = 20
PER_GROUP = 5
#: Longest snippet, in characters of the verbatim text, and how much of it precedes the match.
SNIPPET_CHARS = 160
SNIPPET_LEAD = 40
#: The trigram index finds substrings of at least this many characters.
TRIGRAM = 3
#: Close labels offered when nothing matches, how many labels are weighed for them, and
#: how alike (difflib's ratio of the folded texts) one must be.
SUGGESTIONS = 5
SUGGESTION_POOL = 40
SUGGESTION_RATIO = 0.5
#: BM25 weights of the ``documents_fts`` columns: labels, then the other texts.
WEIGHTS = (4.0, 1.0)

# A quoted phrase (closed or running to the end), or a word up to a space or a quote.
_TOKENS = re.compile(r'"([^"]*)"?|“([^”]*)”?|「([^」]*)」?|([^\s"“「]+)')
_STRAY = "”」*"
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
#: Parts of speech that separate words rather than make them: particles, auxiliaries, symbols.
_SEPARATORS = frozenset({"助詞", "助動詞", "記号"})
_TOKENIZER_LOCK = threading.Lock()

_HITS = """
WITH hits (id, labels, score) AS ({match})
SELECT hits.id, classes.name, prefectures.iri, prefectures.label_ja, prefectures.label_en,
       hits.labels, hits.score
FROM hits
JOIN resources ON resources.id = hits.id
JOIN classes ON classes.id = resources.class
LEFT JOIN resources AS prefectures ON prefectures.id = resources.prefecture
"""
_INDEXED = """
SELECT documents.id, documents.labels, found.score
FROM (SELECT rowid AS id, bm25(documents_fts, {}, {}) AS score
      FROM documents_fts WHERE documents_fts MATCH :match) AS found
JOIN documents ON documents.id = found.id WHERE 1"""
_SCANNED = "SELECT id, labels, 0.0 FROM documents WHERE 1"
_SHORT = " AND (instr(documents.labels, :short{n}) OR instr(documents.texts, :short{n}))"
_DETAILS = """
SELECT hit.id, hit.iri, hit.label_ja, hit.label_en,
       record.iri, record.label_ja, record.label_en,
       government.iri, government.label_ja, government.label_en,
       prefecture.iri, prefecture.label_ja, prefecture.label_en
FROM resources AS hit
LEFT JOIN resources AS record ON record.id = hit.record
LEFT JOIN resources AS government ON government.id = hit.government
LEFT JOIN resources AS prefecture ON prefecture.id = hit.prefecture
WHERE hit.id IN (SELECT value FROM json_each(:ids))
"""
_TEXTS = """
SELECT entries.resource, fields.name, fields.label_ja, fields.label_en, entries.verbatim,
       entries.folded
FROM entries JOIN fields ON fields.id = entries.field
WHERE entries.resource IN (SELECT value FROM json_each(:ids))
ORDER BY entries.resource, entries.field, entries.rowid
"""
_CLOSE = """
SELECT resources.label_ja FROM resources
WHERE resources.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH :match
                       ORDER BY rank LIMIT :pool)
"""

#: Where an application keeps its threads' connections to the index (:func:`_connection`).
CONNECTIONS = "dxkg.search.connections"


@dataclass(frozen=True)
class Term:
    """One term of a query: as typed, folded, and the folded pieces a match must hold."""

    text: str
    key: str
    parts: tuple[str, ...]
    phrase: bool


@dataclass(frozen=True)
class Hit:
    """A matching resource, what it is ranked by and what the facets count it under."""

    id: int
    class_name: str
    prefecture: tuple[str, str, str | None] | None
    rank: tuple


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
    data = {
        "search_text": text,
        "json_href": pages.json_link("/search"),
        "class": request.args.get("class") or None,
        "prefecture": request.args.get("prefecture") or None,
        "error": None,
        "total": 0,
        "terms": [],
        "classes": [],
        "prefectures": [],
        "groups": [],
        "suggestions": {"terms": [], "labels": []},
    }
    if len(text) > MAX_QUERY_CHARS:
        error = translate("search_too_long").format(limit=MAX_QUERY_CHARS)
        shown = text[:MAX_QUERY_CHARS]  # the form shows what it accepts, not a page of text
        return pages.render("search.html", {**data, "search_text": shown, "error": error}, 400)
    terms = parse(text)
    if len(terms) > MAX_TERMS:
        error = translate("search_too_many_terms").format(limit=MAX_TERMS)
        return pages.render("search.html", {**data, "error": error}, 400)
    if not terms:
        return pages.render("search.html", data)
    served = files.current()
    if not served.publishes(SEARCH_INDEX):
        return pages.render("search.html", {**data, "error": translate("search_missing")}, 503)
    connection = _connection(served.path(SEARCH_INDEX))
    found = find(connection, terms, data["class"], data["prefecture"])
    return pages.render("search.html", {**data, "terms": [asdict(t) for t in terms], **found})


def parse(text: str) -> list[Term]:
    """The distinct terms of the query ``text`` (NFKC first, so ``＂`` and U+3000 count as
    a quote and a space); quote marks and ``*`` left over from a word are dropped."""
    terms: dict[str, Term] = {}
    for token in _TOKENS.finditer(nfkc(text)):
        phrase = token.lastindex != 4
        typed = token[token.lastindex] if phrase else token[4].strip(_STRAY)
        key = search_key(typed)
        if key and key not in terms:
            parts = (key,) if phrase else segments(key)
            terms[key] = Term(typed.strip(), key, parts, phrase)
    return list(terms.values())


@functools.lru_cache(maxsize=4096)
def segments(key: str) -> tuple[str, ...]:
    """The pieces of the folded term ``key`` that a match must all hold: ``key`` itself
    unless it is Japanese, else its words (janome), cut at particles and symbols, each
    joined to the next until it has :data:`TRIGRAM` characters."""
    if not _JAPANESE.search(key):
        return (key,)
    runs: list[list[str]] = [[]]
    with _TOKENIZER_LOCK:  # janome does not promise that a tokenizer is thread-safe
        tokens = list(_tokenizer().tokenize(key))
    for token in tokens:
        if token.part_of_speech.split(",")[0] in _SEPARATORS:
            runs.append([])
        else:
            runs[-1].append(token.surface)
    pieces = [piece for run in runs for piece in _joined(run)]
    return tuple(dict.fromkeys(pieces)) or (key,)


def _joined(words: list[str]) -> list[str]:
    """Adjacent ``words`` joined into pieces of at least :data:`TRIGRAM` characters; a
    short rest joins the piece before it."""
    pieces: list[str] = []
    current = ""
    for word in words:
        current += word
        if len(current) >= TRIGRAM:
            pieces.append(current)
            current = ""
    if current and pieces:
        pieces[-1] += current
    elif current:
        pieces.append(current)
    return pieces


@functools.cache
def _tokenizer() -> Tokenizer:
    """janome's tokenizer, loaded once per process (its dictionary is memory-mapped)."""
    return Tokenizer()


def find(
    connection: sqlite3.Connection,
    terms: Sequence[Term],
    class_name: str | None,
    prefecture: str | None,
) -> dict:
    """The hits for ``terms``: facet counts, the groups to show, and suggestions when
    nothing matches. Reads ``page=`` from the request, clamped to the pages there are."""
    hits = matches(connection, terms)
    in_prefecture = [hit for hit in hits if prefecture is None or _named(hit) == prefecture]
    in_class = [hit for hit in hits if class_name is None or hit.class_name == class_name]
    chosen = [hit for hit in in_prefecture if class_name is None or hit.class_name == class_name]
    classes = _class_facet(connection, in_prefecture)
    shown, page, pages_in_class = _page(chosen, class_name)
    filtered = class_name or prefecture
    return {
        "total": len(chosen),
        "indexed": any(len(part) >= TRIGRAM for term in terms for part in term.parts),
        "classes": classes,
        "prefectures": _prefecture_facet(in_class),
        "all_href": _link(**{"class": None, "prefecture": None, "page": None})
        if filtered
        else None,
        "groups": _groups(classes, shown, _details(connection, shown, terms), class_name),
        "page": page,
        "pages": pages_in_class,
        "previous_href": _link(page=str(page - 1)) if page > 1 else None,
        "next_href": _link(page=str(page + 1)) if page < pages_in_class else None,
        "suggestions": suggestions(connection, terms) if not hits else {"terms": [], "labels": []},
    }


def matches(connection: sqlite3.Connection, terms: Sequence[Term]) -> list[Hit]:
    """Every resource holding every piece of ``terms``, best first."""
    parts = list(dict.fromkeys(part for term in terms for part in term.parts))
    indexed = [part for part in parts if len(part) >= TRIGRAM]
    short = [part for part in parts if len(part) < TRIGRAM]
    match = _INDEXED.format(*WEIGHTS) if indexed else _SCANNED
    match += "".join(_SHORT.format(n=n) for n in range(len(short)))
    parameters = {f"short{n}": part for n, part in enumerate(short)}
    parameters["match"] = " AND ".join(map(_phrase, indexed))
    whole = "".join(term.key for term in terms)
    rows = connection.execute(_HITS.format(match=match), parameters).fetchall()
    hits = [
        Hit(
            number,
            name,
            (iri, label_ja, label_en) if iri else None,
            (_tier(labels, terms, whole), score, number),
        )
        for number, name, iri, label_ja, label_en, labels, score in rows
    ]
    return sorted(hits, key=lambda hit: hit.rank)


def _groups(
    classes: list[dict], shown: list[Hit], details: dict[int, dict], class_name: str | None
) -> list[dict]:
    """The classes with hits to show, each with those hits (``details``) and, unless
    ``class=`` chose one, a link to all of its hits when it has more."""
    hits: dict[str, list[dict]] = {}
    for hit in shown:
        hits.setdefault(hit.class_name, []).append(details[hit.id])
    return [
        {
            **group,
            "hits": hits[group["name"]],
            "more_href": group["href"]
            if class_name is None and group["count"] > PER_GROUP
            else None,
        }
        for group in classes
        if group["name"] in hits
    ]


def _phrase(key: str) -> str:
    """``key`` as an FTS5 phrase: a substring search through the trigram index."""
    return '"' + key.replace('"', '""') + '"'


def _tier(labels: str, terms: Sequence[Term], whole: str) -> int:
    """0 when a label is the query, 1 when one starts with it, 2 when the labels hold
    every term, else 3."""
    lines = LINE + labels + LINE
    if LINE + whole + LINE in lines:
        return 0
    if LINE + whole in lines:
        return 1
    return 2 if all(term.key in labels for term in terms) else 3


def _named(hit: Hit) -> str | None:
    """The Japanese name of the hit's prefecture, as ``prefecture=`` gives it."""
    return hit.prefecture[1] if hit.prefecture else None


def _class_facet(connection: sqlite3.Connection, hits: Sequence[Hit]) -> list[dict]:
    """The classes of ``hits`` with their counts, in the order of their best hit."""
    counts = Counter(hit.class_name for hit in hits)
    labels = {
        name: (label_ja, label_en)
        for name, label_ja, label_en in connection.execute(
            "SELECT name, label_ja, label_en FROM classes"
        )
    }
    hrefs = _facet_links("class", counts)
    return [
        {
            "name": name,
            "label_ja": labels[name][0],
            "label_en": labels[name][1],
            "count": count,
            "href": href,
        }
        # A Counter keeps the order in which names first came.
        for (name, count), href in zip(counts.items(), hrefs, strict=True)
    ]


def _prefecture_facet(hits: Iterable[Hit]) -> list[dict]:
    """The prefectures of ``hits`` with their counts, in the order of their codes."""
    counts = sorted(Counter(hit.prefecture for hit in hits if hit.prefecture).items())
    hrefs = _facet_links("prefecture", (label_ja for (_, label_ja, _), _ in counts))
    return [
        {"iri": iri, "label_ja": label_ja, "label_en": label_en, "count": count, "href": href}
        for ((iri, label_ja, label_en), count), href in zip(counts, hrefs, strict=True)
    ]


def _facet_links(key: str, values: Iterable[str]) -> list[str]:
    """This page (HTML or JSON) narrowed by ``key`` to each of ``values``, on its first
    page (the rest of the query string built once, not once a value)."""
    kept = pages.merge_query(request.args, **{key: None, "page": None})
    prefix = request.path + "?" + (kept + "&" if kept else "")
    return [prefix + urlencode({key: value}) for value in values]


def _page(hits: list[Hit], class_name: str | None) -> tuple[list[Hit], int, int]:
    """The hits to show, the page and the number of pages: each class's first
    :data:`PER_GROUP` hits, or, with ``class=``, a page of that class."""
    if class_name is None:
        per_class: Counter = Counter()
        shown = []
        for hit in hits:
            per_class[hit.class_name] += 1
            if per_class[hit.class_name] <= PER_GROUP:
                shown.append(hit)
        return shown, 1, 1
    pages_in_class = max(-(-len(hits) // PER_PAGE), 1)
    page = min(max(request.args.get("page", 1, type=int), 1), pages_in_class)
    return hits[(page - 1) * PER_PAGE : page * PER_PAGE], page, pages_in_class


def _details(
    connection: sqlite3.Connection, shown: list[Hit], terms: Sequence[Term]
) -> dict[int, dict]:
    """What the page shows of each hit of ``shown``, by id: label, link, context and the
    snippet of its text holding the most pieces of ``terms``."""
    ids_json = json.dumps([hit.id for hit in shown])
    parts = [part for term in terms for part in term.parts]
    texts: dict[int, list[tuple]] = {}
    for resource, *text in connection.execute(_TEXTS, {"ids": ids_json}):
        texts.setdefault(resource, []).append(text)
    details = {}
    for number, iri, label_ja, label_en, *context in connection.execute(
        _DETAILS, {"ids": ids_json}
    ):
        field, field_ja, field_en, verbatim, _ = max(
            texts[number], key=lambda text: sum(part in text[4] for part in parts)
        )  # max keeps the first of equals: labels come first
        segments_ = highlight(verbatim, parts)
        details[number] = {
            "iri": iri,
            "href": entity.page_href(iri),
            "label_ja": label_ja,
            "label_en": label_en,
            "field": field,
            "field_label_ja": field_ja,
            "field_label_en": field_en,
            "snippet": "".join(piece for piece, _ in segments_),
            "highlight": segments_,
            "context": _context(iri, context),
        }
    return details


def _context(iri: str, linked: Sequence[str | None]) -> dict:
    """The record, government and prefecture of the hit ``iri`` (IRI, ja and en label of
    each in ``linked``) as links; None for what it lacks, is itself or repeats."""
    context: dict[str, dict | None] = {}
    seen = {iri, None}
    for name, start in (("record", 0), ("government", 3), ("prefecture", 6)):
        other, label_ja, label_en = linked[start : start + 3]
        context[name] = (
            None
            if other in seen
            else {
                "iri": other,
                "href": entity.page_href(other),
                "label_ja": label_ja,
                "label_en": label_en,
            }
        )
        seen.add(other)
    return context


def suggestions(connection: sqlite3.Connection, terms: Sequence[Term]) -> dict:
    """What to try when nothing matches: each term alone (with its count, when it finds
    something) and up to :data:`SUGGESTIONS` labels close to the query."""
    alone = []
    if len(terms) > 1:
        for term in terms:
            count = len(matches(connection, [term]))
            if count:
                alone.append({"text": term.text, "count": count, "href": _search_link(term.text)})
    return {"terms": alone, "labels": close_labels(connection, terms)}


def close_labels(connection: sqlite3.Connection, terms: Sequence[Term]) -> list[dict]:
    """Labels sharing trigrams with the query, the most alike first (difflib's ratio of
    the folded texts, at least :data:`SUGGESTION_RATIO`)."""
    whole = "".join(term.key for term in terms)
    grams = dict.fromkeys(whole[n : n + TRIGRAM] for n in range(len(whole) - TRIGRAM + 1))
    if not grams:
        return []
    match = "labels : (" + " OR ".join(map(_phrase, grams)) + ")"
    labels = {
        label for (label,) in connection.execute(_CLOSE, {"match": match, "pool": SUGGESTION_POOL})
    }
    scored = sorted(
        (-difflib.SequenceMatcher(None, whole, search_key(label)).ratio(), label)
        for label in labels
    )
    return [
        {"text": label, "href": _search_link(label)}
        for ratio, label in scored[:SUGGESTIONS]
        if -ratio >= SUGGESTION_RATIO
    ]


def highlight(text: str, keys: Sequence[str]) -> list[list]:
    """``text`` cut to :data:`SNIPPET_CHARS` around its first match of any folded key of
    ``keys``, as ``[piece, is_match]`` segments of verbatim text (``…`` marks a cut)."""
    spans = _spans(text, keys)
    first = spans[0][0] if spans else 0
    window_start = max(0, min(first - SNIPPET_LEAD, len(text) - SNIPPET_CHARS))
    window_end = min(len(text), window_start + SNIPPET_CHARS)
    segments_: list[list] = [["…", False]] if window_start else []
    position = window_start
    for span_start, span_end in spans:
        span_end = min(span_end, window_end)
        if span_start >= window_end:
            break
        if span_start > position:
            segments_.append([text[position:span_start], False])
        segments_.append([text[span_start:span_end], True])
        position = span_end
    if position < window_end:
        segments_.append([text[position:window_end], False])
    if window_end < len(text):
        segments_.append(["…", False])
    return segments_


def _spans(text: str, keys: Sequence[str]) -> list[tuple[int, int]]:
    """The verbatim spans of ``text`` where any of ``keys`` matches its folded form,
    overlapping and touching ones merged, in order."""
    folded, ends = fold(text)
    found = []
    for key in keys:
        start = folded.find(key)
        while start >= 0:
            found.append((start, start + len(key)))
            start = folded.find(key, start + len(key))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return [(bisect_right(ends, start), bisect_right(ends, end - 1) + 1) for start, end in merged]


def _link(**changes: str | None) -> str:
    """This page (HTML or JSON) with ``changes`` applied to its query string."""
    return request.path + "?" + pages.merge_query(request.args, **changes)


def _search_link(text: str) -> str:
    """This page (HTML or JSON) searching for ``text`` alone, with no filter."""
    return _link(q=text, **{"class": None, "prefecture": None, "page": None})


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
