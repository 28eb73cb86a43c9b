"""The full-text search index: ``search.sqlite``, an SQLite FTS5 table with trigram tokens.

Japanese has no spaces between words, so a word tokenizer finds nothing useful;
trigrams match any substring of three characters or more, which is what a reader
typing 電子申請 or RPA expects. Every label (rdfs:label, skos:prefLabel and
skos:altLabel, any language) and the descriptive texts of the vocabulary
(:data:`TEXT_PROPERTIES`) of every resource under ``<base>id/`` is a row, except
source excerpts (their raw text duplicates the fields extracted from it) and
technology tags (their labels repeat the technology and the tagged record).

Matching runs on a folded key (:func:`search_key`): NFKC, case-folded, whitespace
removed, so ``ＲＰＡ``, ``rpa`` and the PDF artefact ``R P A`` meet. The verbatim
text is stored beside it for display, and :func:`fold` maps a match in the key
back to the verbatim characters for highlighting.

Tables: ``classes`` and ``fields`` (IRI, short name, Japanese and English labels),
``resources`` (IRI, most specific class, ja and en label) and the FTS5 table
``entries`` (folded key, verbatim text, resource, field); ``fields.id`` is the
display priority, labels first.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections import defaultdict
from pathlib import Path

from pyoxigraph import Store

from dxkg import namespaces
from dxkg.pipeline.text import FoldedText, nfkc
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
EXCLUDED_CLASSES = ("SourceExcerpt", "TechnologyTag")

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
                        label_ja TEXT NOT NULL, label_en TEXT);
CREATE VIRTUAL TABLE entries USING fts5 (
    folded, verbatim UNINDEXED, resource UNINDEXED, field UNINDEXED, tokenize = 'trigram'
);
"""


@functools.cache  # a few thousand distinct characters fold a few hundred thousand
def _fold_char(char: str) -> str:
    return _IGNORED.sub("", nfkc(char).casefold())


def fold(text: str) -> FoldedText:
    """``text`` folded for matching, with the verbatim index of every folded character.

    Folding runs character by character so that matches map back to the text; this
    differs from NFKC of the whole string only for decomposed sequences such as
    half-width ｶﾞ, which the corpus does not contain. Removing every space also
    undoes the PDF's spaced capitals (``A I`` → ``ai``), as :func:`text.match_key` does.
    """
    return FoldedText.of(text, _fold_char)


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
            (number, iri, class_ids[resources[iri]], *_best_labels(iri, texts[iri]))
            for iri, number in resource_ids.items()
        ],
        "entries": [
            (search_key(text), text, resource_ids[iri], field_ids[field])
            for iri in resource_ids
            for field, text in _distinct(texts[iri])
        ],
    }
    path = out_dir / SEARCH_INDEX
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.executescript(SCHEMA)
        for table, rows in tables.items():
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        # One b-tree segment instead of one per insert batch: smaller and faster to query.
        connection.execute("INSERT INTO entries (entries) VALUES ('optimize')")
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
        prefixes = namespaces.sparql_prefixes(("dxkg", "rdfs"), self.base_iri)
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
