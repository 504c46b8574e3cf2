"""Fixtures shared by the unit tests (the environment is set in the top-level conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The folder of genuine wwPDB files; tests that need it skip without it."""
    path = Path(os.environ.get("IL2LIB_PDB_MIRROR", REPO.parent / "shared" / "pdb"))
    if not path.is_dir():
        pytest.skip(f"no PDB mirror at {path}: set IL2LIB_PDB_MIRROR to a folder of PDB files")
    return path
