"""A new edition of the case collection is data: its file and a manifest entry, no code.

The end-to-end test builds a project whose sources/ holds the real documents plus a
synthetic 第5.0版 of chapter 1, derived from 002 (第4.0版, 13 cases) as the ministry's next
edition would differ: the legend names 第5.0版, 福島県's initial cost and 山口県's population
changed, 大分県's case (13) removed and a new one (13, 北海道ニセコ町: 西会津町's case
retitled) added. It is declared in a copy of the manifest with its SHA-256, ``kind =
"case-collection"``, ``edition_number = "5.0"`` and ``profile = "cases-v4-chapter"``. The
build must extract it, link each 5.0 case as a revision of its 4.0 case, report the removed
and the new case, and the entity page must show the changed figures. The other tests are
fast: what the manifest and the edition chain must refuse or get right.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pyoxigraph import NamedNode, RdfFormat, Store

from dxkg.config import PROJECT_ROOT, Paths
from dxkg.pipeline.extract.corpus import MANIFEST_NAME, CorpusError, sha256_of
from dxkg.pipeline.link.editions import match_edition_chain
from dxkg.pipeline.pipeline import run_build
from dxkg.web.app import create_app

SOURCES = PROJECT_ROOT / "sources"
CHAPTER1_V4 = "002_c9aae381e02ff410.txt"
FIFTH = "005_5e5e5e5e5e5e5e5e.txt"
ID = "https://dxkg.example.org/id/"
REVISION_OF = NamedNode("http://www.w3.org/ns/prov#wasRevisionOf")
ENTRY = """
[documents."{name}"]
short_id = "{short_id}"
kind = "case-collection"
edition_number = "{edition}"
cases = {{ "1" = 13 }}
profile = "{profile}"
title = "自治体DX推進参考事例集【第{edition}版】【1.体制整備】（試験用の合成文書）"
title_en = "Reference case collection, edition {edition}, chapter 1 (synthetic)"
publisher = "総務省"
publisher_en = "Ministry of Internal Affairs and Communications (MIC)"
edition = "第{edition}版"
issued_note = "A synthetic document for the tests: no issue date."
licence_note = "Derived from 002 for the tests."
sha256 = "{sha256}"
"""


def fifth_edition(v4: str) -> str:
    """002's text as a 第5.0版 would print it: see the module docstring."""
    lines = v4.split("\n")
    nishiaizu = lines[910:1016]  # case 8's lines (911–1016), the new case's model
    new_case = [
        line.replace(
            "８ 国のアドバイザー等を務める人材をCDOに据えデジタル戦略室がDX推進",
            "13 外部人材をCDOに迎えデジタル推進本部がDXを牽引",
        )
        .replace("福島県西会津町", "北海道ニセコ町")
        .replace("西会津", "ニセコ")
        for line in nishiaizu
    ]
    # 大分県's case 13 is lines 1385–1512; the file's last line (a space) stays
    text = "\n".join([*lines[:1384], *new_case, *lines[1512:]])
    return (
        text.replace("※ 第4.0版で新たに掲載した事例", "※ 第5.0版で新たに掲載した事例")
        .replace("68,515千円", "71,000千円")  # 福島県's initial cost, and its breakdown
        .replace("山口県人口：128.0万人", "山口県人口：127.1万人")
    )


def project(root: Path) -> Paths:
    """A project whose sources/ is a copy of the real one; the rest links to the real files."""
    (root / "sources").mkdir(parents=True)
    for path in SOURCES.iterdir():
        (root / "sources" / path.name).write_bytes(path.read_bytes())
    for folder in ("ontology", "shapes", "mappings"):
        (root / folder).symlink_to(PROJECT_ROOT / folder)
    return Paths(root=root, dist=root / "dist")


def declare(paths: Paths, name: str, text: str, **entry: str) -> None:
    """Add ``name`` to the project's sources/ and its entry to the manifest (as 5.0 of
    chapter 1 read by ``cases-v4-chapter`` unless ``entry`` says otherwise)."""
    path = paths.sources / name
    path.write_text(text, "utf-8")
    fields = {"short_id": "v5-ch1", "edition": "5.0", "profile": "cases-v4-chapter", **entry}
    with (paths.sources / MANIFEST_NAME).open("a", encoding="utf-8") as manifest:
        manifest.write(ENTRY.format(name=name, sha256=sha256_of(path), **fields))


# -- fast: what the manifest must refuse --------------------------------------------------


def test_an_undeclared_text_file_stops_the_build_naming_it(tmp_path):
    paths = project(tmp_path / "project")
    (paths.sources / FIFTH).write_text("第5.0版\n", "utf-8")
    with pytest.raises(CorpusError, match=re.escape(f"{FIFTH}: not declared in manifest.toml")):
        run_build(paths, echo=lambda _: None)
    assert not paths.dist.exists()


def test_an_unknown_profile_names_the_entry(tmp_path):
    paths = project(tmp_path / "project")
    declare(paths, FIFTH, "第5.0版\n", profile="cases-v5")
    message = f'[documents."{FIFTH}"] profile: "cases-v5" is not a case-collection profile'
    with pytest.raises(CorpusError, match=re.escape(message)):
        run_build(paths, echo=lambda _: None)
    assert not paths.dist.exists()


def test_an_entry_without_its_kinds_keys_names_the_key(tmp_path):
    paths = project(tmp_path / "project")
    declare(paths, FIFTH, "第5.0版\n")
    manifest = paths.sources / MANIFEST_NAME
    manifest.write_text(manifest.read_text("utf-8").replace('edition_number = "5.0"\n', ""))
    message = f'[documents."{FIFTH}"] kind = "case-collection" needs edition_number'
    with pytest.raises(CorpusError, match=re.escape(message)):
        run_build(paths, echo=lambda _: None)


def test_an_edition_number_is_major_dot_minor(tmp_path):
    """``5`` and ``5.0`` would be one edition with two keys: only ``5.0`` is accepted."""
    paths = project(tmp_path / "project")
    declare(paths, FIFTH, "第5版\n", edition="5")
    with pytest.raises(CorpusError, match=re.escape(f'[documents."{FIFTH}"] edition_number: ')):
        run_build(paths, echo=lambda _: None)


def test_an_edition_number_that_contradicts_the_printed_edition_is_refused(tmp_path):
    paths = project(tmp_path / "project")
    declare(paths, FIFTH, "第5.0版\n")
    manifest = paths.sources / MANIFEST_NAME
    text = manifest.read_text("utf-8")
    manifest.write_text(text.replace('edition = "第5.0版"', 'edition = "第4.0版"'), "utf-8")
    message = f'[documents."{FIFTH}"] edition = "第4.0版" is not edition_number = "5.0"'
    with pytest.raises(CorpusError, match=re.escape(message)):
        run_build(paths, echo=lambda _: None)


def test_a_second_document_of_the_same_chapter_and_edition_is_refused_up_front(tmp_path):
    """Two documents holding chapter 1 of 4.0 would mint the same case keys: the manifest
    says so before any extraction, instead of SHACL after the whole build."""
    paths = project(tmp_path / "project")
    declare(paths, FIFTH, "第4.0版\n", edition="4.0")
    message = (
        f'[documents."{FIFTH}"] cases: chapter 1 of edition "4.0" is also in '
        f'[documents."{CHAPTER1_V4}"]'
    )
    with pytest.raises(CorpusError, match=re.escape(message)):
        run_build(paths, echo=lambda _: None)
    assert not paths.dist.exists()


# -- fast: editions as open values ---------------------------------------------------------


def renumbered(cases, edition: str, chapter: int | None = None) -> list:
    """Copies of ``cases`` (of ``chapter`` if given) as cases of ``edition``."""
    return [
        case.model_copy(update={"edition": edition})
        for case in cases
        if chapter is None or case.chapter == chapter
    ]


def test_editions_chain_in_number_order_and_keep_apart(case_extracts):
    """10.0 comes after 4.0 (not before 2.0, as strings sort), its keys are not 1.0's, and
    each case is matched against the latest earlier edition that covers its chapter."""
    cases = [case for extract in case_extracts for case in extract.cases]
    v4_chapter1 = [case for case in cases if case.edition == "4.0" and case.chapter == 1]
    tenth = renumbered(v4_chapter1, "10.0")
    first = renumbered(v4_chapter1, "1.0")
    assert tenth[0].key == "v10-1-1" and first[0].key == "v1-1-1"
    matching = match_edition_chain([*first, *cases, *tenth])
    pairs = {link.later: link.earlier for link in matching.links}
    assert pairs["v10-1-4"] == "v4-1-4" and pairs["v4-1-4"] == "v2-1-4"
    assert pairs["v2-1-4"] == "v1-1-4"
    assert not any(key.startswith("v10-") for key in matching.new_cases)


def test_a_case_an_intermediate_document_lacks_is_found_in_the_edition_before(case_extracts):
    """神戸市's v2-3-5 is outside 000's range: a later edition's copy of it is its revision,
    not a new case."""
    v2 = next(extract for extract in case_extracts if extract.edition == "2.0")
    kobe = [case for case in v2.cases if case.key == "v2-3-5"]
    cases = [case for extract in case_extracts for case in extract.cases]
    matching = match_edition_chain([*cases, *renumbered(kobe, "5.0")])
    assert {link.later: link.earlier for link in matching.links}["v5-3-5"] == "v2-3-5"
    assert "v5-3-5" not in matching.new_cases


# -- end to end: a synthetic 第5.0版 ---------------------------------------------------------


@pytest.fixture(scope="module")
def fifth(tmp_path_factory) -> tuple[Paths, dict]:
    """A full build of the corpus with the synthetic 第5.0版; its published report."""
    paths = project(tmp_path_factory.mktemp("new-edition") / "project")
    declare(paths, FIFTH, fifth_edition((SOURCES / CHAPTER1_V4).read_text("utf-8")))
    run_build(paths, echo=lambda _: None)
    return paths, json.loads((paths.dist / "build-report.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def store(fifth) -> Store:
    paths, _ = fifth
    release = Store()
    release.bulk_load(path=str(paths.dist / "dxkg.nq"), format=RdfFormat.N_QUADS)
    return release


@pytest.fixture(scope="module")
def client(fifth) -> FlaskClient:
    paths, _ = fifth
    return create_app(paths.dist).test_client()


@pytest.mark.e2e
def test_the_new_edition_is_extracted_from_its_manifest_entry(fifth):
    _, report = fifth
    (summary,) = [s for s in report["cases"] if s["document"] == FIFTH]
    assert summary["edition"] == "5.0" and summary["cases"] == 13
    assert summary["chapters"] == {"1": 13}
    assert FIFTH in {source["id"] for source in report["sources"]}


@pytest.mark.e2e
def test_each_fifth_edition_case_is_a_revision_of_its_fourth_edition_case(store):
    for number in range(1, 13):
        case = NamedNode(f"{ID}case/v5-1-{number}")
        revised = list(store.quads_for_pattern(case, REVISION_OF, None, None))
        assert [quad.object for quad in revised] == [NamedNode(f"{ID}case/v4-1-{number}")]
    # and the 4.0 cases are still revisions of 2.0's: a chain, not a second link
    revised = store.quads_for_pattern(NamedNode(f"{ID}case/v4-1-4"), REVISION_OF, None, None)
    assert [quad.object for quad in revised] == [NamedNode(f"{ID}case/v2-1-4")]


@pytest.mark.e2e
def test_the_removed_and_the_new_case_are_reported(fifth):
    paths, report = fifth
    editions = report["linking"]["editions"]
    assert "v5-1-13" in editions["new_in_later_edition"]  # ニセコ町, new in 5.0
    assert "v4-1-13" in editions["earlier_without_counterpart"]  # 大分県, dropped
    assert not any(key.startswith("v4-2-") for key in editions["earlier_without_counterpart"])
    markdown = (paths.dist / "build-report.md").read_text("utf-8")
    assert "new in 第4.0版: 9, 第5.0版: 1" in markdown


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("case", "part", "now", "before"),
    [
        ("v5-1-4", "cost", "イニシャルコスト 71,000千円", "イニシャルコスト 68,515千円"),
        (
            "v5-1-1",
            "populationFigure",
            "山口県人口：127.1万人（令和７年１月１日現在）",
            "山口県人口：128.0万人（令和７年１月１日現在）",
        ),
    ],
)
def test_the_changed_figures_show_as_differences(client, case, part, now, before):
    data = client.get(f"/page/id/case/{case}.json").get_json()
    (edition,) = data["editions"]
    assert edition["when"] == "earlier"
    assert edition["other"]["href"] == f"/page/id/case/v4-{case.removeprefix('v5-')}"
    (change,) = [c for c in edition["changes"] if c["field"]["iri"].endswith(f"#{part}")]
    assert (change["kind"], change["new"], change["old"]) == ("modified", now, before)
