"""Build hook: the wheel carries ``forms/`` and ``locales/`` as ``inburgering_tui/_data/``.

Everything else about the package is in pyproject.toml. The top-level folders stay the source
of truth (translators and form authors edit them); an installed package has no source tree
beside it, so the build copies them in. ``inburgering_tui/package_data.py`` finds either.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# What the app reads at run time: the forms, and the .po files it compiles in memory.
SHIPPED = {"forms": "*.toml", "locales": "*/LC_MESSAGES/*.po"}


def _shipped_files() -> list[tuple[Path, Path]]:
    """(source, path inside the package) of every shipped file; refuses an empty folder."""
    files = []
    for folder, pattern in SHIPPED.items():
        found = sorted((ROOT / folder).glob(pattern))
        if not found:
            raise SystemExit(f"{ROOT / folder}: no {pattern} to put in the package")
        files += [(p, Path("_data", folder, p.relative_to(ROOT / folder))) for p in found]
    return files


class BuildPyWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads the checkout's folders directly
        package = Path(self.build_lib, "inburgering_tui")
        # A reused build/ folder must not keep a form or catalogue that was removed since.
        shutil.rmtree(package / "_data", ignore_errors=True)
        for source, inside in _shipped_files():
            (package / inside).parent.mkdir(parents=True, exist_ok=True)
            self.copy_file(str(source), str(package / inside), preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if self.editable_mode:
            return outputs
        package = Path(self.build_lib, "inburgering_tui")
        return outputs + [str(package / inside) for _, inside in _shipped_files()]


setup(cmdclass={"build_py": BuildPyWithData})
