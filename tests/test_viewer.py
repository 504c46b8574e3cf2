"""What a view emits: the trimmed model, the page data, escaping, size, state and live commands.

The browser tests (tests/browser) check that the emitted page really draws and reacts;
these tests check the HTML and data themselves, without a browser.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import re
import zlib

import numpy as np
import py3Dmol
import pytest

from il2lib import jsassets, load_structure, viewer
from il2lib.errors import InvalidInputError
from il2lib.viewer import STYLES, View, show, trimmed_pdb

XSS = "</script><script>alert(1)</script>"
FAKE_LIBRARY = "/* fake 3Dmol.js for tests */ window.$3Dmol = window.$3Dmol || {};\n"


@pytest.fixture(scope="module")
def il2_ra(mirror):
    return load_structure("1Z92")


@pytest.fixture(autouse=True)
def fake_library(monkeypatch, tmp_path):
    """A tiny stand-in for 3Dmol.js, and a fresh 'library already sent' flag and view counter."""
    monkeypatch.setenv("IL2LIB_CACHE_DIR", str(tmp_path / "cache"))  # structures are loaded per module, before
    monkeypatch.setattr(jsassets, "node_modules_path", lambda: tmp_path / "no-node-modules.js")
    library = tmp_path / "3Dmol-min.js"
    library.write_text(FAKE_LIBRARY)
    monkeypatch.setenv(jsassets.ENV_VAR, str(library))
    monkeypatch.setattr(viewer, "_library_sent", False)
    monkeypatch.setattr(viewer, "_view_numbers", itertools.count(1))


def page_data(markup: str) -> dict:
    """The JSON data block of the (single) view in *markup*."""
    (block,) = re.findall(r'<script type="application/json" class="il2v-data">(.*?)</script>', markup, re.S)
    return json.loads(block)


def scripts(markup: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", markup)


# -- the model payload --------------------------------------------------------------------


def test_the_trimmed_model_keeps_every_atom_and_nothing_else(il2_ra):
    text = trimmed_pdb(il2_ra)
    records = {line[:6] for line in text.splitlines()}
    assert records == {"ATOM  ", "HELIX ", "SHEET "}
    atoms = [line for line in text.splitlines() if line.startswith("ATOM")]
    assert len(atoms) == sum(1 for _ in il2_ra.structure[0].get_atoms()) == 989 + 982
    helices = [line for line in il2_ra.text.splitlines() if line.startswith("HELIX ")]
    assert [line for line in text.splitlines() if line.startswith("HELIX ")] == [h.rstrip() for h in helices]
    first = atoms[0]  # columns 3Dmol.js reads stay in place; serial, occupancy and B-factor are blanked
    original = next(line for line in il2_ra.text.splitlines() if line.startswith("ATOM"))
    assert first[11:54] == original[11:54] and first[76:78] == original[76:78] and first[6:11].strip() == ""


def test_trimming_drops_water_additives_and_alternate_positions(mirror):
    for pdb_id, kept, dropped in (("2B5I", set(), {"HOH", "NAG"}), ("1PY2", {"FRH"}, {"ZN"}), ("1M48", {"FRG"}, {"HOH"})):
        text = trimmed_pdb(load_structure(pdb_id))
        hetero = {line[17:20].strip() for line in text.splitlines() if line.startswith("HETATM")}
        assert hetero == kept and not dropped & hetero, pdb_id
        assert {line[16] for line in text.splitlines() if line.startswith(("ATOM", "HETATM"))} <= {" ", "A"}


def test_the_model_in_the_page_inflates_to_the_trimmed_text(il2_ra):
    data = page_data(show(il2_ra).to_html())
    assert zlib.decompress(base64.b64decode(data["model"])).decode() == trimmed_pdb(il2_ra)


def test_a_view_adds_far_less_than_100_kb_to_a_notebook(il2_ra):
    ours = show(il2_ra).to_html()
    naive_html = py3Dmol.view(data=il2_ra.text, format="pdb", style={"cartoon": {}}).write_html()
    naive = 2 * len(naive_html.encode())  # py3Dmol publishes text/html and application/3dmoljs_load.v0
    assert FAKE_LIBRARY not in ours
    assert len(ours.encode()) < 100_000
    assert len(ours.encode()) * 4 < naive, (len(ours), naive)


# -- what the page shows --------------------------------------------------------------------


def test_the_page_data_has_the_controls_the_issue_asks_for(il2_ra):
    data = page_data(show(il2_ra).to_html())
    assert [s["label"] for s in data["styles"]] == ["Stick", "Sphere", "Line", "Cartoon"]
    assert [(c["id"], c["label"]) for c in data["chains"]] == [("A", "IL-2 (A)"), ("B", "IL-2Rα (B)")]
    assert [item["label"] for item in data["legend"]] == ["IL-2", "IL-2Rα"]
    assert data["chains"][0]["color"] == viewer.ROLE_COLORS["IL-2"] != data["chains"][1]["color"]
    assert [s["name"] for s in data["scenes"]] == ["overview", "binding-site", "cys125", "disulfide", "helices", "n-terminus"]
    assert data["state"] == {"style": "cartoon", "hidden": [], "scene": None, "highlights": [], "spin": False}
    assert data["title"] == "1Z92: " + il2_ra.entry.summary


def test_the_runtime_builds_controls_with_text_content_only(il2_ra):
    markup = show(il2_ra).to_html()
    runtime = viewer._RUNTIME_JS
    assert "innerHTML" not in runtime and "insertAdjacentHTML" not in runtime and "eval(" not in runtime
    for name in ("Rotate", "Reset view", "aria-pressed", "setStyle", "requestAnimationFrame", "getView", "setView", "zoomTo"):
        assert name in runtime
    assert "createViewer" in runtime and runtime.count("addModel(") == 1  # one viewer, one model, ever
    assert markup.count("<script") == 2  # the data block and the runtime


def test_ligands_get_a_legend_entry_and_scenes_carry_captions_and_sources(mirror):
    data = page_data(show("1PY2", scene="ligand").to_html())
    assert {"label": "ligand", "color": viewer.LIGAND_COLOR} in data["legend"]
    (scene,) = data["scenes"]
    assert scene["title"] == "SP4206 in the IL-2Rα site" and "Thanos" in scene["sources"]
    assert scene["groups"][0] == {"sel": {"chain": "A", "resi": [201]}, "style": "stick", "color": "#0072B2", "legend": "SP4206"}
    assert [label["text"] for label in scene["labels"]] == ["Arg38", "Phe42", "Glu62"]
    assert data["state"]["scene"] == "ligand"


def test_side_views_put_the_partner_to_the_right_and_the_rest_behind():
    rng = np.random.default_rng(7)

    def turn(q, v):
        u, w = np.array(q[:3]), q[3]
        return v + 2 * w * np.cross(u, v) + 2 * np.cross(u, np.cross(u, v))

    for _ in range(200):
        along, behind = rng.normal(size=3), rng.normal(size=3)
        q = viewer._side_quaternion(along, behind)
        assert np.allclose(turn(q, along / np.linalg.norm(along)), [1, 0, 0], atol=1e-3)
        assert turn(q, behind)[2] < 0
        q = viewer._quaternion_between(along, np.array([0.0, 0.0, 1.0]))
        assert np.allclose(turn(q, along / np.linalg.norm(along)), [0, 0, 1], atol=1e-3)


# -- escaping ---------------------------------------------------------------------------------


def test_text_cannot_inject_markup_or_script(il2_ra):
    view = show(il2_ra, title=XSS)
    view.highlight([38], chain="A", label=XSS)
    markup = view.to_html(standalone=True)
    assert "<script>alert" not in markup and "alert(1)</script>" not in markup
    assert len(scripts(markup)) == 3  # library, data block, runtime: nothing injected
    assert f"<title>{html.escape(XSS)}</title>" in markup
    data = page_data(markup)
    assert data["title"] == XSS and data["state"]["highlights"][0]["labels"][0]["text"] == XSS


def test_a_live_command_cannot_inject_script_either(il2_ra, monkeypatch):
    sent = live(monkeypatch)
    view = show(il2_ra)
    view._repr_mimebundle_()
    view.highlight([38], chain="A", label=XSS)
    (command,) = sent
    assert len(scripts(command)) == 1 and "<script>alert" not in command and "\\u003c/script\\u003e" in command


# -- deterministic and notebook-friendly --------------------------------------------------------


def test_the_same_calls_give_the_same_html(il2_ra, monkeypatch):
    first = show(il2_ra, scene="binding-site").to_html()
    monkeypatch.setattr(viewer, "_view_numbers", itertools.count(1))
    assert show(il2_ra, scene="binding-site").to_html() == first
    assert 'id="il2v-1z92-1"' in first
    assert show(il2_ra).id == "il2v-1z92-2"


def test_the_notebook_gets_html_and_a_short_text_and_the_library_once(il2_ra):
    first, second = show(il2_ra), show(il2_ra)
    bundle = first._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}  # not py3Dmol's duplicate application/3dmoljs_load.v0
    assert bundle["text/plain"] == "3D view of 1Z92 (run the notebook to see it)"
    assert bundle["text/html"].count(FAKE_LIBRARY) == 1 and "if (!window.$3Dmol)" in bundle["text/html"]
    assert FAKE_LIBRARY not in second._repr_mimebundle_()["text/html"]
    assert FAKE_LIBRARY not in first._repr_html_()  # shown again: the page already has it


def test_setup_sends_the_library_so_views_do_not(il2_ra, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    viewer.setup()
    (bundle,) = shown
    assert FAKE_LIBRARY in bundle["text/html"] and "works offline" in bundle["text/plain"]
    assert FAKE_LIBRARY not in show(il2_ra)._repr_mimebundle_()["text/html"]
    viewer.setup()  # re-running the first cell sends it again (a reloaded page needs it)
    assert FAKE_LIBRARY in shown[1]["text/html"]


def test_without_a_local_copy_the_page_loads_the_cdn_once(il2_ra, monkeypatch):
    monkeypatch.delenv(jsassets.ENV_VAR)
    loader = viewer.library_loader_html()
    assert json.dumps(jsassets.cdn_url()) in loader and "il2libLoading3Dmol" in loader
    assert "window.define = undefined" in loader  # require.js in exported pages must not swallow 3Dmol.js


def test_a_saved_page_is_standalone(il2_ra, tmp_path):
    path = show(il2_ra).save_html(tmp_path / "view.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count(FAKE_LIBRARY) == 1
    assert page.index(FAKE_LIBRARY) < page.index('class="il2v"')  # the library comes before the view
    assert not re.search(r"""(src|href)=["']?https?:""", page)  # nothing fetched from the network
    with pytest.raises(InvalidInputError, match="writes an .html file"):
        show(il2_ra).save_html(tmp_path / "view.png")


# -- state and errors ---------------------------------------------------------------------------


def test_calls_change_the_state_that_the_page_starts_from(il2_ra):
    view = show(il2_ra)
    view.style("stick")
    view.show_chain("B", False)
    view.spin()
    view.highlight([("A", 38), ("A", 42)])
    state = page_data(view.to_html())["state"]
    assert state["style"] == "stick" and state["hidden"] == ["B"] and state["spin"] is True
    assert state["highlights"][0]["sel"] == {"chain": "A", "resi": [38, 42]}
    assert [lab["text"] for lab in state["highlights"][0]["labels"]] == ["Arg38", "Phe42"]
    view.show_chain("B")
    view.go("cys125")  # a scene is a whole picture: its style, all chains, no earlier highlights
    assert view.state == {"style": "cartoon", "hidden": [], "scene": "cys125", "highlights": [], "spin": True}
    view.reset()
    assert view.state == {"style": "cartoon", "hidden": [], "scene": None, "highlights": [], "spin": False}


def test_show_takes_a_scene_chains_and_an_id(mirror):
    view = show("1z92", scene="binding-site", chains=["A"], width=640, height=400)
    assert view.state["scene"] == "binding-site" and view.state["hidden"] == ["B"]
    assert 'style="flex:0 0 640px;width:640px;height:400px"' in view.to_html()
    view.reset()  # back to how show() made it
    assert view.state["scene"] == "binding-site" and view.state["hidden"] == ["B"]


def test_highlight_labels_and_residue_forms(il2_ra):
    view = show(il2_ra)
    view.highlight([il2_ra.chain("B")[38]], label="IL-2Rα side", color="#009e73", style="sphere")
    view.highlight([125], chain="A", label=False)
    first, second = view.state["highlights"]
    assert first == {"sel": {"chain": "B", "resi": [38]}, "style": "sphere", "color": "#009E73", "legend": "IL-2Rα side",
                     "labels": [{"sel": {"chain": "B", "resi": [38]}, "text": "IL-2Rα side"}]}
    assert second["labels"] == [] and second["color"] == viewer.HIGHLIGHT_COLOR
    assert second["legend"] == "highlighted in IL-2 (A)"


def test_highlight_takes_computed_interface_residues(il2_ra):
    from il2lib import analysis

    interface = analysis.interface_residues(il2_ra, "A", "B", cutoff=4.0)
    view = show(il2_ra)
    view.highlight(interface)
    (group,) = view.state["highlights"]
    assert group["sel"] == {"chain": "A", "resi": [r.number for r in interface]}
    assert {"sel": {"chain": "A", "resi": 38}, "text": "Arg38"} in group["labels"]


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda v: v.style("ribbon"), "Unknown style 'ribbon'; valid styles: stick, sphere, line, cartoon"),
        (lambda v: v.show_chain("C"), r"1Z92 has no chain 'C'; its chains are: A \(IL-2 \(A\)\), B \(IL-2Rα \(B\)\)"),
        (lambda v: v.go("bindingsite"), "1Z92 has no scene 'bindingsite'; its scenes are: overview, binding-site"),
        (lambda v: v.highlight([200], chain="A"), "chain A has no residue 200; its residues run from 6 to 133"),
        (lambda v: v.highlight([38]), "Say which chain residue 38 is in"),
        (lambda v: v.highlight(["R38"], chain="A"), "'R38' is not a residue"),
        (lambda v: v.highlight([], chain="A"), "needs at least one residue"),
        (lambda v: v.highlight([38], chain="A", color="red"), "not of the form '#RRGGBB'"),
        (lambda v: v.highlight([38], chain="A", style="surface"), "Unknown style 'surface'"),
    ],
)
def test_mistakes_raise_clear_errors(il2_ra, call, message):
    with pytest.raises(InvalidInputError, match=message):
        call(show(il2_ra))


@pytest.mark.parametrize(
    "kwargs,message",
    [({"style": "cartoons"}, "valid styles"), ({"chains": ["Z"]}, "no chain 'Z'"), ({"scene": "cys-125"}, "its scenes are"),
     ({"height": 20}, "height must be a number of pixels"), ({"width": "100%"}, "width must be a number of pixels")],
)
def test_show_rejects_bad_arguments(il2_ra, kwargs, message):
    with pytest.raises(InvalidInputError, match=message):
        show(il2_ra, **kwargs)


def test_every_style_is_accepted(il2_ra):
    view = show(il2_ra)
    for name in STYLES:
        view.style(name)
        assert page_data(view.to_html())["state"]["style"] == name


# -- live updates ---------------------------------------------------------------------------------


def live(monkeypatch) -> list[str]:
    """Pretend to run in a kernel; return the list that collects what would be sent to the page."""
    sent: list[str] = []
    monkeypatch.setattr(viewer, "_in_kernel", lambda: True)
    monkeypatch.setattr(viewer, "_publish_html", sent.append)
    return sent


def test_calls_on_a_displayed_view_send_small_commands_without_coordinates(il2_ra, monkeypatch):
    sent = live(monkeypatch)
    view = show(il2_ra)
    view.style("stick")
    assert sent == []  # not on screen yet: the state is enough
    view._repr_mimebundle_()
    view.style("sphere")
    view.show_chain("B", False)
    view.spin(False)
    view.go("binding-site")
    view.highlight([38], chain="A")
    view.reset()
    ops = [json.loads(re.search(r'\("il2v-1z92-1",(\{.*\})\);</script>$', s).group(1)) for s in sent]
    assert [op["op"] for op in ops] == ["style", "chain", "spin", "scene", "highlight", "set"]
    assert ops[0] == {"op": "style", "style": "sphere"} and ops[1] == {"op": "chain", "chain": "B", "visible": False}
    assert all(len(s) < 1500 for s in sent) and not any(page_data_model_fragment(view) in s for s in sent)


def page_data_model_fragment(view: View) -> str:
    return view._model[:200]


def test_nothing_is_sent_outside_a_kernel(il2_ra, monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr(viewer, "_publish_html", sent.append)
    view = show(il2_ra)
    view._repr_mimebundle_()
    view.style("stick")
    assert sent == [] and view.state["style"] == "stick"
