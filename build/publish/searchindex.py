"""The full-text search index: ``search.sqlite``, an SQLite FTS5 table with trigram tokens.

Japanese has no spaces between words, so a word tokenizer finds nothing useful;
trigrams match any substring of three characters or more, which is what a reader
typing 電子申請 or RPA expects. Every label (rdfs:label, skos:prefLabel and
skos:altLabel, any language) and the descriptive texts of the vocabulary
(:data:`TEXT_PROPERTIES`) of every resource under ``<base>id/`` is a row, except
source excerpts (their raw text duplicates the fields extracted from it), technology
tags and guide-item assignments (their labels repeat a code and the tagged record:
``focus-area-ai-rpa ← …`` would make every AI record a hit for RPA).

Matching runs on a folded key (:func:`search_key`): NFKC, case-folded, whitespace
removed, so ``ＲＰＡ``, ``rpa`` and the PDF artefact ``R P A`` meet. The verbatim
text is stored beside it for display, and :func:`fold` maps a match in the key
back to the verbatim characters for highlighting.

Every resource also gets its context (:meth:`_Release.contexts`): the case or survey row it
belongs to (an interview answer's case), its government (own, or its record's) and that
government's prefecture, so that a hit can say where it comes from, the search can be
narrowed by prefecture, and ``長岡市 RPA`` finds 長岡市's records that mention RPA.

Tables: ``classes`` and ``fields`` (IRI, short name, Japanese and English labels),
``resources`` (IRI, most specific class, ja and en label, and the ids of its record,
government and prefecture), ``entries`` (resource, field, verbatim text, folded key;
what snippets are cut from), ``documents`` (one row per resource, same id: its folded
labels in ``labels``, its other folded texts and its government's and prefecture's
names in ``texts``, one text a line, so that every term of a query is looked up in
one index and no match spans two texts) and ``documents_fts``, the FTS5 index of
``documents`` (external content: the text is stored once).
``fields.id`` is the display priority, labels first.
"""

from __future__ import annotations

import functools
import itertools
import re
import sqlite3
from collections import defaultdict
from pathlib import Path

from pyoxigraph import Store

from dxkg import namespaces
from dxkg.pipeline.text import nfkc
from dxkg.release import SEARCH_INDEX

RDFS, SKOS = str(namespaces.RDFS), str(namespaces.SKOS)

#: Label properties outside the vocabulary, with the labels the interface shows for them.
LABEL_PROPERTIES: dict[str, tuple[str, str, str]] = {
    RDFS + "label": ("rdfs:label", "名称", "Label"),
    SKOS + "prefLabel": ("skos:prefLabel", "優先名称", "Preferred label"),
    SKOS + "altLabel": ("skos:altLabel", "別名", "Alternative label"),
}

#: The dxkg string properties worth searching, in display priority: titles, the
#: descriptive texts, then names as printed. Left out after looking at the data:
#: coded values kept as printed (implementation status, shareability, edition,
#: coverage), dates, amounts, e-mail and telephone numbers, checksums, the
#: ``…Text`` duplicates of parsed names, and dxkg:excerptText (the raw source).
TEXT_PROPERTIES = (
    "titleVariant",
    "tocTitle",
    "point",
    "overview",
    "effects",
    "usageDescription",
    "businessDescription",
    "remit",
    "composition",
    "duties",
    "background",
    "remark",
    "award",
    "question",
    "answer",
    "breakdown",
    "scheduleText",
    "organisationText",
    "municipalityName",
    "providerName",
    "participantName",
    "otherParticipantName",
    "serviceNamesText",
    "operationModeText",
    "nameKana",
    "publisherName",
)

#: Resources of these classes are not indexed (see the module docstring).
EXCLUDED_CLASSES = ("SourceExcerpt", "TechnologyTag", "GuideItemAssignment")

#: Classes from outside the vocabulary for resources that have no dxkg class (code-list
#: concepts and their schemes): short name, Japanese and English label.
FOREIGN_CLASSES: dict[str, tuple[str, str, str]] = {
    SKOS + "Concept": ("Concept", "コード値", "Code value"),
    SKOS + "ConceptScheme": ("ConceptScheme", "コード表", "Code list"),
}

# Whitespace and control characters carry no meaning for matching (and a NUL would
# cut an FTS5 query short).
_IGNORED = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")

SCHEMA = """
CREATE TABLE classes (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, name TEXT NOT NULL UNIQUE,
                      label_ja TEXT, label_en TEXT);
CREATE TABLE fields (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
                     label_ja TEXT, label_en TEXT);
CREATE TABLE resources (id INTEGER PRIMARY KEY, iri TEXT NOT NULL,
                        class INTEGER NOT NULL REFERENCES classes (id),
                        label_ja TEXT NOT NULL, label_en TEXT,
                        record INTEGER REFERENCES resources (id),
                        government INTEGER REFERENCES resources (id),
                        prefecture INTEGER REFERENCES resources (id));
CREATE TABLE entries (resource INTEGER NOT NULL REFERENCES resources (id),
                      field INTEGER NOT NULL REFERENCES fields (id),
                      verbatim TEXT NOT NULL, folded TEXT NOT NULL);
CREATE INDEX entries_by_resource ON entries (resource);
CREATE TABLE documents (id INTEGER PRIMARY KEY REFERENCES resources (id),
                        labels TEXT NOT NULL, texts TEXT NOT NULL);
CREATE VIRTUAL TABLE documents_fts USING fts5 (
    labels, texts, content = 'documents', content_rowid = 'id', tokenize = 'trigram'
);
"""

#: Where a part of a record hangs from it (``record dxkg:p part``), and where a resource
#: names the record it reports on (``resource dxkg:p record``).
PART_PROPERTIES = (
    "interviewAnswer",
    "milestone",
    "cost",
    "contact",
    "operationMode",
    "relatedLink",
    "populationFigure",
    "service",
    "responsibleDepartment",
    "qualifiedGuideItem",
)
RECORD_PROPERTIES = ("laterReport",)
#: Records, in the order one is preferred when a part hangs from several.
RECORD_CLASSES = ("CaseStudy", "Initiative", "SharedSystem")
#: How a resource names its government, most telling first.
GOVERNMENT_PROPERTIES = (
    "dxkg:municipality",
    "dxkg:reportedBy",
    "org:unitOf",
    "org:postIn",
    "dxkg:establishedBy",
)
#: Separates the texts of a document: folded keys never hold one, so no match spans two.
LINE = "\n"


@functools.cache  # a few thousand distinct characters fold a few hundred thousand
def _fold_char(char: str) -> str:
    return _IGNORED.sub("", nfkc(char).casefold())


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` folded for matching, and where the fold of each verbatim character ends
    in it: the character behind folded position ``p`` is the first whose end exceeds
    ``p`` (:func:`bisect.bisect_right`).

    Folding runs character by character so that matches map back to the text; this
    differs from NFKC of the whole string only for decomposed sequences such as
    half-width ｶﾞ, which the corpus does not contain. Removing every space also
    undoes the PDF's spaced capitals (``A I`` → ``ai``), as :func:`text.match_key` does.
    """
    pieces = list(map(_fold_char, text))
    return "".join(pieces), list(itertools.accumulate(map(len, pieces)))


def search_key(text: str) -> str:
    """The key that text and queries are matched on: NFKC, case-folded, no whitespace or
    control characters.

    The same as ``fold(text).folded``, without the index map.
    """
    return "".join(map(_fold_char, text))


def write_search_index(release: Store, out_dir: Path, base_iri: str) -> int:
    """Write ``out_dir/search.sqlite`` from the release in ``release``; return its row count.

    Rows are inserted in a fixed order and the file is vacuumed, so two builds of
    the same release give the same bytes.
    """
    data = _Release(release, base_iri)
    labels = data.vocabulary_labels()

    def names(iri: str, short: str) -> tuple[str, str | None, str | None]:
        return (short, *labels.get(iri, (None, None)))

    resources = data.resource_classes()
    contexts = data.contexts(resources)
    fields = {
        **LABEL_PROPERTIES,
        **{
            data.vocabulary + name: names(data.vocabulary + name, f"dxkg:{name}")
            for name in TEXT_PROPERTIES
        },
    }
    texts = data.texts(fields, resources)
    classes = sorted({resources[iri] for iri in texts})
    class_ids = {iri: number for number, iri in enumerate(classes, start=1)}
    field_ids = {iri: number for number, iri in enumerate(fields, start=1)}
    resource_ids = {iri: number for number, iri in enumerate(sorted(texts), start=1)}
    tables = {
        "classes": [
            (
                class_ids[iri],
                iri,
                *(FOREIGN_CLASSES.get(iri) or names(iri, iri.removeprefix(data.vocabulary))),
            )
            for iri in classes
        ],
        "fields": [(field_ids[iri], iri, *fields[iri]) for iri in fields],
        "resources": [
            (
                number,
                iri,
                class_ids[resources[iri]],
                *_best_labels(iri, texts[iri]),
                *(resource_ids.get(linked) for linked in contexts.get(iri, (None,) * 3)),
            )
            for iri, number in resource_ids.items()
        ],
        "entries": [
            (resource_ids[iri], field_ids[field], text, search_key(text))
            for iri in resource_ids
            for field, text in _distinct(texts[iri])
        ],
    }
    tables["documents"] = _documents(tables["resources"], tables["entries"], len(LABEL_PROPERTIES))
    path = out_dir / SEARCH_INDEX
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.executescript(SCHEMA)
        for table, rows in tables.items():
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        connection.execute("INSERT INTO documents_fts (documents_fts) VALUES ('rebuild')")
        # One b-tree segment instead of one per insert batch: smaller and faster to query.
        connection.execute("INSERT INTO documents_fts (documents_fts) VALUES ('optimize')")
        connection.commit()
        connection.execute("VACUUM")
    finally:
        connection.close()
    return len(tables["entries"])


class _Release:
    """The SPARQL queries the index is built from, on the union of the release's graphs."""

    def __init__(self, store: Store, base_iri: str) -> None:
        self.store = store
        self.base_iri = base_iri
        self.entities = str(namespaces.things(base_iri))
        self.vocabulary = str(namespaces.vocabulary(base_iri))

    def select(self, query: str) -> list[tuple]:
        prefixes = namespaces.sparql_prefixes(("dxkg", "rdfs", "org"), self.base_iri)
        results = self.store.query(prefixes + query, use_default_graph_as_union=True)
        names = [variable.value for variable in results.variables]
        return [tuple(solution[name] for name in names) for solution in results]

    def vocabulary_labels(self) -> dict[str, tuple[str | None, str | None]]:
        """The Japanese and English rdfs:label of every term of the vocabulary."""
        found: dict[str, dict[str, str]] = defaultdict(dict)
        for term, label in self.select(
            "SELECT ?term ?label WHERE { ?term rdfs:label ?label "
            "FILTER STRSTARTS(STR(?term), STR(dxkg:)) }"
        ):
            found[term.value].setdefault(label.language or "ja", label.value)
        return {term: (names.get("ja"), names.get("en")) for term, names in found.items()}

    def resource_classes(self) -> dict[str, str]:
        """The class of every resource to index: its most specific dxkg class, else a
        class of :data:`FOREIGN_CLASSES`; resources of :data:`EXCLUDED_CLASSES` are left out."""
        types: dict[str, set[str]] = defaultdict(set)
        for resource, cls in self.select(
            f'SELECT ?s ?class WHERE {{ ?s a ?class FILTER STRSTARTS(STR(?s), "{self.entities}") }}'
        ):
            types[resource.value].add(cls.value)
        superclasses: dict[str, set[str]] = defaultdict(set)
        for sub, sup in self.select("SELECT ?sub ?sup WHERE { ?sub rdfs:subClassOf+ ?sup }"):
            superclasses[sub.value].add(sup.value)
        excluded = {self.vocabulary + name for name in EXCLUDED_CLASSES}
        chosen: dict[str, str] = {}
        for resource, classes in types.items():
            if classes & excluded:
                continue
            own = {cls for cls in classes if cls.startswith(self.vocabulary)}
            # The most specific: no other class of the resource is a subclass of it.
            specific = sorted(own - {sup for cls in own for sup in superclasses[cls]})
            candidates = specific or sorted(classes & FOREIGN_CLASSES.keys())
            if candidates:
                chosen[resource] = candidates[0]
        return chosen

    def contexts(self, resources: dict[str, str]) -> dict[str, tuple[str | None, ...]]:
        """The record, government and prefecture of every resource that has one.

        A government is its own; a record's parts take the record's government; a
        prefecture is its own prefecture.
        """
        records = self._records(resources)
        governments = self._first(GOVERNMENT_PROPERTIES)
        own = self._members("dxkg:Municipality")
        prefectures = self._first(("dxkg:inPrefecture",))
        prefectures.update((iri, iri) for iri in self._members("dxkg:Prefecture"))
        contexts = {}
        for iri in resources:
            record = records.get(iri)
            government = iri if iri in own else governments.get(iri) or governments.get(record)
            if record or government:
                contexts[iri] = (record, government, prefectures.get(government))
        return contexts

    def _members(self, cls: str) -> set[str]:
        """The IRIs of the instances of ``cls`` (a prefixed name)."""
        return {iri.value for (iri,) in self.select(f"SELECT ?s WHERE {{ ?s a {cls} }}")}

    def _records(self, resources: dict[str, str]) -> dict[str, str]:
        """The record (a case, else a survey row) each part belongs to."""
        parts = " ".join(f"dxkg:{name}" for name in PART_PROPERTIES)
        reports = " ".join(f"dxkg:{name}" for name in RECORD_PROPERTIES)
        classes = " ".join(f"dxkg:{name}" for name in RECORD_CLASSES)
        found = self.select(
            f"SELECT ?s ?record ?class WHERE {{ VALUES ?class {{ {classes} }} "
            f"{{ VALUES ?p {{ {parts} }} ?record ?p ?s }} UNION "
            f"{{ VALUES ?p {{ {reports} }} ?s ?p ?record }} ?record a ?class }}"
        )
        rank = {self.vocabulary + name: number for number, name in enumerate(RECORD_CLASSES)}
        records: dict[str, str] = {}
        for part, record, cls in sorted(
            found, key=lambda row: (rank[row[2].value], row[1].value), reverse=True
        ):
            records[part.value] = record.value  # the best-ranked one is written last
        return {part: record for part, record in records.items() if record in resources}

    def _first(self, properties: tuple[str, ...]) -> dict[str, str]:
        """The object of the first of ``properties`` (prefixed names) each subject has,
        the least IRI among several values."""
        values = " ".join(properties)
        found = self.select(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}")
        rank = {self.expand(name): number for number, name in enumerate(properties)}
        first: dict[str, str] = {}
        for subject, prop, obj in sorted(
            found, key=lambda row: (rank[row[1].value], row[2].value), reverse=True
        ):
            first[subject.value] = obj.value
        return first

    def expand(self, name: str) -> str:
        """The IRI of the prefixed ``name`` (``dxkg:`` or ``org:``)."""
        prefix, local = name.split(":")
        return (self.vocabulary if prefix == "dxkg" else str(namespaces.ORG)) + local

    def texts(
        self, fields: dict, resources: dict[str, str]
    ) -> dict[str, list[tuple[str, str, str]]]:
        """(field, text, language) of each resource of ``resources``, in field order.

        Texts without a letter or digit (``－``, printed for an empty cell) are left out.
        """
        values = " ".join(f"<{iri}>" for iri in fields)
        rank = {iri: number for number, iri in enumerate(fields)}
        found: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for resource, field, text in self.select(
            f"SELECT ?s ?p ?text WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?text "
            f'FILTER (isLiteral(?text) && STRSTARTS(STR(?s), "{self.entities}")) }}'
        ):
            if resource.value in resources and any(char.isalnum() for char in text.value):
                found[resource.value].append((field.value, text.value, text.language or ""))
        return {
            iri: sorted(entries, key=lambda entry: (rank[entry[0]], entry[1], entry[2]))
            for iri, entries in found.items()
        }


def _documents(resources: list[tuple], entries: list[tuple], label_fields: int) -> list[tuple]:
    """The ``documents`` rows: each resource's folded labels, and its other folded texts
    followed by the Japanese names of its government and prefecture (not its own)."""
    labels: dict[int, list[str]] = defaultdict(list)
    texts: dict[int, list[str]] = defaultdict(list)
    for resource, field, _, folded in entries:
        (labels if field <= label_fields else texts)[resource].append(folded)
    names = {row[0]: search_key(row[3]) for row in resources}
    for number, *_, government, prefecture in resources:
        texts[number].extend(
            names[linked]
            for linked in dict.fromkeys((government, prefecture))
            if linked and linked != number
        )
    return [
        (number, LINE.join(labels[number]), LINE.join(texts[number])) for number, *_ in resources
    ]


def _best_labels(iri: str, entries: list[tuple[str, str, str]]) -> tuple[str, str | None]:
    """The resource's Japanese (or untagged) and English label, rdfs:label first.

    A resource without a label is shown by the last segment of its IRI.
    """
    labels = [(text, language) for field, text, language in entries if field in LABEL_PROPERTIES]
    japanese = next((text for text, language in labels if language in ("ja", "")), None)
    english = next((text for text, language in labels if language == "en"), None)
    return japanese or english or iri.rsplit("/", 1)[-1], english


def _distinct(entries: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """Each text once, under the first field holding it (a Technology's rdfs:label and
    skos:prefLabel are the same string)."""
    kept: dict[str, str] = {}
    for field, text, _ in entries:
        kept.setdefault(text, field)
    return [(field, text) for text, field in kept.items()]
