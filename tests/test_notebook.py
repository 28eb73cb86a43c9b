"""The researcher's notebook (``notebooks/vendor-networks.ipynb``) runs from the first cell to
the last with nbclient, against a server the tests start and the release they built, and
draws its two figures; the repository keeps it without outputs."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from dxkg.config import PROJECT_ROOT

pytestmark = pytest.mark.e2e

NOTEBOOK = PROJECT_ROOT / "notebooks" / "vendor-networks.ipynb"


def code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_the_notebook_is_stored_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert all(not cell.outputs and cell.execution_count is None for cell in code_cells(notebook))


def test_the_notebook_runs_against_the_server_and_the_release(release, server, monkeypatch):
    paths, _ = release
    # the kernel inherits the environment: the notebook reads its server and release from it
    monkeypatch.setenv("DXKG_URL", server)
    monkeypatch.setenv("DXKG_DIST", str(paths.dist))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on an error
    outputs = [output for cell in code_cells(notebook) for output in cell.outputs]
    assert all(cell.execution_count for cell in code_cells(notebook))
    assert not [output for output in outputs if output.output_type == "error"]
    figures = [
        output
        for output in outputs
        if output.output_type == "display_data" and "image/png" in output.data
    ]
    assert len(figures) == 2
    printed = "".join(
        output.get("text", "") for output in outputs if output.output_type == "stream"
    )
    assert "51 自治体 governments, 108 ベンダー vendors, 127 edges" in printed
