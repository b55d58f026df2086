"""How to name a command in a hint: as the officer started the run — a make target or variable under
`make` (the Makefile sets DVHT_VIA_MAKE), what to type in cmd.exe under the Windows scripts
(`lap-ho-so.cmd` and `menu.cmd` set DVHT_VIA_CMD: `dvht` is not on PATH there, and `.venv\\Scripts\\dvht.exe`
holds the path of the folder it was installed in), the `dvht` command otherwise."""

from __future__ import annotations

import os
import re

WINDOWS_COMMAND = ".venv\\Scripts\\python -m pipeline"


def via_make() -> bool:
    return bool(os.environ.get("DVHT_VIA_MAKE"))


def via_cmd() -> bool:
    return bool(os.environ.get("DVHT_VIA_CMD"))


def command(dvht: str, make: str) -> str:
    """`command("dvht check-templates", "make check-templates")`."""
    if via_make():
        return make
    if via_cmd():
        return re.sub(r"(?<![\w./\\-])dvht(?![\w.-])", lambda _m: WINDOWS_COMMAND, dvht)
    return dvht
