"""Scenes: named views of a structure that a lesson's text can jump to.

A scene ("the IL-2Rα binding site", "Cys125") is data, kept in ``data/scenes.yaml``
and validated against ``data/scenes.schema.json``: which residues to highlight and
how, which to label, where to point the camera and which references back its caption.
Scenes are checked twice: at load time (schema, PDB ids, citation keys) and against
a loaded structure (every chain and residue they name must exist in the file), so a
typo in the data fails loudly instead of drawing an empty picture.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import config
from .datafiles import read_yaml, validate_against_schema
from .errors import DataError, Il2libError, InvalidInputError
from .manifest import load_manifest
from .references import check_cited

if TYPE_CHECKING:
    from .structures import Structure


@dataclass(frozen=True)
class Group:
    """Residues of one chain drawn on top of the scene's base style."""

    chain: str
    residues: tuple[int, ...]
    style: str = "stick"
    color: str | None = None  # None: the colour of the chain's role
    legend: str | None = None
    touches_chain: str | None = None  # the partner these residues contact (checked by the tests)
    touches_residues: tuple[int, ...] = ()


@dataclass(frozen=True)
class SceneLabel:
    chain: str
    residue: int
    text: str | None = None  # None: residue name and number, e.g. "Arg38"


@dataclass(frozen=True)
class Scene:
    """One named view of one PDB entry."""

    pdb_id: str
    name: str
    title: str
    caption: str
    cite: tuple[str, ...]
    style: str = "cartoon"
    fade: bool = False
    orient: str | None = None  # "face" or "side"
    zoom: str = "all"  # "highlight" or "all"
    camera: tuple[float, ...] | None = None
    highlight: tuple[Group, ...] = ()
    labels: tuple[SceneLabel, ...] = ()


def _group(raw: Mapping[str, object]) -> Group:
    if "range" in raw:
        first, last = raw["range"]  # type: ignore[misc]
        residues = tuple(range(min(first, last), max(first, last) + 1))
    else:
        residues = tuple(raw["residues"])  # type: ignore[arg-type]
    touches = raw.get("touches") or {}
    assert isinstance(touches, dict)
    return Group(
        chain=str(raw["chain"]),
        residues=residues,
        style=str(raw.get("style", "stick")),
        color=raw.get("color"),  # type: ignore[arg-type]
        legend=raw.get("legend"),  # type: ignore[arg-type]
        touches_chain=touches.get("chain"),
        touches_residues=tuple(touches.get("residues", ())),
    )


def parse_scenes(data: object, source: Path | str = "scenes") -> dict[str, dict[str, Scene]]:
    """Validate raw scene data and turn it into :class:`Scene` objects keyed by PDB id, then name."""
    validate_against_schema(data, config.DATA_DIR / "scenes.schema.json", source)
    assert isinstance(data, dict)
    manifest = load_manifest()
    scenes: dict[str, dict[str, Scene]] = {}
    for pdb_id, named in data["scenes"].items():
        if pdb_id not in manifest:
            raise DataError(f"{source}: scenes/{pdb_id}: {pdb_id} is not in structures.yaml ({', '.join(manifest)}).")
        scenes[pdb_id] = {}
        for name, raw in named.items():
            check_cited(raw["cite"], f"{source}: scenes/{pdb_id}/{name}")
            groups = tuple(_group(g) for g in raw.get("highlight", []))
            if raw.get("orient") == "side" and side_partner(groups) is None:
                raise DataError(
                    f"{source}: scenes/{pdb_id}/{name}: orient: side needs a highlight group whose "
                    f"`touches` names another chain, to know which way the contact runs."
                )
            scenes[pdb_id][name] = Scene(
                pdb_id=pdb_id,
                name=name,
                title=raw["title"],
                caption=" ".join(raw["caption"].split()),
                cite=tuple(raw["cite"]),
                style=raw.get("style", "cartoon"),
                fade=raw.get("fade", False),
                orient=raw.get("orient"),
                zoom=raw.get("zoom", "highlight" if groups else "all"),
                camera=tuple(raw["camera"]) if "camera" in raw else None,
                highlight=groups,
                labels=tuple(SceneLabel(lab["chain"], lab["residue"], lab.get("text")) for lab in raw.get("labels", [])),
            )
    return scenes


def side_partner(groups: tuple[Group, ...]) -> Group | None:
    """The first group that touches another chain: a side view looks along its contact."""
    return next((g for g in groups if g.touches_chain and g.touches_chain != g.chain), None)


@lru_cache(maxsize=1)
def load_scenes() -> dict[str, dict[str, Scene]]:
    """Every scene of ``data/scenes.yaml``, keyed by PDB id and then by scene name."""
    path = config.DATA_DIR / "scenes.yaml"
    return parse_scenes(read_yaml(path), path)


def scenes_for(pdb_id: str | None) -> dict[str, Scene]:
    """The scenes of one entry, in the order of the data file (empty for a user's own file)."""
    return dict(load_scenes().get(pdb_id.upper(), {})) if pdb_id else {}


def get_scene(pdb_id: str | None, name: str) -> Scene:
    """The scene *name* of *pdb_id*, or an error listing the scenes that exist."""
    available = scenes_for(pdb_id)
    if isinstance(name, str) and name in available:
        return available[name]
    if not available:
        raise InvalidInputError(f"{pdb_id or 'This structure'} has no scenes; scenes exist for: {', '.join(load_scenes())}.")
    raise InvalidInputError(f"{pdb_id} has no scene {name!r}; its scenes are: {', '.join(available)}.")


def find_residue(structure: Structure, chain: str, number: int):  # -> Bio.PDB.Residue.Residue | None
    """The residue numbered *number* (ATOM or HETATM) of *chain*, or None."""
    try:
        bio_chain = structure.chain(chain)
    except Il2libError:
        return None
    for residue in bio_chain:
        if residue.id[1] == number:
            return residue
    return None


def check_scene(scene: Scene, structure: Structure) -> None:
    """Raise :class:`DataError` if *scene* names a chain or residue that *structure* lacks."""
    where = f"data/scenes.yaml: scenes/{scene.pdb_id}/{scene.name}"
    wanted = [(g.chain, n) for g in scene.highlight for n in g.residues]
    wanted += [(g.touches_chain, n) for g in scene.highlight if g.touches_chain for n in g.touches_residues]
    wanted += [(lab.chain, lab.residue) for lab in scene.labels]
    chains = {g.chain for g in scene.highlight} | {g.touches_chain for g in scene.highlight if g.touches_chain}
    for chain in sorted(chains):
        try:
            structure.chain(chain)
        except Il2libError:
            chains = ", ".join(structure.chain_labels())
            raise DataError(f"{where}: {structure.name} has no chain {chain!r} (its chains: {chains}).") from None
    missing = [f"{chain}{number}" for chain, number in wanted if find_residue(structure, chain, number) is None]
    if missing:
        raise DataError(f"{where}: {structure.name} has no residue(s) {', '.join(missing)} in its coordinates; fix the scene.")


def check_scenes(structure: Structure) -> None:
    """Check every scene of *structure*'s entry against its coordinates."""
    for scene in scenes_for(structure.pdb_id).values():
        check_scene(scene, structure)
