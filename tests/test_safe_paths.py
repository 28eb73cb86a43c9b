"""Where commands read and write: the project, the release and the work folder, and
nothing else; a folder dxkg did not make is never emptied or replaced."""

from __future__ import annotations

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


def test_a_work_folder_of_the_earlier_layout_is_adopted(tmp_path):
    work = tmp_path / "work"
    paths = Paths(root=tmp_path / "project", dist=tmp_path / "dist", work=work)
    (work / "map").mkdir(parents=True)
    (work / "map" / "links.nt").write_text("")
    (work / "link").mkdir()
    (work / "link" / "survey.json").write_text("{}")
    with work_folder(paths):
        assert [p.name for p in work.iterdir()] == [MARKER]
    (work / MARKER).unlink()
    (work / "map").mkdir()
    (work / "map" / "thesis.docx").write_text("")  # not what a build writes: refused
    with pytest.raises(WorkFolderError), work_folder(paths):
        pass
    assert (work / "map" / "thesis.docx").is_file()


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
    assert [p.name for p in work.iterdir()] == ["thesis.tex"]


# -- the release folder -------------------------------------------------------------------


def test_a_folder_that_is_no_release_is_never_replaced(corpus_copy):
    (corpus_copy.dist / "photos").mkdir(parents=True)
    with pytest.raises(BuildError, match="holds no release"):
        run_build(corpus_copy, echo=lambda _: None)
    assert [p.name for p in corpus_copy.dist.iterdir()] == ["photos"]
    assert not releases.releases_dir(corpus_copy.dist).exists()


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


def test_publish_is_an_alias_of_load():
    listing = CliRunner().invoke(main, ["--help"]).output
    assert "load " in listing and "publish   Alias of `dxkg load`." in listing
    alias = CliRunner().invoke(main, ["publish", "--help"]).output
    assert "Alias of `dxkg load`." in alias and "--dry-run" in alias
