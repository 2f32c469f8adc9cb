"""The research notebooks: stored without outputs, and all four run against a real build."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from pipeline.analysis import DATABASE_VARIABLE, PROJECT_ROOT

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb"))

pytestmark = pytest.mark.notebooks


def test_the_four_notebooks_exist():
    assert [path.stem for path in NOTEBOOKS] == [
        "01-overview",
        "02-consensus",
        "03-partnerships",
        "04-district-gaps",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert set(notebook.metadata) <= {"kernelspec", "language_info"}
    assert "from pipeline.analysis import" in code[0].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_against_the_built_database(path, built_database, monkeypatch):
    monkeypatch.setenv(DATABASE_VARIABLE, str(built_database))
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(PROJECT_ROOT)}},
    ).execute()
    outputs = [output for cell in notebook.cells for output in cell.get("outputs", [])]
    assert not [output for output in outputs if output.output_type == "error"]
    assert f"baza / database: {built_database}" in outputs[0].text
    assert any("image/png" in output.get("data", {}) for output in outputs)
