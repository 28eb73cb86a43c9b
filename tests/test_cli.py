"""The `dxkg` command line."""

import subprocess
import sys

import pytest
from click.testing import CliRunner

from dxkg.cli import main


@pytest.mark.parametrize("command", [[], ["build"], ["validate"], ["serve"], ["stats"]])
def test_help_for_every_command(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_module_entry_point():
    out = subprocess.run(
        [sys.executable, "-m", "dxkg", "--help"], check=False, capture_output=True, text=True
    )
    assert out.returncode == 0 and "build" in out.stdout


@pytest.mark.e2e
def test_stats_and_validate_on_the_release(release):
    paths, _ = release
    stats = CliRunner().invoke(main, ["stats", "--dist", str(paths.dist)])
    assert stats.exit_code == 0, stats.output
    assert "https://dxkg.example.org/ontology#Initiative" in stats.output
    assert "448" in stats.output
    validate = CliRunner().invoke(main, ["validate", "--dist", str(paths.dist)])
    assert validate.exit_code == 0, validate.output
    assert "Violation" not in validate.output


@pytest.mark.e2e
def test_build_failure_exits_non_zero_with_message(corpus_copy):
    (corpus_copy.sources / "000_f71cf45c154df823.txt").unlink()
    result = CliRunner().invoke(main, ["build", "--project", str(corpus_copy.root)])
    assert result.exit_code == 1
    assert "missing source document" in result.output
    assert "No release was published." in result.output  # no dist/ to leave unchanged


def test_serve_without_release_explains(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--dist", str(tmp_path / "nothing")])
    assert result.exit_code != 0
    assert "run `dxkg build` first" in result.output
