"""SERVICE is checked on the query's algebra against the allow-list."""

import pytest

from dxkg.web.errors import ProtocolError
from dxkg.web.federation import check_services, service_endpoints

ALLOWED = {"https://query.example.org/sparql"}


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p 'SERVICE <http://internal/> { }' }",
        "SELECT * WHERE { ?s <http://example.org/service> ?o }",
        "SELECT ?service WHERE { ?service ?p ?o }",
        "# SERVICE <http://internal/>\nSELECT * WHERE { ?s ?p ?o }",
        "SELECT * WHERE { SERVICE <https://query.example.org/sparql> { ?s ?p ?o } }",
        "PREFIX q: <https://query.example.org/> SELECT * WHERE { SERVICE q:sparql { ?s ?p ?o } }",
    ],
)
def test_allowed(query):
    check_services(query, ALLOWED)


@pytest.mark.parametrize(
    "query, endpoint",
    [
        ("SELECT * WHERE { SERVICE <http://169.254.169.254/latest/> { ?s ?p ?o } }", "169.254"),
        (
            "select * where { service silent <http://localhost:7878/query> { ?s ?p ?o } }",
            "localhost",
        ),
        (
            "PREFIX e: <http://internal/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }",
            "internal/sparql",
        ),
        ("BASE <http://internal/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }", "internal/sparql"),
        ("SELECT * { ?s ?p ?o FILTER EXISTS { SERVICE <http://x/> { ?s ?p ?o } } }", "http://x/"),
        ("SELECT * { { SELECT * { SERVICE <http://x/> { ?s ?p ?o } } } }", "http://x/"),
        ("SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", "http://x/"),
        ("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", "variable"),
    ],
)
def test_refused(query, endpoint):
    with pytest.raises(ProtocolError) as refusal:
        check_services(query, ALLOWED)
    assert refusal.value.status == 403 and endpoint in str(refusal.value)


def test_nothing_is_allowed_by_default():
    with pytest.raises(ProtocolError, match="empty"):
        check_services("SELECT * { SERVICE <https://query.example.org/sparql> { ?s ?p ?o } }", ())


def test_an_unparseable_query_naming_service_is_refused_not_guessed():
    with pytest.raises(ProtocolError) as refusal:
        check_services("SELECT * { SERVICE <http://x/> { ?s ?p ", ALLOWED)
    assert refusal.value.status == 400


def test_every_service_clause_is_listed():
    query = "SELECT * { SERVICE <http://a/> { ?s ?p ?o } OPTIONAL { SERVICE ?v { ?s ?p ?o } } }"
    assert set(service_endpoints(query)) == {"http://a/", None}
