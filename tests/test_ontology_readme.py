"""Every example query of ontology/README.md runs on the built graph and returns rows."""

import pytest

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.publish.examples import readme_examples

pytestmark = pytest.mark.e2e

QUERIES = [example.query for example in readme_examples(PROJECT_ROOT / "ontology")]


def test_the_readme_has_at_least_ten_queries():
    assert len(QUERIES) >= 10


@pytest.mark.parametrize("number", range(1, len(QUERIES) + 1))
def test_example_query_returns_rows(release_store, number):
    results = release_store.query(QUERIES[number - 1], use_default_graph_as_union=True)
    rows = list(results)
    assert rows, f"query {number} returned no rows"
    # every row has its first variable bound (no all-empty OPTIONAL results)
    assert all(row[0] is not None for row in rows)
