import pytest

from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.extract.corpus import CorpusError, load_manifest, sha256_of, verify_corpus

SOURCES = PROJECT_ROOT / "sources"


def test_manifest_lists_every_document_with_its_checksum():
    documents = load_manifest(SOURCES)
    files = sorted(p.name for p in SOURCES.glob("*.txt"))
    assert sorted(documents) == files
    for doc in documents.values():
        assert doc.sha256 == sha256_of(SOURCES / doc.id)
        assert doc.licence or doc.licence_note  # stated, or said to be unstated
        assert doc.issued or doc.issued_note


def test_manifest_records_dates_and_terms_as_stated():
    documents = load_manifest(SOURCES)
    assert documents["001_b7b77d4349d817ea.txt"].issued == "2024-04-24"
    assert documents["003_e1df6aa27dfcbdad.txt"].issued == "2020-10"
    assert documents["003_e1df6aa27dfcbdad.txt"].licence is None
    assert documents["004_c2a073d2dcf91690.txt"].licence == "政府標準利用規約（第2.0版）"


def test_modified_document_is_refused_by_name(corpus_copy):
    target = corpus_copy.sources / "003_e1df6aa27dfcbdad.txt"
    target.write_bytes(target.read_bytes() + b"\n")
    with pytest.raises(CorpusError, match="003_e1df6aa27dfcbdad.txt: modified source document"):
        verify_corpus(corpus_copy.sources)


def test_missing_document_is_refused_by_name(corpus_copy):
    (corpus_copy.sources / "004_c2a073d2dcf91690.txt").unlink()
    with pytest.raises(CorpusError, match="004_c2a073d2dcf91690.txt: missing source document"):
        verify_corpus(corpus_copy.sources)
