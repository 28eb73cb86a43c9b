"""CSV exports, one per main class, for users who do not speak RDF.

Each table is a SPARQL SELECT over the release (the union of its named graphs):
the IRI in the first column, then the Japanese label and the properties a
spreadsheet user needs, several values joined with `` | ``. Files are UTF-8 with
a byte-order mark, so spreadsheet software opens the Japanese text correctly.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Store

from dxkg.namespaces import sparql_prefixes
from dxkg.release import CSV_FOLDER

#: The prefixes the queries use (``dxkg:`` moves with the base IRI of a rebased release).
PREFIXES = ("dxkg", "rdfs", "skos", "org", "dct", "prov", "schema")


# Each table: its file stem and the query. Aggregates join several values in a fixed order.
TABLES: dict[str, str] = {
    "municipalities": """
        SELECT ?iri ?code ?label ?label_en ?kind ?prefecture ?estat_area WHERE {
          ?iri a ?class ; dxkg:localGovernmentCode ?code ; rdfs:label ?label .
          FILTER (lang(?label) = 'ja' && STRSTARTS(STR(?class), STR(dxkg:)))
          BIND (STRAFTER(STR(?class), '#') AS ?kind)
          OPTIONAL { ?iri rdfs:label ?label_en FILTER (lang(?label_en) = 'en') }
          OPTIONAL { ?iri dxkg:inPrefecture/rdfs:label ?prefecture FILTER (lang(?prefecture) = 'ja') }
          OPTIONAL { ?iri skos:closeMatch ?estat_area }
        } ORDER BY ?code""",
    "case-studies": """
        SELECT ?iri ?label ?edition ?chapter ?number ?organisation ?municipality
               (GROUP_CONCAT(DISTINCT ?vendor_name; SEPARATOR=' | ') AS ?vendors)
               (GROUP_CONCAT(DISTINCT ?technology_name; SEPARATOR=' | ') AS ?technologies)
               ?previous_edition ?new_in_edition WHERE {
          ?iri a dxkg:CaseStudy ; rdfs:label ?label ; dxkg:edition ?edition ;
               dxkg:chapterNumber ?chapter ; dxkg:caseNumber ?number ; dxkg:organisationText ?organisation .
          OPTIONAL { ?iri dxkg:municipality ?municipality }
          OPTIONAL { ?iri dxkg:provider|dxkg:participant ?vendor . ?vendor rdfs:label ?vendor_name }
          OPTIONAL { ?iri dxkg:usesTechnology/skos:prefLabel ?technology_name
                     FILTER (lang(?technology_name) = 'ja') }
          OPTIONAL { ?iri prov:wasRevisionOf ?previous_edition }
          OPTIONAL { ?iri dxkg:newInEdition ?new_in_edition }
        } GROUP BY ?iri ?label ?edition ?chapter ?number ?organisation ?municipality
                    ?previous_edition ?new_in_edition
        ORDER BY ?iri""",
    "initiatives": """
        SELECT ?iri ?label ?prefecture ?status ?usage
               (GROUP_CONCAT(DISTINCT ?technology_name; SEPARATOR=' | ') AS ?technologies) WHERE {
          ?iri a dxkg:Initiative ; rdfs:label ?label ; dxkg:reportedBy/rdfs:label ?prefecture ;
               dxkg:implementationStatusText ?status ; dxkg:usageDescription ?usage .
          FILTER (lang(?prefecture) = 'ja')
          OPTIONAL { ?iri dxkg:usesTechnology/skos:prefLabel ?technology_name
                     FILTER (lang(?technology_name) = 'ja') }
        } GROUP BY ?iri ?label ?prefecture ?status ?usage ORDER BY ?iri""",
    "shared-systems": """
        SELECT ?iri ?label ?prefecture ?status ?business ?participation_scope ?participant_count
               ?participant_total (GROUP_CONCAT(DISTINCT ?user; SEPARATOR=' | ') AS ?used_by) WHERE {
          ?iri a dxkg:SharedSystem ; rdfs:label ?label ; dxkg:reportedBy/rdfs:label ?prefecture ;
               dxkg:implementationStatusText ?status ; dxkg:businessDescription ?business .
          FILTER (lang(?prefecture) = 'ja')
          OPTIONAL { ?iri dxkg:usedBy/rdfs:label ?user FILTER (lang(?user) = 'ja') }
          OPTIONAL { ?iri dxkg:participationScope ?participation_scope }
          OPTIONAL { ?iri dxkg:participantCount ?participant_count }
          OPTIONAL { ?iri dxkg:participantTotal ?participant_total }
        } GROUP BY ?iri ?label ?prefecture ?status ?business ?participation_scope
                    ?participant_count ?participant_total
        ORDER BY ?iri""",
    "roles": """
        SELECT ?iri ?label ?prefecture ?status ?talent_category ?employment_type WHERE {
          ?iri a dxkg:Role ; rdfs:label ?label ; org:postIn/rdfs:label ?prefecture ;
               dxkg:implementationStatusText ?status ; dxkg:talentCategoryText ?talent_category ;
               dxkg:employmentTypeText ?employment_type .
          FILTER (lang(?prefecture) = 'ja')
        } ORDER BY ?iri""",
    "organizations": """
        SELECT ?iri ?label ?prefecture ?status ?composition ?remit WHERE {
          ?iri a dxkg:Organization ; rdfs:label ?label ; dxkg:establishedBy/rdfs:label ?prefecture ;
               dxkg:implementationStatusText ?status ; dxkg:composition ?composition ;
               dxkg:remit ?remit .
          FILTER (lang(?prefecture) = 'ja')
        } ORDER BY ?iri""",
    "vendors": """
        SELECT ?iri ?label ?kind (GROUP_CONCAT(DISTINCT ?alt; SEPARATOR=' | ') AS ?written_as)
               (COUNT(DISTINCT ?case) AS ?cases) ?suspected_correct_name WHERE {
          ?iri a ?class ; rdfs:label ?label .
          VALUES ?class { dxkg:Vendor dxkg:PartnerOrganization }
          BIND (STRAFTER(STR(?class), '#') AS ?kind)
          OPTIONAL { ?iri skos:altLabel ?alt }
          OPTIONAL { ?case dxkg:provider|dxkg:participant ?iri }
          OPTIONAL { ?iri dxkg:suspectedCorrectName ?suspected_correct_name }
        } GROUP BY ?iri ?label ?kind ?suspected_correct_name ORDER BY ?iri""",
    "departments": """
        SELECT ?iri ?label ?government (COUNT(DISTINCT ?case) AS ?cases) WHERE {
          ?iri a dxkg:Department ; rdfs:label ?label ; org:unitOf/rdfs:label ?government .
          FILTER (lang(?government) = 'ja')
          OPTIONAL { ?case dxkg:responsibleDepartment ?iri }
        } GROUP BY ?iri ?label ?government ORDER BY ?iri""",
    "technologies": """
        SELECT ?iri ?label ?label_en ?notation
               (GROUP_CONCAT(DISTINCT STR(?up); SEPARATOR=' | ') AS ?broader)
               (COUNT(DISTINCT ?record) AS ?records) WHERE {
          ?iri a dxkg:Technology ; skos:prefLabel ?label ; skos:prefLabel ?label_en ;
               skos:notation ?notation .
          FILTER (lang(?label) = 'ja' && lang(?label_en) = 'en')
          OPTIONAL { ?iri skos:broader ?up }
          OPTIONAL { ?record dxkg:usesTechnology ?iri }
        } GROUP BY ?iri ?label ?label_en ?notation ORDER BY ?iri""",
}


def write_csv_exports(store: Store, out_dir: Path, base_iri: str) -> dict[str, int]:
    """One CSV per table of :data:`TABLES` in ``out_dir/csv/``, queried from the release
    loaded in ``store``; returns rows per table."""
    prefixes = sparql_prefixes(PREFIXES, base_iri)
    folder = out_dir / CSV_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    rows_per_table = {}
    for name, query in TABLES.items():
        results = store.query(prefixes + query, use_default_graph_as_union=True)
        header = [variable.value for variable in results.variables]
        rows = [[_cell(solution[variable]) for variable in header] for solution in results]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        (folder / f"{name}.csv").write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
        rows_per_table[name] = len(rows)
    return rows_per_table


def _cell(term: object) -> str:
    """A term as spreadsheet text: an IRI as itself, a literal as its lexical form."""
    if term is None:
        return ""
    if isinstance(term, (NamedNode, Literal)):
        return term.value
    return str(term)
