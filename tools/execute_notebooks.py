"""Re-execute the lessons and store the outputs that nbval compares.

Run by ``make notebooks`` after editing a lesson. Each notebook runs top to bottom
in a fresh kernel from notebooks/; then the outputs of cells tagged
``nbval-ignore-output`` (3D views, quizzes, the set-up check) are dropped, because
they hold machine-specific or large content that must not be committed, and the
run time and size of each notebook is printed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
IGNORED_TAG = "nbval-ignore-output"


def lessons() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def run_notebook(path: Path) -> tuple[nbformat.NotebookNode, float]:
    """Execute *path* in a fresh kernel (without saving); return it and the seconds taken."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    started = time.perf_counter()
    client.execute()
    return notebook, time.perf_counter() - started


def store(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Save *notebook* without the outputs that are not committed."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        if IGNORED_TAG in cell.metadata.get("tags", []):
            cell.outputs = []
    notebook.metadata.pop("widgets", None)
    nbformat.write(notebook, path)


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or lessons()
    total = 0.0
    for path in paths:
        notebook, seconds = run_notebook(path)
        store(notebook, path)
        total += seconds
        print(f"{path.name:32s} {seconds:6.1f} s {path.stat().st_size / 1000:7.1f} KB")
    print(f"{'total':32s} {total:6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
