"""CSV exports, one per main class and one per relation with several values, for users
who do not speak RDF.

Each table is a SPARQL SELECT over the release (the union of its named graphs) whose
variables are the columns that :mod:`~dxkg.pipeline.publish.tabledocs` describes, in its
order: an entity table has the IRI in the first column, then the Japanese label and the
properties a researcher needs; a link table has a pair of IRIs per row. Several values of
one field are joined with ``tabledocs.SEPARATOR`` in sorted order. Files are UTF-8 with a
byte-order mark, so spreadsheet software opens the Japanese text correctly; the data
package and the CSVW metadata are written beside them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pyoxigraph import Literal, NamedNode, QuerySolution, Store

from dxkg.namespaces import sparql_prefixes
from dxkg.pipeline.publish.tabledocs import (
    SEPARATOR,
    TABLES,
    Column,
    Table,
    cell_pattern,
    write_table_docs,
)
from dxkg.release import CSV_FOLDER, Licence

#: The prefixes the queries use (``dxkg:`` moves with the base IRI of a rebased release).
PREFIXES = ("dxkg", "rdfs", "skos", "org", "dct", "prov", "schema")
#: What the queries' GROUP_CONCAT joins values with; the writer sorts and rejoins them.
GROUPED = "\x1f"

#: The columns every row of the 2020 survey has (tabledocs.SURVEY_ROW), and where they are.
SURVEY_SELECT = (
    "?iri ?label ?prefecture ?prefecture_iri ?row ?category_code ?category ?status ?status_code"
)
SURVEY_WHERE = """
          ?iri rdfs:label ?label ; dxkg:reportedBy ?prefecture_iri ; dxkg:rowNumber ?row ;
               dxkg:implementationStatusText ?status .
          ?prefecture_iri rdfs:label ?prefecture FILTER (lang(?prefecture) = 'ja')
          OPTIONAL { ?iri dxkg:surveyCategory ?c . ?c skos:notation ?category_code ;
                     rdfs:label ?category FILTER (lang(?category) = 'ja') }
          OPTIONAL { ?iri dxkg:implementationStatus/skos:notation ?status_code }"""
#: The classes of vendors.csv: a case's provider or participant may also be a government.
VENDOR_KINDS = "VALUES ?vendor_kind { dxkg:Vendor dxkg:PartnerOrganization }"
#: The Japanese labels of the technologies a record uses.
TECHNOLOGY_NAMES = """
          OPTIONAL { ?iri dxkg:usesTechnology/skos:prefLabel ?technology_name
                     FILTER (lang(?technology_name) = 'ja') }"""


def cost_pattern(kind: str) -> str:
    """Where a case's initial or running cost (``kind``, its notation) is."""
    return f"""
          OPTIONAL {{ ?iri dxkg:cost ?{kind}_cost .
                     ?{kind}_cost dxkg:costKind/skos:notation '{kind}' ;
                     dxkg:costStatus/skos:notation ?{kind}_cost_status ;
                     dxkg:taxBasis/skos:notation ?{kind}_cost_tax ;
                     dxkg:approximate ?{kind}_cost_approximate .
                     OPTIONAL {{ ?{kind}_cost schema:value ?{kind}_cost_yen }} }}"""


COSTS = " ".join(
    f"?{kind}_cost_yen ?{kind}_cost_status ?{kind}_cost_tax ?{kind}_cost_approximate"
    for kind in ("initial", "running")
)
CASE_STUDY_COLUMNS = f"""?iri ?label ?edition ?chapter ?chapter_label ?number ?organisation
               ?municipality ?municipality_code ?municipality_label ?prefecture ?prefecture_iri
               ?category_code ?category ?population ?population_date ?population_class_code
               ?population_class {COSTS} ?time_to_launch"""

# Each table: its file stem and the query.
QUERIES: dict[str, str] = {
    "municipalities": """
        SELECT ?iri ?code ?label ?label_en ?name_kana ?kind ?prefecture ?prefecture_iri ?estat_area
        WHERE {
          ?iri a ?class ; dxkg:localGovernmentCode ?code ; rdfs:label ?label .
          FILTER (lang(?label) = 'ja' && STRSTARTS(STR(?class), STR(dxkg:)))
          # the most specific class: the one the graph states, not those it entails
          FILTER NOT EXISTS { ?iri a ?narrower . ?narrower rdfs:subClassOf ?class
                              FILTER (?narrower != ?class) }
          BIND (STRAFTER(STR(?class), '#') AS ?kind)
          OPTIONAL { ?iri rdfs:label ?label_en FILTER (lang(?label_en) = 'en') }
          OPTIONAL { ?iri dxkg:nameKana ?name_kana }
          OPTIONAL { ?iri dxkg:inPrefecture ?prefecture_iri .
                     ?prefecture_iri rdfs:label ?prefecture FILTER (lang(?prefecture) = 'ja') }
          OPTIONAL { ?iri skos:closeMatch ?estat_area }
        } ORDER BY ?code""",
    "case-studies": f"""
        SELECT {CASE_STUDY_COLUMNS}
               (GROUP_CONCAT(DISTINCT ?vendor_name; SEPARATOR='\x1f') AS ?vendors)
               (GROUP_CONCAT(DISTINCT ?technology_name; SEPARATOR='\x1f') AS ?technologies)
               (GROUP_CONCAT(DISTINCT ?department_name; SEPARATOR='\x1f') AS ?departments)
               ?previous_edition ?new_in_edition ?initiative WHERE {{
          ?iri a dxkg:CaseStudy ; dxkg:describes ?initiative ; rdfs:label ?label ; dxkg:edition ?edition ;
               dxkg:chapterNumber ?chapter ; dxkg:chapterLabel ?chapter_label ;
               dxkg:caseNumber ?number ; dxkg:organisationText ?organisation .
          OPTIONAL {{ ?iri dxkg:municipality ?municipality .
                     ?municipality dxkg:localGovernmentCode ?municipality_code ;
                     rdfs:label ?municipality_label FILTER (lang(?municipality_label) = 'ja') }}
          OPTIONAL {{ ?iri dxkg:prefecture ?prefecture_iri .
                     ?prefecture_iri rdfs:label ?prefecture FILTER (lang(?prefecture) = 'ja') }}
          OPTIONAL {{ ?iri dxkg:caseCategory ?c . ?c skos:notation ?category_code ;
                     rdfs:label ?category FILTER (lang(?category) = 'ja') }}
          OPTIONAL {{ ?iri dxkg:populationFigure ?figure . ?figure dxkg:persons ?population ;
                     dxkg:referenceDate ?population_date }}
          OPTIONAL {{ ?iri dxkg:populationClass ?class .
                     ?class skos:notation ?population_class_code ;
                     skos:prefLabel ?population_class FILTER (lang(?population_class) = 'ja') }}
          {cost_pattern("initial")}
          {cost_pattern("running")}
          OPTIONAL {{ ?iri dxkg:timeToLaunch ?time_to_launch }}
          OPTIONAL {{ ?iri dxkg:provider|dxkg:participant ?vendor . ?vendor a ?vendor_kind ;
                     rdfs:label ?vendor_name . {VENDOR_KINDS} }}
          OPTIONAL {{ ?iri dxkg:usesTechnology/skos:prefLabel ?technology_name
                     FILTER (lang(?technology_name) = 'ja') }}
          OPTIONAL {{ ?iri dxkg:responsibleDepartment/rdfs:label ?department_name
                     FILTER (lang(?department_name) = 'ja') }}
          OPTIONAL {{ ?iri prov:wasRevisionOf ?previous_edition }}
          OPTIONAL {{ ?iri dxkg:newInEdition ?new_in_edition }}
        }} GROUP BY {CASE_STUDY_COLUMNS} ?previous_edition ?new_in_edition ?initiative
        ORDER BY ?iri""",
    "initiatives": f"""
        SELECT {SURVEY_SELECT} ?usage ?shareability ?shareability_code ?remark
               (GROUP_CONCAT(DISTINCT ?technology_name; SEPARATOR='\x1f') AS ?technologies) WHERE {{
          ?iri a dxkg:Initiative ; dxkg:usageDescription ?usage . {SURVEY_WHERE} {TECHNOLOGY_NAMES}
          OPTIONAL {{ ?iri dxkg:shareabilityText ?shareability }}
          OPTIONAL {{ ?iri dxkg:shareability/skos:notation ?shareability_code }}
          OPTIONAL {{ ?iri dxkg:remark ?remark }}
        }} GROUP BY {SURVEY_SELECT} ?usage ?shareability ?shareability_code ?remark
        ORDER BY ?iri""",
    "shared-systems": f"""
        SELECT {SURVEY_SELECT} ?business ?participation_scope ?participant_count
               ?participant_total ?participant_count_text ?participation_planned
               (GROUP_CONCAT(DISTINCT ?other; SEPARATOR='\x1f') AS ?other_participants)
               ?further_shareability ?further_shareability_code ?remark
               (GROUP_CONCAT(DISTINCT ?technology_name; SEPARATOR='\x1f') AS ?technologies)
               (GROUP_CONCAT(DISTINCT ?user; SEPARATOR='\x1f') AS ?used_by) WHERE {{
          ?iri a dxkg:SharedSystem ; dxkg:businessDescription ?business . {SURVEY_WHERE}
          {TECHNOLOGY_NAMES}
          OPTIONAL {{ ?iri dxkg:usedBy/rdfs:label ?user FILTER (lang(?user) = 'ja') }}
          OPTIONAL {{ ?iri dxkg:participationScope ?participation_scope }}
          OPTIONAL {{ ?iri dxkg:participantCount ?participant_count }}
          OPTIONAL {{ ?iri dxkg:participantTotal ?participant_total }}
          OPTIONAL {{ ?iri dxkg:participantCountText ?participant_count_text }}
          OPTIONAL {{ ?iri dxkg:participationPlanned ?participation_planned }}
          OPTIONAL {{ ?iri dxkg:otherParticipantName ?other }}
          OPTIONAL {{ ?iri dxkg:furtherShareabilityText ?further_shareability }}
          OPTIONAL {{ ?iri dxkg:furtherShareability/skos:notation ?further_shareability_code }}
          OPTIONAL {{ ?iri dxkg:remark ?remark }}
        }} GROUP BY {SURVEY_SELECT} ?business ?participation_scope ?participant_count
                    ?participant_total ?participant_count_text ?participation_planned
                    ?further_shareability ?further_shareability_code ?remark
        ORDER BY ?iri""",
    "roles": f"""
        SELECT {SURVEY_SELECT} ?talent_category ?talent_category_code ?employment_type
               ?employment_type_code ?background ?duties ?duplicate_of WHERE {{
          ?iri a dxkg:Role ; dxkg:talentCategoryText ?talent_category ;
               dxkg:employmentTypeText ?employment_type . {SURVEY_WHERE}
          OPTIONAL {{ ?iri dxkg:talentCategory/skos:notation ?talent_category_code }}
          OPTIONAL {{ ?iri dxkg:employmentType/skos:notation ?employment_type_code }}
          OPTIONAL {{ ?iri dxkg:background ?background }}
          OPTIONAL {{ ?iri dxkg:duties ?duties }}
          OPTIONAL {{ ?iri dxkg:duplicateOf ?duplicate_of }}
        }} ORDER BY ?iri""",
    "organizations": f"""
        SELECT {SURVEY_SELECT} ?composition ?remit WHERE {{
          ?iri a dxkg:DXPromotionBody ; dxkg:composition ?composition ; dxkg:remit ?remit .
          {SURVEY_WHERE}
        }} ORDER BY ?iri""",
    "vendors": f"""
        SELECT ?iri ?label ?kind (GROUP_CONCAT(DISTINCT ?alt; SEPARATOR='\x1f') AS ?written_as)
               (COUNT(DISTINCT ?case) AS ?cases) ?suspected_correct_name ?suspected_typo_of WHERE {{
          ?iri a ?vendor_kind ; rdfs:label ?label . {VENDOR_KINDS}
          BIND (STRAFTER(STR(?vendor_kind), '#') AS ?kind)
          OPTIONAL {{ ?iri skos:altLabel ?alt }}
          OPTIONAL {{ ?case dxkg:provider|dxkg:participant ?iri }}
          OPTIONAL {{ ?iri dxkg:suspectedCorrectName ?suspected_correct_name }}
          OPTIONAL {{ ?iri dxkg:suspectedTypoOf ?suspected_typo_of }}
        }} GROUP BY ?iri ?label ?kind ?suspected_correct_name ?suspected_typo_of ORDER BY ?iri""",
    "departments": """
        SELECT ?iri ?label ?government ?government_iri (COUNT(DISTINCT ?case) AS ?cases) WHERE {
          ?iri a dxkg:Department ; rdfs:label ?label ; org:unitOf ?government_iri .
          ?government_iri rdfs:label ?government FILTER (lang(?government) = 'ja')
          OPTIONAL { ?case dxkg:responsibleDepartment ?iri }
        } GROUP BY ?iri ?label ?government ?government_iri ORDER BY ?iri""",
    "technologies": """
        SELECT ?iri ?label ?label_en ?notation
               (GROUP_CONCAT(DISTINCT STR(?up); SEPARATOR='\x1f') AS ?broader)
               (COUNT(DISTINCT ?record) AS ?records) WHERE {
          ?iri a dxkg:Technology ; skos:prefLabel ?label ; skos:prefLabel ?label_en ;
               skos:notation ?notation .
          FILTER (lang(?label) = 'ja' && lang(?label_en) = 'en')
          OPTIONAL { ?iri skos:broader ?up }
          # the reports (case studies, survey rows), not the initiatives the cases describe
          OPTIONAL { ?record dxkg:usesTechnology ?iri
                     FILTER NOT EXISTS { ?report dxkg:describes ?record } }
        } GROUP BY ?iri ?label ?label_en ?notation ORDER BY ?iri""",
    "case-study-departments": """
        SELECT DISTINCT ?case_study ?department WHERE {
          ?case_study a dxkg:CaseStudy ; dxkg:responsibleDepartment ?department .
        } ORDER BY ?case_study ?department""",
    "case-study-vendors": f"""
        SELECT DISTINCT ?case_study ?vendor ?role WHERE {{
          ?case_study a dxkg:CaseStudy .
          {{ ?case_study dxkg:provider ?vendor BIND ('provider' AS ?role) }}
          UNION {{ ?case_study dxkg:participant ?vendor BIND ('participant' AS ?role) }}
          ?vendor a ?vendor_kind . {VENDOR_KINDS}
        }} ORDER BY ?case_study ?vendor ?role""",
    "case-study-technologies": """
        SELECT DISTINCT ?case_study ?technology WHERE {
          ?case_study a dxkg:CaseStudy ; dxkg:usesTechnology ?technology .
        } ORDER BY ?case_study ?technology""",
    "initiative-technologies": """
        SELECT DISTINCT ?initiative ?technology WHERE {
          ?initiative a dxkg:Initiative ; dxkg:usageDescription ?usage ;
                      dxkg:usesTechnology ?technology .
        } ORDER BY ?initiative ?technology""",
    "shared-system-technologies": """
        SELECT DISTINCT ?shared_system ?technology WHERE {
          ?shared_system a dxkg:SharedSystem ; dxkg:usesTechnology ?technology .
        } ORDER BY ?shared_system ?technology""",
    "shared-system-users": """
        SELECT DISTINCT ?shared_system ?government WHERE {
          ?shared_system a dxkg:SharedSystem ; dxkg:usedBy ?government .
        } ORDER BY ?shared_system ?government""",
}


def write_csv_exports(
    store: Store, out_dir: Path, base_iri: str, licence: Licence
) -> dict[str, int]:
    """One CSV per table of :data:`~dxkg.pipeline.publish.tabledocs.TABLES` in
    ``out_dir/csv/``, queried from the release loaded in ``store``, and their data package
    and CSVW metadata (under ``licence``); returns rows per table."""
    prefixes = sparql_prefixes(PREFIXES, base_iri)
    folder = out_dir / CSV_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    rows_per_table = {}
    for table in TABLES:
        rows = query_table(store, prefixes, table)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(column.name for column in table.columns)
        writer.writerows(rows)
        (folder / f"{table.name}.csv").write_bytes(
            b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
        )
        rows_per_table[table.name] = len(rows)
    write_table_docs(out_dir, licence)
    return rows_per_table


def query_table(store: Store, prefixes: str, table: Table) -> list[list[str]]:
    """The rows of ``table`` in the release loaded in ``store``. Raises ValueError if its
    query gives other columns than the table's description, or a cell its datatype does
    not allow: the published metadata never describes a table wrongly."""
    results = store.query(prefixes + QUERIES[table.name], use_default_graph_as_union=True)
    header = [variable.value for variable in results.variables]
    if header != [column.name for column in table.columns]:
        raise ValueError(f"{table.name}.csv: the query gives the columns {header}")
    return [checked_row(table, solution) for solution in results]


def checked_row(table: Table, solution: QuerySolution) -> list[str]:
    """A solution as the table's row of cells, each checked against its column."""
    row = []
    for column in table.columns:
        cell = cell_text(column, solution[column.name])
        pattern = cell_pattern(column)
        if cell and pattern and not pattern.fullmatch(cell):
            raise ValueError(f"{table.name}.csv, {column.name}: {cell!r} is no {column.datatype}")
        row.append(cell)
    return row


def cell_text(column: Column, term: object) -> str:
    """A term as spreadsheet text: an IRI as itself, a literal as its lexical form, the
    values a query grouped sorted and joined with :data:`SEPARATOR`."""
    if term is None:
        return ""
    text = term.value if isinstance(term, (NamedNode, Literal)) else str(term)
    if column.datatype not in ("list", "iris") or not text:
        return text
    values = sorted(text.split(GROUPED))
    if any(SEPARATOR in value for value in values):
        raise ValueError(f"{column.name}: a value holds the separator {SEPARATOR!r}: {values}")
    return SEPARATOR.join(values)
