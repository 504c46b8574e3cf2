"""The Proleukin monograph: every claim is cited, citations resolve, and the Markdown numbers them right."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from il2lib import config
from il2lib.errors import DataError, InvalidInputError, UnknownEntryError
from il2lib.monograph import Monograph, Section, Statement, available_monographs, load_monograph
from il2lib.references import load_references

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"

# The sections the course promises (identity ... key takeaways), in reading order.
SECTION_IDS = (
    "identity", "uses", "administration", "mechanism", "side_effects", "warnings", "monitoring", "key_takeaways",
)  # fmt: skip

CITATION = re.compile(r" \[(\d+(?:, \d+)*)\]$")


@pytest.fixture(scope="module")
def monograph() -> Monograph:
    return load_monograph()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the monograph data, safe to break."""
    folder = tmp_path / "data"
    shutil.copytree(config.DATA_DIR / "monographs", folder / "monographs")
    for name in ("references.yaml", "references.schema.json", "monograph.schema.json"):
        shutil.copy(config.DATA_DIR / name, folder / name)
    return folder


def rewrite_monograph(data_dir: Path, change) -> None:
    path = data_dir / "monographs" / "proleukin.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def citation_numbers(markdown: str) -> list[list[int]]:
    """The citation numbers of each statement line, in order."""
    found = []
    for line in markdown.splitlines():
        if line.startswith("- "):
            match = CITATION.search(line)
            assert match, f"statement without citation: {line}"
            found.append([int(n) for n in match.group(1).split(", ")])
    return found


def reference_list(markdown: str) -> list[tuple[int, str]]:
    """The numbered entries after the "References" heading."""
    tail = re.split(r"^#+ References$", markdown, flags=re.MULTILINE)[1]
    return [(int(m.group(1)), m.group(2)) for m in re.finditer(r"^(\d+)\. (.+)$", tail, flags=re.MULTILINE)]


def test_the_proleukin_monograph_has_every_promised_section_in_order(monograph: Monograph) -> None:
    assert monograph.section_ids == SECTION_IDS
    assert (monograph.name, monograph.brand, monograph.generic) == ("proleukin", "Proleukin", "aldesleukin")
    assert "not medical advice" in monograph.disclaimer


def test_every_statement_cites_known_references(monograph: Monograph) -> None:
    references = load_references()
    for section in monograph.sections:
        assert section.statements, section.id
        for statement in section.statements:
            assert statement.cite, statement.text
            assert set(statement.cite) <= set(references), statement.text


def test_the_core_facts_are_stated(monograph: Monograph) -> None:
    text = {section.id: " ".join(s.text for s in section.statements) for section in monograph.sections}
    assert "Cys125→Ser" in text["identity"] and "1992" in text["identity"] and "1998" in text["identity"]
    assert "600,000" in text["administration"] and "every 8 hours" in text["administration"]
    assert all(cd in text["mechanism"] for cd in ("CD25", "CD122", "CD132", "JAK1", "JAK3", "STAT5"))
    assert "capillary leak syndrome" in text["side_effects"]
    assert "krieg2010" in {key for s in monograph.section("side_effects").statements for key in s.cite}
    assert "thallium stress test" in text["warnings"] and "allograft" in text["warnings"]


def test_no_statement_copies_a_seed_sentence(monograph: Monograph) -> None:
    """Our own words: no run of eight words from the seed texts appears in a statement."""
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not seeds:
        pytest.skip(f"no seed texts at {SEEDS}")

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())

    seed_runs = set()
    for seed in seeds:
        tokens = words(seed.read_text(encoding="utf-8"))
        seed_runs |= {tuple(tokens[i : i + 8]) for i in range(len(tokens) - 7)}
    for section in monograph.sections:
        for statement in section.statements:
            tokens = words(statement.text)
            copied = [" ".join(run) for i in range(len(tokens) - 7) if (run := tuple(tokens[i : i + 8])) in seed_runs]
            assert not copied, f"{section.id}: {copied[0]!r}"


def test_markdown_numbers_citations_consecutively_and_matches_the_reference_list(monograph: Monograph) -> None:
    markdown = monograph.to_markdown()
    first_seen: list[int] = []
    for numbers in citation_numbers(markdown):
        assert numbers == sorted(numbers)
        for number in numbers:
            if number not in first_seen:
                assert number == len(first_seen) + 1, "a new citation must take the next number"
                first_seen.append(number)
    listed = reference_list(markdown)
    assert [number for number, _ in listed] == first_seen
    assert [text for _, text in listed] == [ref.format() for ref in monograph.references()]


def test_each_statement_points_at_the_references_it_cites(monograph: Monograph) -> None:
    markdown = monograph.to_markdown()
    order = [ref.key for ref in monograph.references()]
    statements = [s for section in monograph.sections for s in section.statements]
    for statement, numbers in zip(statements, citation_numbers(markdown), strict=True):
        assert sorted(order.index(key) + 1 for key in statement.cite) == numbers


def test_a_subset_of_sections_is_numbered_afresh(monograph: Monograph) -> None:
    markdown = monograph.to_markdown(["side_effects", "warnings"])
    assert "## Side effects" in markdown and "## Warnings and contraindications" in markdown
    assert "## How it works" not in markdown
    assert citation_numbers(markdown)[0][0] == 1
    listed = reference_list(markdown)
    assert [text for _, text in listed] == [r.format() for r in monograph.references(["side_effects", "warnings"])]
    assert len(listed) < len(monograph.references())


def test_a_single_section_id_string_is_accepted(monograph: Monograph) -> None:
    assert monograph.to_markdown("uses") == monograph.to_markdown(["uses"])


def test_the_disclaimer_heads_every_rendering(monograph: Monograph) -> None:
    for markdown in (monograph.to_markdown(), monograph.to_markdown(["mechanism"]), monograph._repr_markdown_()):
        assert markdown.startswith("> **Proleukin (aldesleukin).** This is an educational summary")


def test_heading_level_sets_section_and_reference_headings(monograph: Monograph) -> None:
    markdown = monograph.to_markdown(["uses"], heading_level=3)
    assert re.findall(r"^#+ .*$", markdown, flags=re.MULTILINE) == ["### What it is used for", "### References"]
    with pytest.raises(InvalidInputError, match="heading_level"):
        monograph.to_markdown(heading_level=0)


def test_a_section_renders_alone_with_its_own_references(monograph: Monograph) -> None:
    section = monograph.section("mechanism")
    markdown = section.to_markdown()
    assert markdown.startswith("## How it works\n")
    assert "### References" in markdown
    assert [text for _, text in reference_list(markdown)] == [ref.format() for ref in section.references()]
    assert section._repr_markdown_() == section.to_markdown(heading_level=3)  # below a lesson's own headings


def test_references_follow_first_citation_order(monograph: Monograph) -> None:
    keys = [ref.key for ref in monograph.references(["identity"])]
    assert keys[:2] == ["fda_label", "medlineplus"]
    assert len(keys) == len(set(keys))


def test_an_unknown_section_lists_the_sections(monograph: Monograph) -> None:
    expected = r"no section 'side_effect'.*Did you mean 'side_effects'.*identity, uses"
    with pytest.raises(UnknownEntryError, match=expected):
        monograph.section("side_effect")
    with pytest.raises(UnknownEntryError, match="dosage"):
        monograph.to_markdown(["uses", "dosage"])
    with pytest.raises(InvalidInputError, match="section_ids is empty"):
        monograph.references([])


def test_an_unknown_monograph_lists_the_available_ones() -> None:
    assert "proleukin" in available_monographs()
    with pytest.raises(UnknownEntryError, match=r"no monograph named 'keytruda'. Available: .*proleukin"):
        load_monograph("keytruda")


def test_a_monograph_name_is_matched_regardless_of_case() -> None:
    assert load_monograph(" Proleukin ") is load_monograph()


def test_the_objects_are_frozen(monograph: Monograph) -> None:
    with pytest.raises(AttributeError):
        monograph.name = "other"  # type: ignore[misc]
    assert isinstance(monograph.sections[0], Section)
    assert isinstance(monograph.sections[0].statements[0], Statement)


def test_a_copy_of_the_data_loads_the_same(data_copy: Path, monograph: Monograph) -> None:
    assert load_monograph(data_dir=data_copy) == monograph


def test_the_schema_rejects_a_statement_without_a_citation(data_copy: Path) -> None:
    rewrite_monograph(data_copy, lambda data: data["sections"][3]["statements"][0].pop("cite"))
    with pytest.raises(DataError, match=r"sections/3/statements/0: 'cite' is a required property"):
        load_monograph(data_dir=data_copy)


def test_the_schema_rejects_an_empty_citation_list(data_copy: Path) -> None:
    rewrite_monograph(data_copy, lambda data: data["sections"][0]["statements"][1].update(cite=[]))
    with pytest.raises(DataError, match=r"sections/0/statements/1/cite"):
        load_monograph(data_dir=data_copy)


def test_the_schema_rejects_a_monograph_without_a_disclaimer(data_copy: Path) -> None:
    rewrite_monograph(data_copy, lambda data: data.pop("disclaimer"))
    with pytest.raises(DataError, match="'disclaimer' is a required property"):
        load_monograph(data_dir=data_copy)


def test_the_loader_rejects_a_citation_missing_from_the_bibliography(data_copy: Path) -> None:
    rewrite_monograph(data_copy, lambda data: data["sections"][4]["statements"][2].update(cite=["fda_labl"]))
    with pytest.raises(
        DataError, match=r"section 'side_effects', statement 3 cites 'fda_labl'.*Did you mean fda_label\?"
    ):
        load_monograph(data_dir=data_copy)


def test_the_loader_rejects_duplicate_section_ids(data_copy: Path) -> None:
    rewrite_monograph(data_copy, lambda data: data["sections"][1].update(id="identity"))
    with pytest.raises(DataError, match="'identity' is used twice"):
        load_monograph(data_dir=data_copy)


def test_the_loader_rejects_a_name_that_disagrees_with_the_file(data_copy: Path) -> None:
    rewrite_monograph(data_copy, lambda data: data.update(name="aldesleukin"))
    with pytest.raises(DataError, match="make them agree"):
        load_monograph(data_dir=data_copy)
