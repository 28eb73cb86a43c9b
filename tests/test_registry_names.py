"""Names come from their registries: media types from :mod:`dxkg.media`, format IRIs from
:mod:`dxkg.namespaces`, the release's file names from :mod:`dxkg.release`."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat

from dxkg import media
from dxkg.release import FIGURES
from dxkg.web.sparql.endpoint import _format_iri
from dxkg.web.views.networkdata import FIGURE_CAPTIONS

SERVER = Path(__file__).resolve().parents[1] / "server"


@pytest.mark.parametrize(
    "module", ["hosts.py", "security.py", "worker.py", "sparql/endpoint.py", "views/search.py"]
)
def test_the_server_names_media_types_through_dxkg_media(module):
    """A media type written out in a server module would drift from the registry's."""
    source = (SERVER / module).read_text("utf-8")
    strings = [
        token.string
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.STRING and not token.string.startswith(('"""', "'''"))
    ]
    assert [s for s in strings if re.match(r"""[rb]?["'](text|application)/""", s)] == []


def test_the_protocol_media_types_and_format_iris():
    assert media.FORM == "application/x-www-form-urlencoded"
    assert (media.SPARQL_QUERY, media.SPARQL_UPDATE) == (
        "application/sparql-query",
        "application/sparql-update",
    )
    assert (media.XHTML, media.TEXT_XML) == ("application/xhtml+xml", "text/xml")
    assert _format_iri(RdfFormat.JSON_LD) == "http://www.w3.org/ns/formats/JSON-LD"
    assert _format_iri(RdfFormat.TURTLE) == "http://www.w3.org/ns/formats/Turtle"


def test_every_figure_of_the_release_has_its_caption():
    assert tuple(FIGURE_CAPTIONS) == FIGURES
