"""Babel extractor for ``forms/*.toml``: every title, prompt, help text, consultant note,
option and scale label, and check message.

Registered as the ``inburgering_forms`` extractor (pyproject entry point, used by babel.cfg).
tomllib keeps no positions, so each string's line is found by searching the text after the
previous hit, which keeps the references in file order.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from typing import Any, BinaryIO

_TRANSLATED_KEYS = ("title", "help", "note", "prompt", "label", "message")
# Tables whose values (not keys) are msgids: a scale's points, e.g. { 1 = "heel slecht" }.
_LABEL_TABLES = ("scale_labels",)


def _strings(node: Any) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _TRANSLATED_KEYS and isinstance(value, str) and value.strip():
                yield key, value
            elif key in _LABEL_TABLES and isinstance(value, dict):
                for label in value.values():
                    if isinstance(label, str) and label.strip():
                        yield key, label
            else:
                yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def extract_forms(
    fileobj: BinaryIO, keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, str, list[str]]]:
    text = fileobj.read().decode("utf-8")
    data = tomllib.loads(text)
    lines = text.splitlines()
    cursor = 0
    for key, value in _strings(data):
        found = _find_line(lines, value, cursor)
        if found is not None:
            cursor = found
        yield (found if found is not None else cursor) + 1, "", value, [f"form {key}"]


def _find_line(lines: list[str], value: str, start: int) -> int | None:
    probe = value.splitlines()[0][:40]
    for index in range(start, len(lines)):
        if probe in lines[index] and not lines[index].lstrip().startswith("#"):
            return index
    return None
