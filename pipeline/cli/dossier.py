"""`dvht dossier` as the officer sees it: the build's structured result (`pipeline.build.run.build`) told in
lines — one per input with its level, its problems, notes and changed verdicts, then the total — a
progress bar on a terminal, and the exit code (0 built or unchanged, warnings allowed; 1 an input failed or
the build could not run; 2 a unit name that cannot be one).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from pipeline.build.run import BuildResult, build

SYMBOLS = {"built": "✓ đã lập", "unchanged": "= không đổi", "failed": "✗ lỗi"}


def symbol(problem) -> str:
    """How a problem is marked on the officer's screen: ⚠ a warning (the dossier is built), ✗ an error."""
    return "⚠" if problem.warning else "✗"


class Progress:
    """A one-line progress bar on a terminal, shown once a batch has run for a second; silent otherwise."""

    def __init__(self, enabled: bool):
        self.start = time.monotonic()
        self.enabled = enabled and sys.stderr.isatty()
        self.shown = False

    def step(self, done: int, total: int, label: str) -> None:
        if self.enabled and total > 1 and (self.shown or time.monotonic() - self.start > 1.0):
            self.shown = True
            width = 30
            filled = width * done // total
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:40]:<40}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 80 + "\r")
            sys.stderr.flush()


def lines(result: BuildResult) -> list[str]:
    """What the run says, in order: the run's notes, then each input (sorted), then the total."""
    out = [f"ℹ {note}" for note in result.notes]
    if result.stop is not None:
        first, _, rest = result.stop.message.partition("\n")
        out.append(first if result.stop.kind == "nothing" else f"✗ {first}")
        out += [f"  {line}" for line in rest.splitlines()]
        return out
    outcomes = result.outcomes
    for o in sorted(outcomes, key=lambda o: o.key):
        line = f"{SYMBOLS[o.status]:<12} {o.key}"
        if o.level:
            line += f" — {o.level}"
        if o.warnings:
            line += f" ({o.warnings} cảnh báo)"
        out.append(line)
        out += [f"    {symbol(p)} {p}" for p in o.problems]
        out += [f"    ℹ {note}" for note in o.notes]
        out += [f"    ↻ {change}" for change in o.changes]
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in SYMBOLS}
    warned = sum(o.warnings for o in outcomes if o.status != "failed")
    tail = f", {warned} cảnh báo" if warned else ""
    if counts["built"] == 0 and counts["failed"] == 0:
        out.append(f"Không có gì thay đổi: {counts['unchanged']} hồ sơ đã mới nhất{tail} ({result.seconds:.2f} giây).")
    else:
        out.append(f"Tổng: {counts['built']} đã lập, {counts['unchanged']} không đổi, {counts['failed']} lỗi{tail} "
                   f"({result.seconds:.1f} giây).")
    if result.outputs is not None and (counts["built"] or counts["unchanged"]):
        out.append(f"Hồ sơ ở thư mục: {result.outputs.resolve()}")
    return out


def exit_code(result: BuildResult) -> int:
    if result.stop is not None:
        return 2 if result.stop.kind == "usage" else 1
    return 0 if result.ok else 1


def build_all(inputs: Path, outputs: Path, unit: str | None = None, year: int | None = None, force: bool = False,
              pdf: bool = True, jobs: int | None = None, progress: bool = True, out=print, strict: bool = False,
              templates: Path | None = None) -> int:
    """Build every dossier, print what happened through `out`, return the exit code."""
    bar = Progress(progress)
    try:
        result = build(inputs, outputs, unit=unit, year=year, force=force, pdf=pdf, jobs=jobs, strict=strict,
                       templates=templates, step=bar.step)
    finally:
        bar.close()
    for line in lines(result):
        out(line)
    return exit_code(result)
