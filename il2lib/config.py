"""Where il2lib finds its data, keeps its cache and fetches files from.

Each location can be overridden with an environment variable, so that tests,
CI and offline classrooms can point the library somewhere else without code.
"""

from __future__ import annotations

import os
import tempfile
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


def write_to_cache(target: Path, data: bytes) -> Path:
    """Write *data* to *target* through a temporary file and an atomic rename.

    Readers never see a half-written file, and of several processes writing the same
    file at once the last rename wins with a complete copy.
    """
    from .errors import CacheError

    advice = "Set IL2LIB_CACHE_DIR to a folder you can write to."
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=".part")
    except OSError as err:
        raise CacheError(f"The cache folder {target.parent} cannot be written ({err.strerror}). {advice}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except OSError as err:
        Path(tmp_name).unlink(missing_ok=True)
        raise CacheError(f"Could not write {target}: {err.strerror}. {advice}") from None
    return target
