"""Files appear whole or not at all: written under a temporary name of their own, then renamed;
private (0600, in 0700 folders it creates) from the first byte."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from inburgering_tui.private_files import make_folders


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    A temporary name of its own per call: two imports of one bundle may write the same receipt at
    once. A failed write (a full disk) removes its temporary file: nothing half-written stays.
    """
    make_folders(path.parent)
    # mkstemp makes the file 0600; os.replace keeps that mode under the final name.
    with tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=f".{path.name}.", suffix=".partial", delete=False
    ) as handle:
        try:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        except BaseException:
            handle.close()
            os.unlink(handle.name)
            raise
    try:
        os.replace(handle.name, path)
    except BaseException:
        os.unlink(handle.name)
        raise
