"""Where the interview forms and the gettext catalogues are: the checkout's, else the wheel's.

``forms/`` and ``locales/`` at the top of the source tree are the source of truth. An installed
package has no source tree beside it, so a wheel carries a copy of both as
``inburgering_tui/_data/`` (``setup.py`` copies them at build time). Fallback order:

1. the source checkout this package was imported from (a clone, or an editable install), so an
   edit to a form or a ``.po`` file shows on the next start and a stale copy never shadows it;
2. the copy inside the installed package (a wheel, ``pip install``, ``pipx install``).

A checkout is recognised by its ``pyproject.toml`` naming this project, never by a bare
``forms/`` folder: site-packages may well hold some other distribution's ``forms`` package.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

PROJECT = "inburgering-tui"
_PACKAGE = Path(__file__).resolve().parent
PACKAGED = _PACKAGE / "_data"


@cache
def checkout_root() -> Path | None:
    """The source tree's root when the package is imported from one, else None."""
    root = _PACKAGE.parent
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return root if project.get("project", {}).get("name") == PROJECT else None


def _find(name: str) -> Path:
    root = checkout_root()
    candidates = [root / name] if root else []
    candidates.append(PACKAGED / name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    # Neither exists: name the place that should have it, so the error points there.
    return candidates[0]


def forms_dir() -> Path:
    """The shipped interview forms (``forms/*.toml``); the ``forms_dir`` setting overrides it."""
    return _find("forms")


def locales_dir() -> Path:
    """The gettext catalogues (``locales/<lang>/LC_MESSAGES/inburgering.po``)."""
    return _find("locales")
