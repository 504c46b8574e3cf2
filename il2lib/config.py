"""Where il2lib finds its data, keeps its cache and fetches files from.

Each location can be overridden with an environment variable, so that tests,
CI and offline classrooms can point the library somewhere else without code.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

PACKAGE_DIR = Path(__file__).resolve().parent
#: The project's ``data/`` folder (monograph, manifest, scenes, quizzes).
DATA_DIR = Path(os.environ.get("IL2LIB_DATA_DIR", PACKAGE_DIR.parent / "data"))

#: Download address of a legacy-format PDB file; ``{id}`` is the upper-case id.
DEFAULT_PDB_URL = "https://files.rcsb.org/download/{id}.pdb"


def cache_dir() -> Path:
    """The user cache (``IL2LIB_CACHE_DIR`` or the platform's cache folder)."""
    override = os.environ.get("IL2LIB_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("il2lib"))


def pdb_cache_dir() -> Path:
    return cache_dir() / "pdb"


def mirror_dir() -> Path | None:
    """A local folder of PDB files (``IL2LIB_PDB_MIRROR``), used before the network."""
    value = os.environ.get("IL2LIB_PDB_MIRROR")
    return Path(value).expanduser() if value else None


def pdb_url_template() -> str:
    return os.environ.get("IL2LIB_PDB_URL", DEFAULT_PDB_URL)


def offline() -> bool:
    """True when ``IL2LIB_OFFLINE`` is set: never touch the network."""
    return os.environ.get("IL2LIB_OFFLINE", "").lower() in {"1", "true", "yes"}
