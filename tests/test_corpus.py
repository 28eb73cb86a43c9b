import re
from pathlib import Path

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


# -- manifest entries refused up front, naming the entry and the key ------------------------

NEW = "005_0123456789abcdef.txt"
ENTRY = """
[documents."{name}"]
short_id = "v5-ch1"
kind = "case-collection"
edition_number = {edition_number}
cases = {{ "{chapter}" = 13 }}
profile = "cases-v4-chapter"
title = "t"
title_en = "t"
publisher = "総務省"
publisher_en = "MIC"
edition = "{edition}"
issued = {issued}
sha256 = "{sha256}"
"""


def with_entry(tmp_path: Path, **changes: str) -> dict:
    """The real manifest plus one case-collection entry (5.0, chapter 1), read back;
    ``changes`` replaces the entry's fields (TOML values, so strings are quoted)."""
    fields = {
        "name": NEW,
        "edition_number": '"5.0"',
        "chapter": "1",
        "edition": "第5.0版",
        "issued": '"2026-04-01"',
        "sha256": "a" * 64,
        **changes,
    }
    text = (SOURCES / "manifest.toml").read_text("utf-8") + ENTRY.format(**fields)
    (tmp_path / "manifest.toml").write_text(text, "utf-8")
    return load_manifest(tmp_path)


def refused(tmp_path: Path, message: str, name: str = NEW, **changes: str) -> None:
    """The entry with ``changes`` is refused with ``message``, naming the entry."""
    with pytest.raises(CorpusError, match=re.escape(f'[documents."{name}"] {message}')):
        with_entry(tmp_path, name=name, **changes)


def test_a_well_formed_entry_is_read(tmp_path):
    assert with_entry(tmp_path)[NEW].issued == "2026-04-01"


def test_two_documents_with_one_chapter_of_one_edition_are_refused(tmp_path):
    chapter_one = "002_c9aae381e02ff410.txt"
    message = f'cases: chapter 1 of edition "4.0" is also in [documents."{chapter_one}"]'
    refused(tmp_path, message, edition_number='"4.0"', edition="第4.0版", issued='"2026"')


@pytest.mark.parametrize("name", ["005 new.txt", "005_0123456789ABCDEF.txt", "5_ab.txt"])
def test_a_file_name_not_in_the_corpus_naming_is_refused(tmp_path, name):
    refused(tmp_path, f'id: "{name}" is not named as the corpus names documents', name=name)


@pytest.mark.parametrize("issued", ['"April 2026"', '"2026-4-1"', '"2026-02-30"', '"2026-13"'])
def test_an_issue_date_not_in_iso_form_is_refused(tmp_path, issued):
    refused(tmp_path, f"issued: {issued} is not an ISO date", issued=issued)


def test_an_unquoted_toml_date_is_read_as_its_iso_text(tmp_path):
    assert with_entry(tmp_path, issued="2026-04-01")[NEW].issued == "2026-04-01"
    refused(tmp_path, "issued: 2026-04-01 09:00:00 is not a date", issued="2026-04-01T09:00:00")


def test_an_edition_number_as_a_toml_number_says_to_quote_it(tmp_path):
    refused(
        tmp_path,
        'edition_number: a number in TOML; write it as a string, "5.0"',
        edition_number="5.0",
    )


def test_an_edition_number_not_major_dot_minor_says_the_form(tmp_path):
    message = 'edition_number: "05.0" is not major.minor without leading zeros (e.g. "5.0"'
    refused(tmp_path, message, edition_number='"05.0"')


def test_a_whole_edition_may_be_printed_without_its_minor(tmp_path):
    assert with_entry(tmp_path, edition="第5版")[NEW].edition == "第5版"
    refused(
        tmp_path,
        'edition = "第5.1版" is not edition_number = "5.0" (expected "第5.0版" or "第5版")',
        edition="第5.1版",
    )


def test_a_missing_profile_lists_the_known_ones(tmp_path):
    manifest = tmp_path / "manifest.toml"
    with_entry(tmp_path)
    text = manifest.read_text("utf-8").rsplit('profile = "cases-v4-chapter"\n', 1)
    manifest.write_text("".join(text), "utf-8")
    message = "profile: missing; known profiles are case-collection: cases-v2, "
    with pytest.raises(CorpusError, match=re.escape(f'[documents."{NEW}"] {message}')):
        load_manifest(tmp_path)


def test_an_upper_case_checksum_says_lower_case(tmp_path):
    refused(tmp_path, "sha256: write the SHA-256 in lower-case hex", sha256="A" * 64)


def test_a_placeholder_checksum_says_what_to_put(tmp_path):
    placeholder = "<the checksum of step 2>"
    refused(
        tmp_path, f'sha256: "{placeholder}" is not a SHA-256 (64 hex digits)', sha256=placeholder
    )
