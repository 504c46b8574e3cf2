"""The project's single bibliography, ``data/references.yaml``, and how to cite from it.

Every medical or scientific claim in the monograph, the structure manifest and the
notebooks carries a key into this file, so a reader can always follow a statement
back to a PMID, a DOI or a web page.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from . import config
from .datafiles import load_validated
from .errors import DataError, InvalidInputError, UnknownEntryError

#: Authors listed before "et al." in a formatted reference.
AUTHORS_SHOWN = 3


@dataclass(frozen=True)
class Reference:
    """One entry of the bibliography."""

    key: str
    authors: tuple[str, ...]
    title: str
    source: str
    year: int | None = None
    volume: str | None = None
    pages: str | None = None
    pmid: int | None = None
    doi: str | None = None
    url: str | None = None
    et_al: bool = False

    @property
    def pubmed_url(self) -> str | None:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else None

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else None

    def short(self) -> str:
        """A short in-text citation: "Rickert et al., Science 2005"; for an undated page, its source and title."""
        if self.year is None or not self.authors:
            return f"{self.source}: {self.title.split(':')[0]}"
        surname, _, initials = self.authors[0].rpartition(" ")
        name = surname if surname and initials.isupper() and len(initials) <= 3 else self.authors[0]
        more = " et al." if len(self.authors) > 1 or self.et_al else ""
        return f"{name}{more}, {self.source} {self.year}"

    def format(self) -> str:
        """A short Vancouver-style reference with its PMID, DOI and URL as Markdown links."""
        shortened = self.et_al or len(self.authors) > AUTHORS_SHOWN
        authors = ", ".join(self.authors[:AUTHORS_SHOWN]) + (", et al" if shortened else "")
        title = self.title if self.title.endswith((".", "?", "!")) else self.title + "."
        parts = [f"{authors}.", title, self._source_part()]
        if self.pmid:
            parts.append(f"PMID: [{self.pmid}]({self.pubmed_url}).")
        if self.doi:
            parts.append(f"doi: [{self.doi}]({self.doi_url}).")
        if self.url:
            parts.append(f"Available from: <{self.url}>.")
        return " ".join(parts)

    def _source_part(self) -> str:
        if self.year is None:
            return f"{self.source}."
        detail = str(self.year)
        if self.volume:
            detail += f";{self.volume}"
            if self.pages:
                detail += f":{self.pages}"
        return f"{self.source}. {detail}."


def _data_dir(data_dir: Path | str | None) -> Path:
    return Path(data_dir) if data_dir is not None else config.DATA_DIR


def _parse(data: object, source: Path) -> Mapping[str, Reference]:
    assert isinstance(data, dict)  # guaranteed by the schema
    references: dict[str, Reference] = {}
    for raw in data["references"]:
        key = raw["key"]
        if key in references:
            raise DataError(f"{source}: the key {key!r} appears more than once; every key must be unique.")
        volume = raw.get("volume")
        references[key] = Reference(
            key=key,
            authors=tuple(raw["authors"]),
            title=raw["title"].strip(),
            source=raw["source"],
            year=raw.get("year"),
            volume=str(volume) if volume is not None else None,
            pages=raw.get("pages"),
            pmid=raw.get("pmid"),
            doi=raw.get("doi"),
            url=raw.get("url"),
            et_al=raw.get("et_al", False),
        )
    return MappingProxyType(references)


@lru_cache(maxsize=8)
def _load(data_dir: Path) -> Mapping[str, Reference]:
    path = data_dir / "references.yaml"
    data = load_validated(path, data_dir / "references.schema.json")
    return _parse(data, path)


def load_references(data_dir: Path | str | None = None) -> dict[str, Reference]:
    """Every reference, keyed by citation key (validated once, then cached).

    *data_dir* defaults to the project's ``data/`` folder; tests pass a copy.
    """
    return dict(_load(_data_dir(data_dir)))


def _suggestion(key: str, known: Iterable[str]) -> str:
    known = sorted(known)
    close = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
    return f"Did you mean {', '.join(close)}?" if close else f"Known keys: {', '.join(known)}."


def get_reference(key: str, data_dir: Path | str | None = None) -> Reference:
    """The reference for *key*, or an error that suggests the nearest keys."""
    directory = _data_dir(data_dir)
    references = _load(directory)
    if not isinstance(key, str) or key not in references:
        raise UnknownEntryError(
            f"{str(key)!r} is not a key of {directory / 'references.yaml'}. {_suggestion(str(key), references)} "
            "Add the reference to that file or fix the key."
        )
    return references[key]


def check_cited(keys: Iterable[str], where: str, data_dir: Path | str | None = None) -> None:
    """Raise :class:`DataError` if *where* (e.g. "monograph.yaml: section 'uses', statement 3") cites an unknown key."""
    directory = _data_dir(data_dir)
    references = _load(directory)
    for key in keys:
        if key not in references:
            raise DataError(
                f"{where} cites {key!r}, which is not a key of {directory / 'references.yaml'}. "
                f"{_suggestion(key, references)} Add the reference there or fix the key."
            )


def cite(*keys: str, data_dir: Path | str | None = None) -> str:
    """The formatted references for *keys*, separated by semicolons, for captions and notes."""
    if not keys:
        raise InvalidInputError("cite() needs at least one citation key, e.g. cite('rickert2005').")
    return "; ".join(get_reference(key, data_dir).format() for key in keys)


def format_reference_list(references: Sequence[Reference]) -> str:
    """A Markdown numbered list of *references*, numbered from 1 in the given order."""
    return "\n".join(f"{number}. {ref.format()}" for number, ref in enumerate(references, start=1))


def render_reference_list(keys: Sequence[str], data_dir: Path | str | None = None) -> str:
    """A Markdown numbered list of the references for *keys* (repeats are listed once)."""
    if isinstance(keys, str):
        raise InvalidInputError(f"render_reference_list() takes a list of keys, e.g. [{keys!r}], not a string.")
    unique = list(dict.fromkeys(keys))
    return format_reference_list([get_reference(key, data_dir) for key in unique])
