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


def execute(path: Path) -> float:
    """Execute *path* in place; return the seconds it took."""
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    elapsed = time.perf_counter() - started
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        if IGNORED_TAG in cell.metadata.get("tags", []):
            cell.outputs = []
    notebook.metadata.pop("widgets", None)
    nbformat.write(notebook, path)
    return elapsed


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    total = 0.0
    for path in paths:
        seconds = execute(path)
        total += seconds
        print(f"{path.name:40s} {seconds:6.1f} s {path.stat().st_size / 1000:7.1f} KB")
    print(f"{'total':40s} {total:6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
