"""Text hygiene shared by every stage: Unicode NFC and removal of characters XML cannot hold."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# XML 1.0 allows TAB, LF, CR and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@lru_cache(maxsize=8192)  # the same labels and names come back in every document of a batch
def clean_text(value: str) -> str:
    """NFC, line ends folded to LF, and characters illegal in XML (vertical tab, form feed, NUL…) removed."""
    if "\r" not in value and unicodedata.is_normalized("NFC", value) and not _ILLEGAL_XML.search(value):
        return value  # the usual case, checked in C
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _ILLEGAL_XML.sub("", value))


def paragraphs(value: str | None) -> list[str]:
    """Multi-line text → one entry per non-empty line (each becomes a paragraph in Word)."""
    if not value:
        return []
    return [line.strip() for line in clean_text(value).split("\n") if line.strip()]


# docxtpl reads “{_{”, “}_}”, “{_%”, “%_}” in a rendered part as a template author's escape and turns them into
# “{{”, “}}”…; in a value they are the officer's own text. So a value's “{_” and “_}” travel with U+0001 between
# the two signs, a character `clean_text` removes from every value and XML cannot hold: no typed text and no
# template can carry it, so removing every U+0001 after docxtpl's pass gives back exactly what was typed.
MARK = "\x01"


def shield(value: str) -> str:
    """A cleaned value as it enters a template: its “{_” and “_}” kept out of docxtpl's escape pass."""
    if "_" not in value:
        return value
    return value.replace("{_", "{" + MARK + "_").replace("_}", "_" + MARK + "}")


def unshield(text: str) -> str:
    """Rendered text with the officer's “{_” and “_}” given back (every MARK removed)."""
    return text.replace(MARK, "") if MARK in text else text
