"""The lessons follow one template, stay small, cite their claims and keep logic in il2lib.

nbval (run over notebooks/ by the same `make test`) checks that their outputs still
come out the same; this file checks their shape, and proves that nbval would catch
a changed number.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from il2lib.references import load_references
from il2lib.scenes import scenes_for

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))
LESSON_IDS = [
    "00-start-here",
    "01-proleukin",
    "02-il2-molecule",
    "03-alpha-receptor",
    "04-receptor-signalling",
    "05-aldesleukin",
    "06-patient-side",
]
TEMPLATE_HEADINGS = ["Learning goals", "Prerequisites and time", "Check your understanding", "References", "Disclaimer"]
IGNORE_TAG = "nbval-ignore-output"
CITATION = re.compile(r"\[([a-z][a-z0-9_]*)\](?!\()")  # [rickert2005], not a [link](url)
SCENE_LINK = re.compile(r"\(#il2-scene=([A-Za-z0-9]{4})/([a-z0-9-]+)\)")


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def markdown(nb: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def test_the_series_is_complete_and_numbered() -> None:
    assert [p.stem for p in NOTEBOOKS] == LESSON_IDS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_template(path: Path) -> None:
    nb = read(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "the first cell is the title"
    assert "not medical advice" in first.source.lower(), "the disclaimer opens every lesson"
    headings = re.findall(r"^## (.+)$", markdown(nb), flags=re.M)
    positions = [next((i for i, h in enumerate(headings) if h.strip() == want), None) for want in TEMPLATE_HEADINGS]
    assert None not in positions, f"missing template headings: {dict(zip(TEMPLATE_HEADINGS, positions))}"
    assert positions[:2] == sorted(positions[:2]) and positions[2:] == sorted(positions[2:])
    assert positions[1] + 1 < positions[2], "the lesson has sections between its goals and the self-check"
    prerequisites = markdown(nb).split("## Prerequisites and time", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"\d+\s*minutes", prerequisites), "the time a lesson takes is stated"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_small_and_free_of_embedded_engines_or_coordinates(path: Path) -> None:
    assert path.stat().st_size <= 150_000
    text = path.read_text()
    assert "$3Dmol" not in text and "3Dmol-min" not in text
    assert not re.search(r"ATOM\s+\d+\s+N\s+\w{3} [A-Z]", text), "no coordinates stored in the notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_cells_call_the_library_and_hold_no_logic(path: Path) -> None:
    for cell in code_cells(read(path)):
        lines = [line for line in cell.source.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        assert len(lines) <= 6, f"a cell is a few calls, not a program:\n{cell.source}"
        assert not re.search(r"^\s*(def|class|for|while)\b", cell.source, flags=re.M), cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_views_and_quizzes_are_not_compared_but_analysis_is(path: Path) -> None:
    nb = read(path)
    for cell in code_cells(nb):
        interactive = re.search(r"il2lib\.(show|quiz|setup|doctor)\(|\bview\.\w+\(", cell.source)
        if interactive:
            assert IGNORE_TAG in cell.metadata.get("tags", []), f"tag {IGNORE_TAG!r} missing on:\n{cell.source}"
            assert not cell.outputs, "interactive outputs are not committed"
    lesson = int(path.stem[:2])
    if 1 <= lesson <= 5:
        assert any("il2lib.show(" in c.source for c in code_cells(nb)), "lessons 1-5 show a live 3D view"
    if lesson >= 1:
        assert any("il2lib.quiz(" in c.source for c in code_cells(nb)), "every lesson has a self-check"
    if lesson in (2, 3, 4, 5):
        compared = [c for c in code_cells(nb) if c.outputs and IGNORE_TAG not in c.metadata.get("tags", [])]
        assert len(compared) >= 2, "analysis results are stored so that nbval compares them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_citations_resolve_and_are_listed(path: Path) -> None:
    nb = read(path)
    references = load_references()
    text = markdown(nb)
    body, _, listed = text.partition("## References")
    listed = listed.split("\n## ", 1)[0]
    cited = set(CITATION.findall(body))
    if int(path.stem[:2]) >= 1:
        assert cited, "a lesson with claims cites its sources"
    for key in cited:
        assert key in references, f"[{key}] is not in data/references.yaml"
        assert f"[{key}]" in listed, f"[{key}] is cited but missing from the References section"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_scene_links_name_real_scenes(path: Path) -> None:
    for pdb_id, scene in SCENE_LINK.findall(markdown(read(path))):
        assert scene in scenes_for(pdb_id), f"link to unknown scene {pdb_id}/{scene}"


def test_nbval_fails_when_a_stored_number_changes(tmp_path: Path) -> None:
    """Change one stored analysis number in a copy of lesson 2: nbval must report that cell."""
    nb = read(REPO / "notebooks" / "02-il2-molecule.ipynb")
    target = None
    for cell in code_cells(nb):
        for output in cell.outputs:
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            if IGNORE_TAG not in cell.metadata.get("tags", []) and re.search(r"\d\.\d", text):
                target = (cell, output)
                break
        if target:
            break
    assert target, "lesson 2 stores at least one numeric analysis output"
    cell, output = target
    key = "text" if "text" in output else None
    original = output["text"] if key else output["data"]["text/plain"]
    changed = re.sub(r"(\d)\.(\d)", lambda m: f"{(int(m[1]) + 1) % 10}.{m[2]}", original, count=1)
    assert changed != original
    if key:
        output["text"] = changed
    else:
        output["data"]["text/plain"] = changed
    copy = tmp_path / "02-il2-molecule.ipynb"
    nbformat.write(nb, copy)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(REPO), "-c", str(REPO / "pyproject.toml"), str(copy)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert result.returncode == 1, result.stdout[-3000:]
    assert re.search(r"1 failed", result.stdout), result.stdout[-3000:]
    assert changed.strip().splitlines()[0][:40] in result.stdout or "mismatch" in result.stdout.lower()
