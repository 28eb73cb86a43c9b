"""Where commands read and write: the project, the release and the work folder, and
nothing else; a folder dxkg did not make is never emptied or replaced."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from dxkg import config
from dxkg.cli import main
from dxkg.config import Paths, ProjectError, project_paths
from dxkg.pipeline.pipeline import BuildError, run_build
from dxkg.pipeline.publish import releases
from dxkg.pipeline.workdir import MARKER, WorkFolderError, work_folder


@pytest.fixture(autouse=True)
def no_environment(monkeypatch):
    """No $DXKG_PROJECT or $DXKG_DIST from the caller's shell."""
    monkeypatch.delenv("DXKG_PROJECT", raising=False)
    monkeypatch.delenv("DXKG_DIST", raising=False)


@pytest.fixture()
def packaged(tmp_path, monkeypatch) -> Path:
    """A project standing for an installed package's own, the default one."""
    project = tmp_path / "site-packages" / "dxkg" / "project"
    (project / "sources").mkdir(parents=True)
    monkeypatch.setattr(config, "PACKAGED_PROJECT", project)
    monkeypatch.setattr(config, "PROJECT_ROOT", project)
    return project


def tree(folder: Path) -> dict[str, bytes | str | None]:
    """Everything under ``folder``: each file's bytes, each symlink's target, each
    folder (None), by path relative to ``folder``."""
    found: dict[str, bytes | str | None] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = os.readlink(path)
        else:
            found[name] = path.read_bytes() if path.is_file() else None
    return found


def publish_fake(dist: Path, content: str) -> Path:
    """A fake release (a checksum file saying ``content``) published at ``dist``."""
    with releases.staging_folder(dist) as staging:
        (staging / "SHA256SUMS").write_text(content)
        return releases.publish(staging, dist)


def marked_work(paths: Paths) -> Path:
    """The work folder of ``paths`` after one build used it, a record left in it."""
    with work_folder(paths) as work:
        (work / "extract").mkdir()
        (work / "extract" / "survey.json").write_text("{}")
    return work


# -- project, release and work folders ------------------------------------------------------


def test_a_checkout_builds_into_its_own_dist_and_work():
    paths = project_paths()
    assert paths.root == config.PROJECT_ROOT
    assert (paths.dist, paths.work) == (paths.root / "dist", paths.root / "work")


def test_a_named_project_holds_its_dist_and_work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine").mkdir()
    paths = project_paths(Path("mine"))
    assert paths.root == tmp_path / "mine"
    assert (paths.dist, paths.work) == (tmp_path / "mine" / "dist", tmp_path / "mine" / "work")


def test_the_environment_names_the_project_and_the_release(tmp_path, monkeypatch):
    monkeypatch.setenv("DXKG_PROJECT", str(tmp_path))
    monkeypatch.setenv("DXKG_DIST", str(tmp_path / "releases" / "dist"))
    paths = project_paths()
    assert (paths.root, paths.dist) == (tmp_path, tmp_path / "releases" / "dist")
    assert project_paths(dist=tmp_path / "other").dist == tmp_path / "other"


def test_dist_keeps_its_symlink(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "release").mkdir()
    (tmp_path / "dist").symlink_to("release")
    assert project_paths(tmp_path, Path("dist")).dist == tmp_path / "dist"


def test_a_read_only_project_needs_a_named_release(packaged, tmp_path):
    with pytest.raises(ProjectError, match="read-only.*--dist or \\$DXKG_DIST"):
        project_paths()
    paths = project_paths(dist=tmp_path / "dist")
    assert paths.root == packaged and paths.work is None  # a temporary one
    assert project_paths(dist=tmp_path / "dist", work=tmp_path / "w").work == tmp_path / "w"


def test_commands_say_when_the_release_must_be_named(packaged):
    for command in (["serve"], ["stats"], ["build"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2, result.output
        assert "read-only: name the release folder with --dist" in result.output


# -- the work folder ----------------------------------------------------------------------


def test_a_work_folder_is_made_marked_and_emptied(tmp_path):
    paths = Paths(root=tmp_path / "project", dist=tmp_path / "dist", work=tmp_path / "w")
    work = marked_work(paths)
    assert (work / MARKER).is_file() and (work / "extract" / "survey.json").is_file()
    with work_folder(paths) as again:
        assert again == work and [p.name for p in work.iterdir()] == [MARKER]


def test_a_folder_dxkg_did_not_make_is_not_emptied(tmp_path):
    home = tmp_path / "home"
    (home / "notes").mkdir(parents=True)
    (home / "notes" / "todo.txt").write_text("mine")
    paths = Paths(root=tmp_path / "project", dist=tmp_path / "dist", work=home)
    with (
        pytest.raises(WorkFolderError, match="not empty and has no .dxkg-work"),
        work_folder(paths),
    ):
        pass
    assert [p.name for p in home.iterdir()] == ["notes"]
    assert (home / "notes" / "todo.txt").read_text() == "mine"


@pytest.mark.parametrize("where", ["work", "mine"])
def test_an_unmarked_folder_of_stage_records_is_not_emptied(tmp_path, where):
    """Records named as a build names them, or not, in the default work folder or
    another: without the marker, nothing is deleted (an old work/ is deleted by hand)."""
    project = tmp_path / "project"
    work = project / where
    (work / "map").mkdir(parents=True)
    (work / "map" / "my-hand-made-graph.nt").write_text("<a> <b> <c> .\n")
    (work / "extract").mkdir()
    (work / "extract" / "notes.json").write_text("{}")
    (work / "link").mkdir()
    (work / "link" / "survey.json").write_text("{}")
    before = tree(tmp_path)
    paths = Paths(root=project, dist=project / "dist", work=work)
    with pytest.raises(WorkFolderError, match="delete that once by hand"), work_folder(paths):
        pass
    assert tree(tmp_path) == before


@pytest.mark.parametrize(
    "work",
    [".", "sources", "sources/cache", "dist", "dist.releases", "dist/work", "..", "shapes"],
)
def test_a_work_folder_overlapping_the_release_or_inputs_is_refused(tmp_path, work):
    root = tmp_path / "project"
    (root / "sources").mkdir(parents=True)
    paths = Paths(root=root, dist=root / "dist", work=root / work)
    with pytest.raises(WorkFolderError, match="overlaps"), work_folder(paths):
        pass
    assert sorted(p.name for p in root.iterdir()) == ["sources"]


def test_one_build_at_a_time_in_a_work_folder(tmp_path):
    paths = Paths(root=tmp_path / "project", dist=tmp_path / "dist", work=tmp_path / "w")
    with work_folder(paths) as work:
        (work / "record.json").write_text("{}")
        with pytest.raises(WorkFolderError, match="another build"), work_folder(paths):
            pass
        assert (work / "record.json").is_file()


def test_without_a_work_folder_a_temporary_one_is_removed(tmp_path):
    with work_folder(Paths(root=tmp_path, dist=tmp_path / "dist")) as work:
        assert work.is_dir() and not work.is_relative_to(tmp_path)
    assert not work.exists()


def test_the_build_command_refuses_a_foreign_work_folder(corpus_copy, tmp_path):
    work = tmp_path / "home"
    work.mkdir()
    (work / "thesis.tex").write_text("mine")
    command = ["build", "--project", str(corpus_copy.root), "--work", str(work)]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1
    assert "dxkg empties only a work folder it made" in result.output
    assert "No release was published." in result.output  # there was none
    assert "left unchanged" not in result.output
    assert [p.name for p in work.iterdir()] == ["thesis.tex"]


def test_sigterm_removes_the_temporary_work_folder(corpus_copy, tmp_path):
    """A build of a read-only project (as installed) killed with SIGTERM removes its
    temporary work folder, and its staging folder."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    script = (
        "import sys; from pathlib import Path; from dxkg import config; "
        "config.PACKAGED_PROJECT = Path(sys.argv[1]).resolve(); "
        "from dxkg.cli import main; main(sys.argv[2:])"
    )
    dist = tmp_path / "out" / "dist"
    command = [sys.executable, "-u", "-c", script, str(corpus_copy.root)]
    command += ["build", "--project", str(corpus_copy.root), "--dist", str(dist)]
    environment = {**os.environ, "TMPDIR": str(temporary)}
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=environment) as build:
        assert build.stdout is not None
        first = build.stdout.readline()
        assert first.startswith("[1/"), first
        assert list(temporary.glob("dxkg-work-*")), "the build made no temporary work folder"
        build.send_signal(signal.SIGTERM)
        build.stdout.read()
        assert build.wait(timeout=60) == 128 + signal.SIGTERM
    assert not list(temporary.glob("dxkg-work-*"))
    assert not dist.exists() and not list(dist.parent.glob("dist.releases/.staging-*"))


# -- the release folder -------------------------------------------------------------------


def test_a_folder_that_is_no_release_is_never_replaced(corpus_copy):
    (corpus_copy.dist / "photos").mkdir(parents=True)
    with pytest.raises(BuildError, match="holds no release"):
        run_build(corpus_copy, echo=lambda _: None)
    assert [p.name for p in corpus_copy.dist.iterdir()] == ["photos"]
    assert not releases.releases_dir(corpus_copy.dist).exists()


def test_folders_beside_dist_are_never_pruned(tmp_path):
    """Folders named as the earlier layout's leftovers may be anyone's: left alone."""
    for name in ("bk2.previous", "bk2.staging-notes"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "notes.txt").write_text("mine")
    before = tree(tmp_path)
    dist = tmp_path / "bk2"
    for n in range(releases.KEEP + 2):
        publish_fake(dist, f"release {n}\n")
    after = tree(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("bk2")} == {}
    assert {k: after[k] for k in before} == before


def test_a_folder_with_a_checksum_file_is_not_taken_for_a_release(corpus_copy, tmp_path):
    isos = tmp_path / "isos"
    isos.mkdir()
    (isos / "SHA256SUMS").write_text(f"{'0' * 64}  ubuntu.iso\n")
    (isos / "ubuntu.iso").write_bytes(b"an image")
    before = tree(tmp_path)
    with pytest.raises(BuildError, match="holds no release"):
        run_build(replace(corpus_copy, dist=isos), echo=lambda _: None)
    with pytest.raises(releases.NotARelease):
        releases.adopt(isos)
    assert tree(tmp_path) == before


def test_a_release_with_a_file_it_does_not_list_is_not_adopted(release, tmp_path):
    paths, _ = release
    dist = tmp_path / "dist"
    shutil.copytree(paths.dist.resolve(), dist)
    assert releases.is_release(dist)
    (dist / "network" / "mine.txt").write_text("not the build's")
    before = tree(tmp_path)
    with pytest.raises(releases.NotARelease, match="holds no release"):
        releases.adopt(dist)
    assert tree(tmp_path) == before
    (dist / "network" / "mine.txt").unlink()
    releases.releases_dir(dist).mkdir()
    releases.adopt(dist)  # a release of the earlier layout: moved beside, not deleted
    (adopted,) = releases.releases_dir(dist).iterdir()
    assert tree(adopted) == tree(paths.dist.resolve())


def test_a_releases_path_that_is_a_file_is_refused_before_the_first_stage(corpus_copy):
    corpus_copy.root.joinpath("dist.releases").write_text("mine")
    before = tree(corpus_copy.root)
    said: list[str] = []
    with pytest.raises(BuildError, match="dist.releases is not a folder"):
        run_build(corpus_copy, echo=said.append)
    assert said == [] and tree(corpus_copy.root) == before


def test_a_symlink_to_another_folder_is_not_replaced(corpus_copy, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "notes.txt").write_text("mine")
    corpus_copy.dist.symlink_to(elsewhere)
    before = tree(tmp_path)
    with pytest.raises(BuildError, match="is a symlink to .*elsewhere"):
        run_build(corpus_copy, echo=lambda _: None)
    assert tree(tmp_path) == before


def test_a_symlink_into_its_releases_folder_is_replaced(tmp_path):
    dist = tmp_path / "dist"
    first = publish_fake(dist, "first\n")
    releases.check_replaceable(dist)
    assert publish_fake(dist, "second\n") != first and dist.resolve().parent == first.parent


def test_a_file_is_no_release_and_an_empty_folder_makes_way(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(releases.NotARelease, match="is a file"):
        releases.check_replaceable(tmp_path / "notes.txt")
    dist = tmp_path / "dist"
    dist.mkdir()
    releases.adopt(dist)
    assert not dist.exists()


# -- the commands' outputs ------------------------------------------------------------------


def test_network_writes_only_where_it_is_told():
    result = CliRunner().invoke(main, ["network", "--dist", "dist"])
    assert result.exit_code == 2 and "Missing option '--out'" in result.output


@pytest.mark.parametrize("out", ["dist/network", "dist", "dist.releases/mine", "sources/net"])
def test_network_never_writes_into_a_release_or_an_input(release, tmp_path, monkeypatch, out):
    paths, _ = release
    project = tmp_path / "project"
    shutil.copytree(paths.dist.parent, project, symlinks=True)
    (project / "sources").mkdir()
    monkeypatch.setenv("DXKG_PROJECT", str(project))
    before = tree(project)
    command = ["network", "--dist", str(project / "dist"), "--out", str(project / out)]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 2, result.output
    assert "never writes into a release" in result.output
    assert tree(project) == before


def test_network_counts_the_files_it_wrote(release, tmp_path):
    paths, _ = release
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("mine")
    command = ["network", "--dist", str(paths.dist), "--out", str(out)]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    written = len(list(out.iterdir())) - 1
    assert f"wrote {written} files into {out}" in result.output
    assert (out / "mine.txt").read_text() == "mine"


def test_publish_is_an_alias_of_load():
    listing = CliRunner().invoke(main, ["--help"]).output
    assert "load " in listing and "publish   Alias of `dxkg load`." in listing
    alias = CliRunner().invoke(main, ["publish", "--help"]).output
    assert "Alias of `dxkg load`." in alias and "--dry-run" in alias
