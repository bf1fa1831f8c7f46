"""Dates and numbers in a given language through Babel, with a fallback where data is missing.

Babel (CLDR) covers ar, fa, tr, en and nl fully. Its ``ti`` data is thin: long dates work,
some short patterns fall back to the root locale. Dari (``prs``) has no locale of its own and
is shown as Persian (``fa``), which uses the same script and month names. Anything else
unknown falls back to English. Babel writes Western digits (0-9) in every locale, which is
also what the forms' inputs accept.
"""

from __future__ import annotations

from datetime import date

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal

_FALLBACKS = {"prs": "fa"}
_LAST_RESORT = "en"


def babel_locale(language: str) -> Locale:
    """The Babel locale for a language code, following the documented fallbacks."""
    code = _FALLBACKS.get(language, language)
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(_LAST_RESORT)


def format_day(day: date, language: str, *, style: str = "long") -> str:
    return format_date(day, format=style, locale=babel_locale(language))


def format_number(value: float, language: str) -> str:
    return format_decimal(value, locale=babel_locale(language))


def format_size(size: int, language: str) -> str:
    """A file size as people read it: bytes, KiB or MiB, the number in the locale's way."""
    locale = babel_locale(language)
    if size >= 1024**2:
        return format_decimal(size / 1024**2, format="#,##0.0", locale=locale) + " MiB"
    if size >= 1024:
        return format_decimal(round(size / 1024), locale=locale) + " KiB"
    return format_decimal(size, locale=locale) + " B"
