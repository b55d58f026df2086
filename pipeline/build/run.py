"""The one place the stages meet, for a batch of inputs: plan → stage → PDFs → swap in → record.

For each `inputs/<unit>/<year>.yaml`: assess (load → validate → evaluate), render the documents, and — for
the whole batch in one converter run — make PDFs and the merged dossier PDF. The record of content hashes
(input, templates, catalogues, code) under `outputs/` skips what has not changed. Each dossier is written to a
staging folder and swapped in whole, so a failure or Ctrl-C leaves the previous dossier as it was; a lock
keeps two runs apart. Nothing here prints: `build` returns a `BuildResult` that `pipeline.cli.dossier` reports (the
web editor runs `dvht dossier` in a process of its own, so that a build never holds up its pages).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build.outputs import (
    BuildLocked,
    Lock,
    Staging,
    fingerprints,
    keep_by_hand,
    read_manifest,
    recover,
    swap_in,
    write_manifest,
)
from pipeline.build.plan import Job, Outcome, discover, failed, plan, template_check
from pipeline.build.records import MAX_KEPT_WARNINGS
from pipeline.build.stage import Step, stage_all
from pipeline.sources.files import UNIT as SLUG  # the one unit-folder rule


@dataclass
class Stop:
    """Why a build did nothing at all: `kind` is usage (a unit name that cannot be one), nothing (no input
    matched), outputs (the outputs folder cannot be used), locked (another run holds it)."""
    kind: str
    message: str


@dataclass
class BuildResult:
    outcomes: list[Outcome] = field(default_factory=list)  # one per input, in no particular order
    notes: list[str] = field(default_factory=list)  # said once for the run (inputs skipped, a record repaired, no PDF tool)
    stop: Stop | None = None
    seconds: float = 0.0
    outputs: Path | None = None

    @property
    def ok(self) -> bool:
        return self.stop is None and not any(o.status == "failed" for o in self.outcomes)


def build(inputs: Path, outputs: Path, unit: str | None = None, year: int | None = None, force: bool = False,
          pdf: bool = True, jobs: int | None = None, strict: bool = False, templates: Path | None = None,
          step: Step | None = None) -> BuildResult:
    """Build every dossier under `inputs` into `outputs` (narrowed by unit and year). `step` is told each
    dossier as it is staged. Failures of one input are its outcome; they never stop the others."""
    from pipeline.core.oserrors import explain
    from pipeline.render.templates import search_path

    result = BuildResult(outputs=outputs)
    if unit is not None and not SLUG.match(unit):
        result.stop = Stop("usage", f"tên đơn vị “{unit}” không hợp lệ (chữ thường không dấu, số, “-”)")
        return result
    started = time.monotonic()
    found, result.outcomes, result.notes = discover(inputs, unit, year)
    for job in found:
        job.templates = [str(p) for p in search_path(inputs / job.unit, templates)]
    if not found and not result.outcomes:
        result.stop = Stop("nothing", f"Không có tệp đầu vào nào khớp trong {inputs}/ (cần {inputs}/<đơn-vị>/<năm>.yaml)")
        return result
    if outputs.exists() and not outputs.is_dir():
        result.stop = Stop("outputs", f"“{outputs}” là một tệp, không phải thư mục: đổi tên hoặc xóa tệp đó (hoặc chọn "
                                      "thư mục khác bằng --outputs)")
        return result
    try:
        with Lock(outputs):
            recover(outputs)
            result.outcomes += _build_locked(found, inputs, outputs, force, pdf, jobs, step or (lambda done, total, key: None),
                                             strict, result.notes)
    except BuildLocked as exc:
        result.stop = Stop("locked", str(exc))
        return result
    except OSError as exc:  # the outputs folder itself: no permission, disk full, read-only…
        result.stop = Stop("outputs", explain(exc) + "\nCác hồ sơ đã lập trước đó không bị thay đổi.")
        return result
    result.seconds = time.monotonic() - started
    return result


def _build_locked(found: list[Job], inputs: Path, outputs: Path, force: bool, pdf: bool, jobs: int | None, step: Step,
                  strict: bool, notes: list[str]) -> list[Outcome]:
    from pipeline.build.pdfs import carry_pdfs, make_pdfs
    from pipeline.convert.pdf import ConversionError, converter_name, how_to_get_pdf
    from pipeline.core.oserrors import explain

    want_pdf = pdf and converter_name() is not None
    manifest = read_manifest(outputs, notes)
    todo, results = plan(found, inputs, outputs, manifest, force, want_pdf, strict)
    if not todo:
        return results
    todo, refused = template_check(todo)
    results += refused
    if not todo:
        return results
    if pdf and not want_pdf:
        notes.append(how_to_get_pdf())

    owned = Staging(outputs)
    staging = owned.open()
    staged: list[Outcome] = []
    try:
        staged = stage_all(todo, staging, jobs, step, strict)
        good = [o for o in staged if o.status == "built"]
        if want_pdf and good:
            make_pdfs(good, staging, jobs)
        # The record is written twice a batch, not once per dossier (that grew as n², 6 s for 1.000): first
        # without the dossiers about to be replaced, so a run killed mid-way leaves them to be rebuilt and
        # never a record that vouches for a folder it does not describe; then once, after every swap.
        before = {o.key: manifest.pop(o.key) for o in good if o.key in manifest}
        if before:
            write_manifest(outputs, manifest)
        for o in good:
            unit, year = o.key.split("/")
            final = outputs / unit / year
            entry = before.get(o.key) or {}
            has_pdf = want_pdf
            if not want_pdf and entry.get("pdf") and final.is_dir():
                if entry.get("fingerprint") == o.fingerprint:  # same content: its PDFs are still good
                    has_pdf = carry_pdfs(final, Path(o.staged))
                else:
                    o.notes.append("PDF cũ không còn khớp với nội dung mới nên không giữ lại; lập lại khi có LibreOffice "
                                   "hoặc Word để có PDF mới")
            o.changes = _changes(final, Path(o.staged), outputs, o.notes)
            own = sorted(p.name for p in Path(o.staged).iterdir())
            try:
                o.notes += keep_by_hand(final, Path(o.staged), entry)
                swap_in(Path(o.staged), final, staging / "_old")
            except OSError as exc:
                o.status, o.problems = "failed", failed(o.key, f"{explain(exc)}; hồ sơ cũ giữ nguyên").problems
                if o.key in before:  # the old dossier stayed whole: its record still holds
                    manifest[o.key] = before[o.key]
                continue
            manifest[o.key] = {"fingerprint": o.fingerprint, "level": o.level, "pdf": has_pdf,
                               "warnings": [p.as_record() for p in o.problems[:MAX_KEPT_WARNINGS]],
                               "warning_count": len(o.problems),
                               "files": own, "hashes": fingerprints(final, own), "templates": o.templates}
        if good:
            write_manifest(outputs, manifest)
        results += staged
    except ConversionError as exc:  # nothing of this batch was swapped in
        results += [o if o.status == "failed" else failed(o.key, f"chuyển PDF thất bại: {exc}") for o in staged]
    finally:
        owned.close()
    return results


def _changes(old: Path, new: Path, outputs: Path, notes: list[str]) -> list[str]:
    """The verdicts that moved since the dossier in `old` was built, from the records kept beside both
    (the old one read as untrusted: see `pipeline.build.records`)."""
    from pipeline.build.changes import RECORD, diff
    from pipeline.build.records import read_record

    if not os.path.lexists(old / RECORD):
        return []
    before, note = read_record(old / RECORD, outputs)
    if note:
        notes.append(note)
    now, _ = read_record(new / RECORD, outputs)
    return diff(before, now) if before is not None and now is not None else []

