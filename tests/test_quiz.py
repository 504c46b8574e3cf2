"""The self-check quizzes: schema, cited explanations, answer checking and widgets."""

from __future__ import annotations

import copy
import html
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from il2lib import config
from il2lib.errors import DataError, InvalidInputError, UnknownEntryError
from il2lib.quiz import (
    ChoiceQuestion,
    Feedback,
    NumericQuestion,
    available_lessons,
    feedback_html,
    load_quiz,
    parse_quiz,
    quiz,
)
from il2lib.references import load_references

#: Every lesson after "Start here" has a quiz named after its notebook.
LESSONS = [p.stem for p in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("0[1-9]-*.ipynb"))]

VALID = {
    "lesson": "99-test",
    "title": "Test quiz",
    "questions": [
        {
            "id": "q1",
            "type": "choice",
            "prompt": "Which cysteines are bonded?",
            "options": [
                {"text": "58 and 105", "correct": True, "explanation": "Right because.", "cite": ["rickert2005"]},
                {"text": "58 and 125", "explanation": "Wrong because.", "cite": ["rickert2005"]},
            ],
        },
        {
            "id": "q2",
            "type": "numeric",
            "prompt": "How long is the bond?",
            "compute": "disulfide_distance",
            "args": {"pdb": "1Z92", "chain": "A", "residues": [58, 105]},
            "unit": "Å",
            "tolerance": 0.1,
            "hint": {"off_by_more_than": 0.5, "text": "about 2 Å"},
            "explanation": "Because.",
            "cite": ["rickert2005"],
        },
    ],
}


def variant(change) -> dict:
    data = copy.deepcopy(VALID)
    change(data)
    return data


def descendants(widget) -> Iterator[object]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from descendants(child)


def with_class(widget, css_class: str) -> list:
    return [w for w in descendants(widget) if css_class in w._dom_classes]


def visible_text(widget) -> str:
    """Everything a widget tree sends to the page as text: labels, values, tooltips, options."""
    parts = []
    for w in descendants(widget):
        for name in ("description", "tooltip", "placeholder", "value"):
            value = getattr(w, name, None)
            if isinstance(value, str):
                parts.append(value)
        parts.extend(getattr(w, "_options_labels", ()))
    return "\n".join(parts)


# -- schema and data --------------------------------------------------------------------


def test_the_valid_example_parses() -> None:
    parsed = parse_quiz(VALID)
    assert [q.id for q in parsed.questions] == ["q1", "q2"]
    assert isinstance(parsed.questions[0], ChoiceQuestion)
    assert isinstance(parsed.questions[1], NumericQuestion)


def test_schema_rejects_a_wrong_option_without_explanation() -> None:
    data = variant(lambda d: d["questions"][0]["options"][1].pop("explanation"))
    with pytest.raises(DataError, match="questions/0/options/1: 'explanation' is a required property"):
        parse_quiz(data)


def test_schema_rejects_a_choice_question_with_no_correct_option() -> None:
    data = variant(lambda d: d["questions"][0]["options"][0].pop("correct"))
    with pytest.raises(DataError, match="questions/0/options: 0 options are marked 'correct: true'; mark exactly one"):
        parse_quiz(data)


def test_schema_rejects_two_correct_options() -> None:
    data = variant(lambda d: d["questions"][0]["options"][1].update(correct=True))
    with pytest.raises(DataError, match="questions/0/options: 2 options are marked"):
        parse_quiz(data)


def test_schema_rejects_an_option_without_citation() -> None:
    data = variant(lambda d: d["questions"][0]["options"][1].pop("cite"))
    with pytest.raises(DataError, match="'cite' is a required property"):
        parse_quiz(data)


def test_a_numeric_question_cannot_store_its_answer() -> None:
    data = variant(lambda d: d["questions"][1].update(answer=2.04))
    with pytest.raises(DataError, match="answer"):
        parse_quiz(data)


def test_unknown_computation_is_rejected_with_the_choices() -> None:
    data = variant(lambda d: d["questions"][1].update(compute="bond_length"))
    with pytest.raises(DataError, match="disulfide_distance"):
        parse_quiz(data)


def test_arguments_that_do_not_fit_the_computation_are_rejected() -> None:
    data = variant(lambda d: d["questions"][1]["args"].update(atom="SG"))
    with pytest.raises(DataError, match="args do not fit disulfide_distance"):
        parse_quiz(data)


def test_unknown_citation_key_is_rejected() -> None:
    data = variant(lambda d: d["questions"][0]["options"][1].update(cite=["rickert2099"]))
    with pytest.raises(DataError, match="cites .rickert2099., which is not a key.*Did you mean rickert2005"):
        parse_quiz(data)


def test_duplicate_question_ids_are_rejected() -> None:
    data = variant(lambda d: d["questions"][1].update(id="q1"))
    with pytest.raises(DataError, match="repeated: q1"):
        parse_quiz(data)


def test_every_lesson_has_a_quiz_of_three_to_five_questions() -> None:
    assert available_lessons() == LESSONS
    for lesson in LESSONS:
        loaded = load_quiz(lesson)
        assert loaded.lesson == lesson
        assert 3 <= len(loaded.questions) <= 5, lesson


@pytest.mark.parametrize("lesson", ["02-il2-molecule", "03-alpha-receptor", "05-aldesleukin"])
def test_structure_lessons_have_a_numeric_question(lesson: str) -> None:
    assert any(isinstance(q, NumericQuestion) for q in load_quiz(lesson).questions)


def test_every_cite_key_exists_in_the_bibliography() -> None:
    known = set(load_references())
    for lesson in LESSONS:
        raw = yaml.safe_load((config.DATA_DIR / "quizzes" / f"{lesson}.yaml").read_text(encoding="utf-8"))
        for question in raw["questions"]:
            cited = [key for option in question.get("options", []) for key in option["cite"]] + question.get("cite", [])
            assert cited, f"{lesson}/{question['id']} cites nothing"
            assert set(cited) <= known, f"{lesson}/{question['id']}: unknown {set(cited) - known}"


def test_unknown_lesson_lists_the_available_ones() -> None:
    with pytest.raises(UnknownEntryError, match="02-il2-molecule") as raised:
        load_quiz("02-il2")
    assert "01-proleukin" in str(raised.value)


def test_unknown_question_id_lists_the_lesson_questions() -> None:
    with pytest.raises(UnknownEntryError, match="disulfide-pair"):
        load_quiz("02-il2-molecule").question("disulfide")


def test_a_file_whose_lesson_field_disagrees_with_its_name_is_rejected(tmp_path: Path, monkeypatch) -> None:
    for name in ("quiz.schema.json", "references.yaml", "references.schema.json"):
        shutil.copy(config.DATA_DIR / name, tmp_path / name)
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "07-other.yaml").write_text(yaml.safe_dump(VALID, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    with pytest.raises(DataError, match="99-test"):
        load_quiz("07-other")


# -- checking answers -------------------------------------------------------------------


def test_choice_check_explains_the_right_answer() -> None:
    question = load_quiz("02-il2-molecule").question("disulfide-pair")
    right = next(o for o in question.options if o.correct)
    result = question.check("Cys58 and Cys105")
    assert result.correct is True
    assert result.message == f"Correct. {right.explanation}"
    assert result.cite == right.cite


def test_choice_check_explains_why_a_wrong_answer_is_wrong() -> None:
    question = load_quiz("02-il2-molecule").question("disulfide-pair")
    index = next(i for i, o in enumerate(question.options) if o.text == "Cys58 and Cys125")
    result = question.check(index)
    assert result.correct is False
    assert question.options[index].explanation in result.message
    right = next(o for o in question.options if o.correct)
    assert right.explanation not in result.message  # the student may try again


def test_every_choice_question_has_exactly_one_accepted_option() -> None:
    for lesson in LESSONS:
        for question in load_quiz(lesson).questions:
            if isinstance(question, ChoiceQuestion):
                results = [question.check(i) for i in range(len(question.options))]
                assert sum(r.correct for r in results) == 1, f"{lesson}/{question.id}"
                for option, result in zip(question.options, results):
                    assert option.explanation in result.message


def test_choice_check_without_an_answer_asks_for_one() -> None:
    result = load_quiz("01-proleukin").questions[0].check(None)
    assert result == Feedback(False, "Pick an answer first, then press Check.")


def test_choice_check_rejects_an_answer_that_is_not_an_option() -> None:
    question = load_quiz("01-proleukin").question("generic-name")
    with pytest.raises(InvalidInputError, match="Aldesleukin"):
        question.check("Proleukin")
    with pytest.raises(InvalidInputError):
        question.check(7)


def _sg_distance_from_file(path: Path) -> float:
    """The Cys58–Cys105 SG distance read straight from the PDB file, without il2lib."""
    from Bio.PDB import PDBParser

    chain = PDBParser(QUIET=True).get_structure("1Z92", str(path))[0]["A"]
    return float(chain[58]["SG"] - chain[105]["SG"])


def test_numeric_answer_is_measured_from_the_structure(mirror: Path) -> None:
    question = load_quiz("02-il2-molecule").question("disulfide-length")
    assert isinstance(question, NumericQuestion)
    assert question.value() == pytest.approx(_sg_distance_from_file(mirror / "1Z92.pdb"), abs=0.006)


def test_numeric_check_accepts_the_true_value_within_tolerance(mirror: Path) -> None:
    question = load_quiz("02-il2-molecule").question("disulfide-length")
    true_value = question.value()
    for answer in (true_value, true_value - 0.09, true_value + question.tolerance):
        result = question.check(answer)
        assert result.correct, answer
        assert f"{true_value:.2f} Å" in result.message
        assert "±0.10 Å" in result.message


def test_numeric_check_rejects_a_far_answer_with_a_hint(mirror: Path) -> None:
    question = load_quiz("02-il2-molecule").question("disulfide-length")
    true_value = question.value()
    near_miss = question.check(true_value + 0.3)
    assert not near_miss.correct and "Hint" not in near_miss.message
    far = question.check(6.0)
    assert not far.correct
    assert f"{true_value:.2f} Å" in far.message
    assert "Hint: " + question.hint in far.message


def test_numeric_check_without_a_number_asks_for_one() -> None:
    question = load_quiz("02-il2-molecule").question("disulfide-length")
    for empty in (None, "", "   "):
        assert question.check(empty) == Feedback(False, "Type a number first, then press Check.")
    assert question.check(float("nan")).correct is False
    unreadable = question.check("2,04")
    assert not unreadable.correct and "'2,04' is not a number" in unreadable.message
    with pytest.raises(InvalidInputError, match="not a number"):
        question.check([2.0])  # type: ignore[arg-type]


def test_numeric_check_reads_typed_text(mirror: Path) -> None:
    question = load_quiz("02-il2-molecule").question("disulfide-length")
    assert question.check(f" {question.value():.2f} ").correct
    assert not question.check("6").correct


@pytest.mark.parametrize(("lesson", "question_id"), [("03-alpha-receptor", "interface-residue-count"), ("03-alpha-receptor", "buried-area"), ("05-aldesleukin", "free-vs-bound-rmsd")])
def test_every_numeric_question_accepts_its_value_and_rejects_a_far_one(mirror: Path, lesson: str, question_id: str) -> None:
    question = load_quiz(lesson).question(question_id)
    assert isinstance(question, NumericQuestion)
    true_value = question.value()
    assert true_value > 0
    assert question.check(true_value).correct
    far = question.check(true_value + 3 * question.hint_beyond)
    assert not far.correct and "Hint: " in far.message


def test_exact_count_question_says_so(mirror: Path) -> None:
    question = load_quiz("03-alpha-receptor").question("interface-residue-count")
    true_value = question.value()
    assert true_value == int(true_value)
    assert not question.check(true_value + 1).correct
    assert "only the exact value" in question.check(true_value).message


# -- widgets ----------------------------------------------------------------------------


def test_feedback_html_is_escaped_and_announced() -> None:
    right = feedback_html(Feedback(True, "Correct. <b>bold</b> & more", ("rickert2005",)))
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in right
    assert 'role="status"' in right and 'aria-live="polite"' in right
    assert "✔" in right and "Rickert et al., Science 2005" in right
    assert 'href="https://doi.org/10.1126/science.1109745"' in right
    wrong = feedback_html(Feedback(False, "Not quite."))
    assert "✘" in wrong and "Sources" not in wrong


def test_widget_has_stable_classes_and_one_box_per_question() -> None:
    widget = quiz("02-il2-molecule")
    assert "il2-quiz" in widget._dom_classes
    count = len(load_quiz("02-il2-molecule").questions)
    assert len(with_class(widget, "il2-quiz-question")) == count
    assert len(with_class(widget, "il2-quiz-check")) == count
    assert len(with_class(widget, "il2-quiz-feedback")) == count


def test_widget_gives_no_answer_away_before_checking() -> None:
    import ipywidgets

    loaded = load_quiz("02-il2-molecule")
    widget = quiz("02-il2-molecule")
    text = visible_text(widget)
    for question in loaded.questions:
        assert html.escape(question.prompt) in text
        explanations = [o.explanation for o in question.options] if isinstance(question, ChoiceQuestion) else [question.explanation]
        for explanation in explanations:
            assert explanation not in text and html.escape(explanation) not in text
    assert all(f.value == "" for f in with_class(widget, "il2-quiz-feedback"))
    radios = [w for w in descendants(widget) if isinstance(w, ipywidgets.RadioButtons)]
    assert radios and all(r.value is None for r in radios)
    # the option values sent to the browser are plain indices, never a right/wrong flag
    assert all(r.options == tuple((label, i) for i, label in enumerate(r._options_labels)) for r in radios)


def test_clicking_check_shows_the_explanation_of_the_choice() -> None:
    import ipywidgets

    question = load_quiz("02-il2-molecule").question("disulfide-pair")
    widget = quiz("02-il2-molecule", ["disulfide-pair"])
    (box,) = with_class(widget, "il2-quiz-question")
    radio = next(w for w in descendants(box) if isinstance(w, ipywidgets.RadioButtons))
    (button,) = with_class(box, "il2-quiz-check")
    (feedback,) = with_class(box, "il2-quiz-feedback")

    wrong = next(i for i, o in enumerate(question.options) if not o.correct)
    radio.value = wrong
    before = feedback.value
    button.click()
    assert feedback.value != before
    assert "✘" in feedback.value
    assert html.escape(question.options[wrong].explanation) in feedback.value

    right = next(i for i, o in enumerate(question.options) if o.correct)
    radio.value = right
    button.click()
    assert "✔" in feedback.value
    assert html.escape(question.options[right].explanation) in feedback.value


def test_clicking_check_without_a_choice_asks_for_one() -> None:
    widget = quiz("01-proleukin", ["generic-name"])
    with_class(widget, "il2-quiz-check")[0].click()
    assert "Pick an answer first" in with_class(widget, "il2-quiz-feedback")[0].value


def test_numeric_widget_checks_a_typed_number(mirror: Path) -> None:
    import ipywidgets

    question = load_quiz("02-il2-molecule").question("disulfide-length")
    widget = quiz("02-il2-molecule", ["disulfide-length"])
    field = next(w for w in descendants(widget) if isinstance(w, ipywidgets.Text))
    assert "Å" in field.description
    (button,) = with_class(widget, "il2-quiz-check")
    (feedback,) = with_class(widget, "il2-quiz-feedback")
    button.click()  # nothing typed yet: the answer is not revealed
    assert "Type a number first" in feedback.value
    assert f"{question.value():.2f}" not in feedback.value
    field.value = "5.5"
    button.click()
    assert "✘" in feedback.value and "Hint" in feedback.value
    field.value = f"{question.value():.1f}"
    button.click()
    assert "✔" in feedback.value
    assert f"{question.value():.2f} Å" in feedback.value


def test_widget_with_unknown_question_id_raises() -> None:
    with pytest.raises(UnknownEntryError, match="disulfide-length"):
        quiz("02-il2-molecule", ["no-such-question"])
