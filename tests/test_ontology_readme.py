"""Every example query of ontology/README.md runs on the built graph and returns rows."""

import re

import pytest
from pyoxigraph import RdfFormat, Store

from dxkg.config import PROJECT_ROOT

pytestmark = pytest.mark.e2e

README = (PROJECT_ROOT / "ontology" / "README.md").read_text("utf-8")
PREFIXES = re.search(r"```\n(PREFIX .*?)```", README, re.DOTALL).group(1)
QUERIES = re.findall(r"```sparql\n(.*?)```", README, re.DOTALL)


@pytest.fixture(scope="module")
def store(release) -> Store:
    paths, _ = release
    store = Store()
    store.bulk_load(path=str(paths.dist / "dxkg.nq"), format=RdfFormat.N_QUADS)
    return store


def test_the_readme_has_at_least_ten_queries():
    assert len(QUERIES) >= 10


@pytest.mark.parametrize("number", range(1, len(QUERIES) + 1))
def test_example_query_returns_rows(store, number):
    results = store.query(PREFIXES + QUERIES[number - 1], use_default_graph_as_union=True)
    rows = list(results)
    assert rows, f"query {number} returned no rows"
    # every row has its first variable bound (no all-empty OPTIONAL results)
    assert all(row[0] is not None for row in rows)
