"""The curated corporate groups (``mappings/reference/vendor-groups.csv``): every row states
its basis, a cited line must still print what the row quotes, and a row must name an
organisation of the cases."""

from __future__ import annotations

import pytest

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline import iris
from dxkg.pipeline.extract.sourcetext import SourceFormatError
from dxkg.pipeline.link.governments import LinkError
from dxkg.pipeline.link.groups import (
    check_group_citations,
    cited_documents,
    load_vendor_groups,
    with_groups,
)
from dxkg.pipeline.link.records import OrganisationNode

TABLE = PROJECT_ROOT / "mappings" / "reference" / "vendor-groups.csv"
SOURCES = PROJECT_ROOT / "sources"
HEADER = "organisation,parent,basis,source,quote,reason\n"
FUJI = "富士電機ITソリューション株式会社,富士電機株式会社,source,001_b7b77d4349d817ea.txt:9391,"


def vendor(key: str, label: str) -> OrganisationNode:
    return OrganisationNode(
        id=iris.organisation(key),
        type="Vendor",
        label=label,
        alt_labels=[],
        suspected_typo_of=None,
        suspected_correct_name=None,
    )


def table(tmp_path, *rows: str):
    path = tmp_path / "vendor-groups.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), "utf-8")
    return path


def test_every_row_states_its_basis_and_the_cited_lines_still_say_so():
    rows = load_vendor_groups(TABLE)
    assert {row.basis for row in rows} == {"source", "legal-name"}
    assert all(row.reason for row in rows)
    assert cited_documents(rows) == {"001_b7b77d4349d817ea.txt"}
    check_group_citations(rows, SOURCES)


@pytest.mark.parametrize(
    "row",
    [
        FUJI + ",the line says so",  # a source row without its quote
        "日本マイクロソフト株式会社,Microsoft Corporation,legal-name,,,",  # no reason
        "日本マイクロソフト株式会社,Microsoft Corporation,legal-name,001_x.txt:3,Microsoft,why",
        "日本マイクロソフト株式会社,Microsoft Corporation,hearsay,,,everyone knows",
        FUJI.replace(":9391", ":L9391") + "親会社,why",
    ],
)
def test_a_row_without_its_basis_is_refused(tmp_path, row):
    with pytest.raises(ValueError):
        load_vendor_groups(table(tmp_path, row))


def test_two_parents_and_cycles_are_refused(tmp_path):
    twice = ("A株式会社,B株式会社,legal-name,,,why", "A株式会社,C株式会社,legal-name,,,why")
    with pytest.raises(ValueError, match="two parents"):
        load_vendor_groups(table(tmp_path, *twice))
    cycle = ("A株式会社,B株式会社,legal-name,,,why", "B株式会社,A株式会社,legal-name,,,why")
    with pytest.raises(ValueError, match="cycle"):
        load_vendor_groups(table(tmp_path, *cycle))


def test_a_cited_line_that_no_longer_says_so_stops_the_build(tmp_path):
    rows = load_vendor_groups(table(tmp_path, FUJI + "親会社と子会社の合併,why"))
    with pytest.raises(SourceFormatError, match="9391"):
        check_group_citations(rows, SOURCES)


def test_parents_are_vendors_where_the_cases_name_them_else_parent_companies(tmp_path):
    rows = load_vendor_groups(
        table(
            tmp_path,
            "日本マイクロソフト株式会社,Microsoft Corporation,legal-name,,,why",
            "東日本電信電話株式会社,日本電信電話株式会社,legal-name,,,why",
        )
    )
    nodes = [
        vendor("microsoft", "Microsoft Corporation"),
        vendor("日本マイクロソフト", "日本マイクロソフト株式会社"),
        vendor("東日本電信電話", "東日本電信電話株式会社"),
    ]
    grouped = {node.id: node for node in with_groups(nodes, rows)}
    assert grouped[
        iris.organisation("日本マイクロソフト")
    ].sub_organization_of == iris.organisation("microsoft")
    ntt = grouped[iris.organisation("日本電信電話")]
    assert (ntt.type, ntt.label) == ("ParentCompany", "日本電信電話株式会社")
    assert grouped[iris.organisation("microsoft")].type == "Vendor"


def test_a_row_for_an_organisation_no_case_names_is_an_error(tmp_path):
    rows = load_vendor_groups(table(tmp_path, "A株式会社,B株式会社,legal-name,,,why"))
    with pytest.raises(LinkError, match="A株式会社"):
        with_groups([vendor("c", "C株式会社")], rows)
