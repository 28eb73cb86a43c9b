"""The interface strings are one table: every key the templates and views look up is
written out, is in :data:`~dxkg.web.views.i18n.MESSAGES` in both languages, and every key
there is used; the class pages' facets are named by the vocabulary's labels."""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from pathlib import Path

from jinja2 import Environment, nodes
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from dxkg.config import DEFAULT_BASE_IRI, PROJECT_ROOT
from dxkg.web.views.facets import FACETS
from dxkg.web.views.i18n import LANGUAGES, MESSAGES

SERVER = PROJECT_ROOT / "server"
TEMPLATES = sorted((SERVER / "templates").glob("*.html"))
#: The modules that look strings up (all but the table's own, which defines the lookups).
VIEWS = sorted(path for path in SERVER.rglob("*.py") if path.name != "i18n.py")


def template_lookups(path: Path) -> Iterator[nodes.Expr]:
    """The argument of every ``_(…)`` call in the template at ``path``."""
    tree = Environment().parse(path.read_text("utf-8"))
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "_":
            assert len(call.args) == 1 and not call.kwargs, f"{path.name}:{call.lineno}"
            yield call.args[0]


def _is_messages(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "MESSAGES") or (
        isinstance(node, ast.Attribute) and node.attr == "MESSAGES"
    )


def _is_translate(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "translate") or (
        isinstance(node, ast.Attribute) and node.attr == "translate"
    )


def view_lookups(path: Path) -> Iterator[ast.expr]:
    """The key of every ``translate(…)`` call and ``MESSAGES[…]`` lookup in the module at
    ``path``."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call) and _is_translate(node.func):
            yield node.args[0]
        elif isinstance(node, ast.Subscript) and _is_messages(node.value):
            yield node.slice


def used_keys() -> dict[str, str]:
    """Every key looked up, with where; fails on a key put together at run time."""
    used = {}
    for path in TEMPLATES:
        for argument in template_lookups(path):
            where = f"{path.name}:{argument.lineno}"
            assert isinstance(argument, nodes.Const) and isinstance(argument.value, str), (
                f"{where}: a key put together at run time"
            )
            used[argument.value] = where
    for path in VIEWS:
        for argument in view_lookups(path):
            where = f"{path.relative_to(SERVER)}:{argument.lineno}"
            assert isinstance(argument, ast.Constant) and isinstance(argument.value, str), (
                f"{where}: a key put together at run time"
            )
            used[argument.value] = where
    return used


def test_every_key_looked_up_is_written_out_and_in_the_table():
    missing = {key: where for key, where in used_keys().items() if key not in MESSAGES}
    assert missing == {}


def test_every_message_is_used():
    assert sorted(set(MESSAGES) - set(used_keys())) == []


def fields(text: str) -> list[str]:
    """The replacement fields of ``text`` (``{}``, ``{limit}``), sorted."""
    return sorted(field for _, field, _, _ in string.Formatter().parse(text) if field is not None)


def test_every_message_is_in_both_languages_with_the_same_fields():
    incomplete = [
        key
        for key, texts in MESSAGES.items()
        if len(texts) != len(LANGUAGES)
        or not all(text.strip() for text in texts)
        or len({tuple(fields(text)) for text in texts}) != 1
    ]
    assert incomplete == []


def test_a_lookup_put_together_at_run_time_is_found(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('{{ _("hops_" ~ hops) }}', "utf-8")
    assert not isinstance(next(template_lookups(page)), nodes.Const)
    view = tmp_path / "view.py"
    view.write_text('translate(f"figure_{name}")\n', "utf-8")
    assert not isinstance(next(view_lookups(view)), ast.Constant)


def test_the_facets_are_named_by_the_vocabulary_where_it_can():
    """A facet names a vocabulary term with a Japanese and an English rdfs:label, or else
    carries a message of the table (not both)."""
    ontology = Graph().parse(PROJECT_ROOT / "ontology" / "dxkg.ttl")
    for class_name, facets in FACETS.items():
        for facet in facets:
            where = f"{class_name}.{facet.key}"
            assert (facet.term is None) != (facet.message is None), where
            if facet.message is not None:
                assert facet.message in MESSAGES.values(), where
                continue
            labels = ontology.objects(
                URIRef(DEFAULT_BASE_IRI + "ontology#" + facet.term), RDFS.label
            )
            languages = {label.language for label in labels if isinstance(label, Literal)}
            assert languages >= set(LANGUAGES), where
