"""The downloads page: every published file with its size and published checksum, each
download answering with exactly those bytes."""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from dxkg.web.app import create_app
from dxkg.web.views.downloads import GROUPS, KNOWN_FILES, UNKNOWN, human_size, kind_of


@pytest.fixture(scope="module")
def client(release) -> FlaskClient:
    paths, _ = release
    return create_app(paths.dist).test_client()


@pytest.fixture(scope="module")
def checksums(release) -> dict[str, str]:
    """The release's SHA256SUMS, read here independently of the server."""
    paths, _ = release
    lines = (paths.dist / "SHA256SUMS").read_text("utf-8").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines)}


@pytest.fixture(scope="module")
def listed(client) -> dict[str, dict]:
    """The files /downloads.json lists, by name."""
    response = client.get("/downloads.json")
    assert response.status_code == 200 and response.is_json
    files = [file for group in response.get_json()["groups"] for file in group["files"]]
    assert len(files) == len({file["name"] for file in files}), "a file is listed twice"
    return {file["name"]: file for file in files}


@pytest.mark.e2e
def test_every_published_file_is_listed_with_its_size_and_checksum(release, checksums, listed):
    paths, _ = release
    assert set(listed) == set(checksums)
    for name, file in listed.items():
        assert file["sha256"] == checksums[name], name
        assert file["bytes"] == (paths.dist / name).stat().st_size, name
        assert file["size"] == human_size(file["bytes"])


@pytest.mark.e2e
def test_every_download_link_serves_the_listed_bytes(client, listed):
    for name, file in listed.items():
        response = client.get(file["href"])
        assert response.status_code == 200, name
        assert response.mimetype == file["media_type"], name
        body = response.get_data()
        assert len(body) == file["bytes"], name
        assert hashlib.sha256(body).hexdigest() == file["sha256"], name


@pytest.mark.e2e
def test_checksum_file_is_served(client, release):
    paths, _ = release
    response = client.get("/download/SHA256SUMS")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data() == (paths.dist / "SHA256SUMS").read_bytes()


@pytest.mark.e2e
def test_files_are_grouped_and_known_ones_described(client, listed):
    groups = client.get("/downloads.json").get_json()["groups"]
    assert [group["id"] for group in groups] == [
        group for group in GROUPS if any(kind_of(name)[1].group == group for name in listed)
    ]
    by_group = {group["id"]: [file["name"] for file in group["files"]] for group in groups}
    assert by_group["dumps"][:2] == ["dxkg.trig.gz", "dxkg.nq.gz"]
    assert {"dxkg.nt.gz", "dxkg.ttl", "dxkg.jsonld", "context.jsonld"} <= set(by_group["dumps"])
    assert set(by_group["csv"]) == {name for name in listed if name.startswith("csv/")}
    assert {"catalog.ttl", "void.ttl", "build-report.json"} <= set(by_group["metadata"])
    for name in ("dxkg.trig.gz", "csv/initiatives.csv", "void.ttl", "ontology/dxkg.ttl"):
        assert listed[name]["description_ja"] and listed[name]["description_en"], name
    assert "取組" in listed["csv/initiatives.csv"]["description_ja"]
    assert listed["dxkg.trig.gz"]["media_type"] == "application/gzip"


@pytest.mark.e2e
def test_network_files_have_their_group_after_the_csv(client, listed):
    groups = [group["id"] for group in client.get("/downloads.json").get_json()["groups"]]
    assert groups.index("network") == groups.index("csv") + 1
    network = [name for name in listed if name.startswith("network/")]
    assert {kind_of(name)[1].group for name in network} == {"network"}
    for name in network:  # every network file is a known kind, described in both languages
        assert kind_of(name)[1].pattern != "network/*", name
        assert listed[name]["description_ja"] and listed[name]["description_en"], name
    assert "GEXF" in listed["network/vendor-municipality.gexf"]["description_en"]
    assert "次数分布" in listed["network/degree-distribution.svg"]["description_ja"]
    assert listed["network/vendor-municipality.cyjs"]["media_type"] == "application/json"
    for lang, heading in (("ja", "ネットワーク分析"), ("en", "Network analysis")):
        page = client.get(f"/downloads?lang={lang}").get_data(as_text=True)
        assert f'<h2 id="group-network">{heading}</h2>' in page, lang


class Table(HTMLParser):
    """The row headers (file links) and column headers of a page's tables, and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.column_headers: list[str] = []
        self.row_links: list[str] = []
        self._scope: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "th":
            self._scope = attributes.get("scope")
        elif tag == "a":
            self.links.append(attributes["href"] or "")
            if self._scope == "row":
                self.row_links.append(attributes["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "th":
            self._scope = None

    def handle_data(self, data: str) -> None:
        if self._scope == "col" and data.strip():
            self.column_headers.append(data.strip())


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("lang", "headers"),
    [
        ("ja", ["ファイル", "内容", "メディアタイプ", "サイズ", "SHA-256"]),
        ("en", ["File", "Description", "Media type", "Size", "SHA-256"]),
    ],
)
def test_html_page_links_every_file_and_the_metadata(client, listed, lang, headers):
    response = client.get(f"/downloads?lang={lang}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = Table()
    page.feed(response.get_data(as_text=True))
    assert sorted(page.row_links) == sorted(file["href"] for file in listed.values())
    assert page.column_headers[:5] == headers
    assert {"/catalog", "/.well-known/void", "/download/SHA256SUMS"} <= set(page.links)
    assert f"/downloads.json?lang={lang}" in page.links
    text = response.get_data(as_text=True)
    english = listed["dxkg.trig.gz"]["description_en"]
    assert (english in text) == (lang == "en")
    assert listed["dxkg.trig.gz"]["sha256"] in text


def test_human_sizes():
    assert [human_size(size) for size in (0, 1023, 1024, 1536, 9_075_015, 3 * 1024**3)] == [
        "0 B",
        "1023 B",
        "1.0 KiB",
        "1.5 KiB",
        "8.7 MiB",
        "3.0 GiB",
    ]


def test_unknown_files_go_last_without_description():
    position, kind = kind_of("something-new.bin")
    assert (position, kind) == (len(KNOWN_FILES), UNKNOWN)
    assert kind.group == "other" and kind.description is None
    assert kind_of("csv/new-table.csv")[1].group == "csv"
