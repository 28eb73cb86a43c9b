"""Outside parsers validate every dump: Raptor's ``rapper`` (Debian ``raptor2-utils``) and,
where it is installed, Apache Jena's ``riot``.

Each must read every RDF dump without a warning or an error, and find in it as many
triples as pyoxigraph does. ``.ci/run`` installs Raptor and makes it mandatory
(``DXKG_REQUIRE_VALIDATORS=1``); Jena is not packaged in Debian 12 (``libjena-java`` and
``jena`` are gone since Debian 9), so its test runs only where ``riot`` is on the PATH.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse

pytestmark = pytest.mark.e2e

#: The RDF dumps of a release, with Raptor's and pyoxigraph's names for their syntax.
DUMPS = {
    "dxkg.nt": ("ntriples", RdfFormat.N_TRIPLES),
    "dxkg.nt.gz": ("ntriples", RdfFormat.N_TRIPLES),
    "dxkg.ttl": ("turtle", RdfFormat.TURTLE),
    "dxkg.nq": ("nquads", RdfFormat.N_QUADS),
    "dxkg.nq.gz": ("nquads", RdfFormat.N_QUADS),
    "dxkg.trig.gz": ("trig", RdfFormat.TRIG),
    "catalog.ttl": ("turtle", RdfFormat.TURTLE),
    "void.ttl": ("turtle", RdfFormat.TURTLE),
}


def required(tool: str, why: str) -> str:
    """The path of ``tool``; a skip with ``why`` without it (a failure where CI needs it)."""
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("DXKG_REQUIRE_VALIDATORS") and tool == "rapper":
            pytest.fail(f"{tool} is required here: {why}")
        pytest.skip(f"{tool} is not installed: {why}")
    return path


def plain(dump: Path, folder: Path) -> Path:
    """``dump`` uncompressed into ``folder`` if it is gzipped, else itself."""
    if dump.suffix != ".gz":
        return dump
    target = folder / dump.stem
    with gzip.open(dump) as packed, target.open("wb") as out:
        shutil.copyfileobj(packed, out)
    return target


@pytest.mark.parametrize("name", sorted(DUMPS))
def test_raptor_reads_every_dump_as_pyoxigraph_does(release, tmp_path, name):
    rapper = required("rapper", "apt-get install raptor2-utils")
    paths, _ = release
    syntax, rdf_format = DUMPS[name]
    source = plain(paths.dist / name, tmp_path)
    run = subprocess.run(
        [rapper, "-i", syntax, "-c", str(source)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    problems = [line for line in run.stderr.splitlines() if re.search(r"warning|error", line)]
    assert not problems, problems[:5]
    counted = int(re.search(r"returned (\d+) triples", run.stderr).group(1))
    assert counted == sum(1 for _ in parse(path=str(source), format=rdf_format))


@pytest.mark.parametrize("name", sorted(DUMPS))
def test_jena_validates_every_dump(release, tmp_path, name):
    riot = required("riot", "Apache Jena is not packaged in Debian 12")
    paths, _ = release
    run = subprocess.run(
        [riot, "--validate", str(plain(paths.dist / name, tmp_path))],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0 and not run.stderr.strip(), run.stderr
