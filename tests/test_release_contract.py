"""The release contract (``dxkg/release.py``): the typed files read back byte for byte, the
checksum reader, and ``Release.open`` on folders that hold no release, or only part of one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dxkg.cli import main
from dxkg.config import PROJECT_ROOT
from dxkg.pipeline.link.records import TaggingEvaluation
from dxkg.pipeline.publish.examples import write_example_queries
from dxkg.release import (
    CHECKSUMS,
    EXAMPLE_QUERIES,
    NETWORK_SUMMARY,
    NQUADS,
    REPORT_JSON,
    AnomalySummary,
    BuildReport,
    ChecksSummary,
    EditionLinking,
    GovernmentLinking,
    Licence,
    LinkingSummary,
    NetworkSummary,
    OrganisationLinking,
    Release,
    ReleaseError,
    ShaclSummary,
    SurveySummary,
    TechnologyLinking,
    graph_spans,
    read_checksums,
)

DIGEST = "0" * 64


def minimal_report(base_iri: str) -> BuildReport:
    """A build report with nothing to report, for the small releases tests write by hand."""
    evaluation = TaggingEvaluation(
        records=0,
        tags_found=0,
        correct=0,
        wrong=0,
        missed=0,
        precision=0.0,
        recall=0.0,
        disagreements={},
    )
    linking = LinkingSummary(
        governments=GovernmentLinking(resolved_names=0, unresolved_names=[], referenced_by_kind={}),
        organisations=OrganisationLinking(
            mentions=0,
            ignored=0,
            surface_forms=0,
            mechanical_keys=0,
            organisations=0,
            mechanical_merges=0,
            curated_merges=0,
            typos_flagged=0,
            nodes={},
            departments=0,
        ),
        technologies=TechnologyLinking(records_tagged=0, tags=0, evaluation=evaluation),
        editions=EditionLinking(
            linked_pairs=0,
            pairs_by_rule={},
            new_in_later_edition=[],
            earlier_without_counterpart=[],
            initiatives=0,
            changes_by_field={},
        ),
        joint_systems=[],
        guide_items={},
    )
    return BuildReport(
        sources=[],
        survey=SurveySummary(tables=[], categories=[], entities={}),
        cases=[],
        linking=linking,
        anomalies=AnomalySummary(counts={}, items=[]),
        shacl=ShaclSummary(conforms=True, counts={}),
        checks=ChecksSummary(counts={}, warnings=[], info=[]),
        triples={"total": 0},
        classes={},
        csv_rows={},
        licence=Licence(licence="", licence_name="", attribution_ja="", attribution_en=""),
        networks=[],
        release_date="2026-01-01",
        base_iri=base_iri,
    )


def small_release(folder: Path, base_iri: str = "https://example.org/") -> Path:
    """A release folder with an empty dump, a minimal report and their checksums."""
    folder.mkdir(parents=True)
    (folder / NQUADS).write_text("", "utf-8")
    (folder / REPORT_JSON).write_text(minimal_report(base_iri).to_json(), "utf-8")
    (folder / CHECKSUMS).write_text(f"{DIGEST}  {NQUADS}\n{DIGEST}  {REPORT_JSON}\n", "utf-8")
    return folder


def test_read_checksums(tmp_path):
    sums = tmp_path / CHECKSUMS
    sums.write_text(f"{'a' * 64}  dxkg.nq\n{'b' * 64}  network/a b.csv\n", "utf-8")
    assert dict(read_checksums(sums)) == {"dxkg.nq": "a" * 64, "network/a b.csv": "b" * 64}
    with pytest.raises(TypeError):
        read_checksums(sums)["x"] = "y"  # shared between requests: read-only


@pytest.mark.parametrize("line", ["release 1", f"{DIGEST} dxkg.nq", f"{DIGEST[:-1]}  dxkg.nq", ""])
def test_a_line_sha256sum_would_not_read_is_an_error(tmp_path, line):
    sums = tmp_path / CHECKSUMS
    sums.write_text(f"{DIGEST}  dxkg.nq\n{line}\n", "utf-8")
    with pytest.raises(ReleaseError, match="line 2"):
        read_checksums(sums)


def test_open_a_small_release(tmp_path):
    release = Release.open(small_release(tmp_path / "dist"))
    assert release.folder == (tmp_path / "dist").resolve()
    assert release.report == minimal_report("https://example.org/")
    assert release.publishes(NQUADS) and not release.publishes(NETWORK_SUMMARY)
    # What a release from before the networks and the examples lacks is none, not an error.
    assert release.network_summary is None and release.network_drawing is None
    assert release.network_measures == {} and release.example_queries == ()


def test_open_resolves_the_symlink_once(tmp_path):
    first = small_release(tmp_path / "releases" / "first")
    (tmp_path / "dist").symlink_to(first)
    release = Release.open(tmp_path / "dist")
    (tmp_path / "dist").unlink()
    (tmp_path / "dist").symlink_to(small_release(tmp_path / "releases" / "second"))
    assert release.folder == first.resolve()


def test_no_release_is_a_clear_error(tmp_path):
    with pytest.raises(ReleaseError, match="no release in .*: run `dxkg build` first"):
        Release.open(tmp_path / "nothing")


@pytest.mark.parametrize("missing", [CHECKSUMS, REPORT_JSON, NQUADS])
def test_a_partial_release_is_a_clear_error(tmp_path, missing):
    dist = small_release(tmp_path / "dist")
    (dist / missing).unlink()
    with pytest.raises(ReleaseError, match=f"no complete release in .*{missing} missing"):
        Release.open(dist)


def test_a_report_of_another_shape_is_a_clear_error(tmp_path):
    dist = small_release(tmp_path / "dist")
    (dist / REPORT_JSON).write_text('{"base_iri": "https://example.org/"}', "utf-8")
    with pytest.raises(ReleaseError, match="not a build report this dxkg reads"):
        Release.open(dist)
    (dist / REPORT_JSON).write_text("{", "utf-8")
    with pytest.raises(ReleaseError, match="not a build report this dxkg reads"):
        Release.open(dist)


@pytest.mark.parametrize("command", ["stats", "validate", "network", "serve", "publish"])
def test_commands_without_a_release_say_so_in_one_line(tmp_path, command):
    options = {"network": ["--out", str(tmp_path / "out")], "publish": ["--endpoint", "x:"]}
    result = CliRunner().invoke(
        main, [command, "--dist", str(tmp_path / "nothing"), *options.get(command, [])]
    )
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.strip().splitlines() == [
        f"Error: no release in {tmp_path / 'nothing'}: run `dxkg build` first"
    ]


def test_a_listed_file_missing_is_a_clear_error(tmp_path):
    dist = small_release(tmp_path / "dist")
    with (dist / CHECKSUMS).open("a", encoding="utf-8") as sums:
        sums.write(f"{DIGEST}  search.sqlite\n{DIGEST}  network/summary.json\n")
    with pytest.raises(ReleaseError) as raised:
        Release.open(dist)
    assert "network/summary.json, search.sqlite listed in SHA256SUMS but missing" in str(
        raised.value
    )


def test_checksums_not_in_utf8_are_a_clear_error(tmp_path):
    dist = small_release(tmp_path / "dist")
    (dist / CHECKSUMS).write_bytes(f"{DIGEST}  dxkg\xff.nq\n".encode("latin-1"))
    with pytest.raises(ReleaseError, match="not UTF-8"):
        Release.open(dist)


@pytest.mark.parametrize("command", ["stats", "validate", "network", "serve", "publish"])
def test_a_dump_that_does_not_parse_is_one_line(tmp_path, command):
    dist = small_release(tmp_path / "dist")
    (dist / NQUADS).write_text("<https://example.org/s> <https://exa", "utf-8")  # truncated
    options = {
        "network": ["--out", str(tmp_path / "out")],
        "publish": ["--endpoint", "x:", "--dry-run"],
    }
    result = CliRunner().invoke(main, [command, "--dist", str(dist), *options.get(command, [])])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"Error: {(dist / NQUADS).resolve()} does not parse as N-Quads (")
    assert "its SHA-256 is not the one SHA256SUMS lists: truncated or modified" in line


def test_graph_spans(tmp_path):
    dump = tmp_path / NQUADS
    lines = [
        b"<x:s> <x:p> <x:o> <x:g1> .\n",
        b"<x:s> <x:p> <x:o2> <x:g1> .\n",
        b'<x:s> <x:p> "a <x:g2> ." .\n',  # the default graph: taken for no graph
        b"<x:s> <x:p> <x:o> <x:g2> .\n",
        b"<x:s> <x:p> <x:o3> <x:g1> .\n",
    ]
    dump.write_bytes(b"".join(lines))
    ends = [sum(map(len, lines[: n + 1])) for n in range(len(lines))]
    assert dict(graph_spans(dump)) == {
        "x:g1": ((0, ends[1]), (ends[3], ends[4])),
        "x:g2": ((ends[2], ends[3]),),
    }


def test_example_queries_are_published_under_the_release_base_iri(tmp_path):
    examples = write_example_queries(
        PROJECT_ROOT / "ontology", tmp_path, "https://data.example.jp/dx/"
    )
    assert len(examples) >= 10
    assert "PREFIX dxkg: <https://data.example.jp/dx/ontology#>" in examples[0].query
    assert all("dxkg.example.org" not in example.query for example in examples)
    (tmp_path / CHECKSUMS).write_text(f"{DIGEST}  {EXAMPLE_QUERIES}\n", "utf-8")
    release = Release(tmp_path, read_checksums(tmp_path / CHECKSUMS), minimal_report(""))
    assert release.example_queries == tuple(examples)


@pytest.mark.e2e
def test_the_built_report_reads_back_byte_for_byte(release):
    paths, report = release
    published = (paths.dist / REPORT_JSON).read_text("utf-8")
    assert report.to_json() == published
    assert BuildReport.read(paths.dist / REPORT_JSON).to_json() == published


@pytest.mark.e2e
def test_the_built_network_summary_reads_back_byte_for_byte(release):
    paths, report = release
    published = (paths.dist / NETWORK_SUMMARY).read_text("utf-8")
    summary = NetworkSummary.read(paths.dist / NETWORK_SUMMARY)
    assert summary.to_json() == published
    assert summary.networks == report.networks


@pytest.mark.e2e
def test_the_built_release_opens_with_everything(release, tmp_path):
    paths, report = release
    opened = Release.open(paths.dist)
    assert opened.report == report
    assert set(opened.checksums) == {
        path.relative_to(paths.dist).as_posix()
        for path in paths.dist.rglob("*")
        if path.is_file() and path.name != CHECKSUMS
    }
    assert opened.network_summary is not None and opened.network_drawing is not None
    assert opened.network_measures and opened.example_queries
    # A copy without the networks' files, as a release from before them: none, not an error.
    old = tmp_path / "old"
    shutil.copytree(paths.dist, old, ignore=shutil.ignore_patterns("network"))
    sums = (old / CHECKSUMS).read_text("utf-8").splitlines(keepends=True)
    (old / CHECKSUMS).write_text("".join(x for x in sums if "  network/" not in x), "utf-8")
    assert Release.open(old).network_summary is None
