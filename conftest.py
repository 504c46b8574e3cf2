"""Settings for every test run, unit tests and nbval notebooks alike.

Structures come from the genuine wwPDB files in ../shared/pdb (when present) and
the cache is a fresh temporary folder, so no test touches the network or the
user's own cache. Set at import time, before nbval starts any kernel, because
kernels inherit this process's environment.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

SHARED_PDB = Path(__file__).resolve().parent.parent / "shared" / "pdb"

if SHARED_PDB.is_dir():
    os.environ.setdefault("IL2LIB_PDB_MIRROR", str(SHARED_PDB))
os.environ.setdefault("IL2LIB_CACHE_DIR", tempfile.mkdtemp(prefix="il2lib-test-cache-"))
