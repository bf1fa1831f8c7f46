"""Loads ``forms/*.toml`` into :class:`Form` objects and reports errors with file and line.

tomllib keeps no line numbers, so the line of an offending entry is found by counting the
``[[sections]]``, ``[[sections.questions]]`` and ``[[checks]]`` headers in the text, which is
exact for the array-of-tables layout the forms use.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from pathlib import Path

from pydantic import ValidationError

from inburgering_tui.domain.forms import Form, FormReferenceError

_SECTION_HEADER = re.compile(r"^\s*\[\[\s*sections\s*\]\]")
_QUESTION_HEADER = re.compile(r"^\s*\[\[\s*sections\.questions\s*\]\]")
_CHECK_HEADER = re.compile(r"^\s*\[\[\s*checks\s*\]\]")
_FORM_HEADER = re.compile(r"^\s*\[\s*form\s*\]")
_TOP_LEVEL = ("form", "sections", "checks")


class FormError(Exception):
    """A form file that cannot be used; the message names the file, line and entry."""


def load_form(path: Path) -> Form:
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise FormError(f"{path}:{line}: not valid TOML: {exc}") from None
    header = data.get("form")
    if not isinstance(header, dict):
        raise FormError(f"{path}:1: the file needs a [form] table with id, version and title")
    for name in data:
        if name not in _TOP_LEVEL:
            # A misspelt [[check]] would otherwise drop every check without a word.
            line = _top_level_line(text, name)
            known = ", ".join(_TOP_LEVEL)
            raise FormError(f"{path}:{line}: unknown table '{name}' (a form file has {known})")
    payload = {**header, "sections": data.get("sections", [])}
    if "checks" in data:
        payload["checks"] = data["checks"]
    try:
        return Form.model_validate(payload)
    except ValidationError as exc:
        raise FormError(_describe(path, text, payload, exc)) from None


def load_forms(directory: Path) -> dict[str, Form]:
    """Every form in a folder, by id; two files claiming one id is an error too."""
    forms: dict[str, Form] = {}
    for path in sorted(directory.glob("*.toml")):
        form = load_form(path)
        if form.id in forms:
            raise FormError(f"{path}:1: form id '{form.id}' is already used by another file")
        forms[form.id] = form
    if not forms:
        raise FormError(f"{directory}: no form files (*.toml) found")
    return forms


def _describe(path: Path, text: str, payload: dict[str, object], exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        loc = error["loc"]
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, FormReferenceError):
            loc = (*loc, *cause.loc)  # a form-wide check knows which entry it is about
        line = _line_for(text, loc)
        entry = _entry_name(payload, loc)
        field = ".".join(
            str(p) for p in loc if isinstance(p, str) and p not in _CONTAINERS | _CHECK_KINDS
        )
        where = f"{entry}: " if entry else ""
        what = f"{field}: " if field else ""
        lines.append(f"{path}:{line}: {where}{what}{error['msg']}")
    return "\n".join(lines)


_CONTAINERS = {"sections", "questions", "checks"}
# pydantic puts the tag of a discriminated union into the location: not a field name.
_CHECK_KINDS = {"household", "rule_window", "conflict"}


def _entry_name(payload: dict[str, object], loc: tuple[int | str, ...]) -> str:
    parts = []
    node: object = payload
    for key, index in itertools.pairwise(loc):
        if key in _CONTAINERS and isinstance(index, int) and isinstance(node, dict):
            items = node.get(key) or []
            if index >= len(items):
                break
            node = items[index]
            if key == "checks":
                about = node.get("question", "?") if isinstance(node, dict) else "?"
                parts.append(f"check #{index + 1} (on '{about}')")
                continue
            kind = "section" if key == "sections" else "question"
            ident = node.get("id", f"#{index + 1}") if isinstance(node, dict) else index
            parts.append(f"{kind} '{ident}'")
    return ", ".join(parts)


def _line_for(text: str, loc: tuple[int | str, ...]) -> int:
    """The line of the [[sections]] / [[sections.questions]] / [[checks]] entry of the error."""
    if len(loc) > 1 and loc[0] == "checks" and isinstance(loc[1], int):
        return _check_line(text, loc)
    section = loc[1] if len(loc) > 1 and loc[0] == "sections" else None
    question = loc[3] if len(loc) > 3 and loc[2] == "questions" else None
    section_seen = question_seen = -1
    best = 1
    for number, line in enumerate(text.splitlines(), start=1):
        if _FORM_HEADER.match(line) and section is None:
            best = number
        if _SECTION_HEADER.match(line):
            section_seen += 1
            question_seen = -1
            if section_seen == section:
                best = number
        elif _QUESTION_HEADER.match(line) and section_seen == section:
            question_seen += 1
            if question_seen == question:
                best = number
    if not isinstance(section, int):
        return best
    field = loc[4] if question is not None and len(loc) > 4 else None
    if isinstance(field, str):
        best = _field_line(text, best, field)
    return best


def _check_line(text: str, loc: tuple[int | str, ...]) -> int:
    """The line of the n-th [[checks]] entry, refined to the field at fault when there is one."""
    seen = -1
    for number, line in enumerate(text.splitlines(), start=1):
        if _CHECK_HEADER.match(line):
            seen += 1
            if seen == loc[1]:
                fields = [p for p in loc[2:] if isinstance(p, str) and p not in _CHECK_KINDS]
                return _field_line(text, number, fields[0]) if fields else number
    return 1


def _top_level_line(text: str, name: str) -> int:
    pattern = re.compile(rf"^\s*(\[\[?\s*{re.escape(name)}\s*[\].]|{re.escape(name)}\s*=)")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return 1


def _field_line(text: str, start: int, field: str) -> int:
    """Refine to the line of ``field = ...`` inside the entry starting at ``start``."""
    lines = text.splitlines()
    pattern = re.compile(rf"^\s*{re.escape(field)}\s*=")
    for number in range(start, len(lines)):
        line = lines[number]
        if line.lstrip().startswith("[["):
            break
        if pattern.match(line):
            return number + 1
    return start


def _line_from_message(message: str) -> int:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 1
