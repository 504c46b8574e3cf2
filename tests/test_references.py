"""The shared bibliography: every entry can be followed to a source, and citing it fails clearly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from il2lib import config
from il2lib.errors import DataError, InvalidInputError, UnknownEntryError
from il2lib.manifest import load_manifest
from il2lib.references import Reference, cite, get_reference, load_references, render_reference_list

# Keys the project relies on (the structure manifest, the monograph and the lessons).
REQUIRED_KEYS = {
    "rickert2005", "wang2005", "stauber2006", "arkin2003", "thanos2003", "pdb3ink",
    "uniprot_p60568", "uniprot_p01589", "uniprot_p14784", "uniprot_p31785",
    "fda_label", "medlineplus", "zhang2013", "cancerquest", "rosenberg2014", "fyfe1995",
    "atkins1999", "liao2013", "boyman2012", "krieg2010", "spolski2018", "taniguchi1983",
}  # fmt: skip


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the bibliography and its schema, safe to break."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("references.yaml", "references.schema.json"):
        shutil.copy(config.DATA_DIR / name, folder / name)
    return folder


def rewrite_references(data_dir: Path, change) -> None:
    path = data_dir / "references.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["references"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def entry(references: list[dict], key: str) -> dict:
    return next(raw for raw in references if raw["key"] == key)


def test_the_bibliography_has_every_key_the_project_relies_on() -> None:
    assert REQUIRED_KEYS <= set(load_references())


def test_every_reference_can_be_followed_to_a_pmid_doi_or_url() -> None:
    for key, ref in load_references().items():
        assert ref.pmid or ref.doi or ref.url, key
        assert ref.authors and ref.title and ref.source, key
        if ref.doi:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", ref.doi), key
        if ref.url:
            assert ref.url.startswith("https://"), key


def test_every_citation_in_the_structure_manifest_is_in_the_bibliography() -> None:
    references = load_references()
    missing = {entry.pdb_id: entry.citation for entry in load_manifest().values() if entry.citation not in references}
    assert not missing


def test_known_identifiers_are_loaded_as_written() -> None:
    ref = load_references()["rickert2005"]
    assert ref == Reference(
        key="rickert2005",
        authors=("Rickert M", "Wang X", "Boulanger MJ", "Goriatcheva N", "Garcia KC"),
        title="The structure of interleukin-2 complexed with its alpha receptor",
        source="Science",
        year=2005,
        volume="308",
        pages="1477-80",
        pmid=15933202,
        doi="10.1126/science.1109745",
    )


def test_format_is_vancouver_like_with_markdown_links() -> None:
    text = get_reference("rickert2005").format()
    assert text.startswith("Rickert M, Wang X, Boulanger MJ, et al. The structure of interleukin-2")
    assert "Science. 2005;308:1477-80." in text
    assert "PMID: [15933202](https://pubmed.ncbi.nlm.nih.gov/15933202/)." in text
    assert "doi: [10.1126/science.1109745](https://doi.org/10.1126/science.1109745)." in text


def test_format_of_a_web_page_links_its_url_and_invents_no_year() -> None:
    text = get_reference("uniprot_p60568").format()
    assert text == (
        "UniProt Consortium. IL2_HUMAN (P60568): Interleukin-2. UniProtKB/Swiss-Prot. "
        "Available from: <https://www.uniprot.org/uniprotkb/P60568/entry>."
    )


def test_a_shortened_author_list_says_et_al() -> None:
    assert get_reference("fyfe1995").format().startswith("Fyfe G, Fisher RI, Rosenberg SA, et al. Results")
    assert get_reference("wang2005").format().startswith("Wang X, Rickert M, Garcia KC. Structure")


def test_cite_joins_formatted_references() -> None:
    assert cite("wang2005") == get_reference("wang2005").format()
    assert cite("wang2005", "stauber2006") == f"{cite('wang2005')}; {cite('stauber2006')}"


def test_cite_an_unknown_key_suggests_close_matches() -> None:
    with pytest.raises(UnknownEntryError, match=r"'rickert2006' is not a key.*Did you mean rickert2005"):
        cite("rickert2006")


def test_cite_with_nothing_close_lists_the_known_keys() -> None:
    with pytest.raises(UnknownEntryError, match=r"Known keys: .*arkin2003"):
        cite("zzzz")


def test_cite_needs_a_key() -> None:
    with pytest.raises(InvalidInputError, match="at least one citation key"):
        cite()


def test_render_reference_list_numbers_from_one_and_lists_repeats_once() -> None:
    text = render_reference_list(["wang2005", "rickert2005", "wang2005"])
    assert text.splitlines() == [f"1. {cite('wang2005')}", f"2. {cite('rickert2005')}"]


def test_render_reference_list_rejects_a_bare_string_and_unknown_keys() -> None:
    with pytest.raises(InvalidInputError, match=r"list of keys"):
        render_reference_list("wang2005")
    with pytest.raises(UnknownEntryError, match="wang2050"):
        render_reference_list(["wang2050"])


def test_load_references_returns_a_copy_so_callers_cannot_corrupt_the_cache() -> None:
    first = load_references()
    first.clear()
    assert "rickert2005" in load_references()


def test_a_copy_of_the_data_loads_the_same(data_copy: Path) -> None:
    assert load_references(data_copy) == load_references()


@pytest.mark.parametrize("identifier", ["pmid", "doi", "url"])
def test_the_schema_accepts_any_one_identifier(data_copy: Path, identifier: str) -> None:
    def keep_only(references: list[dict]) -> None:
        raw = entry(references, "stauber2006")
        raw.setdefault("url", "https://www.rcsb.org/structure/2ERJ")
        for other in {"pmid", "doi", "url"} - {identifier}:
            raw.pop(other)

    rewrite_references(data_copy, keep_only)
    assert getattr(load_references(data_copy)["stauber2006"], identifier)


def test_the_schema_rejects_a_reference_without_pmid_doi_or_url(data_copy: Path) -> None:
    def strip_identifiers(references: list[dict]) -> None:
        for name in ("pmid", "doi", "url"):
            entry(references, "wang2005").pop(name, None)

    rewrite_references(data_copy, strip_identifiers)
    with pytest.raises(DataError, match=r"references\.yaml: references/1: .*not valid"):
        load_references(data_copy)


def test_the_schema_rejects_a_malformed_doi(data_copy: Path) -> None:
    rewrite_references(data_copy, lambda refs: entry(refs, "wang2005").update(doi="doi:10.1126/x"))
    with pytest.raises(DataError, match=r"references/1/doi"):
        load_references(data_copy)


def test_the_schema_rejects_a_dated_publication_without_a_year(data_copy: Path) -> None:
    rewrite_references(data_copy, lambda refs: entry(refs, "wang2005").pop("year"))
    with pytest.raises(DataError, match=r"references/1"):
        load_references(data_copy)


def test_a_duplicate_key_is_rejected(data_copy: Path) -> None:
    rewrite_references(data_copy, lambda refs: refs.append(dict(entry(refs, "wang2005"))))
    with pytest.raises(DataError, match=r"'wang2005' appears more than once"):
        load_references(data_copy)


def test_a_missing_bibliography_is_a_data_error(data_copy: Path) -> None:
    (data_copy / "references.yaml").unlink()
    with pytest.raises(DataError, match="references.yaml is missing"):
        load_references(data_copy)


def test_short_citations_for_papers_and_undated_pages() -> None:
    from il2lib.references import get_reference

    assert get_reference("rickert2005").short() == "Rickert et al., Science 2005"
    page = get_reference("uniprot_p60568")
    assert page.year is None and page.short().startswith(f"{page.source}: ")
