"""Marks a Dutch string as a msgid without translating it yet (translated where it is shown)."""


def N_(msgid: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Return the msgid unchanged; Babel's extractor collects every string passed here."""
    return msgid
