"""The described CSV tables: the Frictionless data package validates (foreign keys too),
csvw reads every table typed, pandas keeps the codes' leading zeros, the metadata describes
exactly the files there, and the tables agree with the graph and with each other."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from collections import Counter

import csvw
import pytest
from frictionless import validate
from pyoxigraph import Literal

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.publish.tabledocs import SEPARATOR, TABLES, Column, Table
from dxkg.pipeline.publish.tables import GROUPED, cell_text, checked_row
from dxkg.release import CSV_DATAPACKAGE, CSV_FOLDER, CSV_METADATA

BOM = b"\xef\xbb\xbf"
DXKG = "https://dxkg.example.org/ontology#"


@pytest.fixture(scope="module")
def folder(release):
    paths, _ = release
    return paths.dist / CSV_FOLDER


@pytest.fixture(scope="module")
def typed(folder) -> dict[str, list[dict]]:
    """Every table read with the csvw package through the CSVW metadata, by file name."""
    group = csvw.TableGroup.from_file(folder / "csv-metadata.json")
    return {table.url.string: list(table.iterdicts()) for table in group.tables}


def csv_files(folder) -> set[str]:
    return {path.name for path in folder.glob("*.csv")}


@pytest.mark.e2e
def test_the_metadata_describes_exactly_the_csv_files(release, folder):
    paths, report = release
    package = json.loads((paths.dist / CSV_DATAPACKAGE).read_text("utf-8"))
    metadata = json.loads((paths.dist / CSV_METADATA).read_text("utf-8"))
    described = {f"{table.name}.csv" for table in TABLES}
    assert csv_files(folder) == described
    assert {resource["path"] for resource in package["resources"]} == described
    assert {table["url"] for table in metadata["tables"]} == described
    assert set(report.csv_rows) == {table.name for table in TABLES}
    for name in described:  # each keeps its byte-order mark, and its header is described
        raw = (folder / name).read_bytes()
        assert raw.startswith(BOM), name
        header = raw[len(BOM) :].split(b"\r\n", 1)[0].decode("utf-8").split(",")
        table = next(table for table in TABLES if f"{table.name}.csv" == name)
        assert header == [column.name for column in table.columns], name


@pytest.mark.e2e
def test_frictionless_validates_the_package_with_its_foreign_keys(folder):
    report = validate(folder / "datapackage.json")
    assert report.flatten(["resourceName", "rowNumber", "fieldName", "note"]) == []
    assert report.valid and report.stats["tasks"] == len(TABLES)


@pytest.mark.e2e
def test_frictionless_finds_a_broken_foreign_key(folder, tmp_path):
    """The keys are really checked: a case pointing at no government is an error."""
    copy = tmp_path / "csv"
    shutil.copytree(folder, copy)
    cases = copy / "case-studies.csv"
    text = cases.read_bytes().decode("utf-8")
    cases.write_bytes(
        text.replace("/id/municipality/012084,", "/id/municipality/999999,", 1).encode()
    )
    errors = validate(copy / "datapackage.json").flatten(["type", "note"])
    assert len(errors) == 1 and errors[0][0] == "foreign-key"
    assert '"municipality"' in errors[0][1] and "999999" in errors[0][1]


@pytest.mark.e2e
def test_csvw_reads_every_table_typed(release, typed, folder):
    _, report = release
    assert {name[: -len(".csv")]: len(rows) for name, rows in typed.items()} == report.csv_rows
    codes = {row["code"] for row in typed["municipalities.csv"]}
    assert "012084" in codes and all(isinstance(code, str) and len(code) == 6 for code in codes)
    cases = typed["case-studies.csv"]
    costs = [row["initial_cost_yen"] for row in cases if row["initial_cost_yen"] is not None]
    assert costs and all(type(cost) is int for cost in costs)
    assert {row["municipality_code"] for row in cases} <= codes
    assert {type(row["new_in_edition"]) for row in cases} == {bool, type(None)}
    assert all(isinstance(row["technologies"], list) for row in cases)
    group = csvw.TableGroup.from_file(folder / "csv-metadata.json")
    assert group.check_referential_integrity()  # empty foreign keys allowed, as CSVW does


@pytest.mark.e2e
def test_pandas_reads_the_codes_as_the_readme_shows(release):
    """The README's snippet keeps ``012084`` (a plain read_csv turns it into 12084)."""
    paths, _ = release
    section = (PROJECT_ROOT / "README.md").read_text("utf-8").split("## The CSV tables", 1)[1]
    snippet = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(snippet.replace('"dist/csv"', repr(str(paths.dist / CSV_FOLDER))), namespace)  # noqa: S102
    municipalities, cases = namespace["tables"]["municipalities"], namespace["cases"]
    assert municipalities["code"].dtype == "string" and "012084" in set(municipalities["code"])
    assert str(cases["initial_cost_yen"].dtype) == "Int64"
    assert str(cases["population_date"].dtype).startswith("datetime64")
    assert (cases["municipality_code"] == "012084").any() and "74000000" in printed.getvalue()


@pytest.mark.e2e
def test_every_column_holds_something(typed):
    for table in TABLES:
        rows = typed[f"{table.name}.csv"]
        for column in table.columns:
            texts = {str(row[column.name]) for row in rows}
            assert texts - {"None", "[]"}, f"{table.name}.{column.name} is always empty"


@pytest.mark.e2e
def test_costs_and_populations_are_the_graphs(release_store, typed):
    """The yen and the persons of the case table add up to the graph's own."""
    cases = typed["case-studies.csv"]
    for kind in ("initial", "running"):
        query = f"""SELECT (SUM(?yen) AS ?total) (COUNT(?yen) AS ?n) WHERE {{
            ?case a <{DXKG}CaseStudy> ; <{DXKG}cost> ?cost . ?cost <{DXKG}costKind>/<http://www.w3.org/2004/02/skos/core#notation> '{kind}' ;
            <https://schema.org/value> ?yen }}"""
        total, count = next(iter(release_store.query(query, use_default_graph_as_union=True)))
        values = [row[f"{kind}_cost_yen"] for row in cases if row[f"{kind}_cost_yen"] is not None]
        assert (sum(values), len(values)) == (int(total.value), int(count.value)), kind
    persons = (
        f"SELECT (SUM(?p) AS ?total) WHERE {{ ?case a <{DXKG}CaseStudy> ; "
        f"<{DXKG}populationFigure>/<{DXKG}persons> ?p }}"
    )
    total = next(iter(release_store.query(persons, use_default_graph_as_union=True)))[0]
    assert sum(row["population"] or 0 for row in cases) == int(total.value)


@pytest.mark.e2e
def test_joined_cells_agree_with_the_link_tables(typed):
    links = Counter(row["case_study"] for row in typed["case-study-technologies.csv"])
    for row in typed["case-studies.csv"]:
        assert len(row["technologies"]) == links[row["iri"]], row["iri"]
        assert row["technologies"] == sorted(row["technologies"])
    users = Counter(row["shared_system"] for row in typed["shared-system-users.csv"])
    for row in typed["shared-systems.csv"]:
        assert len(row["used_by"]) == users[row["iri"]], row["iri"]


LIST = Column("names", "名前", "Names", "list")
TEXT_TABLE = Table("t", "表", "Table", (Column("count", "数", "Count", "integer"), LIST))


def test_grouped_values_are_sorted_and_joined():
    assert cell_text(LIST, Literal(f"b{GROUPED}a")) == f"a{SEPARATOR}b"
    assert cell_text(LIST, None) == ""
    with pytest.raises(ValueError, match="separator"):
        cell_text(LIST, Literal(f"x{SEPARATOR}y{GROUPED}z"))


def test_a_cell_its_type_does_not_allow_stops_the_build():
    assert checked_row(TEXT_TABLE, {"count": Literal("3"), "names": None}) == ["3", ""]
    with pytest.raises(ValueError, match="count"):
        checked_row(TEXT_TABLE, {"count": Literal("3.5"), "names": None})
