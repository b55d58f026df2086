"""One fingerprint of the code a dossier is made by: every source file of the package (and its data:
catalogues, schema) and the versions of the libraries whose behaviour shapes the output (docxtpl,
python-docx, lxml, Jinja2, pypdf) and of Python. The manifest, the compiled-template cache and the
template-check cache all key on it, so updating the tool — a sentence changed in a document's module —
rebuilds every dossier and recompiles and re-checks every template.

It is computed once per process, at every start: every file's bytes are read and hashed (no modification
time or size stands in for them). Measured on the 2-core development machine, that is a few milliseconds of a
cold start: the files are listed with `os.scandir` (pathlib's `rglob` and its per-path objects cost three
times as much), and each version is read from the distribution's own METADATA `Version:` line, the field
`importlib.metadata.version` returns, without parsing the whole file as an e-mail message."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
CRITICAL = ("docxtpl", "python-docx", "lxml", "Jinja2", "pypdf")
_SUFFIXES = (".py", ".yaml", ".yml", ".json")
_VERSION_LINE = re.compile(r"^Version:[ \t]*(.*?)[ \t]*$", re.M | re.I)


def _version(name: str) -> str:
    """The installed version of a distribution (what `importlib.metadata.version` says), “-” when absent."""
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return "-"
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    found = _VERSION_LINE.search(text.replace("\r\n", "\n").split("\n\n", 1)[0])  # the headers only
    return found.group(1) if found else (dist.version or "-")


def sources(root: Path = PACKAGE) -> list[tuple[tuple[str, ...], str]]:
    """(relative path as parts, absolute path) of every source and data file under `root`, in the order of
    their parts; `__pycache__` folders skipped, links to folders not followed (as `Path.rglob` does)."""
    out = []
    pending = [((), str(root))]
    while pending:
        parts, folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                here = (*parts, entry.name)
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        pending.append((here, entry.path))
                elif os.path.splitext(entry.name)[1] in _SUFFIXES and entry.is_file():
                    out.append((here, entry.path))
    out.sort()
    return out


@lru_cache(maxsize=1)
def code() -> str:
    """The hex digest of the package's own source and the critical dependency versions (once per process)."""
    h = hashlib.sha256(f"python={sys.version}".encode())
    for name in CRITICAL:
        h.update(f"|{name}={_version(name)}".encode())
    for parts, path in sources(PACKAGE):
        with open(path, "rb") as fh:
            data = fh.read()
        h.update(b"\0" + "/".join(parts).encode() + b"\0" + data)
    return h.hexdigest()
