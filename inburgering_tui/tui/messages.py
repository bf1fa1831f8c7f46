"""Messages the screens and widgets post, named for what happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class AnswerEdited(Message):
    """The consultant changed the input of the shown question (not yet validated)."""

    question_id: str  # edits from a widget being replaced must not land on the next question
    raw: Any
    final: bool  # True on Enter / a choice made: validate loudly and move on


@dataclass
class StoreUnlocked(Message):
    """The unlock screen opened the store."""

    store: Any


@dataclass
class ProseIgnored(Message):
    """Words were typed into a choice question: no shortcut acted, the answer stayed."""

    question_id: str


@dataclass
class WorkProgressed(Message):
    """A worker thread has news of its progress; the screen takes the newest at its own pace."""
