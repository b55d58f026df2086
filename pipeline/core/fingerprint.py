"""One fingerprint of the code a dossier is made by: every source file of the package (and its data:
catalogues, schema) and the versions of the libraries whose behaviour shapes the output (docxtpl,
python-docx, lxml, Jinja2, pypdf) and of Python. The manifest, the compiled-template cache and the
template-check cache all key on it, so updating the tool — a sentence changed in a document's module —
rebuilds every dossier and recompiles and re-checks every template."""

from __future__ import annotations

import hashlib
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
CRITICAL = ("docxtpl", "python-docx", "lxml", "Jinja2", "pypdf")
_SUFFIXES = (".py", ".yaml", ".yml", ".json")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


@lru_cache(maxsize=1)
def code() -> str:
    """The hex digest of the package's own source and the critical dependency versions (once per process)."""
    h = hashlib.sha256(f"python={sys.version}".encode())
    for name in CRITICAL:
        h.update(f"|{name}={_version(name)}".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in _SUFFIXES or "__pycache__" in path.parts or not path.is_file():
            continue
        h.update(b"\0" + path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()
