"""Problems as data, the exception that carries all of them at once, and the one exception base.

Every stage that judges what it was given (load, validate, evaluate's cross-checks, a build's template
and file checks) reports `Problem`s; the CLI prints them, one per line, as `file:line: field: message`.
Every exception the library raises on purpose derives from `PipelineError`, so a caller tells "the
program refused, in words" from a bug.
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


class PipelineError(Exception):
    """The base of every exception the library raises on purpose; its message is Vietnamese, for the officer."""


@dataclass(frozen=True)
class Problem:
    """An error (the input is refused) or, with `warning=True`, a warning (the dossier is built, the
    officer is told; `--strict` refuses it too)."""

    file: str
    line: int | None
    field: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {text}" if where else text

    def as_record(self) -> dict:
        """As kept in a build's record (`outputs/.manifest.json`), to be reported again by a later run."""
        return {"file": self.file, "line": self.line, "field": self.field, "message": self.message, "warning": self.warning}


class InputError(PipelineError):
    """An input cannot be used; `problems` lists everything wrong with it."""

    def __init__(self, problems: Sequence[Problem], note: str = ""):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.field))
        self.note = note  # what could not be seen yet (after a syntax error), for the officer
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
