"""Organisations the cases name: vendors and partners, and the departments of governments.

Vendors are merged by :mod:`vendors` (mechanical normalisation plus the curated
alias table); this module turns its index into graph nodes and answers, for a
case's provider or participant string, the IRI it refers to. Departments are
merged per government by their name without the government's own name in front
(「愛媛県デジタルシフト推進課」 and 「デジタルシフト推進課」 of 愛媛県 meet).
"""

from __future__ import annotations

from dxkg.pipeline import iris
from dxkg.pipeline.link.government_codes import name_key
from dxkg.pipeline.link.governments import GovernmentRegistry
from dxkg.pipeline.link.records import DepartmentNode, OrganisationNode
from dxkg.pipeline.link.vendors import Organisation, VendorIndex

_CLASSES = {
    "company": "Vendor",
    "association": "PartnerOrganization",
    "public-body": "PartnerOrganization",
}


class OrganisationDirectory:
    """Which node a provider or participant string of a case refers to."""

    def __init__(self, index: VendorIndex, governments: GovernmentRegistry) -> None:
        self.index = index
        self.nodes: list[OrganisationNode] = []
        self._by_mention: dict[tuple[str, str, str], str] = {}
        keys = {organisation.key for organisation in index.organisations}
        for organisation in sorted(index.organisations, key=lambda o: o.key):
            target = self._government(organisation, governments)
            if target is None:
                target = iris.organisation(organisation.key)
                self.nodes.append(self._node(organisation, keys))
            for mention in organisation.cases:
                self._by_mention[(mention.case, mention.role, mention.text)] = target

    def refers_to(self, case: str, role: str, text: str) -> str | None:
        """The IRI a case's provider/participant string names; None for generic text."""
        return self._by_mention.get((case, role, text))

    @staticmethod
    def _government(organisation: Organisation, governments: GovernmentRegistry) -> str | None:
        """A public body that is a local government (茨城県 providing its own case)."""
        if organisation.kind != "public-body":
            return None
        government = governments.table.resolve(organisation.label).government
        return governments.refer(government) if government else None

    @staticmethod
    def _node(organisation: Organisation, keys: set[str]) -> OrganisationNode:
        """The node; a probable typo names the right spelling, and links it when the corpus
        names that organisation too (トヨクモ), rather than inventing a node for it."""
        typo = next((flag for flag in organisation.flags if flag.kind == "probable-typo"), None)
        return OrganisationNode(
            id=iris.organisation(organisation.key),
            type=_CLASSES[organisation.kind],
            label=organisation.label,
            alt_labels=sorted(set(organisation.alt_labels) - {organisation.label}),
            suspected_typo_of=iris.organisation(typo.of_key)
            if typo and typo.of_key in keys
            else None,
            suspected_correct_name=typo.of if typo else None,
        )


class DepartmentDirectory:
    """Departments merged per government by name."""

    def __init__(self) -> None:
        self.nodes: dict[str, DepartmentNode] = {}

    def department(self, name: str, government: str, government_names: list[str]) -> str:
        """The IRI of the department ``name`` of ``government`` (an IRI); created on first use."""
        key = name_key(name)
        for prefix in sorted((name_key(n) for n in government_names), key=len, reverse=True):
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key.removeprefix(prefix)
                break
        code = government.rsplit("/", 1)[1]
        node_id = iris.department(code, key)
        self.nodes.setdefault(node_id, DepartmentNode(id=node_id, label=name, unit_of=government))
        return node_id
