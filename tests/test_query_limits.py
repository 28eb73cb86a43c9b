"""The check a query passes before any engine sees it: how deep it nests and how long its
chains are (``server/sparql/complexity.py``), in time linear in its length, counting more rather
than less where a lexer could read the text otherwise than Oxigraph."""

from __future__ import annotations

import time

import pytest

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.publish.examples import readme_examples
from dxkg.web.errors import ProtocolError
from dxkg.web.sparql.complexity import MAX_NESTING, MAX_OPERATORS, check_complexity, nesting


def test_the_vocabularys_example_queries_pass():
    for example in readme_examples(PROJECT_ROOT / "ontology"):
        check_complexity(example.query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
        "SELECT * WHERE { BIND(" + "CONCAT(" * 1000 + '"a"' + ")" * 1000 + " AS ?x) }",
        "SELECT * WHERE { FILTER(" + "!" * 9000 + "true) }",
        "SELECT * WHERE { FILTER(1" + " + 1" * 7000 + ") }",
        "SELECT * WHERE { " + " ".join(f"BIND(1 AS ?v{i})" for i in range(2700)) + " }",
        "SELECT * WHERE { {?s ?p ?o}" + " UNION {?s ?p ?o}" * 6500 + " }",
        "SELECT * WHERE { ?s ?p ?o" + ", ?o" * 10_000 + " }",
        "{" * (1 << 20),
    ],
)
def test_queries_that_overflow_oxigraphs_stack_are_refused(query):
    with pytest.raises(ProtocolError) as refused:
        check_complexity(query)
    assert refused.value.status == 400 and "the query" in str(refused.value)


def test_the_limits_themselves():
    check_complexity("ASK " + "{" * MAX_NESTING + "}" * MAX_NESTING)
    with pytest.raises(ProtocolError, match="levels deep"):
        check_complexity("ASK " + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 1))
    chain = "SELECT * WHERE { FILTER(" + "!" * (MAX_OPERATORS - 3) + "true) }"
    check_complexity(chain)
    with pytest.raises(ProtocolError, match="too complex"):
        check_complexity(chain.replace("FILTER(", "FILTER(!"))


def test_literals_iris_comments_and_values_rows_do_not_count():
    literal = '"' + "({[" * 5000 + '"'
    iri = "<http://example.org/" + "/." * 5000 + ">"
    comment = "# " + "{" * 5000 + "\n"
    rows = " ".join(f'(<http://example.org/{n}> "{n}")' for n in range(20_000))
    check_complexity(f"SELECT * WHERE {{ {comment} ?s ?p {literal}, {iri} }}")
    check_complexity(f"SELECT * WHERE {{ VALUES (?s ?o) {{ {rows} }} ?s ?p ?o }}")
    check_complexity("SELECT * WHERE { ?s ?p '''" + "(" * 5000 + "''' }")


def test_hostile_text_is_checked_quickly():
    for text in ('SELECT """' + 'a"' * (1 << 19), "<" * (1 << 20), "'" * (1 << 20)):
        started = time.monotonic()
        check_complexity(text)
        assert time.monotonic() - started < 2


def test_nesting_is_the_deepest_bracket_level():
    assert nesting("{ ( [ ] ) }") == 3
    assert nesting("}}}{") == 1
    assert nesting(")" * 900 + "(" * 150) == 150
    assert nesting("") == 0


def test_brackets_hidden_where_a_lexer_sees_an_iri_still_count():
    # ``1<ABS(…)>0`` lexes as an IRI, but Oxigraph reads a comparison of nested calls.
    hidden = "SELECT * WHERE { FILTER((1<" + "ABS(" * 5000 + "1" + ")" * 5000 + ">0)) }"
    with pytest.raises(ProtocolError):
        check_complexity(hidden)


@pytest.mark.parametrize("terminator", ["\r", "\n", "\r\n"])
def test_a_comment_ends_at_either_line_terminator(terminator):
    query = "SELECT * WHERE { #" + terminator + "{" * 3000 + "}" * 3000 + " }"
    with pytest.raises(ProtocolError):
        check_complexity(query)


def test_escapes_are_decoded_before_the_brackets_are_counted():
    # SPARQL decodes \u escapes in the whole query: \u0022 ends the literal it seems to be in.
    query = 'SELECT * WHERE { BIND("a\\u0022' + " + (1" * 3000 + ")" * 3000 + " AS ?x) }"
    with pytest.raises(ProtocolError):
        check_complexity(query)


@pytest.mark.parametrize(
    "text",
    [
        '"' + '\\"' * 200_000,  # an escaped quote over and over: quadratic for a naive regex
        "'" + "\\'" * 200_000,
        '"""' + '\\"' * 200_000,
        "<" + "a" * 400_000,
        "#" * 400_000,
        "VALUES ?x {" * 40_000,
        '"\\\n' * 100_000,
    ],
)
def test_the_scan_is_linear(text):
    started = time.monotonic()
    try:
        check_complexity(text)
    except ProtocolError:
        pass
    assert time.monotonic() - started < 0.5


def test_an_escape_outside_literals_starts_no_comment():
    # ``ex:a\#`` is a prefixed name to Oxigraph: what follows on the line is no comment.
    nested = "ABS(" * 300 + "1" + ")" * 300
    query = f"PREFIX ex: <urn:> SELECT ?x {{ BIND(ex:a\\# AS ?y) BIND({nested} AS ?x) }}"
    with pytest.raises(ProtocolError):
        check_complexity(query)


def test_operators_hidden_in_what_lexes_as_an_iri_count():
    query = "SELECT ?x { BIND(1<1" + "+1" * 3000 + "&&2>1 AS ?x) }"
    with pytest.raises(ProtocolError, match="too complex"):
        check_complexity(query)
