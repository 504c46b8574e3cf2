"""Drug monographs (``data/monographs/*.yaml``) as typed objects that render to cited Markdown.

A monograph is a list of sections of short statements, each citing keys of
``data/references.yaml``. Loading checks the file against
``data/monograph.schema.json`` and every key against the bibliography, so an
uncited or wrongly cited claim never reaches a lesson.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from . import config
from .datafiles import load_validated
from .errors import DataError, InvalidInputError, UnknownEntryError
from .references import Reference, check_cited, format_reference_list, load_references


def _no_references() -> Mapping[str, Reference]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Statement:
    """One claim and the citation keys that support it."""

    text: str
    cite: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """A titled group of statements, e.g. ``side_effects``."""

    id: str
    title: str
    statements: tuple[Statement, ...]
    #: The references this section cites, resolved when the monograph was loaded.
    bibliography: Mapping[str, Reference] = field(default_factory=_no_references, repr=False, compare=False)

    def cited_keys(self) -> list[str]:
        """Citation keys in order of first appearance."""
        return list(dict.fromkeys(key for statement in self.statements for key in statement.cite))

    def references(self) -> list[Reference]:
        return [self.bibliography[key] for key in self.cited_keys()]

    def to_markdown(self, heading_level: int = 2) -> str:
        """This section alone, numbered from [1], with its own reference list one level below."""
        _check_heading_level(heading_level)
        return _render([self], self.bibliography, heading_level, heading_level + 1)

    def _repr_markdown_(self) -> str:
        # Shown inside a lesson, whose own sections use level-2 headings.
        return self.to_markdown(heading_level=3)

    def __repr__(self) -> str:
        return f"<Section {self.id!r}: {self.title}, {len(self.statements)} statements>"


@dataclass(frozen=True)
class Monograph:
    """A drug monograph: names, a disclaimer, and cited sections."""

    name: str
    brand: str
    generic: str
    disclaimer: str
    sections: tuple[Section, ...]
    bibliography: Mapping[str, Reference] = field(default_factory=_no_references, repr=False, compare=False)

    @property
    def section_ids(self) -> tuple[str, ...]:
        return tuple(section.id for section in self.sections)

    def section(self, section_id: str) -> Section:
        """The section with this id, or an error listing the ids there are."""
        for section in self.sections:
            if section.id == section_id:
                return section
        ids = ", ".join(self.section_ids)
        close = difflib.get_close_matches(str(section_id), self.section_ids, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise UnknownEntryError(f"The {self.name} monograph has no section {section_id!r}.{hint} Sections: {ids}.")

    def _select(self, section_ids: Sequence[str] | str | None) -> list[Section]:
        if section_ids is None:
            return list(self.sections)
        if isinstance(section_ids, str):
            section_ids = [section_ids]
        if not section_ids:
            raise InvalidInputError(
                f"section_ids is empty: pass None for the whole monograph or some of {', '.join(self.section_ids)}."
            )
        return [self.section(section_id) for section_id in section_ids]

    def references(self, section_ids: Sequence[str] | str | None = None) -> list[Reference]:
        """The references cited by these sections (default: all), in order of first citation."""
        keys = dict.fromkeys(key for section in self._select(section_ids) for key in section.cited_keys())
        return [self.bibliography[key] for key in keys]

    def to_markdown(self, section_ids: Sequence[str] | str | None = None, heading_level: int = 2) -> str:
        """The disclaimer, the chosen sections (default: all) and one numbered reference list.

        Citations are numbered [1], [2], ... in order of first appearance across the
        chosen sections; section headings and the "References" heading use *heading_level*.
        """
        _check_heading_level(heading_level)
        sections = self._select(section_ids)
        preamble = f"> **{self.brand} ({self.generic}).** {self.disclaimer}"
        return _render(sections, self.bibliography, heading_level, heading_level, preamble)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def __repr__(self) -> str:
        return f"<Monograph {self.name!r}: {self.brand} ({self.generic}), sections {', '.join(self.section_ids)}>"


def _check_heading_level(heading_level: int) -> None:
    if not isinstance(heading_level, int) or not 1 <= heading_level <= 5:
        raise InvalidInputError(f"heading_level must be a whole number from 1 to 5, not {heading_level!r}.")


def _render(
    sections: Iterable[Section],
    bibliography: Mapping[str, Reference],
    heading_level: int,
    references_level: int,
    preamble: str | None = None,
) -> str:
    numbers: dict[str, int] = {}  # citation key -> its number, in order of first appearance
    blocks = [preamble] if preamble else []
    for section in sections:
        blocks.append(f"{'#' * heading_level} {section.title}")
        lines = []
        for statement in section.statements:
            cited = sorted(numbers.setdefault(key, len(numbers) + 1) for key in statement.cite)
            lines.append(f"- {statement.text} [{', '.join(map(str, cited))}]")
        blocks.append("\n".join(lines))
    blocks.append(f"{'#' * references_level} References")
    blocks.append(format_reference_list([bibliography[key] for key in numbers]))
    return "\n\n".join(blocks) + "\n"


def available_monographs(data_dir: Path | str | None = None) -> list[str]:
    """Names of the monographs in ``data/monographs/`` (the file names without ``.yaml``)."""
    folder = Path(data_dir if data_dir is not None else config.DATA_DIR) / "monographs"
    return sorted(path.stem for path in folder.glob("*.yaml"))


def load_monograph(name: str = "proleukin", data_dir: Path | str | None = None) -> Monograph:
    """The monograph called *name*, validated and with every citation resolved (cached).

    *data_dir* defaults to the project's ``data/`` folder; tests pass a copy.
    """
    directory = Path(data_dir) if data_dir is not None else config.DATA_DIR
    available = available_monographs(directory)
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in available:
        raise UnknownEntryError(
            f"There is no monograph named {name!r}. Available: {', '.join(available) or 'none'} "
            f"(the YAML files in {directory / 'monographs'})."
        )
    return _load(key, directory)


@lru_cache(maxsize=8)
def _load(name: str, data_dir: Path) -> Monograph:
    path = data_dir / "monographs" / f"{name}.yaml"
    raw = load_validated(path, data_dir / "monograph.schema.json")
    assert isinstance(raw, dict)  # guaranteed by the schema
    if raw["name"] != name:
        raise DataError(f"{path}: its name is {raw['name']!r} but the file is {path.name}; make them agree.")

    references = load_references(data_dir)
    sections: list[Section] = []
    for raw_section in raw["sections"]:
        section_id = raw_section["id"]
        if any(section.id == section_id for section in sections):
            raise DataError(f"{path}: the section id {section_id!r} is used twice; section ids must be unique.")
        statements = tuple(
            Statement(text=" ".join(s["text"].split()), cite=tuple(s["cite"])) for s in raw_section["statements"]
        )
        for number, statement in enumerate(statements, start=1):
            check_cited(statement.cite, f"{path}: section {section_id!r}, statement {number}", data_dir)
        keys = dict.fromkeys(key for statement in statements for key in statement.cite)
        sections.append(
            Section(
                id=section_id,
                title=raw_section["title"],
                statements=statements,
                bibliography=MappingProxyType({key: references[key] for key in keys}),
            )
        )
    cited = {key: ref for section in sections for key, ref in section.bibliography.items()}
    return Monograph(
        name=raw["name"],
        brand=raw["brand"],
        generic=raw["generic"],
        disclaimer=" ".join(raw["disclaimer"].split()),
        sections=tuple(sections),
        bibliography=MappingProxyType(cited),
    )
