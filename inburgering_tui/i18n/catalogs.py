"""Gettext catalogues, read from ``locales/*/LC_MESSAGES/inburgering.po`` and compiled in memory.

Compiling at start-up (Babel's mofile writer into a buffer) means a fresh checkout needs no
build step and a translator's edit to a ``.po`` file shows on the next start; an installed
wheel carries the same ``.po`` files (see :mod:`inburgering_tui.package_data`).
Two languages are in play at once: the consultant's UI language, switched with
:func:`set_ui_language`, and any interview language, looked up with :func:`translator`.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable, Mapping
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from inburgering_tui.domain.languages import FALLBACK_NAMES
from inburgering_tui.package_data import locales_dir

DOMAIN = "inburgering"
SOURCE_LANGUAGE = "nl"
UI_LANGUAGES = ("nl", "en")


@cache
def _translations(language: str) -> gettext.NullTranslations:
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    po_path = locales_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def available_languages() -> list[str]:
    found = {SOURCE_LANGUAGE}
    directory = locales_dir()
    if directory.exists():
        found |= {p.parent.parent.name for p in directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return sorted(found)


def translator(language: str) -> Callable[[str], str]:
    """A gettext function for one language, independent of the UI language."""
    return _translations(language).gettext


def has_catalogue(language: str) -> bool:
    """Whether the questions exist in ``language``; without one the interpreter translates."""
    return language in available_languages()


def language_name(language: str, in_language: str) -> str:
    """'Arabisch' for ('ar', 'nl'); a fallback msgid for codes Babel has no name for ('prs'
    Dari); the code itself when nothing knows it (an old free-text value shows as typed)."""
    try:
        names: Mapping[str, str] = Locale.parse(in_language).languages
    except (UnknownLocaleError, ValueError):
        names = {}
    if language in names:
        return str(names[language])
    if language in FALLBACK_NAMES:
        return translator(in_language)(FALLBACK_NAMES[language])
    try:
        return Locale.parse(language).get_display_name(in_language) or language
    except (UnknownLocaleError, ValueError, TypeError):
        return language


class _UiLanguage:
    current = SOURCE_LANGUAGE


def set_ui_language(language: str) -> None:
    if language not in UI_LANGUAGES:
        raise ValueError(f"unknown UI language {language!r}; choose from {UI_LANGUAGES}")
    _UiLanguage.current = language


def ui_language() -> str:
    return _UiLanguage.current


def _(msgid: str) -> str:
    """Translate a Dutch msgid into the current UI language."""
    return _translations(_UiLanguage.current).gettext(msgid)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations(_UiLanguage.current).ngettext(singular, plural, n)
