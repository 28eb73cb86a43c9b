"""The technology scheme: labels in both languages, one concept per surface form, a hierarchy."""

from __future__ import annotations

from collections import defaultdict

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.text import match_key

CONCEPT = "https://dxkg.example.org/id/concept/technology-"


@pytest.fixture(scope="module")
def scheme() -> Graph:
    return Graph().parse(PROJECT_ROOT / "ontology" / "schemes" / "technologies.ttl")


@pytest.fixture(scope="module")
def by_label(scheme) -> dict[str, set[str]]:
    """Every ja/hidden label's match key → the concepts that carry it."""
    labels = defaultdict(set)
    for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
        for concept, label in scheme.subject_objects(prop):
            if label.language != "en":
                labels[match_key(label)].add(str(concept).removeprefix(CONCEPT))
    return labels


def test_no_surface_form_names_two_technologies(by_label):
    assert {key: c for key, c in by_label.items() if len(c) > 1} == {}


@pytest.mark.parametrize(
    ("printed", "technology"),
    [
        ("A I", "ai"),
        ("ＡＩ", "ai"),
        ("AI・OCR", "ai-ocr"),
        ("AI-OCR", "ai-ocr"),
        ("生成AI", "generative-ai"),
        ("ChatGPT", "generative-ai"),
        ("WinActor", "rpa"),
        ("UiPath", "rpa"),
        ("UAV", "drone"),
        ("ローコード・ノーコードツール", "low-code"),
        ("kintone", "low-code"),
        ("電子決裁", "electronic-approval"),
        ("LINE公式アカウント", "line"),
        ("ArcGIS", "gis"),
        ("メタバース", "metaverse"),
        ("Web会議", "web-conferencing"),
        ("LINE WORKS", "business-chat"),
        ("在宅勤務", "telework"),
        ("BI ツール", "dashboard"),
        ("マイナンバーカード", "my-number-card"),
        ("電子マネー", "cashless-payment"),
        ("タブレット端末", "tablet"),
        ("R P A", "rpa"),
        ("デスクトップ型RPA", "rpa"),
        ("A I - O C R", "ai-ocr"),
        ("テープ起こし", "speech-recognition"),
        ("自動翻訳", "machine-translation"),
        ("AIカメラ", "ai-camera"),
        ("エクセルのマクロ", "spreadsheet-macro"),
        ("Lアラート", "disaster-information"),
        ("QRコード", "qr-code"),
        ("AIオンデマンドバス", "maas"),
    ],
)
def test_surface_forms_of_the_notes_resolve(by_label, printed, technology):
    assert by_label[match_key(printed)] == {technology}


def test_hierarchy(scheme):
    broader = {
        str(c).removeprefix(CONCEPT): {
            str(b).removeprefix(CONCEPT) for b in scheme.objects(c, SKOS.broader)
        }
        for c in scheme.subjects(SKOS.inScheme, None)
    }
    assert broader["ai-ocr"] == {"ai", "ocr"}
    assert broader["generative-ai"] == {"ai"}
    assert broader["line"] == {"messaging-app"}
    # narrower is the inverse of broader, and every concept reaches a top concept
    for concept, parents in broader.items():
        for parent in parents:
            assert (URIRef(CONCEPT + parent), SKOS.narrower, URIRef(CONCEPT + concept)) in scheme
    assert all(parents <= set(broader) for parents in broader.values())
