"""Deterministic zip writing, the one rule for every zip the program makes (a .docx, a compiled template's
static parts, the web editor's download, the Windows bundle): fixed timestamps, fixed permissions, deflated,
so that equal content gives equal bytes; and reading a package where an entry was written twice (Word or
LibreOffice re-saving, python-docx saving such a package) as its last copy, which is what Word shows.
"""

from __future__ import annotations

import io
import zipfile

ZIP_EPOCH = (2000, 1, 1, 0, 0, 0)


def entry(name: str, when: tuple = ZIP_EPOCH) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, when)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def last_entries(data: bytes) -> dict[str, bytes]:
    """Every entry of a zip once, in the order first seen, with the content of its last copy."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        last = {item.filename: item for item in src.infolist()}
        return {name: src.open(item).read() for name, item in last.items()}


def has_duplicates(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = [i.filename for i in src.infolist()]
    return len(names) != len(set(names))


def write(entries, when: tuple = ZIP_EPOCH) -> bytes:
    """A zip of `(name, bytes)` pairs, in that order, deterministic."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, blob in entries:
            dst.writestr(entry(name, when), blob)
    return out.getvalue()
