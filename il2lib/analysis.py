"""Structure analysis for the lessons: every number is computed from the coordinates.

The functions take a :class:`~il2lib.structures.Structure` (from ``load_structure``) and
chain ids, and return frozen dataclasses whose values are rounded (distances to 0.01 Å,
areas to 1 Å², RMSD to 0.01 Å) and whose lists are sorted, so a notebook shows the same
text on every run. :func:`table` turns any list of results into a Markdown table.

Choices that shape the numbers, stated once here:

* Only polymer residues count (PDB ``ATOM`` residues, hetero flag blank). Waters, ions,
  glycans (NAG, BMA, FUC, MAN) and bound drugs are left out of contacts and of surface
  areas, and so are hydrogens, which most X-ray files lack anyway. Where an atom has
  alternative positions, the one Biopython selects (highest occupancy) is used.
* A contact is a pair of heavy atoms from two chains closer than ``cutoff`` (4.0 Å by
  default, a common choice for van der Waals contacts and hydrogen bonds).
* Residue numbers are those of the file; for IL-2 they follow the mature protein
  (Ala1 ... Thr133), as in :mod:`il2lib.sequences`.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

import numpy as np

from . import config
from .datafiles import load_validated
from .errors import InvalidInputError, UnknownEntryError
from .sequences import get_sequence
from .structures import IGNORED_HETERO, Structure, observed_sequences

if TYPE_CHECKING:  # Bio.PDB is imported lazily: it takes ~0.4 s
    from Bio.PDB.Atom import Atom
    from Bio.PDB.Chain import Chain
    from Bio.PDB.Model import Model
    from Bio.PDB.Residue import Residue

#: Right-handed α-helical region of the Ramachandran plot used by :func:`helices` (degrees).
HELIX_PHI = (-160.0, -20.0)
HELIX_PSI = (-120.0, 50.0)
#: Share of residues paired by number that must match for :func:`superpose` to accept two chains.
MIN_IDENTITY = 0.5
#: Largest contact cutoff accepted, in Å: beyond it "contact" loses its meaning.
MAX_CUTOFF = 12.0


# -- tables ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """Rows of text cells, shown as Markdown in Jupyter and as aligned text by ``print``."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def to_markdown(self) -> str:
        if not self.rows:
            return "*(none)*"
        lines = ["| " + " | ".join(self.columns) + " |", "|" + "---|" * len(self.columns)]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def __str__(self) -> str:
        if not self.rows:
            return "(none)"
        widths = [max(len(c), *(len(r[i]) for r in self.rows)) for i, c in enumerate(self.columns)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(self.columns, widths))]
        lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in self.rows]
        return "\n".join(line.rstrip() for line in lines)


class _Row(Protocol):
    def row(self) -> dict[str, str]: ...


def table(items: Iterable[_Row]) -> Table:
    """A :class:`Table` of results from this module (each result knows its own columns)."""
    rows = [item.row() for item in items]
    if not rows:
        return Table((), ())
    columns = tuple(rows[0])
    return Table(columns, tuple(tuple(row[c] for c in columns) for row in rows))


# -- residues ----------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class ResidueId:
    """A residue of a structure: chain, number, insertion code and three-letter name."""

    chain: str
    number: int
    insertion: str
    name: str

    @property
    def one_letter(self) -> str:
        from Bio.SeqUtils import seq1

        return seq1(self.name)

    @property
    def label(self) -> str:
        """Short label in the usual notation, e.g. ``"K35"``; a ligand keeps its code, e.g. ``"FRG301"``."""
        letter = self.one_letter
        return f"{self.name if letter == 'X' else letter}{self.number}{self.insertion}"

    def __str__(self) -> str:
        return f"{self.label} ({self.chain})"


class _AboutResidue:
    """Shortcuts for a result row about one residue (``self.residue``), so rows work where
    residues are expected, e.g. ``view.highlight(analysis.interface_residues(...))``."""

    residue: ResidueId

    @property
    def chain(self) -> str:
        return self.residue.chain

    @property
    def number(self) -> int:
        return self.residue.number

    @property
    def name(self) -> str:
        return self.residue.name

    @property
    def label(self) -> str:
        return self.residue.label


def _residue_id(residue: Residue) -> ResidueId:
    _, number, insertion = residue.id
    return ResidueId(residue.get_parent().id, number, insertion.strip(), residue.get_resname())


def _polymer_residues(structure: Structure, chain_id: str) -> list[Residue]:
    return [r for r in structure.chain(chain_id) if r.id[0] == " "]


def _heavy_atoms(residue: Residue) -> list[Atom]:
    atoms = [a.selected_child if a.is_disordered() else a for a in residue]
    return [a for a in atoms if a.element not in ("H", "D")]


def _chain_ids(chains: str | Sequence[str], what: str) -> tuple[str, ...]:
    ids = (chains,) if isinstance(chains, str) else tuple(chains)
    if not ids:
        raise InvalidInputError(f"{what} is empty; give at least one chain id, e.g. 'A'.")
    return ids


def _check_cutoff(value: float, name: str = "cutoff") -> None:
    if isinstance(value, bool) or not (isinstance(value, (int, float)) and 0 < value <= MAX_CUTOFF):
        raise InvalidInputError(f"{name}={value!r} is not usable; give a distance in Å above 0 and at most {MAX_CUTOFF}.")


# -- sequences ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SequenceDifference:
    """One difference between a reference and a query sequence, in reference numbering.

    For an insertion, ``position`` is the reference residue the inserted one follows.
    """

    kind: str  # "substitution", "deletion" or "insertion"
    position: int
    reference_residue: str
    query_residue: str
    label: str  # e.g. "C125S", "ΔA1", "57_58insG"

    def __str__(self) -> str:
        return self.label

    def row(self) -> dict[str, str]:
        return {
            "change": self.label,
            "kind": self.kind,
            "position": str(self.position),
            "reference": self.reference_residue or "–",
            "query": self.query_residue or "–",
        }


def _difference(kind: str, position: int, ref: str, query: str) -> SequenceDifference:
    if kind == "substitution":
        label = f"{ref}{position}{query}"
    elif kind == "deletion":
        label = f"Δ{ref}{position}"
    else:
        label = f"{position}_{position + 1}ins{query}"
    return SequenceDifference(kind, position, ref, query, label)


_AMINO_ACIDS = frozenset("ACDEFGHIKLMNPQRSTVWYX")


def _clean_sequence(sequence: str, what: str) -> str:
    if not isinstance(sequence, str) or not sequence.strip():
        raise InvalidInputError(f"The {what} sequence is empty; pass one-letter amino-acid codes such as 'APTSSS...'.")
    cleaned = "".join(sequence.split()).upper()
    bad = sorted(set(cleaned) - _AMINO_ACIDS)
    if bad:
        raise InvalidInputError(f"The {what} sequence contains {', '.join(bad)}, which are not one-letter amino-acid codes.")
    return cleaned


def sequence_differences(reference: str, query: str, reference_start: int = 1) -> list[SequenceDifference]:
    """Substitutions, deletions and insertions of *query* relative to *reference*.

    The two sequences are aligned globally with Biopython's ``PairwiseAligner`` (BLOSUM62,
    gap opening -10, extension -0.5, the usual protein settings), so a missing terminal
    residue counts as a deletion. ``reference_start`` is the number of the reference's
    first residue. To compare a structure's chain, whose ends are often unobserved, use
    :func:`chain_vs_reference`, which matches residues by number instead.
    """
    from Bio.Align import PairwiseAligner, substitution_matrices

    reference = _clean_sequence(reference, "reference")
    query = _clean_sequence(query, "query")
    aligner = PairwiseAligner(
        mode="global",
        substitution_matrix=substitution_matrices.load("BLOSUM62"),
        open_gap_score=-10.0,
        extend_gap_score=-0.5,
    )
    alignment = aligner.align(reference, query)[0]
    differences = []
    position = reference_start - 1  # the last reference residue passed
    for ref_index, query_index in alignment.indices.T:
        if ref_index < 0:
            differences.append(_difference("insertion", position, "", query[query_index]))
            continue
        position = reference_start + int(ref_index)
        if query_index < 0:
            differences.append(_difference("deletion", position, reference[ref_index], ""))
        elif reference[ref_index] != query[query_index]:
            differences.append(_difference("substitution", position, reference[ref_index], query[query_index]))
    return differences


@dataclass(frozen=True)
class ChainComparison:
    """A structure's chain compared residue by residue with a reference sequence."""

    structure: str
    chain: str
    reference: str
    observed: int
    first_observed: int
    last_observed: int
    unobserved: tuple[tuple[int, int], ...]  # reference ranges with no residue in the file
    differences: tuple[SequenceDifference, ...]

    def __str__(self) -> str:
        changes = ", ".join(d.label for d in self.differences) or "none"
        missing = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in self.unobserved) or "none"
        return (
            f"{self.structure} chain {self.chain} vs {self.reference}: {self.observed} residues observed "
            f"({self.first_observed}-{self.last_observed}); differences: {changes}; not observed: {missing}"
        )


def _ranges(numbers: Iterable[int]) -> tuple[tuple[int, int], ...]:
    ranges: list[list[int]] = []
    for n in sorted(numbers):
        if ranges and n == ranges[-1][1] + 1:
            ranges[-1][1] = n
        else:
            ranges.append([n, n])
    return tuple((a, b) for a, b in ranges)


def chain_vs_reference(structure: Structure, chain: str, reference_name: str = "il2_mature") -> ChainComparison:
    """Compare the residues observed in *chain* with a reference sequence, by residue number.

    Residue *n* of the file is compared with residue *n* of the reference (both use mature
    IL-2 numbering), so unobserved ends and loops are reported as ``unobserved``, not as
    deletions. Residues outside the reference's range or with an insertion code are
    reported as insertions.
    """
    reference = get_sequence(reference_name)
    residues = [_residue_id(r) for r in _polymer_residues(structure, chain)]
    if not residues:
        raise InvalidInputError(f"Chain {chain} of {structure.name} has no amino-acid residues to compare.")
    differences = []
    seen = set()
    for res in residues:
        inside = reference.numbering_start <= res.number <= reference.numbering_end
        if inside and not res.insertion:
            seen.add(res.number)
            expected = reference.residue(res.number)
            if res.one_letter != expected:
                differences.append(_difference("substitution", res.number, expected, res.one_letter))
        else:
            differences.append(
                SequenceDifference("insertion", res.number, "", res.one_letter, f"ins{res.one_letter}{res.number}{res.insertion}")
            )
    missing = set(range(reference.numbering_start, reference.numbering_end + 1)) - seen
    return ChainComparison(
        structure=structure.name,
        chain=chain,
        reference=reference.name,
        observed=len(residues),
        first_observed=residues[0].number,
        last_observed=residues[-1].number,
        unobserved=_ranges(missing),
        differences=tuple(differences),
    )


# -- contacts and interfaces -------------------------------------------------------------


@dataclass(frozen=True)
class ResidueContact:
    """Two residues of different chains with heavy atoms closer than the cutoff."""

    first: ResidueId
    second: ResidueId
    min_distance: float  # Å
    atom_pairs: int

    def __str__(self) -> str:
        return f"{self.first} – {self.second}: {self.min_distance:.2f} Å"

    def row(self) -> dict[str, str]:
        return {
            "residue": str(self.first),
            "partner": str(self.second),
            "min distance (Å)": f"{self.min_distance:.2f}",
            "atom pairs": str(self.atom_pairs),
        }


def _residue_pairs(structure: Structure, chains: Sequence[str], cutoff: float) -> dict[tuple[ResidueId, ResidueId], list[float]]:
    """Residue pairs of different chains within *cutoff*: ``{(a, b): [min distance, atom pairs]}``.

    Keys are ordered by the position of their chains in *chains*.
    """
    from Bio.PDB import NeighborSearch

    _check_cutoff(cutoff)
    order = {cid: i for i, cid in enumerate(chains)}
    atoms = [atom for cid in chains for res in _polymer_residues(structure, cid) for atom in _heavy_atoms(res)]
    found: dict[tuple[ResidueId, ResidueId], list[float]] = {}
    for x, y in NeighborSearch(atoms).search_all(cutoff, level="A"):
        rx, ry = x.get_parent(), y.get_parent()
        cx, cy = rx.get_parent().id, ry.get_parent().id
        if cx == cy:
            continue
        if order[cx] > order[cy]:
            x, y, rx, ry = y, x, ry, rx
        key = (_residue_id(rx), _residue_id(ry))
        distance = float(np.linalg.norm(x.coord - y.coord))
        entry = found.setdefault(key, [distance, 0])
        entry[0] = min(entry[0], distance)
        entry[1] += 1
    return found


def contacts(structure: Structure, chain_a: str, chain_b: str, cutoff: float = 4.0) -> list[ResidueContact]:
    """Residue pairs between two chains with any heavy atoms within *cutoff* Å, by residue number."""
    if chain_a == chain_b:
        raise InvalidInputError(f"contacts() compares two different chains; both were {chain_a!r}.")
    pairs = _residue_pairs(structure, [chain_a, chain_b], cutoff)
    return [ResidueContact(a, b, round(d, 2), int(n)) for (a, b), (d, n) in sorted(pairs.items())]


@dataclass(frozen=True)
class InterfaceResidue(_AboutResidue):
    """A residue of one chain that touches a partner chain."""

    residue: ResidueId
    atom_contacts: int  # heavy-atom pairs within the cutoff
    partner_residues: int  # partner residues it touches
    closest_partner: ResidueId
    min_distance: float  # Å, to the closest partner residue

    def __str__(self) -> str:
        return f"{self.residue}: {self.partner_residues} partner residues, closest {self.closest_partner} at {self.min_distance:.2f} Å"

    def row(self) -> dict[str, str]:
        return {
            "residue": self.label,
            "chain": self.chain,
            "atom contacts": str(self.atom_contacts),
            "partner residues": str(self.partner_residues),
            "closest partner": str(self.closest_partner),
            "min distance (Å)": f"{self.min_distance:.2f}",
        }


def interface_residues(structure: Structure, chain: str, partner: str, cutoff: float = 4.0) -> list[InterfaceResidue]:
    """Residues of *chain* with a heavy atom within *cutoff* Å of *partner*, sorted by number."""
    by_residue: dict[ResidueId, list[ResidueContact]] = {}
    for contact in contacts(structure, chain, partner, cutoff):
        by_residue.setdefault(contact.first, []).append(contact)
    result = []
    for residue, found in sorted(by_residue.items()):
        closest = min(found, key=lambda c: (c.min_distance, c.second))
        result.append(
            InterfaceResidue(
                residue=residue,
                atom_contacts=sum(c.atom_pairs for c in found),
                partner_residues=len(found),
                closest_partner=closest.second,
                min_distance=closest.min_distance,
            )
        )
    return result


@dataclass(frozen=True)
class ChainContacts:
    """Which chains touch which: residue–residue contacts for every pair of chains."""

    structure: str
    chains: tuple[str, ...]
    labels: tuple[str, ...]  # e.g. "IL-2Rα (B)", in the order of ``chains``
    cutoff: float
    pairs: tuple[tuple[str, str, int], ...]  # (chain, chain, residue pairs), only pairs that touch

    def count(self, chain_a: str, chain_b: str) -> int:
        """Number of residue pairs in contact between two chains (0 if they do not touch)."""
        for a, b, n in self.pairs:
            if {a, b} == {chain_a, chain_b}:
                return n
        for cid in (chain_a, chain_b):
            if cid not in self.chains:
                raise InvalidInputError(f"Chain {cid!r} was not analysed; the chains are: {', '.join(self.chains)}.")
        return 0

    def touches(self, chain_a: str, chain_b: str) -> bool:
        return self.count(chain_a, chain_b) > 0

    def partners(self, chain: str) -> list[str]:
        """Chains that *chain* touches, in the order of ``chains``."""
        return [other for other in self.chains if other != chain and self.touches(chain, other)]

    def to_markdown(self) -> str:
        header = "| | " + " | ".join(self.labels) + " |"
        lines = [header, "|---|" + "---:|" * len(self.chains)]
        for a, label in zip(self.chains, self.labels):
            cells = ["–" if a == b else str(self.count(a, b)) for b in self.chains]
            lines.append(f"| **{label}** | " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def __str__(self) -> str:
        names = dict(zip(self.chains, self.labels))
        lines = [f"{self.structure}: residue pairs within {self.cutoff} Å"]
        lines += [f"{names[a]} – {names[b]}: {n}" for a, b, n in self.pairs]
        return "\n".join(lines)


def chain_contact_matrix(structure: Structure, cutoff: float = 4.0, chains: Sequence[str] | None = None) -> ChainContacts:
    """Count residue–residue contacts between every pair of polymer chains.

    By default all polymer chains are used; pass ``chains`` to look at one complex of a
    crystal that holds two copies (e.g. ``chains=["A", "B", "C", "D"]`` for the first copy in 2ERJ).
    """
    ids = tuple(structure.chain_roles) if chains is None else _chain_ids(chains, "chains")
    for cid in ids:
        structure.chain(cid)  # raises a clear error for an unknown chain
    counts: dict[tuple[str, str], int] = {}
    for a, b in _residue_pairs(structure, ids, cutoff):
        key = (a.chain, b.chain)
        counts[key] = counts.get(key, 0) + 1
    pairs = tuple((a, b, counts[(a, b)]) for i, a in enumerate(ids) for b in ids[i + 1 :] if (a, b) in counts)
    return ChainContacts(structure.name, ids, tuple(structure.label(c) for c in ids), cutoff, pairs)


@dataclass(frozen=True)
class PartnerInterface:
    """The residues of one chain that touch one partner chain."""

    chain: str
    partner: str
    partner_label: str  # e.g. "IL-2Rβ (B)"
    residues: tuple[ResidueId, ...]

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(r.number for r in self.residues)

    def __str__(self) -> str:
        return f"{self.chain} touching {self.partner_label}: {', '.join(r.label for r in self.residues) or 'none'}"

    def row(self) -> dict[str, str]:
        return {
            "partner": self.partner_label,
            "residues": str(len(self.residues)),
            f"residues of chain {self.chain} that touch it": ", ".join(r.label for r in self.residues) or "none",
        }


def interfaces_by_partner(
    structure: Structure, chain: str, partners: Sequence[str] | None = None, cutoff: float = 4.0
) -> list[PartnerInterface]:
    """The residues of *chain* that touch each partner, one result per partner chain.

    By default every other polymer chain that *chain* touches is a partner; chains given in
    ``partners`` are reported even when nothing touches them.
    """
    structure.chain(chain)
    others = [c for c in structure.chain_roles if c != chain] if partners is None else _chain_ids(partners, "partners")
    result = []
    for partner in others:
        found = tuple(r.residue for r in interface_residues(structure, chain, partner, cutoff))
        if found or partners is not None:
            result.append(PartnerInterface(chain, partner, structure.label(partner), found))
    return result


# -- buried surface ----------------------------------------------------------------------


@dataclass(frozen=True)
class BuriedSurface:
    """Solvent-accessible surface buried when two sides of a complex meet, in Å².

    ``total`` = SASA(side a) + SASA(side b) − SASA(complex); ``buried_a`` and ``buried_b``
    split it by side. Papers quote either the total or one side, so say which.
    """

    structure: str
    side_a: tuple[str, ...]
    side_b: tuple[str, ...]
    label_a: str
    label_b: str
    sasa_a: int
    sasa_b: int
    sasa_complex: int
    buried_a: int
    buried_b: int

    @property
    def total(self) -> int:
        return self.buried_a + self.buried_b

    def __str__(self) -> str:
        return (
            f"{self.structure}: {self.label_a} / {self.label_b} buries {self.total:,} Å² in total "
            f"({self.label_a}: {self.buried_a:,} Å², {self.label_b}: {self.buried_b:,} Å²)"
        )

    def to_markdown(self) -> str:
        return "\n".join(
            [
                "| | accessible alone (Å²) | buried in the complex (Å²) |",
                "|---|---:|---:|",
                f"| {self.label_a} | {self.sasa_a:,} | {self.buried_a:,} |",
                f"| {self.label_b} | {self.sasa_b:,} | {self.buried_b:,} |",
                f"| **total** | | **{self.total:,}** |",
            ]
        )

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


def _protein_model(structure: Structure, chain_ids: Sequence[str]) -> Model:
    """A new model holding copies of the heavy atoms of the chains' amino-acid residues."""
    from Bio.PDB.Chain import Chain
    from Bio.PDB.Model import Model
    from Bio.PDB.Residue import Residue

    model = Model(0)
    for cid in chain_ids:
        chain = Chain(cid)
        for source in _polymer_residues(structure, cid):
            residue = Residue(source.id, source.get_resname(), source.segid)
            for atom in _heavy_atoms(source):
                residue.add(atom.copy())
            chain.add(residue)
        model.add(chain)
    return model


def _sasa_by_chain(model: Model) -> dict[str, float]:
    from Bio.PDB.SASA import ShrakeRupley

    ShrakeRupley().compute(model, level="A")
    return {chain.id: sum(atom.sasa for atom in chain.get_atoms()) for chain in model}


def buried_surface_area(structure: Structure, chains_a: str | Sequence[str], chains_b: str | Sequence[str]) -> BuriedSurface:
    """Surface area buried between two groups of chains, with Shrake–Rupley SASA.

    SASA is computed with Biopython's ``ShrakeRupley`` (probe radius 1.4 Å, 100 points per
    atom) on copies of the chains' amino-acid heavy atoms; waters, ions, glycans and
    ligands are removed first, so glycans that touch the partner do not count. Values are
    accurate to roughly ±1 %, which is why they are rounded to whole Å².
    """
    side_a, side_b = _chain_ids(chains_a, "chains_a"), _chain_ids(chains_b, "chains_b")
    shared = sorted(set(side_a) & set(side_b))
    if shared:
        raise InvalidInputError(f"Chain(s) {', '.join(shared)} are on both sides; each chain can be on one side only.")
    for cid in side_a + side_b:
        structure.chain(cid)
    alone = {**_sasa_by_chain(_protein_model(structure, side_a)), **_sasa_by_chain(_protein_model(structure, side_b))}
    together = _sasa_by_chain(_protein_model(structure, side_a + side_b))
    sasa_a, sasa_b = sum(alone[c] for c in side_a), sum(alone[c] for c in side_b)
    return BuriedSurface(
        structure=structure.name,
        side_a=side_a,
        side_b=side_b,
        label_a=" + ".join(structure.label(c) for c in side_a),
        label_b=" + ".join(structure.label(c) for c in side_b),
        sasa_a=round(sasa_a),
        sasa_b=round(sasa_b),
        sasa_complex=round(sum(together.values())),
        buried_a=round(sasa_a - sum(together[c] for c in side_a)),
        buried_b=round(sasa_b - sum(together[c] for c in side_b)),
    )


# -- disulfides and distances -----------------------------------------------------------


@dataclass(frozen=True)
class Disulfide:
    """Two cysteines whose SG atoms are close enough to be bonded."""

    first: ResidueId
    second: ResidueId
    distance: float  # SG–SG, Å

    @property
    def label(self) -> str:
        return f"{self.first.label}–{self.second.label}"

    def __str__(self) -> str:
        return f"{self.first} – {self.second}: SG–SG {self.distance:.2f} Å"

    def row(self) -> dict[str, str]:
        return {"cysteines": self.label, "first": str(self.first), "second": str(self.second), "SG–SG (Å)": f"{self.distance:.2f}"}


def _cysteine_sulfurs(structure: Structure, chain_ids: Iterable[str]) -> list[tuple[ResidueId, Atom]]:
    found = []
    for cid in chain_ids:
        for residue in _polymer_residues(structure, cid):
            if residue.get_resname() == "CYS" and "SG" in residue:
                atom = residue["SG"]
                found.append((_residue_id(residue), atom.selected_child if atom.is_disordered() else atom))
    return found


def disulfides(structure: Structure, chain: str, max_distance: float = 2.5) -> list[Disulfide]:
    """Disulfide bonds of *chain*: cysteine SG pairs within *max_distance* Å (a bonded pair is ~2.05 Å).

    Partners in other polymer chains are found too.
    """
    _check_cutoff(max_distance, "max_distance")
    own = _cysteine_sulfurs(structure, [chain])
    others = _cysteine_sulfurs(structure, [c for c in structure.chain_roles if c != chain])
    bonds = []
    for i, (res_a, sg_a) in enumerate(own):
        for res_b, sg_b in own[i + 1 :] + others:
            distance = float(np.linalg.norm(sg_a.coord - sg_b.coord))
            if distance <= max_distance:
                bonds.append(Disulfide(res_a, res_b, round(distance, 2)))
    return sorted(bonds, key=lambda b: (b.first, b.second))


def free_cysteines(structure: Structure, chain: str, max_distance: float = 2.5) -> list[ResidueId]:
    """Cysteines of *chain* whose SG atom has no disulfide partner (e.g. Cys125 of IL-2)."""
    bonded = {res for bond in disulfides(structure, chain, max_distance) for res in (bond.first, bond.second)}
    return [res for res, _ in _cysteine_sulfurs(structure, [chain]) if res not in bonded]


def _find_atom(structure: Structure, spec: tuple[str, int, str]) -> Atom:
    try:
        chain_id, number, atom_name = spec
    except (TypeError, ValueError):
        raise InvalidInputError(f"{spec!r} is not an atom; give (chain, residue number, atom name), e.g. ('A', 58, 'SG').") from None
    residues = [r for r in structure.chain(chain_id) if r.id[1] == number]
    if not residues:
        numbers = [r.id[1] for r in _polymer_residues(structure, chain_id)]
        raise InvalidInputError(
            f"Chain {chain_id} of {structure.name} has no residue {number}; its residues run from {min(numbers)} to {max(numbers)} "
            f"(gaps are unobserved residues)."
        )
    residue = residues[0]
    if atom_name not in residue:
        names = ", ".join(a.get_id() for a in residue)
        raise InvalidInputError(f"{residue.get_resname()}{number} of chain {chain_id} has no atom {atom_name!r}; its atoms are: {names}.")
    atom = residue[atom_name]
    return atom.selected_child if atom.is_disordered() else atom


def atom_distance(structure: Structure, first: tuple[str, int, str], second: tuple[str, int, str]) -> float:
    """Distance in Å (to 0.01) between two atoms given as ``(chain, residue number, atom name)``."""
    a, b = _find_atom(structure, first), _find_atom(structure, second)
    return round(float(np.linalg.norm(a.coord - b.coord)), 2)


# -- secondary structure ----------------------------------------------------------------


@dataclass(frozen=True)
class Helix:
    """A run of consecutive residues with α-helical backbone angles."""

    chain: str
    start: int
    end: int
    sequence: str
    name: str = ""  # "A"-"D" for the four bundle helices of IL-2, else ""

    @property
    def length(self) -> int:
        return len(self.sequence)

    def __str__(self) -> str:
        name = f"helix {self.name}" if self.name else "helix"
        return f"{name}: {self.chain} {self.start}-{self.end} ({self.length} residues)"

    def row(self) -> dict[str, str]:
        return {
            "helix": self.name or "–",
            "chain": self.chain,
            "residues": f"{self.start}–{self.end}",
            "length": str(self.length),
            "sequence": self.sequence,
        }


def helices(structure: Structure, chain: str, min_length: int = 8) -> list[Helix]:
    """α-helical runs of *chain* from backbone φ/ψ angles, with the four longest named A–D.

    A residue counts as helical when φ is in −160…−20° and ψ in −120…+50°, the
    right-handed helical basin of the Ramachandran plot; a helix is an unbroken run of at
    least ``min_length`` such residues (chain breaks end a run). This is simpler than DSSP,
    which uses hydrogen bonds: ends may differ from the file's HELIX records by a residue or
    two, a 3₁₀ turn passes as helical, and a kinked helix may split in two. The four longest
    runs are named A–D in sequence order, as in IL-2's four-helix bundle; when fewer than
    four runs are found none is named.
    """
    from Bio.PDB import PPBuilder
    from Bio.SeqUtils import seq1

    if not isinstance(min_length, int) or min_length < 2:
        raise InvalidInputError(f"min_length={min_length!r} is not usable; give a whole number of residues, 2 or more.")
    runs: list[list[Residue]] = []
    for peptide in PPBuilder().build_peptides(structure.chain(chain)):
        current: list[Residue] = []
        for residue, (phi, psi) in zip(peptide, peptide.get_phi_psi_list()):
            helical = (
                phi is not None
                and psi is not None
                and HELIX_PHI[0] <= math.degrees(phi) <= HELIX_PHI[1]
                and HELIX_PSI[0] <= math.degrees(psi) <= HELIX_PSI[1]
            )
            if helical:
                current.append(residue)
            else:
                runs.append(current)
                current = []
        runs.append(current)
    found = [
        Helix(chain, run[0].id[1], run[-1].id[1], "".join(seq1(r.get_resname()) for r in run))
        for run in runs
        if len(run) >= min_length
    ]
    found.sort(key=lambda h: h.start)
    if len(found) < 4:
        return found
    longest = sorted(found, key=lambda h: (-h.length, h.start))[:4]
    names = dict(zip(sorted(h.start for h in longest), "ABCD"))
    return [replace(h, name=names.get(h.start, "")) for h in found]


@dataclass(frozen=True)
class HelixAngle:
    """The angle between the axes of two helices, each axis pointing from N- to C-terminus."""

    first: Helix
    second: Helix
    angle: int  # degrees: 0 = the same direction, 180 = opposite directions

    @property
    def direction(self) -> str:
        """``"parallel"`` when the helices run the same way (angle below 90°), else ``"antiparallel"``."""
        return "parallel" if self.angle < 90 else "antiparallel"

    @property
    def label(self) -> str:
        """``"A–B"`` for named helices, else their ranges, e.g. ``"7–28 / 53–72"``."""
        if self.first.name and self.second.name:
            return f"{self.first.name}–{self.second.name}"
        return f"{self.first.start}–{self.first.end} / {self.second.start}–{self.second.end}"

    def __str__(self) -> str:
        return f"{self.label}: {self.angle}° ({self.direction})"

    def row(self) -> dict[str, str]:
        return {
            "helices": self.label,
            "residues": f"{self.first.start}–{self.first.end} / {self.second.start}–{self.second.end}",
            "angle (°)": str(self.angle),
            "direction": self.direction,
        }


def _helix_axis(structure: Structure, helix: Helix) -> np.ndarray:
    """Unit vector along a helix: the first principal axis of its Cα atoms, pointing N→C."""
    atoms = _ca_atoms(structure, helix.chain)
    coords = np.array([atoms[key].coord for key in sorted(atoms) if helix.start <= key[0] <= helix.end], dtype=float)
    axis = np.linalg.svd(coords - coords.mean(axis=0))[2][0]
    return axis if np.dot(coords[-1] - coords[0], axis) >= 0 else -axis


def helix_angles(structure: Structure, chain: str, min_length: int = 8) -> list[HelixAngle]:
    """Angles between the axes of every pair of bundle helices (A–D) of *chain*.

    Shows the topology of a helix bundle: in IL-2, A and B point one way and C and D the
    other ("up-up-down-down"). Helices come from :func:`helices`; when fewer than four are
    found, so none is named, every helix found is compared instead.
    """
    found = helices(structure, chain, min_length)
    chosen = [h for h in found if h.name] or found
    axes = [_helix_axis(structure, h) for h in chosen]
    return [
        HelixAngle(chosen[i], chosen[j], int(round(math.degrees(math.acos(float(np.clip(axes[i] @ axes[j], -1.0, 1.0)))))))
        for i in range(len(chosen))
        for j in range(i + 1, len(chosen))
    ]


# -- superposition -----------------------------------------------------------------------


@dataclass(frozen=True)
class Superposition:
    """Least-squares fit of one chain's Cα atoms onto another's (residues paired by number).

    Apply it to coordinates with :meth:`transform`; the structures themselves are not moved.
    """

    mobile: str
    mobile_chain: str
    reference: str
    reference_chain: str
    rmsd: float  # Å
    n_atoms: int
    rotation: tuple[tuple[float, float, float], ...] = field(repr=False)
    translation: tuple[float, float, float] = field(repr=False)

    def transform(self, coords: np.ndarray) -> np.ndarray:
        """Move mobile coordinates (an N×3 array) into the reference's frame."""
        return np.asarray(coords) @ np.asarray(self.rotation) + np.asarray(self.translation)

    def __str__(self) -> str:
        return (
            f"{self.mobile} {self.mobile_chain} on {self.reference} {self.reference_chain}: "
            f"Cα RMSD {self.rmsd:.2f} Å over {self.n_atoms} residues"
        )


def _ca_atoms(structure: Structure, chain: str) -> dict[tuple[int, str], Atom]:
    atoms = {}
    for residue in _polymer_residues(structure, chain):
        if "CA" in residue:
            atom = residue["CA"]
            atoms[(residue.id[1], residue.id[2])] = atom.selected_child if atom.is_disordered() else atom
    return atoms


def _paired_ca(mobile: Structure, mobile_chain: str, reference: Structure, reference_chain: str) -> list[tuple[Atom, Atom]]:
    """``(mobile Cα, reference Cα)`` for every residue number present in both chains, in order."""
    moving, fixed = _ca_atoms(mobile, mobile_chain), _ca_atoms(reference, reference_chain)
    pairs = [(moving[k], fixed[k]) for k in sorted(set(moving) & set(fixed))]
    names = f"{mobile.name} {mobile_chain} and {reference.name} {reference_chain}"
    if len(pairs) < 3:
        raise InvalidInputError(f"{names} share {len(pairs)} residue numbers with a Cα atom; a superposition needs at least 3.")
    same = sum(m.get_parent().get_resname() == f.get_parent().get_resname() for m, f in pairs)
    if same < MIN_IDENTITY * len(pairs):
        raise InvalidInputError(
            f"Only {same} of the {len(pairs)} residues of {names} paired by number are the same amino acid: "
            f"they are not the same protein, so a fit by residue number means nothing."
        )
    return pairs


def superpose(mobile: Structure, mobile_chain: str, reference: Structure, reference_chain: str) -> Superposition:
    """Superpose *mobile_chain* on *reference_chain* using the Cα atoms of residues numbered alike.

    Residues are paired by number, which is right for copies of the same protein numbered
    the same way (all IL-2 entries here); chains where fewer than half of the pairs are the
    same amino acid are refused.
    """
    from Bio.PDB import Superimposer

    pairs = _paired_ca(mobile, mobile_chain, reference, reference_chain)
    fitter = Superimposer()
    fitter.set_atoms([f for _, f in pairs], [m for m, _ in pairs])
    rotation, translation = fitter.rotran
    return Superposition(
        mobile=mobile.name,
        mobile_chain=mobile_chain,
        reference=reference.name,
        reference_chain=reference_chain,
        rmsd=round(float(fitter.rms), 2) + 0.0,  # + 0.0 turns -0.0 into 0.0
        n_atoms=len(pairs),
        rotation=tuple(tuple(float(v) for v in row) for row in rotation),
        translation=tuple(float(v) for v in translation),
    )


@dataclass(frozen=True)
class ResidueDeviation:
    """How far one residue's Cα lies from its counterpart after superposition."""

    number: int
    insertion: str
    mobile_name: str
    reference_name: str
    deviation: float  # Å

    def __str__(self) -> str:
        return f"{self.mobile_name}{self.number}{self.insertion}: {self.deviation:.2f} Å"

    def row(self) -> dict[str, str]:
        return {
            "residue": f"{self.number}{self.insertion}",
            "mobile": self.mobile_name,
            "reference": self.reference_name,
            "Cα shift (Å)": f"{self.deviation:.2f}",
        }


def per_residue_deviation(
    mobile: Structure, mobile_chain: str, reference: Structure, reference_chain: str, top: int | None = 10
) -> list[ResidueDeviation]:
    """Cα distances after superposition, largest first; ``top`` keeps the N largest (None: all)."""
    if top is not None and (not isinstance(top, int) or top < 1):
        raise InvalidInputError(f"top={top!r} is not usable; give a whole number of residues, 1 or more, or None for all.")
    fit = superpose(mobile, mobile_chain, reference, reference_chain)
    pairs = _paired_ca(mobile, mobile_chain, reference, reference_chain)
    moved = fit.transform(np.array([m.coord for m, _ in pairs]))
    shifts = np.linalg.norm(moved - np.array([f.coord for _, f in pairs]), axis=1)
    rows = []
    for (m, f), shift in zip(pairs, shifts):
        _, number, insertion = m.get_parent().id
        names = m.get_parent().get_resname(), f.get_parent().get_resname()
        rows.append(ResidueDeviation(number, insertion.strip(), *names, round(float(shift), 2)))
    rows.sort(key=lambda r: (-r.deviation, r.number, r.insertion))
    return rows if top is None else rows[:top]


# -- small molecules ---------------------------------------------------------------------


@dataclass(frozen=True)
class LigandContact(_AboutResidue):
    """A residue of a protein chain with heavy atoms near a bound small molecule."""

    residue: ResidueId
    ligand: ResidueId
    atom_contacts: int  # heavy-atom pairs within the cutoff
    min_distance: float  # Å

    def __str__(self) -> str:
        return f"{self.residue} – {self.ligand.label}: {self.min_distance:.2f} Å"

    def row(self) -> dict[str, str]:
        return {
            "residue": self.label,
            "chain": self.residue.chain,
            "ligand": f"{self.ligand.label} ({self.ligand.chain})",
            "atom contacts": str(self.atom_contacts),
            "min distance (Å)": f"{self.min_distance:.2f}",
        }


def ligand_contacts(structure: Structure, chain: str, ligand_code: str, cutoff: float = 4.0) -> list[LigandContact]:
    """Residues of *chain* with a heavy atom within *cutoff* Å of a ligand, sorted by number.

    *ligand_code* is the three-character code of the PDB file (``"FRG"`` for Ro26-4550 in
    1M48); every copy of it in the file counts, and each row names the copy it touches.
    """
    from Bio.PDB import NeighborSearch

    _check_cutoff(cutoff)
    protein = [atom for res in _polymer_residues(structure, chain) for atom in _heavy_atoms(res)]
    if not protein:
        raise InvalidInputError(f"Chain {chain} of {structure.name} has no amino-acid residues; give a protein chain.")
    code = str(ligand_code).strip().upper()
    copies = [res for res in structure.structure[0].get_residues() if res.id[0].startswith("H_") and res.get_resname() == code]
    if not copies:
        present = ", ".join(sorted({name for _, name, _ in structure.ligands()})) or "none"
        raise InvalidInputError(f"{structure.name} holds no ligand {ligand_code!r}; its ligands are: {present}.")
    search = NeighborSearch(protein)
    found: dict[ResidueId, list] = {}  # residue -> [min distance, atom pairs, ligand]
    for ligand in copies:
        for atom in _heavy_atoms(ligand):
            for near in search.search(atom.coord, cutoff):
                distance = float(np.linalg.norm(near.coord - atom.coord))
                entry = found.setdefault(_residue_id(near.get_parent()), [distance, 0, _residue_id(ligand)])
                if distance < entry[0]:
                    entry[0], entry[2] = distance, _residue_id(ligand)
                entry[1] += 1
    return [LigandContact(res, lig, n, round(d, 2)) for res, (d, n, lig) in sorted(found.items())]


class _Numbered(Protocol):
    @property
    def number(self) -> int: ...


@dataclass(frozen=True)
class ResidueOverlap:
    """Residue numbers of one protein touched by two partners: by both, or by one only."""

    first: str  # the partners' names, e.g. "Ro26-4550" and "IL-2Rα"
    second: str
    both: tuple[int, ...]
    only_first: tuple[int, ...]
    only_second: tuple[int, ...]

    @property
    def share_of_first(self) -> float:
        """Fraction of the residues the first partner touches that the second touches too."""
        touched = len(self.both) + len(self.only_first)
        return round(len(self.both) / touched, 2) if touched else 0.0

    def __str__(self) -> str:
        def numbers(values: tuple[int, ...]) -> str:
            return ", ".join(map(str, values)) or "none"

        return (
            f"touched by both {self.first} and {self.second} ({len(self.both)}): {numbers(self.both)}\n"
            f"only by {self.first} ({len(self.only_first)}): {numbers(self.only_first)}\n"
            f"only by {self.second} ({len(self.only_second)}): {numbers(self.only_second)}\n"
            f"{len(self.both)} of the {len(self.both) + len(self.only_first)} residues {self.first} touches "
            f"({self.share_of_first:.0%}) are {self.second} contacts too"
        )


def residue_overlap(first: Iterable[_Numbered], second: Iterable[_Numbered], first_name: str, second_name: str) -> ResidueOverlap:
    """Compare two contact lists of the same protein by residue number (e.g. a drug's and a receptor's).

    Works across entries because every IL-2 file uses mature numbering; the lists hold
    :class:`LigandContact` or :class:`InterfaceResidue` results.
    """
    a, b = {r.number for r in first}, {r.number for r in second}
    return ResidueOverlap(first_name, second_name, tuple(sorted(a & b)), tuple(sorted(a - b)), tuple(sorted(b - a)))


# -- overlays ----------------------------------------------------------------------------

#: Chain ids handed out to an overlay's moved chains when their own id is taken.
OVERLAY_CHAIN_IDS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _kept_chain(structure: Structure, chain_id: str, new_id: str) -> Chain:
    """A copy of a chain with its amino acids and ligands, without waters, ions or additives."""
    chain = structure.chain(chain_id).copy()
    for residue in list(chain):
        if residue.id[0] != " " and residue.get_resname() in IGNORED_HETERO:
            chain.detach_child(residue.id)
    chain.id = new_id
    return chain


def overlay(
    reference: Structure,
    mobile: Structure,
    reference_chain: str,
    mobile_chain: str,
    mobile_chains: Sequence[str] | None = None,
    reference_chains: Sequence[str] | None = None,
) -> Structure:
    """Two entries superposed in one structure, so that one 3D view shows both.

    *mobile* is moved by the Cα fit of *mobile_chain* on *reference_chain* (:func:`superpose`).
    The result holds the reference's chains (``reference_chains``, default all) where they
    are, and the mobile chains (``mobile_chains``, default all) moved, with their ligands;
    waters and additives are dropped. A mobile chain keeps its id unless the reference
    uses it, then it gets the first free letter. Its role is kept, e.g. ``"IL-2Rα"``,
    unless the reference shows that role already: then the entry is added, e.g.
    ``"IL-2 · 1M47"``, so the two copies get their own legend entry and colour.
    The result has no PDB id; its name is ``"1M47 on 1Z92"`` and its source ``"overlay"``.
    """
    from Bio.PDB import PDBIO, PDBParser
    from Bio.PDB.Model import Model
    from Bio.PDB.Structure import Structure as BioStructure

    fit = superpose(mobile, mobile_chain, reference, reference_chain)
    fixed = [c.id for c in reference.structure[0]] if reference_chains is None else list(_chain_ids(reference_chains, "reference_chains"))
    moving = [c.id for c in mobile.structure[0]] if mobile_chains is None else list(_chain_ids(mobile_chains, "mobile_chains"))
    model = Model(0)
    roles: dict[str, str] = {}
    for cid in fixed:
        model.add(_kept_chain(reference, cid, cid))
        if cid in reference.chain_roles:
            roles[cid] = reference.chain_roles[cid]
    shown_roles = set(roles.values())
    rotation, translation = np.asarray(fit.rotation), np.asarray(fit.translation)
    for cid in moving:
        new_id = cid if cid not in model else next((c for c in OVERLAY_CHAIN_IDS if c not in model), None)
        if new_id is None:
            raise InvalidInputError(f"The overlay has no free chain id left for {mobile.name} chain {cid}; pass fewer chains.")
        chain = _kept_chain(mobile, cid, new_id)
        for atom in chain.get_atoms():
            atom.transform(rotation, translation)
        model.add(chain)
        if cid in mobile.chain_roles:
            role = mobile.chain_roles[cid]
            roles[new_id] = f"{role} · {mobile.name}" if role in shown_roles else role
    combined = BioStructure("overlay")
    combined.add(model)
    writer = PDBIO()
    writer.set_structure(combined)
    buffer = io.StringIO()
    writer.save(buffer)
    text = buffer.getvalue()
    parsed = PDBParser(QUIET=True).get_structure("overlay", io.StringIO(text))
    name = f"{mobile.name} on {reference.name}"
    return Structure(None, None, None, "overlay", text, parsed, observed_sequences(parsed), roles, display_name=name)


# -- reported interfaces -----------------------------------------------------------------


@dataclass(frozen=True)
class ReportedInterface:
    """Interface residues named in a publication (``data/interfaces.yaml``)."""

    name: str
    description: str
    pdb_id: str
    protein: str
    partner: str
    residues: tuple[int, ...]
    cite: str


@lru_cache(maxsize=1)
def _load_interfaces() -> tuple[ReportedInterface, ...]:
    path = config.DATA_DIR / "interfaces.yaml"
    data = load_validated(path, config.DATA_DIR / "interfaces.schema.json")
    assert isinstance(data, dict)
    return tuple(
        ReportedInterface(name=name, **{**fields, "residues": tuple(sorted(fields["residues"]))})
        for name, fields in data["interfaces"].items()
    )


def reported_interface(name: str) -> ReportedInterface:
    """A published interface by name, e.g. ``"il2_il2ra_rickert2005"``."""
    known = {ri.name: ri for ri in _load_interfaces()}
    if name not in known:
        raise UnknownEntryError(f"There is no reported interface {name!r}; choose one of: {', '.join(known)}.")
    return known[name]


@dataclass(frozen=True)
class InterfaceComparison:
    """A computed interface set against a reported list of residue numbers."""

    both: tuple[int, ...]
    only_computed: tuple[int, ...]
    only_reported: tuple[int, ...]

    @property
    def jaccard(self) -> float:
        """Shared residues over all residues named by either list (1.0 = identical)."""
        union = len(self.both) + len(self.only_computed) + len(self.only_reported)
        return round(len(self.both) / union, 2) if union else 1.0

    @property
    def recovered(self) -> float:
        """Fraction of the reported residues that the computation finds too."""
        reported = len(self.both) + len(self.only_reported)
        return round(len(self.both) / reported, 2) if reported else 1.0

    def __str__(self) -> str:
        def numbers(values: tuple[int, ...]) -> str:
            return ", ".join(map(str, values)) or "none"

        return (
            f"in both: {numbers(self.both)}\nonly computed: {numbers(self.only_computed)}\n"
            f"only reported: {numbers(self.only_reported)}\nJaccard index: {self.jaccard:.2f}; "
            f"reported residues recovered: {self.recovered:.0%}"
        )


def compare_interface(computed: Iterable[InterfaceResidue], reported: Iterable[int]) -> InterfaceComparison:
    """Compare computed interface residues (one chain) with reported residue numbers."""
    found = {r.number for r in computed}
    named = set(reported)
    return InterfaceComparison(
        both=tuple(sorted(found & named)),
        only_computed=tuple(sorted(found - named)),
        only_reported=tuple(sorted(named - found)),
    )


__all__ = [
    "BuriedSurface",
    "ChainComparison",
    "ChainContacts",
    "Disulfide",
    "Helix",
    "HelixAngle",
    "InterfaceComparison",
    "InterfaceResidue",
    "LigandContact",
    "PartnerInterface",
    "ReportedInterface",
    "ResidueContact",
    "ResidueDeviation",
    "ResidueId",
    "ResidueOverlap",
    "SequenceDifference",
    "Superposition",
    "Table",
    "atom_distance",
    "buried_surface_area",
    "chain_contact_matrix",
    "chain_vs_reference",
    "compare_interface",
    "contacts",
    "disulfides",
    "free_cysteines",
    "helices",
    "helix_angles",
    "interface_residues",
    "interfaces_by_partner",
    "ligand_contacts",
    "overlay",
    "per_residue_deviation",
    "reported_interface",
    "residue_overlap",
    "sequence_differences",
    "superpose",
    "table",
]
