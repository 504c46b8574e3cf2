"""Reference sequences of IL-2 and aldesleukin, read from ``data/sequences.yaml``.

All sequences share the numbering of mature IL-2 (Ala1 ... Thr133), the numbering the
PDB files use, so a residue number means the same residue in every sequence and every
structure: Cys125 is position 125 in the mature chain, in aldesleukin (where it is a
serine) and in chain A of 1Z92.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import config
from .datafiles import load_validated
from .errors import InvalidInputError, UnknownEntryError


@dataclass(frozen=True)
class ReferenceSequence:
    """One cited reference sequence and the number of its first residue."""

    name: str
    sequence: str
    numbering_start: int
    description: str
    cite: str

    @property
    def numbering_end(self) -> int:
        """Number of the last residue."""
        return self.numbering_start + len(self.sequence) - 1

    def __len__(self) -> int:
        return len(self.sequence)

    def residue(self, number: int) -> str:
        """The one-letter residue at *number* (mature IL-2 numbering)."""
        if not self.numbering_start <= number <= self.numbering_end:
            raise InvalidInputError(
                f"{self.name} has no residue {number}; it runs from {self.numbering_start} to {self.numbering_end}."
            )
        return self.sequence[number - self.numbering_start]

    def __str__(self) -> str:
        return f"{self.name}: {len(self)} residues ({self.numbering_start}-{self.numbering_end}), cite {self.cite}"


@lru_cache(maxsize=1)
def _load() -> tuple[ReferenceSequence, ...]:
    path = config.DATA_DIR / "sequences.yaml"
    data = load_validated(path, config.DATA_DIR / "sequences.schema.json")
    assert isinstance(data, dict)
    return tuple(ReferenceSequence(name=name, **fields) for name, fields in data["sequences"].items())


def load_sequences() -> dict[str, ReferenceSequence]:
    """All reference sequences, keyed by name (``il2_precursor``, ``il2_mature``, ``aldesleukin``)."""
    return {ref.name: ref for ref in _load()}


def get_sequence(name: str) -> ReferenceSequence:
    """One reference sequence by name, or an error listing the names there are."""
    sequences = load_sequences()
    if name not in sequences:
        raise UnknownEntryError(f"There is no reference sequence {name!r}; choose one of: {', '.join(sequences)}.")
    return sequences[name]


__all__ = ["ReferenceSequence", "get_sequence", "load_sequences"]
