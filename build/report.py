"""The build report: counts checked against what the documents state, anomalies, SHACL results."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .corpus import SourceDocument
from .records import LinkedSurvey, SurveyExtract
from .validate import ValidationReport

REPORT_JSON = "build-report.json"
REPORT_MD = "build-report.md"


def build_report(
    documents: dict[str, SourceDocument],
    survey: SurveyExtract,
    linked: LinkedSurvey,
    validation: ValidationReport,
    triples: dict[str, int],
) -> dict:
    """Everything a reader needs to trust (or question) the release."""
    rows = survey.rows_per_table()
    return {
        "sources": [{"id": d.id, "sha256": d.sha256} for d in documents.values()],
        "survey": {
            "tables": [
                {
                    "table": t.table,
                    "heading": t.heading,
                    "stated": t.stated_total,
                    "found": rows[t.table],
                }
                for t in survey.tables
            ],
            "categories": [
                {
                    "table": c.table,
                    "label": c.label,
                    "level": c.level,
                    "stated": c.stated_count,
                    "found": c.found_count,
                }
                for c in survey.categories
            ],
            "entities": {
                "Initiative": len(linked.initiatives),
                "SharedSystem": len(linked.shared_systems),
                "Role": len(linked.roles),
                "Organization": len(linked.organizations),
                "Prefecture": len(linked.municipalities),
            },
        },
        "anomalies": {
            "counts": dict(sorted(Counter(a.kind for a in linked.anomalies).items())),
            "items": [a.model_dump() for a in linked.anomalies],
        },
        "shacl": {
            "counts": validation.counts(),
            "warnings": [
                {"focus": f.focus, "path": f.path, "message": f.message}
                for f in validation.findings
                if f.severity == "Warning"
            ],
        },
        "triples": {**triples, "total": sum(triples.values())},
    }


def write(report: dict, out_dir: Path) -> None:
    """Write the report as JSON and as Markdown."""
    (out_dir / REPORT_JSON).write_text(
        json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8"
    )
    (out_dir / REPORT_MD).write_text(to_markdown(report), "utf-8")


def to_markdown(report: dict) -> str:
    """A human-readable rendering of the report."""
    out = ["# dxkg build report", "", "## Survey tables (stated vs found)", ""]
    out += ["| table | heading | stated | found |", "|---|---|---|---|"]
    out += [
        f"| {t['table']} | {t['heading']} | {t['stated']} | {t['found']} |"
        for t in report["survey"]["tables"]
    ]
    out += ["", "## Categories", "", "| table | category | stated | found | |", "|---|---|---|---|---|"]
    for c in report["survey"]["categories"]:
        indent = "└ " if c["level"] == 2 else ""
        flag = "⚠ mismatch" if c["stated"] != c["found"] else ""
        out.append(f"| {c['table']} | {indent}{c['label']} | {c['stated']} | {c['found']} | {flag} |")
    out += ["", "## Entities", ""]
    out += [f"- {name}: {count}" for name, count in report["survey"]["entities"].items()]
    out += ["", "## Anomalies", ""]
    out += [f"- {kind}: {count}" for kind, count in report["anomalies"]["counts"].items()]
    out += ["", "| kind | document | line | detail |", "|---|---|---|---|"]
    out += [
        f"| {a['kind']} | {a['document']} | {a['line']} | {a['detail'].replace('|', '¦')} |"
        for a in report["anomalies"]["items"]
    ]
    out += ["", "## SHACL", "", f"Results by severity: {report['shacl']['counts']}", ""]
    out += [f"- Warning: <{w['focus']}> {w['message']}" for w in report["shacl"]["warnings"]]
    out += ["", "## Triples per graph", ""]
    out += [f"- {name}: {count}" for name, count in report["triples"].items()]
    return "\n".join(out) + "\n"
