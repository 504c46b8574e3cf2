"""Benchmark: how long each lesson takes to run top to bottom in a fresh kernel, and its size.

The series' goal is at most 60 s in all on a 2-core machine. Nothing is saved.
Run with `make bench` or `python benchmarks/bench_notebooks.py`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tools.execute_notebooks import lessons, run_notebook  # noqa: E402

GOAL_SECONDS = 60.0


def main() -> None:
    shared = REPO.parent / "shared" / "pdb"
    if shared.is_dir():
        os.environ.setdefault("IL2LIB_PDB_MIRROR", str(shared))
    total = 0.0
    print(f"{'lesson':32s} {'run time':>9s} {'size':>9s}")
    for path in lessons():
        _, seconds = run_notebook(path)
        total += seconds
        print(f"{path.name:32s} {seconds:7.1f} s {path.stat().st_size / 1000:6.1f} KB")
    print(f"{'whole series':32s} {total:7.1f} s   (goal: at most {GOAL_SECONDS:.0f} s)")


if __name__ == "__main__":
    main()
