"""Scenes: the data loads, every scene matches the real coordinate files, and bad data fails loudly."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from il2lib import config, load_structure
from il2lib.errors import DataError, InvalidInputError
from il2lib.manifest import read_yaml
from il2lib.scenes import (
    Group,
    Scene,
    SceneLabel,
    check_scene,
    find_residue,
    get_scene,
    load_scenes,
    parse_scenes,
    scenes_for,
)

#: The distance that counts as a contact for a group's `touches` (heavy atoms, Å).
CONTACT_A = 4.5


def raw_scenes() -> dict:
    return copy.deepcopy(read_yaml(config.DATA_DIR / "scenes.yaml"))


def all_scenes() -> list[Scene]:
    return [scene for named in load_scenes().values() for scene in named.values()]


@pytest.fixture(scope="module")
def structures(mirror):
    return {pdb_id: load_structure(pdb_id) for pdb_id in load_scenes()}


def test_the_scenes_the_lessons_use_exist():
    assert list(scenes_for("1Z92")) == ["overview", "binding-site", "cys125", "disulfide", "helices", "n-terminus"]
    assert list(scenes_for("2B5I")) == ["overview", "alpha-site", "beta-site", "gamma-site"]
    assert list(scenes_for("1M48")) == ["ligand"] and list(scenes_for("1PY2")) == ["ligand"]
    assert scenes_for("1m47") == {} and scenes_for(None) == {}


def test_a_range_is_expanded_and_defaults_are_filled():
    helices = get_scene("1Z92", "helices")
    assert helices.highlight[0].residues == tuple(range(6, 30))
    assert helices.highlight[0].style == "cartoon"
    site = get_scene("1Z92", "binding-site")
    assert site.zoom == "highlight" and site.fade and site.orient == "side"
    assert site.highlight[0].style == "stick" and site.highlight[0].color is None
    assert get_scene("1Z92", "overview").zoom == "all"
    assert "  " not in site.caption and "\n" not in site.caption


@pytest.mark.parametrize("scene", all_scenes(), ids=lambda s: f"{s.pdb_id}-{s.name}")
def test_every_scene_names_only_residues_that_exist(scene, structures):
    check_scene(scene, structures[scene.pdb_id])  # raises DataError otherwise


def _min_distance(residue, atoms: np.ndarray) -> float:
    return min(float(np.linalg.norm(atoms - atom.coord, axis=1).min()) for atom in residue)


def _contact_groups():
    return [(s, g) for s in all_scenes() for g in s.highlight if g.touches_chain]


@pytest.mark.parametrize("scene,group", _contact_groups(), ids=lambda x: getattr(x, "name", None) or getattr(x, "chain", ""))
def test_every_residue_said_to_touch_a_partner_does_touch_it(scene, group, structures):
    structure = structures[scene.pdb_id]
    if group.touches_residues:
        partner = [a for n in group.touches_residues for a in find_residue(structure, group.touches_chain, n)]
    else:
        partner = list(structure.chain(group.touches_chain).get_atoms())
    coords = np.array([a.coord for a in partner])
    far = {n: round(_min_distance(find_residue(structure, group.chain, n), coords), 1) for n in group.residues}
    far = {n: d for n, d in far.items() if d > CONTACT_A}
    assert not far, f"{scene.pdb_id}/{scene.name}: residues of chain {group.chain} farther than {CONTACT_A} Å: {far}"


def test_the_disulfide_scene_shows_a_real_disulfide_bond(structures):
    scene = get_scene("1Z92", "disulfide")
    first, second = (find_residue(structures["1Z92"], "A", n) for n in scene.highlight[0].residues)
    assert first.get_resname() == second.get_resname() == "CYS"
    assert np.linalg.norm(first["SG"].coord - second["SG"].coord) < 2.3


def test_cys125_is_the_free_cysteine(structures):
    structure = structures["1Z92"]
    c125 = find_residue(structure, "A", 125)
    assert c125.get_resname() == "CYS"
    other_sg = [r["SG"].coord for r in structure.chain("A") if r.get_resname() == "CYS" and r.id[1] != 125]
    assert min(np.linalg.norm(sg - c125["SG"].coord) for sg in other_sg) > 4.0  # bonded to no other cysteine


def test_the_helix_ranges_are_the_helices_of_the_file(structures):
    text = structures["1Z92"].text
    annotated = set()
    for line in text.splitlines():
        if line.startswith("HELIX ") and line[19] == "A":
            annotated.update(range(int(line[21:25]), int(line[33:37]) + 1))
    for group in get_scene("1Z92", "helices").highlight:
        inside = sum(n in annotated for n in group.residues) / len(group.residues)
        assert inside >= 0.9, f"{group.legend}: only {inside:.0%} of it is annotated as helix"


def test_the_n_terminus_caption_matches_the_file(structures):
    structure = structures["1Z92"]
    first = next(iter(structure.chain("A")))
    assert first.id[1] == 6 and first.get_resname() == "SER"  # "the first residue seen is Ser6"
    receptor = np.array([a.coord for a in structure.chain("B").get_atoms()])
    for n in get_scene("1Z92", "n-terminus").highlight[0].residues:
        assert _min_distance(find_residue(structure, "A", n), receptor) > 20  # "more than 20 Å away"


def test_the_ligand_scenes_highlight_the_bound_inhibitor(structures):
    for pdb_id, code in (("1M48", "FRG"), ("1PY2", "FRH")):
        ligand_group = get_scene(pdb_id, "ligand").highlight[0]
        (number,) = ligand_group.residues
        assert find_residue(structures[pdb_id], ligand_group.chain, number).get_resname() == code


def test_an_unknown_scene_lists_the_valid_ones():
    with pytest.raises(InvalidInputError, match="binding-site, cys125") as err:
        get_scene("1Z92", "bindingsite")
    assert "'bindingsite'" in str(err.value)
    with pytest.raises(InvalidInputError, match="has no scenes; scenes exist for: 1Z92, 2B5I"):
        get_scene("1M47", "overview")


def test_a_scene_naming_a_missing_residue_or_chain_is_a_data_error(structures):
    scene = Scene("1Z92", "typo", "t", "c", ("rickert2005",), highlight=(Group("A", (38, 999)),))
    with pytest.raises(DataError, match=r"scenes/1Z92/typo: 1Z92 has no residue\(s\) A999"):
        check_scene(scene, structures["1Z92"])
    scene = Scene("1Z92", "typo", "t", "c", ("rickert2005",), highlight=(Group("C", (38,)),))
    with pytest.raises(DataError, match="has no chain 'C'"):
        check_scene(scene, structures["1Z92"])
    scene = Scene("1Z92", "typo", "t", "c", ("rickert2005",), labels=(SceneLabel("A", 1),))
    with pytest.raises(DataError, match="A1"):  # Ala1 is not in the crystal
        check_scene(scene, structures["1Z92"])


def test_scene_data_that_breaks_the_schema_is_a_data_error():
    data = raw_scenes()
    data["scenes"]["1Z92"]["cys125"]["style"] = "ribbon"
    with pytest.raises(DataError, match="scenes/1Z92/cys125/style"):
        parse_scenes(data)
    data = raw_scenes()
    del data["scenes"]["1Z92"]["cys125"]["cite"]
    with pytest.raises(DataError, match="'cite' is a required property"):
        parse_scenes(data)


def test_unknown_citation_keys_and_entries_are_data_errors():
    data = raw_scenes()
    data["scenes"]["1Z92"]["cys125"]["cite"] = ["rickert2005", "nobody1999"]
    with pytest.raises(DataError, match="nobody1999"):
        parse_scenes(data)
    data = raw_scenes()
    data["scenes"]["9XYZ"] = data["scenes"]["1Z92"]
    with pytest.raises(DataError, match="9XYZ is not in structures.yaml"):
        parse_scenes(data)


def test_a_side_view_needs_a_partner_chain():
    data = raw_scenes()
    del data["scenes"]["1Z92"]["binding-site"]["highlight"][0]["touches"]
    del data["scenes"]["1Z92"]["binding-site"]["highlight"][1]["touches"]
    with pytest.raises(DataError, match="orient: side needs"):
        parse_scenes(data)
