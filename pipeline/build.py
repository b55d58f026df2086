"""Stage 6 — build: the one place the stages meet, for a batch of inputs.

For each `inputs/<unit>/<year>.yaml`: assess (load → validate → evaluate), render the three
forms, and — for the whole batch in one converter run — make PDFs and the merged dossier PDF.
A manifest of content hashes (input, templates, catalogues, pipeline version) under `outputs/`
skips what has not changed. Each dossier is written to a staging folder and swapped in whole,
so a failure or Ctrl-C leaves the previous dossier as it was; a lock keeps two runs apart.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__
from pipeline.outputs import (  # noqa: F401
    MANIFEST,
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
from pipeline.problems import InputError
from pipeline.sources.files import UNIT as SLUG  # the one unit-folder rule

ROOT = Path(__file__).resolve().parent.parent
MERGED = "ho-so-tu-danh-gia.pdf"
SUMMARY = "ket-qua-danh-gia.txt"
MERGES_PER_WORKER = 4  # merges per worker below which a process pool costs more than it saves


@dataclass
class Job:
    unit: str
    year: str
    path: Path
    fingerprint: str = ""  # of the input and everything it depends on, set before staging
    templates: list[str] = field(default_factory=list)  # the template folders searched, first match wins

    @property
    def key(self) -> str:
        return f"{self.unit}/{self.year}"


@dataclass
class Outcome:
    key: str
    status: str  # built | unchanged | failed
    problems: list[str] = field(default_factory=list)  # errors, or warnings of a built dossier
    staged: str | None = None
    level: str = ""
    fingerprint: str = ""
    notes: list[str] = field(default_factory=list)  # documents not made, and why
    changes: list[str] = field(default_factory=list)  # verdicts that moved since the previous build
    templates: list[str] = field(default_factory=list)  # the template files used
    documents: list[str] = field(default_factory=list)  # keys of the documents made, in dossier order
    warnings: int = 0
    unit_name: str = ""  # the unit's full name, for the merged PDF's title


# ---------------------------------------------------------------- discovery and fingerprints

def discover(inputs: Path, unit: str | None = None, year: int | None = None) -> tuple[list[Job], list[Outcome], list[str]]:
    """Every inputs/<unit>/<year>.yaml (narrowed by unit/year): jobs, refused files as failed outcomes, skip notes."""
    from pipeline.sources import scan

    if not inputs.is_dir():
        return [], [Outcome(str(inputs), "failed", [f"{inputs}: không có thư mục dữ liệu đầu vào"])], []
    found = scan(inputs, unit, year)
    return ([Job(f.unit, f.year, f.path) for f in found.jobs],
            [Outcome(key, "failed", [message]) for key, message in found.refused], found.skipped)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def environment_fingerprint(strict: bool = False) -> str:
    """What every dossier depends on besides its own input and templates: catalogues, version, strictness."""
    from pipeline.criteria import CATALOGUE_DIR
    from pipeline.fingerprint import code

    # PDFs are not part of it: a run that cannot or need not make PDFs keeps the good ones (see _plan)
    h = hashlib.sha256(f"{__version__}|{code()}|strict={strict}".encode())
    for path in sorted(CATALOGUE_DIR.glob("*.yaml")):  # templates: per job, those it uses (see _plan)
        h.update(path.name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
    return h.hexdigest()


# ---------------------------------------------------------------- one dossier (runs in a worker)

def stage_one(job: Job, staging: Path, strict: bool = False) -> Outcome:
    """Assess and render one input into `staging/<unit>__<year>/`; never touches the real output."""
    from pipeline.assess import assess_file
    from pipeline.commands.changes import RECORD, record
    from pipeline.criteria import catalogue_for
    from pipeline.documents import DOCUMENTS
    from pipeline.render import TemplateError, render_all
    from pipeline.summary import verdict_table

    try:
        loaded, assessment = assess_file(job.path, strict=strict)
        catalogue = catalogue_for(loaded.model)
        documents, skipped = render_all(loaded.model, assessment, catalogue, [Path(t) for t in job.templates])
    except InputError as exc:
        return Outcome(job.key, "failed", [f"{p.symbol} {p}" for p in exc.problems])
    except TemplateError as exc:
        return Outcome(job.key, "failed", [f"✗ {exc}"])
    folder = staging / f"{job.unit}__{job.year}"
    folder.mkdir(parents=True)
    made = [d for d in DOCUMENTS if d.key in documents]
    for spec in made:
        (folder / spec.template).write_bytes(documents[spec.key])
    (folder / SUMMARY).write_text(verdict_table(loaded.model, assessment) + "\n", encoding="utf-8")
    (folder / RECORD).write_text(json.dumps(record(assessment), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    from pipeline.templates import locate

    used = [str(locate(spec, [Path(t) for t in job.templates])) for spec in made]
    return Outcome(job.key, "built", [f"{p.symbol} {p}" for p in loaded.warnings], staged=str(folder), templates=used,
                   level=assessment.unit_level.label, fingerprint=job.fingerprint, notes=list(skipped.values()),
                   documents=[d.key for d in made], warnings=len(loaded.warnings), unit_name=loaded.model.unit.name)


# ---------------------------------------------------------------- the batch

class Progress:
    """A one-line progress bar on a terminal, shown once a batch has run for a second; silent otherwise."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.done, self.start = total, 0, time.monotonic()
        self.enabled = enabled and total > 1 and sys.stderr.isatty()
        self.shown = False

    def step(self, label: str) -> None:
        self.done += 1
        if self.enabled and (self.shown or time.monotonic() - self.start > 1.0):
            self.shown = True
            width = 30
            filled = width * self.done // self.total
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {label[:40]:<40}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 80 + "\r")
            sys.stderr.flush()


def build_all(inputs: Path, outputs: Path, unit: str | None = None, year: int | None = None, force: bool = False,
              pdf: bool = True, jobs: int | None = None, progress: bool = True, out=print, strict: bool = False,
              templates: Path | None = None) -> int:
    """Build every dossier; prints a summary line per input; returns the exit code (warnings pass unless strict)."""
    from pipeline.oserrors import explain

    if unit is not None and not SLUG.match(unit):
        out(f"✗ tên đơn vị “{unit}” không hợp lệ (chữ thường không dấu, số, “-”)")
        return 2
    started = time.monotonic()
    found, outcomes, skipped = discover(inputs, unit, year)
    from pipeline.templates import search_path

    for job in found:
        job.templates = [str(p) for p in search_path(inputs / job.unit, templates)]
    for note in skipped:
        out(f"ℹ {note}")
    if not found and not outcomes:
        out(f"Không có tệp đầu vào nào khớp trong {inputs}/ (cần {inputs}/<đơn-vị>/<năm>.yaml)")
        return 1
    if outputs.exists() and not outputs.is_dir():
        out(f"✗ “{outputs}” là một tệp, không phải thư mục: đổi tên hoặc xóa tệp đó (hoặc chọn thư mục khác bằng --outputs)")
        return 1
    try:
        with Lock(outputs):
            recover(outputs)
            outcomes += _build_locked(found, inputs, outputs, force, pdf, jobs, progress, out, strict)
    except BuildLocked as exc:
        out(f"✗ {exc}")
        return 1
    except OSError as exc:  # the outputs folder itself: no permission, disk full, read-only…
        out(f"✗ {explain(exc)}")
        out("  Các hồ sơ đã lập trước đó không bị thay đổi.")
        return 1
    _report(outcomes, time.monotonic() - started, out, outputs)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def _plan(found: list[Job], inputs: Path, outputs: Path, manifest: dict, force: bool, want_pdf: bool,
          strict: bool) -> tuple[list[Job], list[Outcome]]:
    """Which inputs need building. Unchanged content is a no-op when its PDFs are there or cannot or need
    not be made; it is rebuilt only to add PDFs a converter can now make."""
    from pipeline.documents import DOCUMENTS
    from pipeline.sources import SourceError, read_bytes
    from pipeline.templates import fingerprint as templates_fingerprint, folder_problems, locate

    env = environment_fingerprint(strict)
    todo, results = [], []
    by_folders: dict[tuple, str] = {}  # the templates a job uses, fingerprinted once per set of folders
    refused: dict[tuple, list[str]] = {}  # a template folder that cannot be used as it was asked for
    for job in found:
        key = tuple(job.templates)
        if key not in by_folders:
            by_folders[key] = templates_fingerprint([locate(spec, [Path(t) for t in key]) for spec in DOCUMENTS]) + repr(key)
            refused[key] = [e for t in key for e in folder_problems(Path(t))[0]]
        if refused[key]:
            results.append(Outcome(job.key, "failed", [f"✗ mẫu văn bản: {e}" for e in refused[key]]))
            continue
        used = by_folders[key]
        try:
            job.fingerprint = _sha(read_bytes(job.path, inputs) + env.encode() + used.encode())
        except SourceError as exc:
            results.append(Outcome(job.key, "failed", [str(exc)]))
            continue
        entry = manifest.get(job.key) or {}
        same = entry.get("fingerprint") == job.fingerprint and (outputs / job.unit / job.year).is_dir()
        if same and not force and (entry.get("pdf") or not want_pdf):
            warnings = [w for w in entry.get("warnings", []) if isinstance(w, str)]
            results.append(Outcome(job.key, "unchanged", warnings, level=str(entry.get("level", "")),
                                   fingerprint=job.fingerprint, warnings=len(warnings)))
        else:
            todo.append(job)
    return todo, results


def _build_locked(found: list[Job], inputs: Path, outputs: Path, force: bool, pdf: bool, jobs: int | None, progress: bool,
                  out, strict: bool = False) -> list[Outcome]:
    from pipeline.convert import ConversionError, converter_name, how_to_get_pdf
    from pipeline.oserrors import explain

    want_pdf = pdf and converter_name() is not None
    notes: list[str] = []
    manifest = read_manifest(outputs, notes)
    for note in notes:
        out(f"ℹ {note}")
    todo, results = _plan(found, inputs, outputs, manifest, force, want_pdf, strict)
    if not todo:
        return results
    from pipeline.hints import command
    from pipeline.templates import check_cached

    checked: dict[tuple, list[str]] = {}
    ready = []
    for job in todo:  # a template broken in Word, or one that would run code: that input renders nothing
        key = tuple(job.templates)
        if key not in checked:
            checked[key] = check_cached([Path(t) for t in key])
        if checked[key]:
            run = command("dvht check-templates", "make check-templates")
            results.append(Outcome(job.key, "failed", [f"✗ mẫu văn bản hỏng (chạy {run}): " + e for e in checked[key]]))
        else:
            ready.append(job)
    todo = ready
    if not todo:
        return results
    if pdf and not want_pdf:
        out("ℹ " + how_to_get_pdf())

    owned = Staging(outputs)
    staging = owned.open()
    bar = Progress(len(todo), progress)
    staged: list[Outcome] = []
    try:
        staged = _stage_all(todo, staging, jobs, bar, strict)
        good = [o for o in staged if o.status == "built"]
        if want_pdf and good:
            _make_pdfs(good, staging, jobs)
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
                    has_pdf = _carry_pdfs(final, Path(o.staged))
                else:
                    o.notes.append("PDF cũ không còn khớp với nội dung mới nên không giữ lại; lập lại khi có LibreOffice "
                                   "hoặc Word để có PDF mới")
            o.changes = _changes(final, Path(o.staged), outputs, o.notes)
            own = sorted(p.name for p in Path(o.staged).iterdir())
            try:
                o.notes += keep_by_hand(final, Path(o.staged), entry)
                swap_in(Path(o.staged), final, staging / "_old")
            except OSError as exc:
                o.status, o.problems = "failed", [f"✗ {explain(exc)}; hồ sơ cũ giữ nguyên"]
                if o.key in before:  # the old dossier stayed whole: its record still holds
                    manifest[o.key] = before[o.key]
                continue
            manifest[o.key] = {"fingerprint": o.fingerprint, "level": o.level, "pdf": has_pdf, "warnings": o.problems,
                               "files": own, "hashes": fingerprints(final, own), "templates": o.templates}
        if good:
            write_manifest(outputs, manifest)
        results += staged
    except ConversionError as exc:  # nothing of this batch was swapped in
        results += [o if o.status == "failed" else Outcome(o.key, "failed", [f"chuyển PDF thất bại: {exc}"]) for o in staged]
    finally:
        bar.close()
        owned.close()
    return results


def _changes(old: Path, new: Path, outputs: Path, notes: list[str]) -> list[str]:
    """The verdicts that moved since the dossier in `old` was built, from the records kept beside both
    (the old one read as untrusted: see `pipeline.records`)."""
    from pipeline.commands.changes import RECORD, diff
    from pipeline.records import read_record

    if not os.path.lexists(old / RECORD):
        return []
    before, note = read_record(old / RECORD, outputs)
    if note:
        notes.append(note)
    now, _ = read_record(new / RECORD, outputs)
    return diff(before, now) if before is not None and now is not None else []


def _carry_pdfs(old: Path, new: Path) -> bool:
    """Copy the old dossier's PDFs into the new one: regular files only, never through a link."""
    import stat

    if old.is_symlink():  # a dossier folder replaced by a link: what it points at is not ours to copy
        return False
    pdfs = []
    for pdf in old.glob("*.pdf"):
        try:
            if not stat.S_ISREG(os.lstat(pdf).st_mode):
                continue
            shutil.copyfile(pdf, new / pdf.name, follow_symlinks=False)
        except OSError:
            continue
        pdfs.append(pdf)
    return bool(pdfs)


def _stage_all(todo: list[Job], staging: Path, jobs: int | None, bar: Progress, strict: bool = False) -> list[Outcome]:
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    if workers == 1:
        outcomes = []
        for job in todo:
            outcomes.append(stage_one(job, staging, strict))
            bar.step(job.key)
        return outcomes
    _warm(todo)  # compile each template once here: forked workers inherit it (spawned ones read the disk cache)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(stage_one, job, staging, strict) for job in todo]
        outcomes = []
        for job, fut in zip(todo, futures):
            outcomes.append(fut.result())
            bar.step(job.key)
        return outcomes


def _warm(todo: list[Job]) -> None:
    from pipeline.documents import DOCUMENTS
    from pipeline.render import warm

    for folders in {tuple(job.templates) for job in todo}:
        warm([spec for spec in DOCUMENTS], [Path(t) for t in folders])


def _make_pdfs(good: list[Outcome], staging: Path, jobs: int | None = None) -> None:
    """One converter run for every document of the batch, then a merged PDF per dossier in reading order
    (the merges spread over the cores when there are several: pypdf reads every page of every part)."""
    from pipeline.convert import merge, to_pdf
    from pipeline.documents import spec

    flat = staging / "_pdf_in"
    flat.mkdir()
    sources = []
    for o in good:
        for key in o.documents:
            src = flat / f"{Path(o.staged).name}__{spec(key).stem}.docx"
            shutil.copyfile(Path(o.staged) / spec(key).template, src)
            sources.append(src)
    pdf_dir = staging / "_pdf_out"
    to_pdf(sources, pdf_dir)
    merges = []
    for o in good:
        folder = Path(o.staged)
        parts = []
        for key in o.documents:
            pdf = pdf_dir / f"{folder.name}__{spec(key).stem}.pdf"
            target = folder / (spec(key).stem + ".pdf")
            os.replace(pdf, target)
            parts.append((spec(key).title, target))
        unit, year = o.key.split("/")
        merges.append((parts, folder / MERGED, f"{o.unit_name or unit} — Hồ sơ tự đánh giá “Đơn vị học tập” năm {year}"))
    workers = max(1, min(jobs or os.cpu_count() or 1, len(merges) // MERGES_PER_WORKER))
    if workers == 1 or multiprocessing.get_start_method() != "fork":  # a spawned worker costs more than it saves
        for args in merges:
            merge(*args)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for done in [pool.submit(merge, *args) for args in merges]:
            done.result()


def _report(outcomes: list[Outcome], seconds: float, out, outputs: Path | None = None) -> None:
    symbols = {"built": "✓ đã lập", "unchanged": "= không đổi", "failed": "✗ lỗi"}
    for o in sorted(outcomes, key=lambda o: o.key):
        line = f"{symbols[o.status]:<12} {o.key}"
        if o.level:
            line += f" — {o.level}"
        if o.warnings:
            line += f" ({o.warnings} cảnh báo)"
        out(line)
        for p in o.problems:
            out(f"    {p}")
        for note in o.notes:
            out(f"    ℹ {note}")
        for change in o.changes:
            out(f"    ↻ {change}")
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in symbols}
    warned = sum(o.warnings for o in outcomes if o.status != "failed")
    tail = f", {warned} cảnh báo" if warned else ""
    if counts["built"] == 0 and counts["failed"] == 0:
        out(f"Không có gì thay đổi: {counts['unchanged']} hồ sơ đã mới nhất{tail} ({seconds:.2f} giây).")
    else:
        out(f"Tổng: {counts['built']} đã lập, {counts['unchanged']} không đổi, {counts['failed']} lỗi{tail} ({seconds:.1f} giây).")
    if outputs is not None and (counts["built"] or counts["unchanged"]):
        out(f"Hồ sơ ở thư mục: {outputs.resolve()}")
