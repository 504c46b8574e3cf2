"""Load IL-2 structures by PDB id or path, validated by content.

A PDB id is looked up in this order: the user cache, the mirror folder named by
``IL2LIB_PDB_MIRROR``, then a download from the RCSB PDB. Every file is checked
before it is used or cached: its HEADER names the id, the chains the manifest
expects are present and each chain's observed sequence matches. The archive
re-issues files, so bytes are never compared with a stored hash.

A file reaches the cache only after it passed those checks, through a temporary
file in the cache folder that is renamed into place, so a failed or concurrent
load never leaves a half-written file behind.
"""

from __future__ import annotations

import gzip
import io
import logging
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import config
from .errors import (
    CacheError,
    DownloadError,
    Il2libError,
    InvalidInputError,
    StructureFileError,
)
from .manifest import Entry, get_entry, load_manifest, normalize_pdb_id

if TYPE_CHECKING:  # Bio.PDB takes ~0.4 s to import: only load it when parsing
    from Bio.PDB.Chain import Chain
    from Bio.PDB.Structure import Structure as BioStructure


#: Solvent and crystallisation additives that are not shown as ligands.
IGNORED_HETERO = frozenset({"HOH", "WAT", "DOD", "SO4", "ZN", "NAG", "BMA", "FUC", "MAN", "GOL", "EDO", "CL", "NA"})


@dataclass
class Structure:
    """A validated structure: the file's text, its Biopython model and its chains' roles."""

    pdb_id: str | None
    entry: Entry | None
    path: Path | None  # None for a structure built in memory, such as an overlay
    source: str  # "cache", "mirror", "download", "file" or "overlay"
    text: str
    structure: BioStructure
    sequences: dict[str, str] = field(default_factory=dict)
    #: Roles given by the caller, e.g. for a superposition built from several entries.
    roles: dict[str, str] | None = None
    #: A name for a structure that has neither a PDB id nor a file, e.g. "1M47 on 1Z92".
    display_name: str | None = None

    @property
    def chain_roles(self) -> dict[str, str]:
        """Role of each polymer chain, e.g. ``{"A": "IL-2", "B": "IL-2Rα"}``."""
        if self.roles is not None:
            return self.roles
        if self.entry is not None:
            return self.entry.chain_roles
        return {cid: "protein" for cid in self.sequences}

    @property
    def name(self) -> str:
        if self.display_name:
            return self.display_name
        return self.pdb_id or (self.path.name if self.path else "structure")

    def label(self, chain_id: str) -> str:
        """A chain's label for legends and buttons, e.g. ``"IL-2Rα (B)"``."""
        return f"{self.role(chain_id)} ({chain_id})"

    def role(self, chain_id: str) -> str:
        self.chain(chain_id)  # raises a clear error for an unknown chain
        return self.chain_roles.get(chain_id, "ligands")

    def chains_with_role(self, role: str) -> list[str]:
        return [cid for cid, r in self.chain_roles.items() if r == role]

    def chain(self, chain_id: str) -> Chain:
        """The Biopython chain *chain_id* of the first model."""
        model = self.structure[0]
        if chain_id not in model:
            valid = ", ".join(self.chain_labels())
            raise InvalidInputError(f"{self.name} has no chain {chain_id!r}; its chains are: {valid}.")
        return model[chain_id]

    def chain_labels(self) -> list[str]:
        return [f"{cid} ({self.chain_roles.get(cid, 'ligands')})" for cid in (c.id for c in self.structure[0])]

    def ligands(self) -> list[tuple[str, str, int]]:
        """Bound small molecules as ``(chain, residue name, residue number)``."""
        found = []
        for chain in self.structure[0]:
            for residue in chain:
                hetflag, number, _ = residue.id
                if hetflag.startswith("H_") and residue.get_resname() not in IGNORED_HETERO:
                    found.append((chain.id, residue.get_resname(), number))
        return found

    def __repr__(self) -> str:
        chains = ", ".join(self.label(c) for c in self.chain_roles)
        return f"<Structure {self.name} from {self.source}: {chains}>"


# -- public entry points -----------------------------------------------------------


def load_structure(id_or_path: str | os.PathLike[str], *, progress: bool = True) -> Structure:
    """Load a manifest entry by PDB id (``"1Z92"``) or a PDB/mmCIF file by path."""
    if isinstance(id_or_path, os.PathLike) or _looks_like_path(str(id_or_path)):
        return load_file(id_or_path)
    pdb_id = normalize_pdb_id(str(id_or_path))  # raises a clear error for a malformed id
    entry = get_entry(pdb_id)
    path, source = fetch(pdb_id, progress=progress)
    text = _read_text(path)
    structure, sequences = _check_entry(text, entry, origin=str(path))
    return Structure(pdb_id, entry, path, source, text, structure, sequences)


def load_file(path: str | os.PathLike[str]) -> Structure:
    """Load a user's own PDB or mmCIF file (plain or gzip-compressed)."""
    shown = os.fspath(path)  # quote the user's own spelling in messages
    path = Path(shown).expanduser()
    if not path.exists():
        raise StructureFileError(f"There is no file at {shown!r}. Check the path, or pass a PDB id such as '1Z92'.")
    if path.is_dir():
        raise StructureFileError(f"{shown!r} is a folder; pass the path of one .pdb or .cif file.")
    text = _read_text(path)
    fmt = "cif" if path.suffix.lower() in {".cif", ".mmcif"} or text.lstrip().startswith("data_") else "pdb"
    structure = _parse(text, path.stem, fmt, origin=str(path))
    sequences = observed_sequences(structure)
    if not sequences:
        raise StructureFileError(f"{path} holds no protein chains; is it a coordinate file?")
    pdb_id = _header_id(text) if fmt == "pdb" else None
    entry = load_manifest().get(pdb_id) if pdb_id else None
    if entry is not None:
        try:
            _check_chains(sequences, entry, str(path))
        except StructureFileError:
            entry = None  # a user's edited copy: load it, but do not claim the manifest's roles
    return Structure(pdb_id, entry, path, "file", text, structure, sequences)


def fetch(pdb_id: str, *, progress: bool = True) -> tuple[Path, str]:
    """Make sure a validated copy of *pdb_id* is available; return its path and where it came from."""
    pdb_id = normalize_pdb_id(pdb_id)
    entry = get_entry(pdb_id)
    problems: list[str] = []

    cached = cached_path(pdb_id)
    if cached.exists():
        try:
            _check_entry(_read_text(cached), entry, origin=str(cached))
            return cached, "cache"
        except StructureFileError as err:
            problems.append(f"the cached copy was invalid and was removed ({err})")
            cached.unlink(missing_ok=True)

    mirrored = mirror_path(pdb_id)
    if mirrored is not None:
        try:
            text = _read_text(mirrored)
            _check_entry(text, entry, origin=str(mirrored))
        except StructureFileError as err:
            problems.append(f"the mirror copy is invalid ({err})")
        else:
            try:
                return _install(pdb_id, text), "mirror"
            except CacheError as err:
                warnings.warn(f"{err} Using the mirror copy directly.", stacklevel=2)
                return mirrored, "mirror"
    elif config.mirror_dir() is not None:
        problems.append(f"the mirror {config.mirror_dir()} has no {pdb_id}.pdb")

    if config.offline():
        problems.append("IL2LIB_OFFLINE is set, so nothing was downloaded")
        raise DownloadError(_no_copy_message(pdb_id, problems))
    text = _download(pdb_id, entry, progress, problems)
    return _install(pdb_id, text), "download"


def cached_path(pdb_id: str) -> Path:
    return config.pdb_cache_dir() / f"{normalize_pdb_id(pdb_id)}.pdb"


def mirror_path(pdb_id: str) -> Path | None:
    """The mirror's file for *pdb_id*, trying the usual spellings, or None."""
    folder = config.mirror_dir()
    if folder is None:
        return None
    for name in (f"{pdb_id}.pdb", f"{pdb_id.lower()}.pdb", f"pdb{pdb_id.lower()}.ent"):
        if (folder / name).is_file():
            return folder / name
    return None


def cached_ids() -> list[str]:
    """Ids of the manifest whose validated copy sits in the cache."""
    return [pdb_id for pdb_id in load_manifest() if cached_path(pdb_id).exists()]


# -- reading and checking -------------------------------------------------------------


def _looks_like_path(value: str) -> bool:
    return any(sep in value for sep in ("/", "\\")) or "." in value


def _read_text(path: Path) -> str:
    """The file's text; gzip is undone, binary or empty files raise a clear error."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise StructureFileError(f"Cannot read {path}: {err.strerror}. Check the path and its permissions.") from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            raise StructureFileError(f"{path} is a damaged gzip file; download it again.") from None
    if not data.strip():
        raise StructureFileError(f"{path} is empty; delete it and download the entry again.")
    if b"\x00" in data[:65536]:
        raise StructureFileError(f"{path} is a binary file, not a PDB or mmCIF text file.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # old files may carry a stray accented byte in a remark
        return data.decode("latin-1")


def _header_id(text: str) -> str | None:
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    if first.startswith("HEADER") and len(first) >= 66:
        return first[62:66].strip().upper() or None
    return None


def _parse(text: str, name: str, fmt: str, origin: str) -> BioStructure:
    from Bio.PDB import MMCIFParser, PDBParser

    parser = MMCIFParser(QUIET=True) if fmt == "cif" else PDBParser(QUIET=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            structure = parser.get_structure(name, io.StringIO(text))
    except Exception as err:  # Biopython raises many types for broken files
        raise StructureFileError(f"{origin} could not be read as a {fmt.upper()} file: {err}") from None
    if len(structure) == 0 or not any(True for _ in structure[0].get_atoms()):
        raise StructureFileError(f"{origin} contains no atoms; is it a coordinate file?")
    return structure


def observed_sequences(structure: BioStructure) -> dict[str, str]:
    """One-letter sequence of the standard residues observed in each chain of model 1."""
    from Bio.SeqUtils import seq1

    sequences = {}
    for chain in structure[0]:
        residues = [r.get_resname() for r in chain if r.id[0] == " "]
        if residues:
            sequences[chain.id] = seq1("".join(residues))
    return sequences


def _check_entry(text: str, entry: Entry, origin: str) -> tuple[BioStructure, dict[str, str]]:
    """Check that *text* is a complete copy of *entry*; return the parsed structure."""
    header = _header_id(text)
    if header is None:
        raise StructureFileError(f"{origin} has no HEADER record naming an entry; it is not a wwPDB file for {entry.pdb_id}.")
    if header != entry.pdb_id:
        raise StructureFileError(f"{origin} is entry {header}, not {entry.pdb_id}.")
    if not any(line.startswith("END") for line in text.rstrip().splitlines()[-3:]):
        raise StructureFileError(f"{origin} is truncated: it stops before the END record.")
    structure = _parse(text, entry.pdb_id, "pdb", origin)
    sequences = observed_sequences(structure)
    _check_chains(sequences, entry, origin)
    return structure, sequences


def _check_chains(sequences: dict[str, str], entry: Entry, origin: str) -> None:
    for cid, expected in entry.chains.items():
        if cid not in sequences:
            raise StructureFileError(f"{origin} lacks chain {cid} ({expected.role}) of {entry.pdb_id}.")
        if sequences[cid] != expected.sequence:
            raise StructureFileError(
                f"{origin}: chain {cid} of {entry.pdb_id} does not have the expected sequence "
                f"({len(sequences[cid])} residues observed, {len(expected.sequence)} expected)."
            )


# -- cache and network ----------------------------------------------------------------


def _writable_cache() -> Path:
    folder = config.pdb_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
    except OSError as err:
        raise CacheError(
            f"The cache folder {folder} cannot be written ({err.strerror}). "
            f"Set IL2LIB_CACHE_DIR to a folder you can write to."
        ) from None
    return folder


def _install(pdb_id: str, text: str) -> Path:
    """Write validated *text* into the cache atomically and return its path."""
    return config.write_to_cache(_writable_cache() / f"{pdb_id}.pdb", text.encode("utf-8"))


def _download(pdb_id: str, entry: Entry, progress: bool, problems: list[str]) -> str:
    """Download *pdb_id* into a private temporary folder and return its checked text."""
    import pooch
    import requests

    pooch.get_logger().setLevel(logging.WARNING)
    url = config.pdb_url_template().format(id=pdb_id)
    workdir = Path(tempfile.mkdtemp(dir=_writable_cache(), prefix=f".download-{pdb_id}-"))
    try:
        try:
            fetched = pooch.retrieve(url, known_hash=None, fname=f"{pdb_id}.pdb", path=workdir, progressbar=progress)
        except requests.exceptions.HTTPError as err:
            problems.append(f"the download from {url} failed with {err.response.status_code if err.response is not None else 'an HTTP error'}")
            raise DownloadError(_no_copy_message(pdb_id, problems)) from None
        except (requests.exceptions.RequestException, OSError) as err:
            problems.append(f"the download from {url} failed ({type(err).__name__}: no network?)")
            raise DownloadError(_no_copy_message(pdb_id, problems)) from None
        path = Path(fetched)
        text = _read_text(path)
        _check_entry(text, entry, origin=f"the file downloaded from {url}")
        return text
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _no_copy_message(pdb_id: str, problems: list[str]) -> str:
    reasons = "; ".join(problems) if problems else "no copy was found"
    return (
        f"No valid copy of {pdb_id} could be found: {reasons}. "
        f"Connect to the internet and try again, or set IL2LIB_PDB_MIRROR to a folder holding "
        f"{pdb_id}.pdb, or run `python -m il2lib fetch {pdb_id}` on a machine that is online."
    )


__all__ = [
    "Il2libError",
    "Structure",
    "cached_ids",
    "cached_path",
    "fetch",
    "load_file",
    "load_structure",
    "mirror_path",
    "observed_sequences",
]
