"""What the person may see of a question: the one gate between the form and the person's side.

The interview column of the intake screen, ``inburgering follow`` and anything else read aloud
or shown to the person (and so to the interpreter on their behalf) take their text from here,
never from the question itself, so a consultant's note or observation cannot slip through.
"""

from __future__ import annotations

from inburgering_tui.domain.forms import Question
from inburgering_tui.i18n.markers import N_

# Shown on the person's side instead of a question that is not put to them.
CONSULTANT_ONLY = N_("Alleen voor de consulent: niet voorlezen.")


def person_view(question: Question) -> Question | None:
    """The question as the person may see it: prompt, their help, options and scale labels,
    without the consultant's note; None when the whole question is for the consultant only
    (observations, the domain summary and score, records that something was explained)."""
    if question.consultant_only:
        return None
    if not question.note:
        return question
    return question.model_copy(update={"note": ""})


def person_texts(question: Question) -> list[str]:
    """Every msgid of the question the person may see ([] for a consultant-only question)."""
    view = person_view(question)
    if view is None:
        return []
    texts = [view.prompt, view.help, *(o.label for o in view.options)]
    texts += list(view.scale_labels.values())
    return [t for t in texts if t]


def consultant_texts(question: Question) -> list[str]:
    """Every msgid of the question meant for the consultant only (never on the person's side)."""
    if not question.consultant_only:
        return [question.note] if question.note else []
    texts = [question.prompt, question.note, *(o.label for o in question.options)]
    texts += list(question.scale_labels.values())
    return [t for t in texts if t]
