"""Self-check questions with instant feedback.

The questions, their answers and the explanation of every option live in
``data/quizzes/<lesson>.yaml`` (checked against ``data/quiz.schema.json``), so a
notebook cell only says ``il2lib.quiz("02-il2-molecule")`` and gives nothing away.
A numeric question stores no answer at all: it names a computation in
:data:`COMPUTATIONS` that measures the structure when the student checks.

:meth:`ChoiceQuestion.check` and :meth:`NumericQuestion.check` are plain logic;
:func:`quiz` wraps them in ipywidgets.
"""

from __future__ import annotations

import html
import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import analysis, config, references
from .datafiles import read_yaml, schema_error, where
from .errors import DataError, Il2libError, InvalidInputError, UnknownEntryError
from .structures import load_structure

if TYPE_CHECKING:  # ipywidgets is only imported when widgets are built
    import ipywidgets

# -- computations: numeric answers measured from the structures --------------------


def disulfide_distance(pdb: str, chain: str, residues: Sequence[int]) -> float:
    """Distance in Å between the Sγ atoms of two cysteines of one chain."""
    first, second = residues
    structure = load_structure(pdb, progress=False)
    return analysis.atom_distance(structure, (chain, first, "SG"), (chain, second, "SG"))


def ca_rmsd(mobile: str, mobile_chain: str, reference: str, reference_chain: str) -> float:
    """Cα RMSD in Å of one chain onto another after optimal superposition."""
    fit = analysis.superpose(
        load_structure(mobile, progress=False), mobile_chain, load_structure(reference, progress=False), reference_chain
    )
    return fit.rmsd


def interface_residue_count(pdb: str, chain: str, partner: str, cutoff: float = 4.0) -> float:
    """How many residues of *chain* have an atom within *cutoff* Å of *partner*."""
    structure = load_structure(pdb, progress=False)
    return float(len(analysis.interface_residues(structure, chain, partner, cutoff=cutoff)))


def buried_surface_area(pdb: str, chains_a: Sequence[str], chains_b: Sequence[str]) -> float:
    """Solvent-accessible area in Å² hidden when the two groups of chains meet."""
    structure = load_structure(pdb, progress=False)
    return analysis.buried_surface_area(structure, list(chains_a), list(chains_b)).total


#: Computations a numeric question may name in its ``compute`` field.
COMPUTATIONS: dict[str, Callable[..., float]] = {
    "disulfide_distance": disulfide_distance,
    "ca_rmsd": ca_rmsd,
    "interface_residue_count": interface_residue_count,
    "buried_surface_area": buried_surface_area,
}


@lru_cache(maxsize=None)
def _computed_value(compute: str, args: tuple[tuple[str, Any], ...]) -> float:
    """Run a computation once per session; the structures do not change."""
    return float(COMPUTATIONS[compute](**dict(args)))


# -- questions and feedback ---------------------------------------------------------


@dataclass(frozen=True)
class Feedback:
    """What the student sees after checking: right or wrong, why, and the sources."""

    correct: bool
    message: str
    cite: tuple[str, ...] = ()


@dataclass(frozen=True)
class Option:
    """One answer of a choice question and why it is right or wrong."""

    text: str
    correct: bool
    explanation: str
    cite: tuple[str, ...]


@dataclass(frozen=True)
class ChoiceQuestion:
    """Pick one option; each option carries its own explanation."""

    id: str
    prompt: str
    options: tuple[Option, ...]

    def check(self, answer: int | str | None) -> Feedback:
        """Feedback on *answer*, given as an option's index or its text."""
        if answer is None:
            return Feedback(False, "Pick an answer first, then press Check.")
        option = self._option(answer)
        if option.correct:
            return Feedback(True, f"Correct. {option.explanation}", option.cite)
        return Feedback(False, f"Not quite. {option.explanation} Try another answer.", option.cite)

    @property
    def cite_keys(self) -> tuple[str, ...]:
        """Every reference key the options cite, each once."""
        return tuple(dict.fromkeys(key for option in self.options for key in option.cite))

    def _option(self, answer: int | str) -> Option:
        if isinstance(answer, str):
            for option in self.options:
                if option.text == answer:
                    return option
        elif isinstance(answer, int) and not isinstance(answer, bool) and 0 <= answer < len(self.options):
            return self.options[answer]
        choices = "; ".join(f"{i}: {o.text!r}" for i, o in enumerate(self.options))
        raise InvalidInputError(f"{answer!r} is not an option of question {self.id!r}; give an index or text of: {choices}.")


@dataclass(frozen=True)
class NumericQuestion:
    """Type a number; the answer is measured from the structure at check time."""

    id: str
    prompt: str
    compute: str
    args: tuple[tuple[str, Any], ...]  # keyword arguments, lists turned into tuples
    unit: str
    tolerance: float
    decimals: int
    hint_beyond: float
    hint: str
    explanation: str
    cite: tuple[str, ...]

    @property
    def cite_keys(self) -> tuple[str, ...]:
        return self.cite

    def value(self) -> float:
        """The true answer, computed from the structure (cached for the session)."""
        return _computed_value(self.compute, self.args)

    def check(self, answer: float | str | None) -> Feedback:
        """Feedback on a number (or the text typed into the answer box).

        A right or wrong number shows the measured value and the tolerance; a far-off one
        also gets the hint. Empty or unreadable text asks for a number instead.
        """
        if isinstance(answer, str):
            text, answer = answer.strip(), None
            if text:
                try:
                    answer = float(text)
                except ValueError:
                    return Feedback(
                        False,
                        f"{text!r} is not a number. Type digits with a dot for decimals and no thousands "
                        f"separator, for example 2.5 or 1850.",
                    )
        if answer is None:
            return Feedback(False, "Type a number first, then press Check.")
        if isinstance(answer, bool) or not isinstance(answer, (int, float)):
            raise InvalidInputError(f"{answer!r} is not a number; question {self.id!r} needs a number in {self.unit}.")
        if not math.isfinite(answer):
            return Feedback(False, "Type a finite number, then press Check.")
        true_value = self.value()
        off_by = abs(answer - true_value)
        accepted = f"within ±{self._format(self.tolerance)}" if self.tolerance else "only the exact value"
        measured = f"The structure gives {self._format(true_value)} ({accepted} counts as correct)."
        if off_by <= self.tolerance + 1e-9:
            return Feedback(True, f"Correct. {measured} {self.explanation}", self.cite)
        hint = f" Hint: {self.hint}" if off_by > self.hint_beyond else ""
        you_gave = f"{answer:g}{self._unit_suffix()}"
        return Feedback(False, f"Not quite: you gave {you_gave}. {measured}{hint} {self.explanation}", self.cite)

    def _format(self, number: float) -> str:
        return f"{number:.{self.decimals}f}{self._unit_suffix()}"

    def _unit_suffix(self) -> str:
        return self.unit if self.unit in {"", "%", "°"} else f" {self.unit}"


Question = ChoiceQuestion | NumericQuestion


@dataclass(frozen=True)
class Quiz:
    """The self-check questions of one lesson."""

    lesson: str
    title: str
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        known = ", ".join(q.id for q in self.questions)
        raise UnknownEntryError(f"Lesson {self.lesson} has no question {question_id!r}; its questions are: {known}.")


# -- loading ------------------------------------------------------------------------


def quiz_dir() -> Path:
    return config.DATA_DIR / "quizzes"


def available_lessons() -> list[str]:
    """Lesson ids that have a quiz file, e.g. ``["01-proleukin", ...]``."""
    return sorted(path.stem for path in quiz_dir().glob("*.yaml"))


def load_quiz(lesson_id: str) -> Quiz:
    """The checked quiz of *lesson_id*, or an error listing the lessons that have one."""
    lessons = available_lessons()
    if lesson_id not in lessons:
        raise UnknownEntryError(
            f"There is no quiz for lesson {lesson_id!r}. Lessons with a quiz: {', '.join(lessons) or 'none'}."
        )
    path = quiz_dir() / f"{lesson_id}.yaml"
    loaded = parse_quiz(read_yaml(path), path)
    if loaded.lesson != lesson_id:
        raise DataError(f"{path}: lesson is {loaded.lesson!r}, but the file name says {lesson_id!r}; make them agree.")
    return loaded


def parse_quiz(data: object, source: Path | str = "quiz") -> Quiz:
    """Validate raw quiz data against the schema and turn it into a :class:`Quiz`."""
    _validate(data, source)
    assert isinstance(data, dict)
    questions = tuple(_parse_question(raw, source) for raw in data["questions"])
    for question in questions:
        references.check_cited(question.cite_keys, f"{source}: question {question.id!r}")
    ids = [q.id for q in questions]
    duplicates = sorted({qid for qid in ids if ids.count(qid) > 1})
    if duplicates:
        raise DataError(f"{source}: question ids must be unique; repeated: {', '.join(duplicates)}.")
    return Quiz(lesson=data["lesson"], title=data["title"], questions=questions)


def _validate(data: object, source: Path | str) -> None:
    """Schema check, with a plain message for the rule authors break most: one correct option."""
    error = schema_error(data, config.DATA_DIR / "quiz.schema.json")
    if error is None:
        return
    message = error.message
    if error.validator in {"contains", "minContains", "maxContains"}:
        marked = sum(1 for option in error.instance if isinstance(option, dict) and "correct" in option)
        message = f"{marked} options are marked 'correct: true'; mark exactly one."
    raise DataError(f"{source}: {where(error)}: {message}")


def _parse_question(raw: dict[str, Any], source: Path | str) -> Question:
    where = f"{source}: question {raw['id']!r}"
    if raw["type"] == "choice":
        options = tuple(
            Option(o["text"], o.get("correct", False), o["explanation"], tuple(o["cite"])) for o in raw["options"]
        )
        texts = [o.text for o in options]
        if len(set(texts)) != len(texts):
            raise DataError(f"{where}: two options have the same text; each option must read differently.")
        return ChoiceQuestion(raw["id"], raw["prompt"], options)
    compute = raw["compute"]
    if compute not in COMPUTATIONS:
        raise DataError(f"{where}: unknown computation {compute!r}; choose one of: {', '.join(COMPUTATIONS)}.")
    try:
        inspect.signature(COMPUTATIONS[compute]).bind(**raw["args"])
    except TypeError as err:
        raise DataError(f"{where}: args do not fit {compute}: {err}.") from None
    args = tuple((key, tuple(v) if isinstance(v, list) else v) for key, v in sorted(raw["args"].items()))
    return NumericQuestion(
        id=raw["id"],
        prompt=raw["prompt"],
        compute=compute,
        args=args,
        unit=raw["unit"],
        tolerance=float(raw["tolerance"]),
        decimals=raw.get("decimals", 2),
        hint_beyond=float(raw["hint"]["off_by_more_than"]),
        hint=raw["hint"]["text"],
        explanation=raw["explanation"],
        cite=tuple(raw["cite"]),
    )


# -- widgets ------------------------------------------------------------------------

CORRECT_COLOUR = "#1a7f37"
WRONG_COLOUR = "#b42318"

#: ipywidgets gives each radio label a fixed one-line height, so a long option would spill
#: over the next one; let labels wrap, keeping the button (last in the label) at its top left.
#: Its HTML widgets also use the one-line height as line spacing, too loose for paragraphs.
QUIZ_CSS = """
.il2-quiz .widget-html-content { line-height: 1.4; }
.il2-quiz .widget-radio-box label, .il2-quiz .jupyter-widget-radio-box label {
  height: auto; line-height: 1.4; padding: 2px 0;
  display: flex; flex-direction: row-reverse; justify-content: flex-end; align-items: flex-start;
}
.il2-quiz .widget-radio-box input, .il2-quiz .jupyter-widget-radio-box input {
  float: none; flex: none; height: 1.4em;
}
"""


def quiz(lesson_id: str, question_ids: list[str] | None = None) -> ipywidgets.VBox:
    """The lesson's questions as widgets: pick or type an answer, press Check, read why."""
    import ipywidgets

    loaded = load_quiz(lesson_id)
    if question_ids is None:
        questions = list(loaded.questions)
    else:
        questions = [loaded.question(qid) for qid in question_ids]
    title = ipywidgets.HTML(f"<style>{QUIZ_CSS}</style><h3>{html.escape(loaded.title)}</h3>")
    box = ipywidgets.VBox([title, *(question_box(q, number) for number, q in enumerate(questions, start=1))])
    box.add_class("il2-quiz")
    return box


def question_box(question: Question, number: int) -> ipywidgets.VBox:
    """One question: prompt, answer widget, Check button and a feedback area."""
    import ipywidgets

    prompt = ipywidgets.HTML(f"<p><strong>Question {number}.</strong> {html.escape(question.prompt)}</p>")
    answer: ipywidgets.RadioButtons | ipywidgets.Text
    if isinstance(question, ChoiceQuestion):
        # the values are indices, so the browser never learns which option is right
        answer = ipywidgets.RadioButtons(
            options=[(option.text, index) for index, option in enumerate(question.options)],
            value=None,
            layout=ipywidgets.Layout(width="auto"),
        )
    else:
        # a text box rather than FloatText, whose 0 would be indistinguishable from "not answered yet"
        answer = ipywidgets.Text(
            description=f"Your answer ({question.unit})",
            placeholder="a number",
            style={"description_width": "initial"},
        )
    check = ipywidgets.Button(description="Check", tooltip=f"Check your answer to question {number}")
    check.add_class("il2-quiz-check")
    feedback = ipywidgets.HTML(value="")
    feedback.add_class("il2-quiz-feedback")

    def on_check(_button: ipywidgets.Button) -> None:
        try:
            result = question.check(answer.value)
        except Il2libError as err:  # e.g. the structure cannot be found or downloaded
            result = Feedback(False, f"The answer could not be checked: {err}")
        feedback.value = feedback_html(result)

    check.on_click(on_check)
    box = ipywidgets.VBox([prompt, answer, check, feedback])
    box.add_class("il2-quiz-question")
    return box


def feedback_html(feedback: Feedback) -> str:
    """Escaped feedback in a live region, so screen readers announce it.

    The words "Correct" / "Not quite" carry the meaning; the mark and colour repeat it.
    """
    mark, colour = ("✔", CORRECT_COLOUR) if feedback.correct else ("✘", WRONG_COLOUR)
    sources = ""
    if feedback.cite:
        sources = "<br><small>Sources: " + "; ".join(source_link(key) for key in feedback.cite) + "</small>"
    return (
        f'<div role="status" aria-live="polite" style="border-left: 4px solid {colour}; padding-left: 0.5em">'
        f'<span aria-hidden="true" style="color: {colour}; font-weight: bold">{mark}</span> '
        f"{html.escape(feedback.message)}{sources}</div>"
    )


def source_link(key: str) -> str:
    """A short link to a reference, e.g. "Rickert et al., Science 2005", with the full title on hover."""
    ref = references.get_reference(key)
    url = ref.doi_url or ref.pubmed_url or ref.url
    return (
        f'<a href="{html.escape(url or "", quote=True)}" target="_blank" rel="noopener noreferrer" style="text-decoration: underline" '
        f'title="{html.escape(ref.title, quote=True)}">{html.escape(ref.short())}</a>'
    )


__all__ = [
    "COMPUTATIONS",
    "ChoiceQuestion",
    "Feedback",
    "NumericQuestion",
    "Option",
    "Question",
    "Quiz",
    "available_lessons",
    "feedback_html",
    "load_quiz",
    "parse_quiz",
    "question_box",
    "quiz",
    "source_link",
]
