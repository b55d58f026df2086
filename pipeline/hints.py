"""How to name a command in a hint: as the officer started the run — a make target or variable under
`make` (the Makefile sets DVHT_VIA_MAKE), the `dvht` command otherwise."""

from __future__ import annotations

import os


def via_make() -> bool:
    return bool(os.environ.get("DVHT_VIA_MAKE"))


def command(dvht: str, make: str) -> str:
    """`command("dvht check-templates", "make check-templates")`."""
    return make if via_make() else dvht
