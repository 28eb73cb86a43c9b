"""SHACL validation with pyshacl.

``shapes/*.ttl`` state what the published data must satisfy: any result of theirs makes
the dataset non-conforming (``sh:conforms false``) in every SHACL engine, whatever its
severity, and fails the build. ``shapes/report/*.ttl`` state what is only worth telling
(a row without a remark, a count that differs from the printed one): their results,
Warnings and Infos, go to the build report and nowhere else.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import RDF, SH


@dataclass(frozen=True)
class Finding:
    """One SHACL result, reduced to what a reader needs."""

    severity: str
    focus: str
    path: str
    message: str


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating a graph against the shapes."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def conforms(self) -> bool:
        """As SHACL has it: no result at all, of any severity."""
        return not self.findings

    def counts(self) -> dict[str, int]:
        """Number of findings per severity."""
        return dict(sorted(Counter(f.severity for f in self.findings).items()))

    def summary(self, limit: int = 20) -> str:
        """A readable report: counts, then the first violations (or warnings)."""
        shown = self.violations or self.findings
        lines = [f"SHACL: {self.counts() or 'no findings'}"]
        lines += [f"  {f.severity}: <{f.focus}> {f.path}: {f.message}" for f in shown[:limit]]
        if len(shown) > limit:
            lines.append(f"  ... and {len(shown) - limit} more")
        return "\n".join(lines)


REPORT_SHAPES = "report"


def load_shapes(shapes_dir: Path) -> Graph:
    """The shapes the published data conforms to: every Turtle file in ``shapes/``."""
    graph = Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def load_report_shapes(shapes_dir: Path) -> Graph:
    """The shapes of the build report's checks: every Turtle file in ``shapes/report/``."""
    return load_shapes(shapes_dir / REPORT_SHAPES)


def validate_graph(data: Graph, shapes: Graph, ontology: Graph) -> ValidationReport:
    """Validate ``data`` (which must include the concept schemes it links to)."""
    _, results, _ = validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",  # the ontology graph is mixed in, so sh:class sees subclasses
        advanced=True,
        allow_warnings=True,
    )
    findings = [
        Finding(
            severity=str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[1],
            focus=str(results.value(result, SH.focusNode)),
            path=str(results.value(result, SH.resultPath) or ""),
            message=str(results.value(result, SH.resultMessage) or ""),
        )
        for result in results.subjects(RDF.type, SH.ValidationResult)
    ]
    return ValidationReport(
        sorted(findings, key=lambda f: (f.severity, f.focus, f.path, f.message))
    )
