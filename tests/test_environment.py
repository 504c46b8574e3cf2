"""pyproject.toml and environment.yml must install the same packages at the same versions."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
#: Conda-only entries that are tools, not Python packages of pyproject.toml.
CONDA_ONLY = {"python", "pip", "nodejs"}


def _name(raw: str) -> str:
    return raw.strip().lower().replace("_", "-")


def pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + [d for group in project["optional-dependencies"].values() for d in group]
    pins = {}
    for spec in specs:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([0-9][0-9A-Za-z.]*)", spec)
        assert match, f"pyproject.toml: {spec!r} is not an exact pin (name==version)"
        pins[_name(match[1])] = match[2]
    return pins


def environment_pins() -> dict[str, str]:
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):  # the pip: section
            for spec in dep["pip"]:
                if spec.startswith("-e"):
                    continue
                name, version = spec.split("==")
                pins[_name(name)] = version
            continue
        name, _, version = dep.partition("=")
        if _name(name) not in CONDA_ONLY:
            pins[_name(name)] = version
    return pins


def test_same_packages_and_versions() -> None:
    assert environment_pins() == pyproject_pins()


def test_required_packages_are_declared() -> None:
    assert {"jupyterlab", "py3dmol", "ipywidgets", "biopython", "nbval"} <= set(pyproject_pins())


def test_environment_installs_the_project_itself() -> None:
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_section = next(dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict))
    assert "-e ." in pip_section
