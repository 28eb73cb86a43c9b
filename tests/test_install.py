"""``pip install .``, not editable, into a clean virtual environment: the installed
``dxkg`` builds the project it carries as package data and serves the release, its pages
rendered from the templates and files installed with it, and nothing is read from or
written into the checkout, nor beside ``--dist``, but what the options name.

The environment is made with ``python -m venv`` (no system site packages) and dxkg is
installed from the checkout with its dependencies pinned by ``requirements.lock``, from
the package index pip is configured with, as ``scripts/setup-venv`` installs them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from dxkg.config import PROJECT_ROOT
from servers import OXIGRAPH, free_port, running

pytestmark = pytest.mark.e2e

CHECKOUT = PROJECT_ROOT
#: What the installed package must hold besides modules: the default project, the pages'
#: templates and files.
PACKAGE_DATA = [
    "project/sources/manifest.toml",
    "project/sources/003_e1df6aa27dfcbdad.txt",
    "project/ontology/dxkg.ttl",
    "project/ontology/schemes/dx-guide.ttl",
    "project/mappings/catalogue.toml",
    "project/mappings/reference/municipalities.csv",
    "project/shapes/dxkg.shapes.ttl",
    "project/shapes/report/report.shapes.ttl",
    "web/templates/layout.html",
    "web/static/style.css",
]
#: The browser libraries scripts/vendor-assets vendors (and their licences, not its
#: hidden stamp): in the package when vendored.
VENDORED = sorted(
    "web/" + path.relative_to(CHECKOUT / "server").as_posix()
    for path in (CHECKOUT / "server" / "static" / "vendor").glob("[!.]*")
)


@dataclass
class Installed:
    """dxkg installed in a fresh virtual environment, and a folder to run it from."""

    venv: Path
    home: Path
    environment: dict[str, str]

    @property
    def package(self) -> Path:
        """The installed ``dxkg`` package folder, in the environment's site-packages."""
        python = f"python{sys.version_info.major}.{sys.version_info.minor}"
        return self.venv / "lib" / python / "site-packages" / "dxkg"

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run a program of the environment from ``home``; its output as text."""
        program = str(self.venv / "bin" / command[0])
        return subprocess.run(
            [program, *command[1:]],
            cwd=self.home,
            env=self.environment,
            capture_output=True,
            text=True,
            check=check,
        )


def clean_environment(venv: Path) -> dict[str, str]:
    """The caller's environment without what would point at the checkout or its venv."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DXKG_") and name not in {"PYTHONPATH", "VIRTUAL_ENV"}
    }
    environment["PATH"] = f"{venv / 'bin'}{os.pathsep}{environment.get('PATH', '')}"
    return environment


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Iterator[Installed]:
    """``python -m venv`` and ``pip install <checkout>`` (not editable), run elsewhere."""
    folder = tmp_path_factory.mktemp("install")
    venv, home = folder / "venv", folder / "home"
    home.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    target = Installed(venv, home, clean_environment(venv))
    lock = str(CHECKOUT / "requirements.lock")
    pip = ["python", "-m", "pip", "install", "--quiet", "--constraint", lock, str(CHECKOUT)]
    install = target.run(*pip, check=False)
    assert install.returncode == 0, install.stderr
    yield target


@pytest.fixture(scope="module")
def built(installed) -> Path:
    """The packaged project built with the installed ``dxkg`` into ``home/dist``, a
    folder ``home/work`` of the user's beside it; the release."""
    (installed.home / "work").mkdir()
    (installed.home / "work" / "notes.txt").write_text("the user's, not dxkg's\n")
    before = package_files(installed.package)
    result = installed.run("dxkg", "build", "--dist", "dist", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert package_files(installed.package) == before, "the build wrote into the package"
    return installed.home / "dist"


def package_files(package: Path) -> list[str]:
    """The files of the installed package but Python's byte-code caches."""
    return sorted(
        path.relative_to(package).as_posix()
        for path in package.rglob("*")
        if "__pycache__" not in path.parts
    )


def test_the_package_and_its_data_are_installed_not_linked(installed):
    code = "import dxkg.config, dxkg.web; print(dxkg.web.__file__, dxkg.config.PROJECT_ROOT)"
    located = installed.run("python", "-c", code).stdout.split()
    package = installed.package
    assert located == [str(package / "web" / "__init__.py"), str(package / "project")]
    missing = [name for name in [*PACKAGE_DATA, *VENDORED] if not (package / name).is_file()]
    assert not missing, f"not installed: {missing}"


def test_installing_leaves_no_build_folder_in_the_pipeline(installed):
    assert not (CHECKOUT / "build" / "lib").exists()
    assert not list((CHECKOUT / "build").glob("bdist.*"))


def test_the_read_only_project_needs_a_named_release(installed):
    result = installed.run("dxkg", "build", check=False)
    assert result.returncode == 2
    assert "read-only: name the release folder with --dist or $DXKG_DIST" in result.stderr


def test_the_installed_package_builds_only_where_it_is_told(installed, built):
    assert (built / "dxkg.nq").is_file() and built.is_symlink()
    assert sorted(p.name for p in installed.home.iterdir()) == ["dist", "dist.releases", "work"]
    assert [p.name for p in (installed.home / "work").iterdir()] == ["notes.txt"]
    stats = installed.run("dxkg", "stats", "--dist", "dist")
    assert "https://dxkg.example.org/ontology#Initiative" in stats.stdout


def test_the_installed_server_answers_its_pages(installed, built):
    port = free_port()
    command = [str(installed.venv / "bin" / "dxkg"), "serve", "--dist", str(built)]
    command += ["--port", str(port), "--workers", "1"]
    base = f"http://127.0.0.1:{port}"
    with running(command, base + "/"):
        pages = ["/", "/class/CaseStudy", "/sparql?query=ASK%7B%7D", "/ontology", "/map"]
        pages += ["/page/id/municipality/152021", "/search?q=RPA", "/favicon.ico"]
        pages += ["/static/style.css", *(f"/{name.removeprefix('web/')}" for name in VENDORED)]
        for page in pages:
            answer = requests.get(base + page, timeout=30)
            assert answer.status_code == 200, (page, answer.text[:500])
        assert "<html" in requests.get(base + "/class/CaseStudy", timeout=30).text


def test_the_installed_loader_plans_without_the_test_extras(installed, built):
    assert installed.run("python", "-m", "pip", "show", "SPARQLWrapper", check=False).returncode
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    store = [str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{port}"]
    with running(store, base + "/query?query=ASK%7B%7D"):
        load = ["dxkg", "load", "--dist", str(built), "--endpoint", base + "/store", "--dry-run"]
        result = installed.run(*load, check=False)
    assert result.returncode == 0, result.stderr
    assert "would change:" in result.stdout
