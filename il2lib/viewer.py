"""Interactive 3D views of IL-2 structures that work offline, live and exported.

One rendering path serves JupyterLab, ``jupyter nbconvert --to html`` and
:meth:`View.save_html`: a view is a block of plain HTML (a control bar, a
3Dmol.js canvas, a legend, a scene caption) and one script that builds the
viewer once. Every button restyles that viewer in place, so the camera stays
where the reader left it and no coordinates are sent again.

What goes into the page is kept small and safe:

* the model is a trimmed PDB text (model 1's atoms, no waters or buffer
  additives, no header), compressed with zlib and base64-encoded; the browser
  inflates it with ``DecompressionStream``;
* every string a reader sees (titles, chain labels, scene captions, residue
  labels) travels as JSON data, with ``<``, ``>`` and ``&`` escaped, and reaches
  the page through ``textContent`` only, so it can never become markup or code;
* 3Dmol.js itself (about 540 KB) is inlined once per page: by :func:`setup`, or
  by the first view shown in a kernel, or in the ``<head>`` of a saved page.

``show()`` returns a :class:`View` without displaying it: put it last in a cell,
or pass it to ``display()``. Its methods (``style``, ``show_chain``, ``spin``,
``go``, ``highlight``, ``reset``) change the view's recorded state, and when the
view is already on screen in a live notebook they also send the change to it.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import jsassets
from .errors import InvalidInputError
from .references import get_reference
from .scenes import (
    Scene,
    check_scenes,
    find_residue,
    get_scene,
    scenes_for,
    side_partner,
)
from .structures import IGNORED_HETERO, Structure, load_structure

#: Drawing styles, in the order of the buttons.
STYLES = ("stick", "sphere", "line", "cartoon")
#: Okabe-Ito colours (safe for colour-blind readers), one per chain role.
ROLE_COLORS = {"IL-2": "#E69F00", "IL-2Rα": "#56B4E9", "IL-2Rβ": "#009E73", "γc": "#CC79A7"}
OTHER_CHAIN_COLOR = "#999999"
LIGAND_COLOR = "#0072B2"
HIGHLIGHT_COLOR = "#D55E00"
DEFAULT_HEIGHT = 460
#: How long a view waits for 3Dmol.js before it says the engine is missing.
ENGINE_WAIT_MS = 15_000

_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_AMINO_ACIDS = frozenset(
    "ALA ARG ASN ASP CYS GLN GLU GLY HIS ILE LEU LYS MET PHE PRO SER THR TRP TYR VAL".split()
)
_WATER = frozenset({"HOH", "WAT", "DOD"})
_view_numbers = itertools.count(1)
_library_sent = False  # has this kernel already sent 3Dmol.js to the page?


# -- the model payload ------------------------------------------------------------------


def trimmed_pdb(structure: Structure) -> str:
    """The PDB text the picture needs: model 1's atoms and the authors' helices and strands.

    Dropped: header and remarks, waters and buffer additives, hydrogens, alternate
    positions other than the first, CONECT records (bonds are recomputed), and the
    atom serials, occupancies and B-factors, which the picture does not use.
    """
    text = structure.text if _is_pdb(structure.text) else _as_pdb(structure)
    kept = []
    for line in text.splitlines():
        record = line[:6]
        if record in ("ENDMDL", "END   ", "END"):
            break
        if record in ("HELIX ", "SHEET "):
            kept.append(line.rstrip())
        elif record in ("ATOM  ", "HETATM"):
            resname = line[17:20].strip()
            element = line[76:78].strip() if len(line) >= 78 else ""
            if resname in _WATER or resname in IGNORED_HETERO or line[16] not in " A1" or element in ("H", "D"):
                continue
            kept.append((record + " " * 5 + line[11:54] + " " * 22 + line[76:78]).rstrip())
    return "\n".join(kept) + "\n"


def _is_pdb(text: str) -> bool:
    return any(line.startswith(("ATOM  ", "HETATM")) for line in text.splitlines()[:20000])


def _as_pdb(structure: Structure) -> str:
    """PDB text written by Biopython, for structures read from mmCIF."""
    from Bio.PDB import PDBIO

    writer = PDBIO()
    writer.set_structure(structure.structure[0])
    buffer = io.StringIO()
    writer.save(buffer)
    return buffer.getvalue()


def pack_model(pdb_text: str) -> str:
    """PDB text (from :func:`trimmed_pdb`), zlib-compressed and base64-encoded for the page."""
    return base64.b64encode(zlib.compress(pdb_text.encode(), 9)).decode("ascii")


# -- helpers -----------------------------------------------------------------------------


def residue_label(resname: str, number: int) -> str:
    """A residue's label as readers know it: ``Arg38``; ligands keep their code (``FRG301``)."""
    name = resname.capitalize() if resname in _AMINO_ACIDS else resname
    return f"{name}{number}"


def _script_json(value: Any) -> str:
    """JSON that is safe inside an HTML <script> block and inside JavaScript source."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:24] or "view"


def _check_choice(value: object, valid: Iterable[str], what: str) -> str:
    valid = list(valid)
    if not isinstance(value, str) or value not in valid:
        raise InvalidInputError(f"Unknown {what} {value!r}; valid {what}s: {', '.join(valid)}.")
    return value


def _check_color(color: object) -> str:
    if not isinstance(color, str) or not _COLOR.match(color):
        raise InvalidInputError(f"Colour {color!r} is not of the form '#RRGGBB', e.g. {HIGHLIGHT_COLOR!r}.")
    return color.upper()


def _centroid(atoms: list[Any]):  # -> numpy array
    import numpy as np

    return np.mean([atom.coord for atom in atoms], axis=0)


def _side_quaternion(along: Any, behind: Any) -> list[float]:
    """The rotation that turns *along* to the right (+x) and *behind* away from the reader (-z)."""
    import numpy as np

    x = along / np.linalg.norm(along)
    depth = behind - np.dot(behind, x) * x  # the part of *behind* that is not along x
    if np.linalg.norm(depth) < 1e-3:
        return _quaternion_between(along, np.array([1.0, 0.0, 0.0]))
    z = -depth / np.linalg.norm(depth)
    y = np.cross(z, x)
    m = np.array([x, y, z])  # rows: the directions that become x, y and z
    return _matrix_quaternion(m)


def _matrix_quaternion(m: Any) -> list[float]:
    """The quaternion [x, y, z, w] of rotation matrix *m* (Shepperd's method, stable for half turns)."""
    import numpy as np

    trace = m[0, 0] + m[1, 1] + m[2, 2]
    if trace > 0:
        s = 2 * np.sqrt(trace + 1)
        q = [(m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s, s / 4]
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = 2 * np.sqrt(1 + m[0, 0] - m[1, 1] - m[2, 2])
        q = [s / 4, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s, (m[2, 1] - m[1, 2]) / s]
    elif m[1, 1] > m[2, 2]:
        s = 2 * np.sqrt(1 + m[1, 1] - m[0, 0] - m[2, 2])
        q = [(m[0, 1] + m[1, 0]) / s, s / 4, (m[1, 2] + m[2, 1]) / s, (m[0, 2] - m[2, 0]) / s]
    else:
        s = 2 * np.sqrt(1 + m[2, 2] - m[0, 0] - m[1, 1])
        q = [(m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, s / 4, (m[1, 0] - m[0, 1]) / s]
    return [round(float(v), 5) for v in q]


def _quaternion_between(a: Any, b: Any) -> list[float]:
    """The rotation [x, y, z, w] that turns direction *a* into direction *b*."""
    import numpy as np

    a = a / np.linalg.norm(a)
    b = b / np.linalg.norm(b)
    dot = float(np.dot(a, b))
    if dot < -0.999999:  # opposite: turn half-way round any axis perpendicular to a
        axis = np.cross([1.0, 0.0, 0.0], a)
        if np.linalg.norm(axis) < 1e-6:
            axis = np.cross([0.0, 1.0, 0.0], a)
        axis /= np.linalg.norm(axis)
        return [round(float(v), 5) for v in (*axis, 0.0)]
    q = np.array([*np.cross(a, b), 1.0 + dot])
    q /= np.linalg.norm(q)
    return [round(float(v), 5) for v in q]


# -- the view ----------------------------------------------------------------------------


@dataclass
class _State:
    """What the page draws; the page's own buttons change a copy of it."""

    style: str
    hidden: list[str] = field(default_factory=list)
    scene: str | None = None
    highlights: list[dict[str, Any]] = field(default_factory=list)
    spin: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"style": self.style, "hidden": list(self.hidden), "scene": self.scene,
                "highlights": list(self.highlights), "spin": self.spin}


class View:
    """One interactive 3D view of a structure; see the module docstring."""

    def __init__(
        self,
        structure: Structure,
        *,
        style: str = "cartoon",
        scene: str | None = None,
        chains: Iterable[str] | None = None,
        width: int | None = None,
        height: int = DEFAULT_HEIGHT,
        title: str | None = None,
    ) -> None:
        self.structure = structure
        check_scenes(structure)  # a scene naming a missing residue is a data error: fail now
        self._scenes = scenes_for(structure.pdb_id)
        pdb_text = trimmed_pdb(structure)
        self._model = pack_model(pdb_text)
        self._chains = _chains_in(pdb_text)
        self.width = self._check_size(width, "width", allow_none=True)
        self.height = self._check_size(height, "height")
        self.title = str(title) if title is not None else self._default_title()
        self.id = f"il2v-{_slug(structure.name)}-{next(_view_numbers)}"
        self._displayed = False
        self._state = _State(style=_check_choice(style, STYLES, "style"))
        if scene is not None:
            self._apply_scene(scene)
        if chains is not None:
            shown = [self._check_chain(c) for c in ([chains] if isinstance(chains, str) else chains)]
            self._state.hidden = [c for c in self._chains if c not in shown]
        self._home = _State(**self._state.as_dict())

    # -- public API ----------------------------------------------------------------------

    @property
    def scenes(self) -> list[str]:
        """Names of the scenes this view can :meth:`go` to."""
        return list(self._scenes)

    @property
    def chains(self) -> dict[str, str]:
        """Chain id -> button label, e.g. ``{"A": "IL-2 (A)", "B": "IL-2Rα (B)"}``."""
        return {cid: self.structure.label(cid) for cid in self._chains}

    @property
    def state(self) -> dict[str, Any]:
        """A copy of what the view will draw (style, hidden chains, scene, highlights, spin)."""
        return self._state.as_dict()

    def style(self, name: str) -> None:
        """Draw every chain as ``"stick"``, ``"sphere"``, ``"line"`` or ``"cartoon"``."""
        self._state.style = _check_choice(name, STYLES, "style")
        self._push({"op": "style", "style": name})

    def show_chain(self, chain: str, visible: bool = True) -> None:
        """Show or hide one chain, e.g. ``view.show_chain("B", False)``."""
        chain = self._check_chain(chain)
        hidden = [c for c in self._state.hidden if c != chain]
        self._state.hidden = hidden if visible else [*hidden, chain]
        self._push({"op": "chain", "chain": chain, "visible": bool(visible)})

    def spin(self, on: bool = True) -> None:
        """Start (or with ``on=False`` stop) turning the molecule about the vertical axis."""
        self._state.spin = bool(on)
        self._push({"op": "spin", "on": bool(on)})

    def go(self, scene: str) -> None:
        """Jump to a named scene (its style, highlights, labels and camera); clears highlights."""
        self._apply_scene(scene)
        self._push({"op": "scene", "name": scene})

    def highlight(
        self,
        residues: Iterable[Any],
        chain: str | None = None,
        *,
        color: str = HIGHLIGHT_COLOR,
        label: bool | str = True,
        style: str = "stick",
    ) -> None:
        """Draw *residues* on top of the picture, labelled, e.g. an interface a notebook computed.

        *residues* holds residue numbers of *chain*, ``(chain, number)`` pairs, Biopython
        residues or analysis results with ``chain`` and ``number`` (such as
        :func:`il2lib.analysis.interface_residues`). *label* is True (one label per residue, e.g. "Arg38"), False, or a text
        shown once for the whole group.
        """
        style = _check_choice(style, STYLES, "style")
        color = _check_color(color)
        by_chain: dict[str, list[tuple[int, str]]] = {}
        for item in residues:
            cid, number = self._residue_ref(item, chain)
            found = find_residue(self.structure, cid, number)
            if found is None:
                first, last = self._residue_range(cid)
                raise InvalidInputError(
                    f"{self.structure.name} chain {cid} has no residue {number}; "
                    f"its residues run from {first} to {last} (with gaps)."
                )
            if number not in (n for n, _ in by_chain.get(cid, [])):
                by_chain.setdefault(cid, []).append((number, found.get_resname()))
        if not by_chain:
            raise InvalidInputError("highlight() needs at least one residue, e.g. view.highlight([38, 42], chain='A').")
        for cid, found in by_chain.items():
            numbers = [n for n, _ in found]
            if label is True:
                labels = [{"sel": {"chain": cid, "resi": n}, "text": residue_label(name, n)} for n, name in found]
            elif label:
                labels = [{"sel": {"chain": cid, "resi": numbers}, "text": str(label)}]
            else:
                labels = []
            legend = label if isinstance(label, str) else f"highlighted in {self.structure.label(cid)}"
            group = {"sel": {"chain": cid, "resi": numbers}, "style": style, "color": color, "legend": legend, "labels": labels}
            self._state.highlights.append(group)
            self._push({"op": "highlight", "group": group})

    def reset(self) -> None:
        """Back to how :func:`show` made the view: style, chains, scene; no highlights, no spin."""
        self._state = _State(**self._home.as_dict())
        self._push({"op": "set", "state": self._state.as_dict()})

    def to_html(self, *, standalone: bool = False) -> str:
        """The view as HTML: a whole page that carries 3Dmol.js (standalone), or a fragment."""
        fragment = self._fragment(library="")
        if not standalone:
            return fragment
        title = html.escape(self.title)
        return (
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n"
            f"{library_loader_html()}\n</head>\n<body style=\"margin:16px\">\n{fragment}\n</body>\n</html>\n"
        )

    def save_html(self, path: str | Path) -> Path:
        """Write a self-contained page (3Dmol.js included) that works from disk with no network."""
        target = Path(path).expanduser()
        if target.suffix.lower() not in (".html", ".htm"):
            raise InvalidInputError(f"save_html() writes an .html file; {target.name!r} has another extension.")
        target.write_text(self.to_html(standalone=True), encoding="utf-8")
        return target

    # -- notebook display ----------------------------------------------------------------

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": self._repr_html_(), "text/plain": f"3D view of {self.structure.name} (run the notebook to see it)"}

    def _repr_html_(self) -> str:
        global _library_sent
        library = "" if _library_sent else library_loader_html()
        _library_sent = True
        self._displayed = True
        return self._fragment(library=library)

    def __repr__(self) -> str:
        scene = f", scene {self._state.scene!r}" if self._state.scene else ""
        return f"<il2lib View {self.id} of {self.structure.name}: {self._state.style}{scene}>"

    # -- internals -----------------------------------------------------------------------

    def _push(self, command: dict[str, Any]) -> None:
        """Send *command* to the view on screen, if it is on screen in a live kernel."""
        if self._displayed and _in_kernel():
            _publish_html(
                f"<script>(function(id,c){{document.querySelectorAll('[data-il2-view=\"'+id+'\"]').forEach("
                f"function(el){{if(el.il2view){{el.il2view.command(c);}}else{{(el.il2queue=el.il2queue||[]).push(c);}}}});}})"
                f"({_script_json(self.id)},{_script_json(command)});</script>"
            )

    def _apply_scene(self, name: str) -> None:
        scene = get_scene(self.structure.pdb_id, name)
        self._state.scene = scene.name
        self._state.style = scene.style
        self._state.hidden = []
        self._state.highlights = []

    def _check_chain(self, chain: object) -> str:
        if not isinstance(chain, str) or chain not in self._chains:
            valid = ", ".join(f"{cid} ({label})" for cid, label in self.chains.items())
            raise InvalidInputError(f"{self.structure.name} has no chain {chain!r}; its chains are: {valid}.")
        return chain

    def _residue_ref(self, item: Any, chain: str | None) -> tuple[str, int]:
        if hasattr(item, "get_parent") and hasattr(item, "id"):  # a Biopython residue
            return self._check_chain(item.get_parent().id), int(item.id[1])
        if isinstance(item, tuple) and len(item) == 2:
            return self._check_chain(item[0]), int(item[1])
        if hasattr(item, "chain") and hasattr(item, "number"):  # an il2lib.analysis result row
            return self._check_chain(item.chain), int(item.number)
        if isinstance(item, int) and not isinstance(item, bool):
            if chain is None:
                if len(self._chains) != 1:
                    raise InvalidInputError(
                        f"Say which chain residue {item} is in, e.g. highlight([{item}], chain='A'); "
                        f"{self.structure.name} has chains {', '.join(self._chains)}."
                    )
                chain = self._chains[0]
            return self._check_chain(chain), item
        raise InvalidInputError(
            f"{item!r} is not a residue: pass residue numbers, (chain, number) pairs, Biopython residues "
            "or analysis results such as analysis.interface_residues(...)."
        )

    def _residue_range(self, chain: str) -> tuple[int, int]:
        numbers = [r.id[1] for r in self.structure.chain(chain)]
        return min(numbers), max(numbers)

    def _default_title(self) -> str:
        entry = self.structure.entry
        return f"{self.structure.name}: {entry.summary}" if entry is not None else self.structure.name

    @staticmethod
    def _check_size(value: object, what: str, allow_none: bool = False) -> int | None:
        if value is None and allow_none:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not 150 <= value <= 4000:
            raise InvalidInputError(f"{what} must be a number of pixels from 150 to 4000, not {value!r}.")
        return value

    def _color(self, chain: str) -> str:
        return ROLE_COLORS.get(self.structure.chain_roles.get(chain, ""), OTHER_CHAIN_COLOR)

    def _scene_data(self, scene: Scene) -> dict[str, Any]:
        groups = [
            {"sel": {"chain": g.chain, "resi": list(g.residues)}, "style": g.style,
             "color": g.color or self._color(g.chain), "legend": g.legend}
            for g in scene.highlight
        ]
        labels = []
        for lab in scene.labels:
            residue = find_residue(self.structure, lab.chain, lab.residue)
            text = lab.text or residue_label(residue.get_resname(), lab.residue)
            labels.append({"sel": {"chain": lab.chain, "resi": lab.residue}, "text": text})
        return {
            "name": scene.name, "title": scene.title, "caption": scene.caption,
            "sources": "; ".join(get_reference(key).short() for key in scene.cite), "style": scene.style, "fade": scene.fade,
            "zoom": scene.zoom, "camera": list(scene.camera) if scene.camera else None,
            "rotation": self._rotation(scene), "groups": groups, "labels": labels,
        }

    def _rotation(self, scene: Scene) -> list[float] | None:
        """The turn that shows the scene best (see ``orient`` in data/scenes.yaml)."""
        import numpy as np

        if scene.orient is None or not scene.highlight:
            return None
        model = self.structure.structure[0]
        if scene.orient == "side":
            group = side_partner(scene.highlight)
            assert group is not None and group.touches_chain is not None  # checked when loading
            own = _centroid(list(model[group.chain].get_atoms()))
            along = _centroid(list(model[group.touches_chain].get_atoms())) - own
            others = [a for c in model if c.id not in (group.chain, group.touches_chain) for a in c.get_atoms()]
            return _side_quaternion(along, _centroid(others) - own if others else np.zeros(3))
        own = scene.highlight[0].chain
        atoms = [a for g in scene.highlight for n in g.residues for a in find_residue(self.structure, g.chain, n)]
        direction = _centroid(atoms) - _centroid(list(model[own].get_atoms()))
        return _quaternion_between(direction, np.array([0.0, 0.0, 1.0]))

    def _page_data(self) -> dict[str, Any]:
        roles = {}
        for cid in self._chains:
            role = self.structure.chain_roles.get(cid)
            if role is not None:
                roles.setdefault(role, self._color(cid))
        legend = [{"label": role, "color": color} for role, color in roles.items()]
        if self.structure.ligands():
            legend.append({"label": "ligand", "color": LIGAND_COLOR})
        return {
            "id": self.id,
            "title": self.title,
            "model": self._model,
            "styles": [{"name": s, "label": s.capitalize()} for s in STYLES],
            "chains": [{"id": cid, "label": self.structure.label(cid), "color": self._color(cid)} for cid in self._chains],
            "ligandColor": LIGAND_COLOR,
            "legend": legend,
            "scenes": [self._scene_data(s) for s in self._scenes.values()],
            "state": self._state.as_dict(),
            "waitMs": ENGINE_WAIT_MS,
        }

    def _fragment(self, library: str) -> str:
        # A fixed width keeps its size; otherwise the canvas takes the room the text column leaves.
        width = f"flex:0 0 {self.width}px;width:{self.width}px" if self.width else "flex:3 1 420px"
        canvas_size = f"{width};height:{self.height}px"
        name = html.escape(self.structure.name)
        return (
            f'<div class="il2v" id="{self.id}" data-il2-view="{self.id}" data-il2-pdb="{html.escape(self.structure.pdb_id or "")}">'
            f"<style>{_CSS}</style>{library}"
            '<div class="il2v-title"></div><div class="il2v-bar" role="toolbar" aria-label="3D view controls"></div>'
            f'<p class="il2v-note">3D view of {name}: it appears when this notebook runs in Jupyter, '
            "or when this page is opened in a browser with JavaScript on.</p>"
            '<div class="il2v-main">'
            f'<div class="il2v-canvas" style="{canvas_size}"></div>'
            '<div class="il2v-side"><div class="il2v-legend" aria-label="colour legend"></div>'
            '<div class="il2v-caption" aria-live="polite"></div></div></div>'
            f'<script type="application/json" class="il2v-data">{_script_json(self._page_data())}</script>'
            f"<script>{_RUNTIME_JS}</script></div>"
        )


def _chains_in(pdb_text: str) -> list[str]:
    """Chains that have atoms in a PDB text, in file order."""
    seen: dict[str, None] = {}
    for line in pdb_text.splitlines():
        if line.startswith(("ATOM  ", "HETATM")):
            seen.setdefault(line[21], None)
    return list(seen)


# -- notebook plumbing -------------------------------------------------------------------


def _in_kernel() -> bool:
    """True inside a running Jupyter kernel (where display() reaches a page)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _publish_html(markup: str) -> None:
    from IPython.display import display

    display({"text/html": markup}, raw=True)


def library_loader_html() -> str:
    """A <script> that defines ``window.$3Dmol`` once per page: inline if local, else from the CDN."""
    code = jsassets.library_code()
    if code is not None:
        # The parameters hide AMD/CommonJS loaders (nbconvert pages carry require.js), so
        # 3Dmol.js always defines the global window.$3Dmol.
        return (
            f"<script>/* 3Dmol.js {jsassets.VERSION} (BSD-3-Clause), inlined by il2lib */\n"
            f"if (!window.$3Dmol) {{ (function (define, exports, module) {{\n{code}\n}}).call(window); }}\n</script>"
        )
    return (
        "<script>if (!window.$3Dmol && !window.il2libLoading3Dmol) { window.il2libLoading3Dmol = true;"
        " var amd = window.define; window.define = undefined; var tag = document.createElement('script');"
        f" tag.src = {_script_json(jsassets.cdn_url())};"
        " tag.onload = tag.onerror = function () { window.define = amd; }; document.head.appendChild(tag); }</script>"
    )


def setup() -> None:
    """Send 3Dmol.js to the notebook page once; lessons call it in their first code cell."""
    global _library_sent
    from IPython.display import display

    library = jsassets.locate()
    where = "a local copy (works offline)" if library.offline_ready else (
        "the internet; run `python -m il2lib fetch --js` to work offline")
    note = f"3D engine: 3Dmol.js {jsassets.VERSION} from {where}."
    display({"text/html": f'{library_loader_html()}<p style="font-size:12px;color:#555">{html.escape(note)}</p>',
             "text/plain": note}, raw=True)
    _library_sent = True


def show(
    structure: Structure | str | Path,
    style: str = "cartoon",
    scene: str | None = None,
    chains: Iterable[str] | None = None,
    width: int | None = None,
    height: int = DEFAULT_HEIGHT,
    title: str | None = None,
) -> View:
    """A 3D view of *structure* (a :class:`Structure`, PDB id or path); end a cell with it to see it."""
    if not isinstance(structure, Structure):
        structure = load_structure(structure)
    return View(structure, style=style, scene=scene, chains=chains, width=width, height=height, title=title)


_CSS = (
    ".il2v{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:14px;color:#222;"
    "background:#fff;margin:6px 0;max-width:100%}"
    ".il2v-title{font-weight:600;margin:0 0 6px}"
    ".il2v-bar{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;margin:0 0 6px}"
    ".il2v-group{display:flex;flex-wrap:wrap;gap:4px;align-items:center}"
    ".il2v-group-name{font-size:12px;color:#555;margin-right:2px}"
    ".il2v-btn{font:inherit;font-size:13px;line-height:1.3;padding:3px 9px;border:1px solid #8a8a8a;"
    "border-radius:4px;background:#f4f4f4;color:#111;cursor:pointer}"
    ".il2v-btn:hover{background:#e4e4e4}"
    ".il2v-btn[aria-pressed=true]{background:#1d4f7c;border-color:#1d4f7c;color:#fff}"
    ".il2v-btn:focus-visible{outline:2px solid #0072B2;outline-offset:1px}"
    ".il2v-btn:disabled{opacity:.55;cursor:default}"
    ".il2v-swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;"
    "border:1px solid rgba(0,0,0,.35);vertical-align:-1px}"
    ".il2v-canvas{position:relative;border:1px solid #ccc;border-radius:4px;background:#fff;overflow:hidden}"
    ".il2v-note{font-size:12px;color:#555;margin:0 0 4px}"
    ".il2v-note.il2v-error{color:#a40000;font-weight:600;font-size:14px}"
    ".il2v-main{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:flex-start}"
    ".il2v-side{flex:1 1 15em;min-width:15em;max-width:40em}"
    ".il2v-legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px}"
    ".il2v-caption{font-size:13px;margin-top:8px;line-height:1.45}"
    ".il2v-caption strong{display:block;margin-bottom:2px}"
    ".il2v-sources{color:#555;font-size:12px}"
)

# The page side of a view. It reads its data from the JSON block next to it, builds the
# controls with textContent only, creates the 3Dmol viewer once and then only restyles it.
_RUNTIME_JS = r"""
(function (root) {
  "use strict";
  var data = JSON.parse(root.querySelector("script.il2v-data").textContent);
  var note = root.querySelector(".il2v-note"), box = root.querySelector(".il2v-canvas");
  var bar = root.querySelector(".il2v-bar"), legendBox = root.querySelector(".il2v-legend");
  var captionBox = root.querySelector(".il2v-caption");
  var scenes = {}, buttons = {style: {}, chain: {}, scene: {}}, allButtons = [];
  var state = copy(data.state), viewer = null, DEGREES_PER_MS = 0.03;
  data.scenes.forEach(function (s) { scenes[s.name] = s; });

  function copy(x) { return JSON.parse(JSON.stringify(x)); }
  function add(parent, tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text !== undefined && text !== null) el.textContent = text;
    parent.appendChild(el);
    return el;
  }
  function swatch(parent, color) { add(parent, "span", "il2v-swatch").style.backgroundColor = color; }
  function group(name) {
    var g = add(bar, "div", "il2v-group");
    g.setAttribute("role", "group");
    g.setAttribute("aria-label", name);
    add(g, "span", "il2v-group-name", name + ":");
    return g;
  }
  function button(parent, text, onClick, color) {
    var b = add(parent, "button", "il2v-btn");
    b.type = "button";
    b.disabled = true;
    if (color) swatch(b, color);
    add(b, "span", null, text);
    b.addEventListener("click", onClick);
    allButtons.push(b);
    return b;
  }
  function fail(text) { note.textContent = text; note.className = "il2v-note il2v-error"; note.hidden = false; }

  // -- controls, built from data with textContent only
  root.querySelector(".il2v-title").textContent = data.title;
  var styleGroup = group("Style");
  data.styles.forEach(function (s) {
    buttons.style[s.name] = button(styleGroup, s.label, function () { command({op: "style", style: s.name}); });
  });
  var viewGroup = group("View");
  buttons.spin = button(viewGroup, "Rotate", function () { command({op: "spin", on: !state.spin}); });
  button(viewGroup, "Reset view", function () { command({op: "set", state: data.state}); });
  var chainGroup = group("Chains");
  data.chains.forEach(function (c) {
    buttons.chain[c.id] = button(chainGroup, c.label, function () {
      command({op: "chain", chain: c.id, visible: state.hidden.indexOf(c.id) >= 0});
    }, c.color);
  });
  if (data.scenes.length) {
    var sceneGroup = group("Scenes");
    data.scenes.forEach(function (s) {
      buttons.scene[s.name] = button(sceneGroup, s.title, function () { command({op: "scene", name: s.name}); });
    });
  }

  // -- drawing
  function carbons(color) { return {prop: "elem", map: {C: color}}; }
  function look(style, color, opacity, highlight) {
    var spec = {};
    if (style === "cartoon") spec = {color: color};
    else if (style === "stick") spec = {radius: highlight ? 0.3 : 0.2, colorscheme: carbons(color)};
    else if (style === "sphere") spec = {colorscheme: carbons(color)};
    else spec = {linewidth: 2, colorscheme: carbons(color)};
    if (opacity < 1 && style === "cartoon") spec.opacity = opacity;  // 3Dmol.js cannot mix stick or sphere opacities
    var out = {};
    out[style] = spec;
    return out;
  }
  function shown(chain) { return state.hidden.indexOf(chain) < 0; }
  function currentScene() { return state.scene ? scenes[state.scene] : null; }
  function draw() {
    var scene = currentScene(), fade = scene && scene.fade ? 0.4 : 1;
    var groups = (scene ? scene.groups : []).concat(state.highlights);
    // 3Dmol.js sets a cartoon's opacity per chain: a chain with cartoon highlights stays opaque.
    var opaque = groups.filter(function (g) { return g.style === "cartoon"; }).map(function (g) { return g.sel.chain; });
    var labels = scene ? scene.labels.slice() : [];
    state.highlights.forEach(function (h) { labels = labels.concat(h.labels); });
    viewer.setStyle({}, {});
    viewer.removeAllLabels();
    data.chains.forEach(function (c) {
      if (!shown(c.id)) return;
      viewer.setStyle({chain: c.id, hetflag: false}, look(state.style, c.color, opaque.indexOf(c.id) < 0 ? fade : 1));
      viewer.setStyle({chain: c.id, hetflag: true},
                      look(state.style === "cartoon" ? "stick" : state.style, data.ligandColor, fade));
    });
    groups.forEach(function (g) {
      if (shown(g.sel.chain)) viewer.addStyle(g.sel, look(g.style, g.color, 1, true));
    });
    labels.forEach(function (l) {
      if (shown(l.sel.chain)) {
        viewer.addLabel(l.text, {fontSize: 13, fontColor: "black", backgroundColor: "white", backgroundOpacity: 0.85,
                                 borderThickness: 1, borderColor: "#555555", inFront: true}, l.sel);
      }
    });
    viewer.render();
    refresh(scene, groups);
  }
  function refresh(scene, groups) {
    function press(button, on) { button.setAttribute("aria-pressed", String(on)); }
    Object.keys(buttons.style).forEach(function (k) { press(buttons.style[k], k === state.style); });
    Object.keys(buttons.chain).forEach(function (k) { press(buttons.chain[k], shown(k)); });
    Object.keys(buttons.scene).forEach(function (k) { press(buttons.scene[k], k === state.scene); });
    press(buttons.spin, state.spin);
    legendBox.textContent = "";
    data.legend.concat(groups.filter(function (g) { return g.legend; }).map(function (g) {
      return {label: g.legend, color: g.color};
    })).forEach(function (item) {
      var span = add(legendBox, "span");
      swatch(span, item.color);
      add(span, "span", null, item.label);
    });
    captionBox.textContent = "";
    if (scene) {
      add(captionBox, "strong", null, scene.title);
      add(captionBox, "span", null, scene.caption + " ");
      add(captionBox, "span", "il2v-sources", "(" + scene.sources + ")");
    }
  }
  function home() {
    var scene = currentScene();
    if (scene && scene.camera) { viewer.setView(scene.camera); viewer.render(); return; }
    var view = viewer.getView(), q = (scene && scene.rotation) || [0, 0, 0, 1];
    view[4] = q[0]; view[5] = q[1]; view[6] = q[2]; view[7] = q[3];
    viewer.setView(view);
    if (scene && scene.zoom === "highlight") {
      viewer.zoomTo({or: scene.groups.map(function (g) { return g.sel; }), expand: 12});
    } else {
      viewer.zoomTo();
      viewer.zoom(1.2);
    }
    viewer.render();
  }
  // Rotate: one small turn per animation frame, scaled by the time since the last one. Unlike a
  // timer, this never queues more frames than a slow machine can draw, and stops in hidden tabs.
  var spinFrame = 0;
  function setSpin(on) {
    cancelAnimationFrame(spinFrame);
    spinFrame = 0;
    if (!on) return;
    var last = performance.now();
    function step(now) {
      viewer.rotate(Math.min(now - last, 100) * DEGREES_PER_MS, "vy");
      last = now;
      spinFrame = requestAnimationFrame(step);
    }
    spinFrame = requestAnimationFrame(step);
  }
  function command(c) {
    if (c.op === "style") state.style = c.style;
    else if (c.op === "chain") {
      state.hidden = state.hidden.filter(function (k) { return k !== c.chain; });
      if (!c.visible) state.hidden.push(c.chain);
    } else if (c.op === "spin") state.spin = !!c.on;
    else if (c.op === "scene") {
      state.scene = c.name; state.style = scenes[c.name].style; state.hidden = []; state.highlights = [];
    } else if (c.op === "highlight") state.highlights.push(c.group);
    else if (c.op === "set") state = copy(c.state);
    draw();
    if (c.op === "spin" || c.op === "set") setSpin(state.spin);
    if (c.op === "scene" || c.op === "set") home();
  }

  // -- start: wait for 3Dmol.js, inflate the model, build the viewer once
  function inflate(b64) {
    var bytes = Uint8Array.from(atob(b64), function (ch) { return ch.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text();
  }
  // Without a GPU (software WebGL) antialiasing triples the cost of every frame: skip it there.
  function softwareRendering() {
    try {
      var gl = document.createElement("canvas").getContext("webgl");
      var info = gl && gl.getExtension("WEBGL_debug_renderer_info");
      var name = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : "";
      var lose = gl && gl.getExtension("WEBGL_lose_context");
      if (lose) lose.loseContext();
      return /swiftshader|llvmpipe|softpipe|software/i.test(name);
    } catch (err) {
      return false;
    }
  }
  function start() {
    inflate(data.model).then(function (pdb) {
      viewer = window.$3Dmol.createViewer(box, {backgroundColor: "white", antialias: !softwareRendering()});
      if (!viewer) throw new Error("this browser cannot draw WebGL graphics");
      viewer.addModel(pdb, "pdb");
      draw();
      home();
      setSpin(state.spin);
      allButtons.forEach(function (b) { b.disabled = false; });
      note.hidden = true;
      root.il2view = {command: command, viewer: viewer, hasScene: function (name) { return name in scenes; }};
      (root.il2queue || []).forEach(command);
      root.il2queue = [];
      root.setAttribute("data-il2-ready", "true");
    }).catch(function (err) { fail("The 3D view could not be drawn: " + err.message); });
  }
  // Text-linked scenes, as on Proteopedia: a link to "#il2-scene=1Z92/binding-site" anywhere on
  // the page moves the nearest view of 1Z92 above the link (else the first below) to that scene.
  if (!window.il2SceneLinks) {
    window.il2SceneLinks = true;
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href*='#il2-scene=']") : null;
      var match = link && /#il2-scene=([0-9A-Za-z]{4})\/([a-z0-9-]+)/.exec(link.getAttribute("href"));
      if (!match) return;
      var views = Array.prototype.filter.call(document.querySelectorAll(".il2v[data-il2-ready]"), function (v) {
        return v.getAttribute("data-il2-pdb").toUpperCase() === match[1].toUpperCase() && v.il2view.hasScene(match[2]);
      });
      if (!views.length) return;
      event.preventDefault();
      event.stopPropagation();
      var above = views.filter(function (v) { return v.compareDocumentPosition(link) & Node.DOCUMENT_POSITION_FOLLOWING; });
      var target = above.length ? above[above.length - 1] : views[0];
      target.il2view.command({op: "scene", name: match[2]});
      target.scrollIntoView({block: "nearest", behavior: "smooth"});
    }, true);
  }

  var waited = 0;
  (function waitForEngine() {
    if (window.$3Dmol && window.$3Dmol.createViewer) { start(); return; }
    waited += 100;
    if (waited > data.waitMs) {
      fail("3D engine not loaded: re-run the notebook from the top (il2lib.setup()).");
      return;
    }
    setTimeout(waitForEngine, 100);
  })();
})(document.currentScript ? document.currentScript.parentNode : document.querySelector(".il2v:not([data-il2-ready])"));
"""
