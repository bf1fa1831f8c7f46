"""Why long work failed, in the UI language and without personal data."""

from __future__ import annotations

import errno

from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal

# What a consultant can act on; the system's own strerror is English and often cryptic.
_FILE_PROBLEMS = {
    errno.ENOSPC: N_("de schijf is vol"),
    errno.EACCES: N_("geen toestemming om dit te lezen of te schrijven"),
    errno.EPERM: N_("geen toestemming om dit te lezen of te schrijven"),
    errno.EROFS: N_("hier kan niet worden geschreven (alleen lezen)"),
    errno.ENOENT: N_("bestaat niet"),
    errno.EEXIST: N_("is een bestand, geen map"),
    errno.ENOTDIR: N_("een deel van dit pad is een bestand, geen map"),
    errno.EISDIR: N_("is een map, geen bestand"),
}


def describe_failure(error: BaseException | None) -> str:
    """A Refusal says why in its own msgid; a file error names the file and the problem.

    Anything else is a bug: only its kind is shown. Its message is English and may quote what it
    was working on (an answer, a name), which belongs neither on screen nor in a bug report.
    """
    if isinstance(error, Refusal):
        return str(error)
    if isinstance(error, OSError):
        return _file_problem(error)
    kind = type(error).__name__ if error is not None else "?"
    return _("een onverwachte fout ({kind}); meld dit aan de beheerder").format(kind=kind)


def _file_problem(error: OSError) -> str:
    known = _FILE_PROBLEMS.get(error.errno or 0)
    if known:
        problem = _(known)
    else:
        code = errno.errorcode.get(error.errno or 0, type(error).__name__)
        problem = _("een fout bij lezen of schrijven ({code})").format(code=code)
    # Our file names carry case ids and device ids, never a person's name.
    return f"{error.filename}: {problem}" if error.filename else problem
