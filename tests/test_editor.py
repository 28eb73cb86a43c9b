"""The SPARQL editor page: the README's examples (as the release publishes them), the form
without JavaScript, vendored YASGUI."""

import html
import json
import re
import subprocess

import pytest
from flask.testing import FlaskClient

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.publish.examples import example_queries, readme_examples
from dxkg.release import ExampleQuery, Release
from dxkg.web.app import create_app
from dxkg.web.sparql.results import FORMAT_ALIASES
from dxkg.web.views.editor import FORM_FORMATS

README = """\
# A vocabulary

Text before, with a fence that is not the prefix block:

```
dxkg build
```

```
PREFIX ex: <https://example.org/>
```

1. How many things there are:

   > **物の数** 種類ごとに
   > 数えます。

```sparql
SELECT (COUNT(*) AS ?n) WHERE { ?s a ex:Thing }
```

12. Which things changed between
    the editions:

```sparql
SELECT ?s WHERE { ?s ex:changed true }
```
"""


def test_examples_are_titled_by_the_paragraph_before_them():
    assert example_queries(README) == [
        ExampleQuery(
            title="How many things there are",
            query="PREFIX ex: <https://example.org/>\n\nSELECT (COUNT(*) AS ?n) WHERE { ?s a ex:Thing }\n",
            title_ja="物の数",
            description_ja="種類ごとに数えます。",
        ),
        ExampleQuery(
            title="Which things changed between the editions",
            query="PREFIX ex: <https://example.org/>\n\nSELECT ?s WHERE { ?s ex:changed true }\n",
        ),
    ]


def test_a_query_before_the_prefixes_is_an_error():
    with pytest.raises(ValueError, match="prefixes"):
        example_queries("1. First:\n\n```sparql\nASK {}\n```\n\n```\nPREFIX ex: <x:>\n```\n")


def test_a_japanese_quote_without_a_bold_title_is_an_error():
    readme = "```\nPREFIX ex: <x:>\n```\n\n1. First:\n\n   > 最初\n\n```sparql\nASK {}\n```\n"
    with pytest.raises(ValueError, match="bold"):
        example_queries(readme)


def test_the_vocabulary_readme_has_titled_examples_with_its_prefixes():
    examples = readme_examples(PROJECT_ROOT / "ontology")
    assert len(examples) >= 10
    assert len({example.title for example in examples}) == len(examples)
    assert examples[0].title == "How many cases each edition and chapter has"
    assert examples[0].title_ja == "版・章ごとの事例数"
    assert len({example.title_ja for example in examples}) == len(examples)
    for example in examples:
        assert example.title and not example.title.endswith(":")
        assert example.title_ja and example.description_ja
        assert not example.title_ja.startswith(">") and "**" not in example.description_ja
        assert example.query.startswith("PREFIX dxkg: <https://dxkg.example.org/ontology#>\n")
        assert "SELECT" in example.query


def test_the_form_offers_formats_the_endpoint_knows():
    offered = [name for names in FORM_FORMATS.values() for name in names]
    assert set(offered) <= set(FORMAT_ALIASES)


def test_the_lock_file_pins_every_package_with_an_integrity_hash():
    lock = json.loads((PROJECT_ROOT / "server" / "assets" / "package-lock.json").read_text())
    root = lock["packages"][""]["dependencies"]
    assert set(root) == {"@zazuko/yasgui", "cytoscape"}
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in root.values())
    installed = {path: entry for path, entry in lock["packages"].items() if path}
    assert installed
    assert all(entry["integrity"].startswith("sha512-") for entry in installed.values())


@pytest.fixture(scope="module")
def client(release) -> FlaskClient:
    paths, _ = release
    return create_app(paths.dist).test_client(use_cookies=False)


@pytest.fixture(scope="module")
def examples(release) -> tuple[ExampleQuery, ...]:
    """The examples the release publishes: the README's, under its base IRI."""
    paths, _ = release
    published = Release.open(paths.dist).example_queries
    assert list(published) == readme_examples(PROJECT_ROOT / "ontology")  # the default base
    return published


@pytest.mark.e2e
def test_the_page_lists_every_example_title(client, examples):
    """In Japanese by default, with the description; in English with ``?lang=en``."""
    page = html.unescape(client.get("/query").get_data(as_text=True))
    english = html.unescape(client.get("/query?lang=en").get_data(as_text=True))
    for number, example in enumerate(examples, start=1):
        assert f'data-example="{number}"' in page
        assert f">{example.title_ja}</a>" in page
        assert f'<p class="description">{example.description_ja}</p>' in page
        assert f">{example.title}</a>" in english
    assert 'class="description"' not in english  # the descriptions are Japanese only


@pytest.mark.e2e
def test_the_page_shows_the_predeclared_prefixes(client):
    """The README's shared prefixes and the pages' own, shown and given to the script."""
    page = client.get("/query").get_data(as_text=True)
    shown = re.search(r'<details id="prefixes">.*?<pre>(.*?)</pre>', page, re.DOTALL).group(1)
    declarations = html.unescape(shown).splitlines()
    assert declarations[0] == "PREFIX dxkg: <https://dxkg.example.org/ontology#>"
    for declaration in (
        "PREFIX concept: <https://dxkg.example.org/id/concept/>",
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>",
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>",
        "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>",
    ):
        assert declaration in declarations
    assert len(set(declarations)) == len(declarations)
    prefixes = client.get("/query.json").get_json()["prefixes"]
    assert prefixes["concept"] == "https://dxkg.example.org/id/concept/"
    assert {f"PREFIX {name}: <{iri}>" for name, iri in prefixes.items()} == set(declarations)


@pytest.mark.e2e
def test_without_javascript_the_page_is_a_form_for_the_endpoint(client):
    page = client.get("/query").get_data(as_text=True)
    assert '<form id="query-form" action="/sparql" method="get">' in page
    assert '<label for="query-text">' in page
    assert '<textarea id="query-text" name="query"' in page
    assert '<label for="query-format">' in page
    assert '<select id="query-format" name="format">' in page
    for names in FORM_FORMATS.values():
        for name in names:
            assert f'<option value="{name}">' in page


@pytest.mark.e2e
def test_an_example_prefills_the_form_and_runs_on_the_endpoint(client, examples):
    example = examples[2]
    page = client.get("/query?example=3").get_data(as_text=True)
    textarea = re.search(r'<textarea id="query-text"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert html.unescape(textarea.group(1)) == example.query
    # what the form sends
    answer = client.get("/sparql", query_string={"query": example.query, "format": "json"})
    assert answer.status_code == 200
    assert answer.mimetype == "application/sparql-results+json"
    assert len(json.loads(answer.get_data())["results"]["bindings"]) == 10  # its LIMIT


@pytest.mark.e2e
def test_an_unknown_example_is_not_found(client):
    assert client.get("/query?example=999").status_code == 404


@pytest.mark.e2e
def test_the_examples_reach_the_script_as_json(client, examples):
    page = client.get("/query?example=2").get_data(as_text=True)
    block = re.search(
        r'<script type="application/json" id="editor-data">(.*?)</script>', page, re.DOTALL
    )
    data = json.loads(block.group(1))
    assert data["endpoint"] == "/sparql"
    assert data["example"] == 2
    assert [e["title"] for e in data["examples"]] == [e.title for e in examples]


@pytest.mark.e2e
def test_the_json_form(client, examples):
    data = client.get("/query.json").get_json()
    assert data["json_href"] == "/query.json"
    assert data["endpoint"] == "/sparql"
    assert [e["query"] for e in data["examples"]] == [e.query for e in examples]
    assert data["query"].startswith("PREFIX rdf:")


@pytest.mark.e2e
def test_vendored_files_are_installed_and_served(client):
    subprocess.run([str(PROJECT_ROOT / "scripts" / "vendor-assets")], check=True)
    vendor = PROJECT_ROOT / "server" / "static" / "vendor"
    for name in ("yasgui.min.js", "yasgui.min.css", "cytoscape.min.js"):
        assert (vendor / name).stat().st_size > 10_000
    notices = (vendor / "THIRD-PARTY-LICENSES.txt").read_text("utf-8")
    assert "@zazuko/yasgui" in notices and "cytoscape" in notices
    page = client.get("/query").get_data(as_text=True)
    linked = re.findall(r'(?:src|href)="(/static/vendor/[^"]+)"', page)
    assert sorted(linked) == ["/static/vendor/yasgui.min.css", "/static/vendor/yasgui.min.js"]
    for url in linked:
        response = client.get(url)
        assert response.status_code == 200
        assert len(response.get_data()) == (vendor / url.rsplit("/", 1)[1]).stat().st_size
