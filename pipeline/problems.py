"""Problems found in an input, and the exception that carries all of them at once.

Every stage that judges user input (load, validate, evaluate's consistency check) reports
`Problem`s; the CLI prints them, one per line, as `file:line: field: message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

Path_ = tuple[str | int, ...]


def field_path(path: Path_) -> str:
    """`('indicators', '2.1', 'assessors', 0)` → `indicators."2.1".assessors[1]` (list items counted from 1)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            key = f'"{part}"' if ("." in part or " " in part or not part) else part
            out += f".{key}" if out else key
    return out


@dataclass(frozen=True)
class Problem:
    """An error (the input is refused) or, with `warning=True`, a warning (the dossier is built, the
    officer is told; `--strict` refuses it too)."""

    file: str
    line: int | None
    field: str
    message: str
    warning: bool = False

    @property
    def symbol(self) -> str:
        return "⚠" if self.warning else "✗"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class InputError(Exception):
    """An input cannot be used; `problems` lists everything wrong with it."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.field))
        super().__init__("\n".join(str(p) for p in self.problems))


def raise_if_any(problems: Iterable[Problem], strict: bool = False) -> list[Problem]:
    """Raise with every problem if any is an error (under `strict`, any at all); else return the warnings."""
    problems = list(problems)
    if any(not p.warning for p in problems) or (strict and problems):
        raise InputError(problems)
    return problems


def errors_and_warnings(problems: Sequence[Problem]) -> tuple[int, int]:
    warnings = sum(1 for p in problems if p.warning)
    return len(problems) - warnings, warnings
