"""The wheel carries everything the app reads: forms, catalogues, stylesheet, schemas, migrations.

The wheel is built from a copy of the source tree and installed without its dependencies into
a fresh venv; a ``.pth`` file lends that venv this environment's site-packages for the
dependencies only (its editable-install hook is not run from there, and the checkout is not
on the path), so every file the installed app finds must have come from the wheel. The
commands then run from an unrelated folder, as after ``pip install`` or ``pipx install``.
Deselect with ``-m "not wheel"``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from inburgering_tui.i18n.catalogs import translator

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "wiel-wachtwoordzin-42"
# What a checkout holds that is no part of a build.
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    ".*_cache",
    ".hypothesis",
    "_data",
    "exports",
)


@dataclass
class Installed:
    wheel: Path
    venv: Path
    cwd: Path
    env: dict[str, str]

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin" / "inburgering"), *args],
            cwd=self.cwd,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    def python_script(self, code: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.python), "-c", code],
            cwd=self.cwd,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )


def _check(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    # pip builds in an isolated environment with the setuptools pyproject.toml asks for.
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(tmp / "dist"), str(source)], check=True)
    (wheel,) = (tmp / "dist").glob("inburgering_tui-*.whl")

    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [*pip, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        check=True,
    )
    # Only after the install, so pip never sees (let alone touches) this environment's copy.
    lent = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    assert not any(Path(p).resolve() == ROOT for p in lent)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(site) / "dependencies-of-the-dev-venv.pth").write_text("\n".join(lent) + "\n")

    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("INBURGERING_", "PYTHON", "VIRTUAL_ENV"))
    }
    env |= {
        "INBURGERING_HOME": str(tmp / "home"),
        "INBURGERING_CONFIG": str(tmp / "settings.toml"),
        "INBURGERING_PASSPHRASE": PASSPHRASE,
        "INBURGERING_KDF_MEMORY_KIB": "8192",
        "PYTHONNOUSERSITE": "1",
    }
    return Installed(wheel, venv, elsewhere, env)


def test_the_wheel_holds_every_package_file_and_the_forms_and_catalogues(
    installed: Installed,
) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    package = ROOT / "inburgering_tui"
    expected = {
        path.relative_to(ROOT).as_posix()
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and "_data" not in path.parts
    }
    expected |= {f"inburgering_tui/_data/forms/{p.name}" for p in (ROOT / "forms").glob("*.toml")}
    expected |= {
        f"inburgering_tui/_data/locales/{p.relative_to(ROOT / 'locales').as_posix()}"
        for p in (ROOT / "locales").glob("*/LC_MESSAGES/*.po")
    }
    assert expected - names == set()
    assert not [name for name in names if name.endswith(".mo")]


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Installed) -> None:
    out = _check(
        installed.python_script(
            "import json, sys, inburgering_tui\n"
            "from inburgering_tui.package_data import checkout_root, forms_dir, locales_dir\n"
            "print(json.dumps([inburgering_tui.__file__, str(forms_dir()), str(locales_dir()),"
            " checkout_root() is None, sys.path]))"
        )
    )
    module, forms, locales, no_checkout, path = json.loads(out)
    for found in (module, forms, locales):
        assert Path(found).is_relative_to(installed.venv), found
    assert Path(forms).parts[-3:] == ("inburgering_tui", "_data", "forms")
    assert no_checkout
    assert str(ROOT) not in path


def test_forms_demo_and_case_list_run_from_the_installed_wheel(installed: Installed) -> None:
    forms = _check(installed.run("forms"))
    assert forms.startswith("brede-intake v")
    assert "sections" in forms

    # A new store: the Alembic migrations come out of the wheel too.
    demo = _check(installed.run("demo", "--cases", "3", "--no-ui"))
    assert demo.startswith("3 demo cases written to")

    listed = _check(installed.run("cases", "list", "--json", INBURGERING_UI_LANGUAGE="en"))
    assert len(json.loads(listed)) == 3
    # For people, the list speaks the UI language: English words from the wheel's catalogue.
    english = _check(installed.run("cases", "list", INBURGERING_UI_LANGUAGE="en"))
    assert len(english.splitlines()) == 3
    assert "intake " in english and ("Family migrant" in english or "Asylum" in english)
    dutch = _check(installed.run("cases", "list"))
    assert "Gezinsmigrant" in dutch or "Asielstatushouder" in dutch


def test_the_ui_language_english_comes_from_the_wheels_catalogue(installed: Installed) -> None:
    # A refused import row gives its reason in the UI language.
    rows = installed.cwd / "koppelingen (taalcafé).csv"
    rows.write_text(
        "given_names,family_name,doelgroep,bsn\nṢāliḥ,Nasser-Aydın,gezinsmigrant,123456780\n",
        encoding="utf-8",
    )
    english = installed.run("cases", "import", rows.name, INBURGERING_UI_LANGUAGE="en")
    assert english.returncode == 1
    assert "This BSN is not valid (the 11-test, elfproef, fails)." in english.stderr
    dutch = installed.run("cases", "import", rows.name)
    assert "Dit BSN klopt niet (de elfproef faalt)." in dutch.stderr
    assert "Ṣāliḥ" not in english.stderr + dutch.stderr


FOLLOW = """
import asyncio, json
from inburgering_tui.export import bundle_format, fonts
from inburgering_tui.i18n.catalogs import available_languages, translator
from inburgering_tui.settings import Settings
from inburgering_tui.domain.form_loader import load_forms
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.follow import FollowApp
from inburgering_tui.tui.widgets.script_text import ScriptText

settings = Settings()
forms = load_forms(settings.forms_dir)
form = forms[settings.intake_form]
# The first question meant for the person (consultant-only ones show only "not read aloud").
question = next(q for s in form.sections[1:] for q in s.all_questions if q.audience == "person")
vault = Vault()
store = vault.unlock("{passphrase}")
store.set_position(store.list_cases()[0].id, form.id, question.id)
store.close()

async def follow():
    app = FollowApp(vault, forms, settings, "ar", store=vault.unlock("{passphrase}", read_only=True))
    async with app.run_test(size=(100, 30)) as pilot:
        # Wait for the view to show the question, not for a fixed time.
        deadline = asyncio.get_running_loop().time() + 10
        while not app.screen.query("#follow-prompt") or not app.screen.query_one(
            "#follow-prompt", ScriptText
        ).text:
            assert asyncio.get_running_loop().time() < deadline, "the follow view stayed empty"
            await pilot.pause()
        title = str(app.screen.query_one("#follow-title").render())
        return app.screen.query_one("#follow-prompt", ScriptText).text, title

prompt, title = asyncio.run(follow())
bundle_format._validators()
fonts.register()
print(json.dumps({{"dutch": question.prompt, "prompt": prompt, "title": title,
                  "arabic": translator("ar")(question.prompt), "languages": available_languages()}}))
"""


def test_the_interpreter_reads_arabic_from_the_installed_wheel(installed: Installed) -> None:
    """The follow view (its stylesheet too) in Arabic, the bundle schemas and the PDF fonts."""
    _check(installed.run("demo", "--cases", "1", "--no-ui"))
    result = installed.python_script(
        FOLLOW.format(passphrase=PASSPHRASE), INBURGERING_UI_LANGUAGE="en"
    )
    shown = json.loads(_check(result))
    assert shown["languages"] == ["ar", "en", "fa", "nl", "ti", "tr"]
    assert shown["prompt"] == shown["arabic"] == translator("ar")(shown["dutch"])
    assert shown["prompt"] != shown["dutch"]
    assert any("\u0600" <= char <= "\u06ff" for char in shown["prompt"])
    assert "follows the consultant's questions" in shown["title"]
