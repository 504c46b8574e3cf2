"""il2lib: the helper library of the IL-2 / aldesleukin notebook series.

Public entry points (stable, used by the notebooks and the tests):

* :func:`load_monograph` - the cited Proleukin monograph as typed objects.
* :func:`load_structure` - a validated IL-2 structure by PDB id or path.
* :func:`show` - an interactive 3D view with style, chain and scene controls.
"""

from __future__ import annotations

from . import analysis, sequences
from .doctor import doctor
from .errors import (
    CacheError,
    DataError,
    DownloadError,
    Il2libError,
    InvalidInputError,
    StructureFileError,
    UnknownEntryError,
)
from .manifest import get_entry, load_manifest
from .monograph import load_monograph
from .quiz import load_quiz, quiz
from .references import cite, load_references
from .structures import Structure, load_structure
from .viewer import View, setup, show

__version__ = "0.1.0"

__all__ = [
    "CacheError",
    "DataError",
    "DownloadError",
    "Il2libError",
    "InvalidInputError",
    "Structure",
    "View",
    "StructureFileError",
    "UnknownEntryError",
    "cite",
    "analysis",
    "doctor",
    "get_entry",
    "load_quiz",
    "quiz",
    "sequences",
    "setup",
    "show",
    "load_monograph",
    "load_references",
    "load_manifest",
    "load_structure",
]
