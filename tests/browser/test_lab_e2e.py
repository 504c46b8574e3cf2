"""End to end, as a student does it: JupyterLab, lesson 1, Run All, click Sphere, answer a question.

JupyterLab serves a copy of the lesson on loopback with no token; chromium reaches
nothing off this machine (see conftest.py). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
LESSON = "01-proleukin.ipynb"
VIEW_READY = ".il2v[data-il2-ready]"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def lab(tmp_path: Path, local_3dmol: Path) -> Iterator[str]:
    """A JupyterLab server on loopback serving a copy of lesson 1; yields its base URL."""
    root = tmp_path / "lessons"
    root.mkdir()
    shutil.copy(REPO / "notebooks" / LESSON, root / LESSON)
    port = free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "IL2LIB_3DMOL_JS": str(local_3dmol),
    }
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        "--IdentityProvider.token=", "--ServerApp.password=",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    if os.geteuid() == 0:  # CI and containers run as root
        command.append("--allow-root")
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start:\n{(tmp_path / 'lab.log').read_text()[-3000:]}") from None
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_student_runs_lesson_1_clicks_sphere_and_answers_a_question(lab, page, blocked_urls, pixels, save_screenshot):
    page.set_default_timeout(60_000)
    page.goto(f"{lab}/lab/tree/{LESSON}")
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    page.wait_for_selector("#jp-main-statusbar >> text=Idle")

    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

    view = page.locator(VIEW_READY).first
    view.wait_for(timeout=90_000)
    view.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    canvas = view.locator(".il2v-canvas")
    before = save_screenshot(canvas, "lab-lesson1-view-before")
    assert pixels.drawn(before) > 0.03, "the 3D view in JupyterLab is blank"

    view.get_by_role("button", name="Sphere", exact=True).click()
    page.wait_for_timeout(700)
    after = save_screenshot(canvas, "lab-lesson1-view-sphere")
    assert pixels.changed(before, after) > 0.01, "clicking Sphere did not change the picture"
    save_screenshot(page, "lab-lesson1-page")

    # The lesson's text links to scenes: clicking one moves the view (JupyterLab keeps the link).
    link = page.locator(".jp-RenderedMarkdown a[href*='#il2-scene=1Z92/cys125']").first
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_timeout(700)
    assert "Cys125" in view.locator(".il2v-caption").text_content(), "the scene link did not move the view"
    save_screenshot(view, "lab-lesson1-after-scene-link")

    question = page.locator(".il2-quiz-question").first
    question.scroll_into_view_if_needed()
    question.locator("input[type=radio]").first.check()
    question.locator(".il2-quiz-check").click()
    feedback = question.locator(".il2-quiz-feedback")
    page.wait_for_function(
        "el => /Correct|Not quite/.test(el.textContent)", arg=feedback.element_handle(), timeout=15_000
    )
    save_screenshot(question, "lab-lesson1-quiz-feedback")
    assert len(feedback.inner_text().strip()) > 20, "the feedback explains the answer"

    assert blocked_urls == [], f"the page tried to reach the internet: {blocked_urls[:5]}"
