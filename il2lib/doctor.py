"""The set-up check: what is installed, which structures are cached, and how to fix what is missing.

Used by ``python -m il2lib doctor`` and by the first lesson's set-up cell.
"""

from __future__ import annotations

import importlib.metadata
import sys

from . import config, jsassets
from .manifest import load_manifest
from .structures import cached_path, mirror_path

REQUIRED_PACKAGES = ("jupyterlab", "py3dmol", "ipywidgets", "biopython", "nbval", "pooch", "platformdirs", "jsonschema")


def _package_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def doctor_report() -> tuple[list[str], int]:
    """Lines of the doctor report and the number of problems found."""
    lines = [f"il2lib doctor (Python {sys.version.split()[0]})", "", "Packages:"]
    problems = 0
    for name in REQUIRED_PACKAGES:
        version = _package_version(name)
        if version is None:
            problems += 1
            lines.append(f"  MISSING {name}: run `make lab` or `pip install -e .[test]` in the project folder")
        else:
            lines.append(f"  ok      {name} {version}")

    lines += ["", f"Structure cache: {config.pdb_cache_dir()}"]
    mirror = config.mirror_dir()
    lines.append(f"Mirror (IL2LIB_PDB_MIRROR): {mirror if mirror else 'not set'}")
    if mirror is not None and not mirror.is_dir():
        problems += 1
        lines.append(f"  PROBLEM the mirror {mirror} is not a folder: fix or unset IL2LIB_PDB_MIRROR")
    if config.offline():
        lines.append("Offline mode (IL2LIB_OFFLINE) is on: nothing will be downloaded.")
    for pdb_id in load_manifest():
        if cached_path(pdb_id).exists():
            lines.append(f"  cached  {pdb_id}")
        elif mirror_path(pdb_id) is not None:
            lines.append(f"  mirror  {pdb_id} (copied to the cache on first use)")
        else:
            problems += 1
            lines.append(f"  MISSING {pdb_id}: run `python -m il2lib fetch {pdb_id}` while online")

    lines += ["", "3D engine:"]
    lines.append(f"  {jsassets.describe()}")
    if not jsassets.is_offline_ready():
        problems += 1
    lines += ["", "All good." if problems == 0 else f"{problems} problem(s) found; each line above says how to fix it."]
    return lines, problems


def doctor() -> int:
    """Print the doctor report (as ``python -m il2lib doctor`` does); return the number of problems."""
    lines, problems = doctor_report()
    print("\n".join(lines))
    return problems
