"""The extractor profiles: which extractor reads a document, by the name its manifest entry gives.

A profile is a layout: ``cases-v2`` reads any case collection printed as the 第2.0版 (001) is,
``cases-v4-chapter`` one chapter in full as 002 prints it, ``cases-v4-titles`` the per-page
running titles as 000 has them, ``survey-2020`` the 2020 prefectural survey's tables (003).
A guide has no extractor: ``hand-read`` means it was read by hand into ``ontology/schemes/``
(004 into ``dx-guide.ttl``), and the build checks every line such a scheme cites. A new
edition in a known layout needs only its manifest entry; a new layout needs an extractor
here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from dxkg.pipeline.extract.cases.v2 import extract_case_collection_v2
from dxkg.pipeline.extract.cases.v4 import extract_v4_chapter1, extract_v4_titles
from dxkg.pipeline.extract.corpus import (
    MANIFEST_NAME,
    CorpusError,
    DocumentKind,
    SourceDocument,
    of_kind,
)
from dxkg.pipeline.extract.records import CaseCollectionExtract, SurveyExtract
from dxkg.pipeline.extract.survey import extract_survey

CaseExtractor = Callable[[Path, SourceDocument], CaseCollectionExtract]

#: Case-collection profiles: the extractor of each layout.
CASE_PROFILES: dict[str, CaseExtractor] = {
    "cases-v2": extract_case_collection_v2,
    "cases-v4-chapter": extract_v4_chapter1,
    "cases-v4-titles": extract_v4_titles,
}
#: Survey profiles.
SURVEY_PROFILES: dict[str, Callable[[Path], SurveyExtract]] = {"survey-2020": extract_survey}
#: Guide profiles: read by hand, no extractor.
GUIDE_PROFILES = ("hand-read",)
PROFILES: dict[DocumentKind, Collection[str]] = {
    "case-collection": CASE_PROFILES,
    "survey": SURVEY_PROFILES,
    "guide": GUIDE_PROFILES,
}


def check_profiles(sources: Path, documents: dict[str, SourceDocument]) -> None:
    """Raise CorpusError naming every entry whose profile is unknown or reads another kind of
    document, and unless the manifest declares exactly one survey (the build reads one)."""
    problems = [
        f'[documents."{doc.id}"] profile: "{doc.profile}" is not a {doc.kind} profile; '
        f"known: {', '.join(PROFILES[doc.kind])}"
        for doc in documents.values()
        if doc.profile not in PROFILES[doc.kind]
    ]
    surveys = of_kind(documents, "survey")
    if len(surveys) != 1:
        found = ", ".join(doc.id for doc in surveys) or "none"
        problems.append(f'documents of kind = "survey": {found}; the build reads exactly one')
    if problems:
        manifest = sources / MANIFEST_NAME
        raise CorpusError(f"{manifest}: invalid manifest:\n  " + "\n  ".join(problems))


def extract_case_collection(sources: Path, document: SourceDocument) -> CaseCollectionExtract:
    """The cases of one case-collection document, read by its profile's extractor."""
    return CASE_PROFILES[document.profile](sources / document.id, document)


def extract_the_survey(sources: Path, documents: dict[str, SourceDocument]) -> SurveyExtract:
    """The survey of the corpus (:func:`check_profiles` ensures there is one)."""
    (survey,) = of_kind(documents, "survey")
    return SURVEY_PROFILES[survey.profile](sources / survey.id)
