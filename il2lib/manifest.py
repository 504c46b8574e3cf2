"""The structure manifest: which PDB entries il2lib knows and what each chain is.

``data/structures.yaml`` is validated against ``data/structures.schema.json``
and turned into frozen dataclasses, so the rest of the library never touches
raw dictionaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import config
from .datafiles import read_yaml, validate_against_schema
from .errors import InvalidInputError, UnknownEntryError

PDB_ID_PATTERN = re.compile(r"^[0-9][A-Za-z0-9]{3}$")


@dataclass(frozen=True)
class Ligand:
    code: str
    name: str


@dataclass(frozen=True)
class ChainInfo:
    """What the manifest expects of one polymer chain."""

    chain_id: str
    role: str
    uniprot: str
    first_residue: int
    last_residue: int
    sequence: str
    ligands: tuple[Ligand, ...] = ()

    @property
    def label(self) -> str:
        """Human label such as ``"IL-2Rα (B)"``."""
        return f"{self.role} ({self.chain_id})"


@dataclass(frozen=True)
class Entry:
    """One PDB entry of the manifest."""

    pdb_id: str
    title: str
    summary: str
    kind: str
    method: str
    resolution: float
    citation: str
    url: str
    doi: str
    chains: dict[str, ChainInfo] = field(default_factory=dict)

    @property
    def chain_roles(self) -> dict[str, str]:
        return {cid: info.role for cid, info in self.chains.items()}


def parse_manifest(data: object, source: Path | str = "manifest") -> dict[str, Entry]:
    validate_against_schema(data, config.DATA_DIR / "structures.schema.json", source)
    assert isinstance(data, dict)
    entries: dict[str, Entry] = {}
    for pdb_id, raw in data["entries"].items():
        chains = {
            cid: ChainInfo(
                chain_id=cid,
                role=c["role"],
                uniprot=c["uniprot"],
                first_residue=c["first_residue"],
                last_residue=c["last_residue"],
                sequence=c["sequence"],
                ligands=tuple(Ligand(**lig) for lig in c.get("ligands", [])),
            )
            for cid, c in raw["chains"].items()
        }
        fields = {k: v for k, v in raw.items() if k != "chains"}
        entries[pdb_id] = Entry(pdb_id=pdb_id, chains=chains, **fields)
    return entries


@lru_cache(maxsize=1)
def load_manifest() -> dict[str, Entry]:
    """All entries of ``data/structures.yaml``, keyed by upper-case PDB id."""
    path = config.DATA_DIR / "structures.yaml"
    return parse_manifest(read_yaml(path), path)


def normalize_pdb_id(pdb_id: str) -> str:
    """Check the shape of a PDB id and return it upper-case, or raise a clear error."""
    if not isinstance(pdb_id, str) or not PDB_ID_PATTERN.match(pdb_id.strip()):
        raise InvalidInputError(
            f"{pdb_id!r} is not a PDB id: an id is four characters, a digit then three "
            f"letters or digits, such as '1Z92'. To load a file, pass its path instead."
        )
    return pdb_id.strip().upper()


def get_entry(pdb_id: str) -> Entry:
    """The manifest entry for *pdb_id*, or an error listing the known ids."""
    key = normalize_pdb_id(pdb_id)
    manifest = load_manifest()
    if key not in manifest:
        known = ", ".join(manifest)
        raise UnknownEntryError(
            f"{key} is not in il2lib's manifest of IL-2 entries ({known}). "
            f"To look at another entry, download its file and pass the path: "
            f"il2lib.load_structure('path/to/{key}.pdb')."
        )
    return manifest[key]
