"""Reference sequences: the data file, its numbering, and agreement with the PDB chains."""

from __future__ import annotations

import shutil

import pytest

from il2lib import config, load_structure
from il2lib.analysis import chain_vs_reference
from il2lib.errors import DataError, InvalidInputError, UnknownEntryError
from il2lib.manifest import load_manifest
from il2lib.references import load_references
from il2lib.sequences import _load, get_sequence, load_sequences


def test_the_three_sequences_have_the_documented_lengths_and_numbering():
    seqs = load_sequences()
    assert set(seqs) == {"il2_precursor", "il2_mature", "aldesleukin"}
    precursor, mature, drug = seqs["il2_precursor"], seqs["il2_mature"], seqs["aldesleukin"]
    assert (len(precursor), len(mature), len(drug)) == (153, 133, 132)
    assert (precursor.numbering_start, precursor.numbering_end) == (-19, 133)
    assert (mature.numbering_start, mature.numbering_end) == (1, 133)
    assert (drug.numbering_start, drug.numbering_end) == (2, 133)


def test_mature_il2_is_the_precursor_without_its_20_residue_signal_peptide():
    precursor, mature = get_sequence("il2_precursor"), get_sequence("il2_mature")
    assert precursor.sequence[20:] == mature.sequence
    assert mature.sequence.startswith("APTSSSTKKTQLQLEHLLLDLQMILNG")
    # Shared numbering: UniProt position 21 is mature residue 1.
    for number in (1, 58, 105, 125, 133):
        assert precursor.residue(number) == mature.residue(number)


def test_aldesleukin_lacks_ala1_and_has_serine_at_125():
    mature, drug = get_sequence("il2_mature"), get_sequence("aldesleukin")
    assert mature.residue(1) == "A" and mature.residue(125) == "C"
    assert drug.residue(125) == "S"
    assert drug.sequence == mature.sequence[1:124] + "S" + mature.sequence[125:]
    with pytest.raises(InvalidInputError, match="runs from 2 to 133"):
        drug.residue(1)


def test_every_sequence_cites_a_key_of_the_bibliography():
    keys = set(load_references())
    for ref in load_sequences().values():
        assert ref.cite in keys, f"{ref.name} cites unknown key {ref.cite}"
    assert get_sequence("aldesleukin").cite == "fda_label"


def test_unknown_name_lists_the_valid_names():
    with pytest.raises(UnknownEntryError, match="il2_mature"):
        get_sequence("il2")


def test_a_broken_data_file_raises_data_error(tmp_path, monkeypatch):
    shutil.copy(config.DATA_DIR / "sequences.schema.json", tmp_path)
    (tmp_path / "sequences.yaml").write_text(
        "sequences:\n  bad:\n    description: x\n    numbering_start: 1\n    sequence: apt1\n    cite: uniprot_p60568\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    _load.cache_clear()
    try:
        with pytest.raises(DataError, match="sequences/bad/sequence"):
            load_sequences()
    finally:
        monkeypatch.undo()
        _load.cache_clear()
    assert "il2_mature" in load_sequences()


def test_every_il2_chain_in_the_pdb_files_matches_mature_il2_by_residue_number(mirror):
    """The structures use mature numbering; the only change is the engineered C125A (2ERJ, 3INK)."""
    found = {}
    for pdb_id, entry in load_manifest().items():
        structure = load_structure(pdb_id, progress=False)
        for chain in structure.chains_with_role("IL-2"):
            comparison = chain_vs_reference(structure, chain, "il2_mature")
            found[(pdb_id, chain)] = [d.label for d in comparison.differences]
    assert len(found) >= 10
    for key, labels in found.items():
        expected = ["C125A"] if key[0] in {"2ERJ", "3INK"} else []
        assert labels == expected, key
