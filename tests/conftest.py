"""Test-wide settings: structures come from ../shared/pdb, the cache is a fresh temp folder.

Set here, at import time, so that every test (and every notebook run by nbval in
this process) sees the same mirror and never writes to the user's real cache.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_PDB = REPO.parent / "shared" / "pdb"

if SHARED_PDB.is_dir():
    os.environ.setdefault("IL2LIB_PDB_MIRROR", str(SHARED_PDB))
os.environ.setdefault("IL2LIB_CACHE_DIR", tempfile.mkdtemp(prefix="il2lib-test-cache-"))


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The folder of genuine wwPDB files; tests that need it skip without it."""
    path = Path(os.environ.get("IL2LIB_PDB_MIRROR", SHARED_PDB))
    if not path.is_dir():
        pytest.skip(f"no PDB mirror at {path}: set IL2LIB_PDB_MIRROR to a folder of PDB files")
    return path
