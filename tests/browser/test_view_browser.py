"""The views in a real browser, offline: they draw, their buttons work, text stays text.

Every request to an address off this machine is blocked (see conftest.py). Screenshots
go to test-artifacts/ so that a person can look at what the tests saw.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from il2lib import viewer

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
XSS = "</script><script>alert(1)</script>"
READY = ".il2v[data-il2-ready]"
#: Share of canvas pixels that must be drawn, and that must change when the picture should.
DRAWN = 0.03
CHANGED = 0.01


def open_view(page, url: str, save_screenshot):
    """Open a page with one view and wait until it has drawn; return ``canvas(name=None) -> PNG``.

    The PNG is a clip of the page, not an element screenshot: playwright waits for an
    element to be 'stable', which a spinning canvas never is. Named shots are kept.
    """
    page.goto(url)
    page.wait_for_selector(READY, timeout=45_000)
    box = page.locator(".il2v-canvas").bounding_box()

    def canvas(name: str | None = None) -> bytes:
        return save_screenshot(page, name, clip=box) if name else page.screenshot(clip=box)

    return canvas


def click(page, name: str) -> None:
    button = page.get_by_role("button", name=name, exact=True)
    button.click()
    page.wait_for_timeout(100)


def test_a_saved_page_draws_offline_and_its_buttons_work(
    page, blocked_urls, pixels, save_screenshot, local_3dmol, mirror, tmp_path
):
    path = viewer.show("1Z92", width=560, height=360).save_html(tmp_path / "1z92.html")
    canvas = open_view(page, path.as_uri(), save_screenshot)
    save_screenshot(page, "view-1z92-page")
    first = canvas("view-1z92-cartoon")
    assert pixels.drawn(first) > DRAWN, "the canvas is blank: the molecule was not drawn"

    # The reader turns the molecule with the mouse; restyling must keep that camera.
    box = page.locator(".il2v-canvas").bounding_box()
    middle_x, middle_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(middle_x, middle_y)
    page.mouse.down()
    page.mouse.move(middle_x + 120, middle_y + 30, steps=8)
    page.mouse.up()
    turned = canvas("view-1z92-turned-by-mouse")
    assert pixels.changed(first, turned) > CHANGED, "dragging did not turn the molecule"

    previous = turned
    for style in ("Sphere", "Stick", "Line", "Cartoon"):
        click(page, style)
        assert page.get_by_role("button", name=style, exact=True).get_attribute("aria-pressed") == "true"
        picture = canvas(f"view-1z92-after-{style.lower()}")
        assert pixels.drawn(picture) > DRAWN, f"blank canvas after {style}"
        assert pixels.changed(previous, picture) > CHANGED, f"{style} did not change the picture"
        previous = picture
    # Restyling happens in place: back to cartoon, the picture is the turned one (same camera).
    assert pixels.changed(turned, previous) < 0.002

    click(page, "IL-2Rα (B)")
    hidden = canvas("view-1z92-without-chain-b")
    assert pixels.changed(turned, hidden) > CHANGED and pixels.drawn(hidden) > DRAWN / 2
    click(page, "IL-2Rα (B)")
    assert pixels.changed(turned, canvas()) < 0.002

    click(page, "Rotate")
    assert page.get_by_role("button", name="Rotate").get_attribute("aria-pressed") == "true"
    spinning = canvas()
    page.wait_for_timeout(500)
    later = canvas("view-1z92-rotating")
    assert pixels.changed(spinning, later) > CHANGED, "Rotate on, yet the molecule did not turn"
    click(page, "Rotate")
    stopped = canvas()
    page.wait_for_timeout(500)
    assert pixels.changed(stopped, canvas()) < 0.0005, "Rotate off, yet the molecule still turns"

    click(page, "Reset view")
    assert pixels.changed(first, canvas("view-1z92-reset")) < 0.002

    click(page, "The IL-2Rα binding site")
    save_screenshot(page, "view-1z92-binding-site")
    assert "Arg38, Phe42, Tyr45 and Glu62" in page.locator(".il2v-caption").text_content()
    assert pixels.changed(first, canvas()) > CHANGED
    assert blocked_urls == [], f"the saved page tried to reach the network: {blocked_urls}"


def test_a_link_in_the_text_moves_the_view_to_its_scene(page, pixels, save_screenshot, local_3dmol, mirror, tmp_path):
    """Proteopedia-style scene links: text beside the view, a click on it moves the view."""
    path = viewer.show("1Z92", height=360).save_html(tmp_path / "linked.html")
    text = '<p id="lesson-text">The free cysteine: <a href="#il2-scene=1Z92/cys125">see Cys125</a>.</p>'
    path.write_text(path.read_text().replace("</body>", text + "</body>"))
    canvas = open_view(page, path.as_uri(), save_screenshot)
    main, side = page.locator(".il2v-canvas").bounding_box(), page.locator(".il2v-side").bounding_box()
    assert side["x"] >= main["x"] + main["width"], "the caption column sits beside the 3D view"
    before = canvas()
    page.get_by_role("link", name="see Cys125").click()
    page.wait_for_timeout(300)
    after = canvas("view-1z92-scene-link-cys125")
    save_screenshot(page, "view-1z92-scene-link-page")
    assert "Cys125" in page.locator(".il2v-caption").text_content()
    assert page.get_by_role("button", name="Cys125, the free cysteine").get_attribute("aria-pressed") == "true"
    assert pixels.changed(before, after) > CHANGED
    assert page.url.endswith("linked.html"), "the link was handled by the view, not followed"


def test_text_in_a_view_stays_text(page, blocked_urls, save_screenshot, local_3dmol, mirror, tmp_path):
    view = viewer.show("1Z92", title=XSS, width=480, height=300)
    view.highlight([38, 42], chain="A", label=XSS)
    path = view.save_html(tmp_path / "xss.html")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    open_view(page, path.as_uri(), save_screenshot)
    page.wait_for_timeout(300)
    save_screenshot(page, "view-xss-label")
    assert dialogs == [], "a label ran as script"
    assert page.locator(".il2v-title").text_content() == XSS
    assert page.locator("script").count() == 3  # 3Dmol.js, the data block, the view's script
    assert blocked_urls == []


def test_an_executed_notebook_exported_to_html_works_offline(
    page, blocked_urls, pixels, save_screenshot, local_3dmol, mirror, tmp_path
):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("import il2lib.viewer as viewer\nviewer.setup()"),
        nbformat.v4.new_code_cell("view = viewer.show('1Z92', width=560, height=360)\nview"),
        nbformat.v4.new_code_cell("view.style('stick')"),  # a live command, replayed by the exported page
    ]
    source = tmp_path / "lesson.ipynb"
    nbformat.write(notebook, source)
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "IL2LIB_3DMOL_JS": str(local_3dmol)}
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--execute",
         "--ExecutePreprocessor.timeout=120", str(source), "--output-dir", str(tmp_path)],
        check=True, capture_output=True, env=env, timeout=240,
    )
    exported = tmp_path / "lesson.html"
    assert exported.read_text(encoding="utf-8").count("inlined by il2lib") == 1  # the library, once

    canvas = open_view(page, exported.as_uri(), save_screenshot)
    page.wait_for_timeout(200)
    save_screenshot(page, "view-nbconvert-page")
    stick = canvas("view-nbconvert-stick")
    assert pixels.drawn(stick) > DRAWN
    assert page.get_by_role("button", name="Stick", exact=True).get_attribute("aria-pressed") == "true"
    click(page, "Cartoon")
    assert pixels.changed(stick, canvas("view-nbconvert-cartoon")) > CHANGED
    # The exported page asks for require.js and MathJax from CDNs (blocked); never for 3Dmol.js.
    assert not [url for url in blocked_urls if "3dmol" in url.lower()]


def test_a_view_without_the_engine_says_what_to_do(page, blocked_urls, save_screenshot, mirror, tmp_path, monkeypatch):
    monkeypatch.setattr(viewer, "ENGINE_WAIT_MS", 300)
    fragment = viewer.show("1Z92", width=480, height=200).to_html()  # no 3Dmol.js: as after clearing outputs
    path = tmp_path / "no-engine.html"
    path.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{fragment}</body></html>', encoding="utf-8")
    page.goto(path.as_uri())
    note = page.locator(".il2v-note.il2v-error")
    note.wait_for(timeout=10_000)
    save_screenshot(page, "view-no-engine")
    assert note.text_content() == "3D engine not loaded: re-run the notebook from the top (il2lib.setup())."
    assert page.get_by_role("button", name="Stick", exact=True).is_disabled()
    assert blocked_urls == []
