"""Structure analysis on the genuine PDB files: sequences, contacts, surfaces, helices, fits."""

from __future__ import annotations

import re

import numpy as np
import pytest

from il2lib import analysis, load_structure
from il2lib.errors import InvalidInputError, UnknownEntryError
from il2lib.sequences import get_sequence


@pytest.fixture(scope="module")
def il2_ra(mirror):
    """1Z92: IL-2 (A) with IL-2Rα (B)."""
    return load_structure("1Z92", progress=False)


@pytest.fixture(scope="module")
def quaternary(mirror):
    """2B5I: IL-2 (A), IL-2Rβ (B), γc (C), IL-2Rα (D)."""
    return load_structure("2B5I", progress=False)


# -- sequences -------------------------------------------------------------------------


def test_aldesleukin_differs_from_mature_il2_by_exactly_delta_a1_and_c125s():
    diffs = analysis.sequence_differences(get_sequence("il2_mature").sequence, get_sequence("aldesleukin").sequence)
    assert [d.label for d in diffs] == ["ΔA1", "C125S"]
    assert [(d.kind, d.position, d.reference_residue, d.query_residue) for d in diffs] == [
        ("deletion", 1, "A", ""),
        ("substitution", 125, "C", "S"),
    ]


def test_sequence_differences_numbers_insertions_after_the_preceding_residue():
    diffs = analysis.sequence_differences("MKTAYIAKQRQISFVKSHFSRQ", "MKTAYIAKGQRQISFVKSHFSRQ", reference_start=10)
    assert [(d.kind, d.position, d.label) for d in diffs] == [("insertion", 17, "17_18insG")]
    assert analysis.sequence_differences("APTSSS", "aptsss") == []


@pytest.mark.parametrize("bad", ["", "   ", "APT1SS", "APT-SS"])
def test_sequence_differences_rejects_non_sequences(bad):
    with pytest.raises(InvalidInputError):
        analysis.sequence_differences("APTSSS", bad)


@pytest.mark.parametrize(("pdb_id", "chain", "first"), [("2ERJ", "D", 3), ("3INK", "C", 6)])
def test_engineered_c125a_is_found_by_residue_number(mirror, pdb_id, chain, first):
    comparison = analysis.chain_vs_reference(load_structure(pdb_id, progress=False), chain, "il2_mature")
    assert [d.label for d in comparison.differences] == ["C125A"]
    assert comparison.first_observed == first and comparison.last_observed == 133
    assert comparison.unobserved[0] == (1, first - 1)
    assert "C125A" in str(comparison)


def test_wild_type_chain_has_no_differences_and_reports_its_disordered_loop(il2_ra):
    comparison = analysis.chain_vs_reference(il2_ra, "A")
    assert comparison.differences == ()
    assert comparison.observed == 121
    # 121 observed + 12 unobserved residues (1-5 and a loop) make up the 133 of mature IL-2.
    assert sum(b - a + 1 for a, b in comparison.unobserved) == 133 - 121


def test_chain_vs_aldesleukin_sees_the_drugs_serine(il2_ra):
    comparison = analysis.chain_vs_reference(il2_ra, "A", "aldesleukin")
    assert [d.label for d in comparison.differences] == ["S125C"]


def test_unknown_reference_name_is_a_clear_error(il2_ra):
    with pytest.raises(UnknownEntryError, match="aldesleukin"):
        analysis.chain_vs_reference(il2_ra, "A", "proleukin")


# -- disulfides ------------------------------------------------------------------------


def test_c58_c105_is_a_disulfide_and_c125_is_free(il2_ra):
    bonds = analysis.disulfides(il2_ra, "A")
    assert [b.label for b in bonds] == ["C58–C105"]
    assert 1.9 <= bonds[0].distance <= 2.2
    assert analysis.atom_distance(il2_ra, ("A", 58, "SG"), ("A", 105, "SG")) == bonds[0].distance
    assert [c.label for c in analysis.free_cysteines(il2_ra, "A")] == ["C125"]
    nearest = min(
        analysis.atom_distance(il2_ra, ("A", 125, "SG"), ("A", n, "SG")) for n in (58, 105)
    )
    assert nearest > 4.0


def test_c125a_structure_has_no_free_cysteine(mirror):
    structure = load_structure("2ERJ", progress=False)
    assert analysis.free_cysteines(structure, "D") == []
    assert [b.label for b in analysis.disulfides(structure, "D")] == ["C58–C105"]


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (("A", 2, "CA"), ("A", 58, "SG"), "run from 6 to 133"),
        (("A", 58, "XX"), ("A", 58, "SG"), "atoms are: N, CA"),
        (("A", 58), ("A", 58, "SG"), "chain, residue number"),
    ],
)
def test_atom_distance_explains_bad_atoms(il2_ra, first, second, message):
    with pytest.raises(InvalidInputError, match=re.escape(message)):
        analysis.atom_distance(il2_ra, first, second)


# -- contacts, interfaces, buried surface ---------------------------------------------------


def test_il2_ralpha_interface_holds_the_known_contact_residues(il2_ra):
    interface = analysis.interface_residues(il2_ra, "A", "B")
    numbers = [r.number for r in interface]
    assert numbers == sorted(numbers)
    assert {35, 38, 42, 43, 45, 61, 62, 65, 68, 72} <= set(numbers)
    # The receptor binds helix B and the AB loop, not helix D or the N terminus.
    assert not set(numbers) & set(range(114, 134))
    assert all(0 < r.min_distance <= 4.0 and r.chain == "A" and r.closest_partner.chain == "B" for r in interface)
    r38 = next(r for r in interface if r.number == 38)
    assert (r38.name, r38.label) == ("ARG", "R38")


def test_contacts_are_symmetric_and_shrink_with_the_cutoff(il2_ra):
    forward = analysis.contacts(il2_ra, "A", "B")
    backward = analysis.contacts(il2_ra, "B", "A")
    assert sorted((c.second, c.first, c.min_distance) for c in backward) == sorted((c.first, c.second, c.min_distance) for c in forward)
    tight = analysis.contacts(il2_ra, "A", "B", cutoff=3.0)
    assert 0 < len(tight) < len(forward)
    assert all(c.min_distance <= 3.0 for c in tight)


def test_comparison_with_the_reported_interface(il2_ra):
    reported = analysis.reported_interface("il2_il2ra_rickert2005")
    assert reported.pdb_id == "1Z92" and reported.cite == "rickert2005"
    comparison = analysis.compare_interface(analysis.interface_residues(il2_ra, "A", "B"), reported.residues)
    assert set(comparison.both) | set(comparison.only_reported) == set(reported.residues)
    assert comparison.recovered >= 0.9
    union = len(comparison.both) + len(comparison.only_computed) + len(comparison.only_reported)
    assert comparison.jaccard == round(len(comparison.both) / union, 2)


def test_compare_interface_counts_sets():
    class Fake:
        def __init__(self, number):
            self.number = number

    comparison = analysis.compare_interface([Fake(n) for n in (1, 2, 3)], [2, 3, 4, 5])
    assert (comparison.both, comparison.only_computed, comparison.only_reported) == ((2, 3), (1,), (4, 5))
    assert comparison.jaccard == 0.4 and comparison.recovered == 0.5


def test_buried_surface_of_il2_ralpha_is_a_typical_protein_interface(il2_ra):
    """Standard-size protein-protein interfaces bury 1,200-2,000 Å² in total, and signalling
    complexes tend to be larger (Janin et al., Acta Cryst D 2007,
    https://journals.iucr.org/d/issues/2007/01/00/ba5090/index.html); we allow up to 2,400 Å²."""
    bsa = analysis.buried_surface_area(il2_ra, "A", "B")
    assert 1200 <= bsa.total <= 2400
    assert abs(bsa.total - (bsa.sasa_a + bsa.sasa_b - bsa.sasa_complex)) <= 2
    # Both partners give up a comparable share.
    assert 0.35 <= bsa.buried_a / bsa.total <= 0.65
    assert bsa.label_a == "IL-2 (A)" and bsa.label_b == "IL-2Rα (B)"
    assert "Å²" in str(bsa) and "| **total** |" in bsa.to_markdown()
    # The areas are computed on copies: the loaded structure is left unchanged.
    assert not any(hasattr(atom, "sasa") for atom in il2_ra.structure.get_atoms())


def test_il2_ralpha_buries_more_surface_than_gamma_c_in_2erj(mirror):
    """Stauber et al. 2006 (2ERJ): IL-2Rα makes the largest interface with IL-2, γc the smallest."""
    structure = load_structure("2ERJ", progress=False)
    alpha = analysis.buried_surface_area(structure, "D", "A")
    gamma = analysis.buried_surface_area(structure, "D", "C")
    assert alpha.total > gamma.total > 0


def test_buried_surface_rejects_a_chain_on_both_sides(il2_ra):
    with pytest.raises(InvalidInputError, match="both sides"):
        analysis.buried_surface_area(il2_ra, ["A", "B"], "B")


def test_in_the_quaternary_complex_il2_touches_every_receptor_and_alpha_touches_only_il2(quaternary):
    """Stauber et al. 2006: IL-2Rα contacts neither IL-2Rβ nor γc."""
    matrix = analysis.chain_contact_matrix(quaternary)
    assert matrix.chains == ("A", "B", "C", "D")
    assert matrix.labels == ("IL-2 (A)", "IL-2Rβ (B)", "γc (C)", "IL-2Rα (D)")
    assert matrix.partners("A") == ["B", "C", "D"]
    assert matrix.partners("D") == ["A"]
    assert matrix.touches("B", "C")  # β and γc meet beside IL-2
    assert matrix.count("D", "B") == 0 and matrix.count("C", "D") == 0
    assert matrix.count("A", "D") == matrix.count("D", "A") > 10
    assert "| **IL-2Rα (D)** |" in matrix.to_markdown()
    with pytest.raises(InvalidInputError, match="was not analysed"):
        matrix.count("A", "Z")


def test_chain_contact_matrix_can_be_limited_to_one_copy(mirror):
    structure = load_structure("2ERJ", progress=False)
    matrix = analysis.chain_contact_matrix(structure, chains=["A", "B", "C", "D"])
    assert matrix.chains == ("A", "B", "C", "D")
    assert matrix.partners("D") == ["A", "B", "C"]
    assert matrix.partners("A") == ["D"]


# -- helices ---------------------------------------------------------------------------


def _file_helix_residues(structure, chain):
    """Residues inside the HELIX records the depositors put in the file."""
    inside = set()
    for line in structure.text.splitlines():
        if line.startswith("HELIX") and line[19] == chain:
            inside.update(range(int(line[21:25]), int(line[33:37]) + 1))
    return inside


def test_four_bundle_helices_a_to_d_agree_with_the_files_helix_records(il2_ra):
    found = analysis.helices(il2_ra, "A")
    bundle = [h for h in found if h.name]
    assert [h.name for h in bundle] == ["A", "B", "C", "D"]
    assert [h.start for h in bundle] == sorted(h.start for h in bundle)
    assert all(h.length >= 15 for h in bundle)
    assert all(h.length < min(b.length for b in bundle) for h in found if not h.name)
    recorded = _file_helix_residues(il2_ra, "A")
    for helix in bundle:
        inside = sum(n in recorded for n in range(helix.start, helix.end + 1))
        assert inside / helix.length >= 0.8, helix
    helix_d = bundle[3]
    assert helix_d.start <= 120 <= helix_d.end  # helix D carries the C-terminal residues
    assert helix_d.sequence == get_sequence("il2_mature").sequence[helix_d.start - 1 : helix_d.end]


def test_helices_named_alike_in_a_c125a_structure(mirror):
    bundle = [h for h in analysis.helices(load_structure("3INK", progress=False), "C") if h.name]
    assert [h.name for h in bundle] == ["A", "B", "C", "D"]


def test_helices_rejects_a_bad_min_length(il2_ra):
    with pytest.raises(InvalidInputError, match="min_length"):
        analysis.helices(il2_ra, "A", min_length=0)


# -- superposition ---------------------------------------------------------------------


def test_a_chain_superposed_on_itself_has_zero_rmsd(il2_ra):
    fit = analysis.superpose(il2_ra, "A", il2_ra, "A")
    assert fit.rmsd == 0.0 and fit.n_atoms == 121
    assert all(d.deviation == 0.0 for d in analysis.per_residue_deviation(il2_ra, "A", il2_ra, "A", top=None))


def test_free_il2_on_receptor_bound_il2(il2_ra, mirror):
    free = load_structure("1M47", progress=False)
    fit = analysis.superpose(free, "A", il2_ra, "A")
    assert 0.3 < fit.rmsd < 3.0
    assert 100 <= fit.n_atoms <= 121
    # The stored transform reproduces the RMSD from raw coordinates.
    common = [n for n in range(1, 134) if n in free.chain("A") and n in il2_ra.chain("A")]
    moved = fit.transform(np.array([free.chain("A")[n]["CA"].coord for n in common]))
    target = np.array([il2_ra.chain("A")[n]["CA"].coord for n in common])
    assert np.sqrt(((moved - target) ** 2).sum(axis=1).mean()) == pytest.approx(fit.rmsd, abs=0.01)
    top = analysis.per_residue_deviation(free, "A", il2_ra, "A", top=5)
    assert len(top) == 5
    assert [d.deviation for d in top] == sorted((d.deviation for d in top), reverse=True)
    assert top[0].deviation > 2 * fit.rmsd
    # Coordinates of the loaded structures are left where they were.
    assert analysis.superpose(free, "A", il2_ra, "A") == fit


def test_superposition_refuses_different_proteins(il2_ra):
    """IL-2Rα shares residue numbers with IL-2 but not its amino acids."""
    with pytest.raises(InvalidInputError, match="not the same protein"):
        analysis.superpose(il2_ra, "B", il2_ra, "A")


# -- errors and display ------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda s: analysis.contacts(s, "A", "Z"),
        lambda s: analysis.interface_residues(s, "Q", "B"),
        lambda s: analysis.buried_surface_area(s, "A", ["B", "Z"]),
        lambda s: analysis.chain_contact_matrix(s, chains=["A", "Z"]),
        lambda s: analysis.disulfides(s, "Z"),
        lambda s: analysis.helices(s, "Z"),
        lambda s: analysis.superpose(s, "Z", s, "A"),
        lambda s: analysis.chain_vs_reference(s, "Z"),
        lambda s: analysis.atom_distance(s, ("Z", 58, "SG"), ("A", 105, "SG")),
    ],
)
def test_unknown_chain_lists_the_chains_there_are(il2_ra, call):
    with pytest.raises(InvalidInputError, match=r"no chain .*A \(IL-2\), B \(IL-2Rα\)"):
        call(il2_ra)


@pytest.mark.parametrize("cutoff", [0, -1.0, 50.0, "4"])
def test_bad_cutoff_is_rejected(il2_ra, cutoff):
    with pytest.raises(InvalidInputError, match="cutoff"):
        analysis.contacts(il2_ra, "A", "B", cutoff=cutoff)


def test_same_chain_twice_is_rejected(il2_ra):
    with pytest.raises(InvalidInputError, match="two different chains"):
        analysis.contacts(il2_ra, "A", "A")


def test_tables_render_markdown_and_text(il2_ra):
    rows = analysis.interface_residues(il2_ra, "A", "B")
    tab = analysis.table(rows)
    markdown = tab.to_markdown().splitlines()
    assert markdown[0].startswith("| residue | chain |")
    assert len(markdown) == len(rows) + 2
    assert tab._repr_markdown_() == tab.to_markdown()
    assert str(tab).splitlines()[1].split()[:2] == [rows[0].label, "A"]
    assert analysis.table([]).to_markdown() == "*(none)*"


def test_results_are_identical_on_every_run(il2_ra):
    """nbval compares stored outputs exactly, so repeated calls must print the same text."""
    def shown():
        return repr(analysis.interface_residues(il2_ra, "A", "B")) + analysis.chain_contact_matrix(il2_ra).to_markdown()

    assert shown() == shown()


# -- small molecules and overlays --------------------------------------------------------


@pytest.fixture(scope="module")
def drug_bound(mirror):
    """1M48: IL-2 (A, B), each with the inhibitor Ro26-4550 (FRG)."""
    return load_structure("1M48", progress=False)


def test_ro26_4550_touches_the_il2ralpha_site(drug_bound):
    found = analysis.ligand_contacts(drug_bound, "A", "FRG")
    assert [r.number for r in found] == [35, 38, 39, 41, 42, 43, 44, 45, 62, 65, 72, 73]
    assert {(r.ligand.chain, r.ligand.name, r.ligand.number) for r in found} == {("A", "FRG", 301)}
    assert all(0 < r.min_distance <= 4.0 and r.atom_contacts >= 1 for r in found)
    closer = analysis.ligand_contacts(drug_bound, "A", "frg", cutoff=3.0)
    assert 0 < len(closer) < len(found) and {r.number for r in closer} <= {r.number for r in found}
    assert analysis.table(found).columns == ("residue", "chain", "ligand", "atom contacts", "min distance (Å)")
    assert found[0].ligand.label == "FRG301", "a ligand keeps its three-letter code, not 'X'"
    assert (found[0].chain, found[0].label) == ("A", "K35")  # so view.highlight(found) works


def test_ligand_contacts_names_the_ligands_there_are(drug_bound, il2_ra):
    with pytest.raises(InvalidInputError, match="no ligand 'XYZ'; its ligands are: FRG"):
        analysis.ligand_contacts(drug_bound, "A", "XYZ")
    with pytest.raises(InvalidInputError, match="its ligands are: none"):
        analysis.ligand_contacts(il2_ra, "A", "FRG")


def test_residue_overlap_of_the_drug_and_the_receptor(drug_bound, il2_ra):
    overlap = analysis.residue_overlap(
        analysis.ligand_contacts(drug_bound, "A", "FRG"), analysis.interface_residues(il2_ra, "A", "B"), "Ro26-4550", "IL-2Rα"
    )
    assert {38, 42, 45, 62, 72} <= set(overlap.both)
    assert overlap.only_first == (39, 73)
    assert overlap.share_of_first == round(len(overlap.both) / 12, 2) > 0.75
    assert "only by Ro26-4550 (2): 39, 73" in str(overlap)
    numbers = [type("R", (), {"number": n})() for n in (1, 2, 3)]
    assert analysis.residue_overlap(numbers[:2], numbers[1:], "a", "b") == analysis.ResidueOverlap("a", "b", (2,), (1,), (3,))
    assert analysis.residue_overlap([], numbers, "a", "b").share_of_first == 0.0


def test_overlay_puts_free_il2_onto_bound_il2(il2_ra, mirror):
    free = load_structure("1M47", progress=False)
    fit = analysis.superpose(free, "A", il2_ra, "A")
    combined = analysis.overlay(il2_ra, free, "A", "A")
    assert (combined.pdb_id, combined.entry, combined.source, combined.name) == (None, None, "overlay", "1M47 on 1Z92")
    assert combined.chain_roles == {"A": "IL-2", "B": "IL-2Rα", "C": "IL-2 · 1M47"}
    assert combined.sequences["C"] == free.sequences["A"] and combined.sequences["B"] == il2_ra.sequences["B"]
    # Without any new fit, the moved chain lies on the reference chain at the superposition's RMSD.
    common = sorted(set(_ca(combined, "C")) & set(_ca(il2_ra, "A")))
    moved, target = np.array([_ca(combined, "C")[n] for n in common]), np.array([_ca(il2_ra, "A")[n] for n in common])
    assert len(common) == fit.n_atoms
    assert np.sqrt(((moved - target) ** 2).sum(axis=1).mean()) == pytest.approx(fit.rmsd, abs=0.01)
    # The reference stays where it was, the loaded entries are not changed, and waters are gone.
    assert np.allclose([_ca(combined, "B")[n] for n in (10, 40)], [_ca(il2_ra, "B")[n] for n in (10, 40)], atol=1e-3)
    assert analysis.superpose(free, "A", il2_ra, "A") == fit
    assert "HOH" not in combined.text and "HOH" in free.text


def test_overlay_keeps_the_ligand_and_shows_the_receptor_on_top_of_it(drug_bound, il2_ra):
    combined = analysis.overlay(drug_bound, il2_ra, "A", "A", mobile_chains=["B"], reference_chains=["A"])
    assert combined.ligands() == [("A", "FRG", 301)]
    assert combined.chain_roles == {"A": "IL-2", "B": "IL-2Rα"}  # a role the reference lacks keeps its name
    clashes = [r for r in analysis.ligand_contacts(combined, "B", "FRG") if r.min_distance < 1.5]
    assert clashes, "IL-2Rα placed on drug-bound IL-2 overlaps the drug: they compete for one site"
    both = analysis.overlay(drug_bound, il2_ra, "A", "A")
    assert list(both.chain_roles) == ["A", "B", "C", "D"]  # 1Z92 A and B take the first free ids
    assert both.chain_roles["C"] == "IL-2 · 1Z92" and both.chain_roles["D"] == "IL-2Rα"
    with pytest.raises(InvalidInputError, match="no chain 'Z'"):
        analysis.overlay(drug_bound, il2_ra, "A", "A", mobile_chains=["Z"])


def _ca(structure, chain):
    return {r.id[1]: r["CA"].coord for r in structure.chain(chain) if r.id[0] == " " and "CA" in r}


# -- helix topology --------------------------------------------------------------------


@pytest.mark.parametrize(("pdb_id", "chain"), [("1Z92", "A"), ("1M47", "A"), ("3INK", "C")])
def test_il2_helices_run_up_up_down_down(mirror, pdb_id, chain):
    angles = {a.label: a for a in analysis.helix_angles(load_structure(pdb_id, progress=False), chain)}
    assert sorted(angles) == ["A–B", "A–C", "A–D", "B–C", "B–D", "C–D"]
    assert {label for label, a in angles.items() if a.direction == "parallel"} == {"A–B", "C–D"}
    assert all(a.angle < 50 for a in (angles["A–B"], angles["C–D"]))  # a bundle's helices are tilted, not crossed
    assert all(a.angle > 130 for label, a in angles.items() if label not in ("A–B", "C–D"))


def test_helix_angle_is_zero_with_itself_and_the_axis_points_n_to_c(il2_ra):
    helix_a = next(h for h in analysis.helices(il2_ra, "A") if h.name == "A")
    axis = analysis._helix_axis(il2_ra, helix_a)
    first, last = il2_ra.chain("A")[helix_a.start]["CA"].coord, il2_ra.chain("A")[helix_a.end]["CA"].coord
    assert np.dot(last - first, axis) > 0.9 * np.linalg.norm(last - first)  # the axis follows the helix, N to C
    assert analysis.HelixAngle(helix_a, helix_a, 0).direction == "parallel"
    assert analysis.HelixAngle(helix_a, helix_a, 180).direction == "antiparallel"
    row = analysis.table(analysis.helix_angles(il2_ra, "A")).rows[0]
    assert row[0] == "A–B" and row[1] == "7–28 / 53–72" and row[3] == "parallel"


def test_helix_angles_fall_back_to_every_helix_when_fewer_than_four(il2_ra):
    found = analysis.helices(il2_ra, "A", min_length=17)
    assert len(found) == 3 and not any(h.name for h in found)
    angles = analysis.helix_angles(il2_ra, "A", min_length=17)
    assert [a.label for a in angles] == ["7–28 / 53–72", "7–28 / 114–132", "53–72 / 114–132"]


def test_each_receptor_chain_holds_its_own_face_of_il2(quaternary):
    """Wang et al. 2005: IL-2Rβ binds helices A and C, γc helices A and D, IL-2Rα the AB loop and helix B."""
    faces = analysis.interfaces_by_partner(quaternary, "A")
    assert [(f.partner, f.partner_label) for f in faces] == [("B", "IL-2Rβ (B)"), ("C", "γc (C)"), ("D", "IL-2Rα (D)")]
    beta, gamma, alpha = (set(f.numbers) for f in faces)
    assert {20, 88} <= beta and {126} <= gamma and {38, 42, 62} <= alpha
    assert not alpha & (beta | gamma), "the IL-2Rα site is separate from the signalling chains' sites"
    assert faces[0].numbers == tuple(r.number for r in analysis.interface_residues(quaternary, "A", "B"))
    assert "D20" in analysis.table(faces).to_markdown()
    # IL-2Rα touches nothing but IL-2; asking for a chain it does not touch reports it empty.
    assert [f.partner for f in analysis.interfaces_by_partner(quaternary, "D")] == ["A"]
    assert analysis.interfaces_by_partner(quaternary, "D", partners=["B"])[0].residues == ()
