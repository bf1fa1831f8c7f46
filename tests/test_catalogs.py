"""The gettext catalogues: complete, consistent, correct plural rules, template up to date."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from inburgering_tui.domain.forms import Form
from inburgering_tui.package_data import locales_dir

LANGUAGES = ("en", "ar", "ti", "fa", "tr")
# GNU gettext / CLDR rules; Babel's own defaults are wrong for fa and tr and order ar differently.
PLURAL_FORMS = {
    "en": "nplurals=2; plural=(n != 1);",
    "tr": "nplurals=2; plural=(n != 1);",
    "fa": "nplurals=2; plural=(n > 1);",
    "ti": "nplurals=2; plural=(n > 1);",
    "ar": (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
        ": n%100>=11 ? 4 : 5);"
    ),
}
PLACEHOLDER = re.compile(r"\{\w+\}")
ROOT = Path(__file__).resolve().parents[1]


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.fixture(scope="module")
def template() -> Catalog:
    return _read(locales_dir() / "inburgering.pot")


def _po(language: str) -> Path:
    return locales_dir() / language / "LC_MESSAGES" / "inburgering.po"


def test_template_is_up_to_date_with_code_and_forms(tmp_path: Path, template: Catalog) -> None:
    fresh = tmp_path / "fresh.pot"
    pybabel = shutil.which("pybabel") or str(Path(__import__("sys").executable).parent / "pybabel")
    subprocess.run(
        [pybabel, "extract", "-F", "babel.cfg", "-k", "N_", "-o", str(fresh), "."],
        cwd=ROOT,
        check=True,
    )
    extracted = {m.id for m in _read(fresh) if m.id}
    committed = {m.id for m in template if m.id}
    assert extracted - committed == set(), "run `make catalogs`: new msgids are not in the .pot"
    assert committed - extracted == set(), "run `make catalogs`: the .pot has stale msgids"


def test_forms_are_in_the_template(template: Catalog, intake_form: Form) -> None:
    ids = {m.id for m in template}
    for section in intake_form.sections:
        assert section.title in ids
        for question in section.questions:
            assert question.prompt in ids
            assert all(option.label in ids for option in question.options)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_msgid_is_translated_with_the_same_placeholders(
    language: str, template: Catalog
) -> None:
    catalog = _read(_po(language), language)
    problems = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        # Plural entries have a tuple of ids and one string per plural form of the language.
        ids: Sequence[str] = (message.id,) if isinstance(message.id, str) else message.id
        strings: Sequence[str] = (
            ()
            if translated is None or translated.string is None
            else (translated.string,)
            if isinstance(translated.string, str)
            else translated.string
        )
        wanted = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        if not strings or not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
        elif translated is not None and translated.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        elif any(not set(PLACEHOLDER.findall(s)) <= wanted for s in strings):
            problems.append(f"unknown placeholder: {ids[0]!r}")
        elif len(ids) == 1 and set(PLACEHOLDER.findall(strings[0])) != wanted:
            problems.append(f"placeholders differ: {ids[0]!r}")
        elif len(ids) > 1 and len(strings) != catalog.num_plurals:
            problems.append(f"needs {catalog.num_plurals} plural forms: {ids[0]!r}")
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_check_passes(language: str) -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(_po(language))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_headers_state_plural_rule_and_review_status(language: str) -> None:
    catalog = _read(_po(language), language)
    assert catalog.plural_forms.replace(" ", "") == PLURAL_FORMS[language].replace(" ", "")
    assert catalog.locale is not None and str(catalog.locale) == language
    # The review status sits in the header comment, which `pybabel update` keeps.
    head = " ".join(
        line.lstrip("# ").strip()
        for line in _po(language).read_text(encoding="utf-8").splitlines()[:4]
    )
    assert "Review status:" in head and "reviewed" in head
