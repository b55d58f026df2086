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
import os
import re
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__
from pipeline.problems import InputError, Problem

ROOT = Path(__file__).resolve().parent.parent
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
MANIFEST = ".manifest.json"
LOCK = ".lock"
MERGED = "ho-so-tu-danh-gia.pdf"
SUMMARY = "ket-qua-danh-gia.txt"


@dataclass
class Job:
    unit: str
    year: str
    path: Path
    fingerprint: str = ""  # of the input and everything it depends on, set before staging

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
    documents: list[str] = field(default_factory=list)  # keys of the documents made, in dossier order
    warnings: int = 0


# ---------------------------------------------------------------- discovery and fingerprints

def discover(inputs: Path, unit: str | None = None, year: int | None = None) -> tuple[list[Job], list[Outcome]]:
    """Every inputs/<unit>/<year>.yaml (narrowed by unit/year); bad names become failed outcomes."""
    jobs, bad = [], []
    if not inputs.is_dir():
        return [], [Outcome(str(inputs), "failed", [f"{inputs}: không có thư mục dữ liệu đầu vào"])]
    for path in sorted(inputs.glob("*/*.y*ml")):
        u, y = path.parent.name, path.stem
        if unit and u != unit or year and y != str(year):
            continue
        if path.suffix not in (".yaml", ".yml"):
            continue
        if not SLUG.match(u) or not re.fullmatch(r"\d{4}", y):
            bad.append(Outcome(f"{u}/{path.name}", "failed", [
                f"{path}: tên không hợp lệ — cần inputs/<tên-đơn-vị>/<năm>.yaml, tên đơn vị chỉ gồm chữ thường "
                "không dấu, số và dấu “-” (ví dụ inputs/quang-phu/2024.yaml)"]))
            continue
        jobs.append(Job(u, y, path))
    return jobs, bad


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def environment_fingerprint(pdf: bool, strict: bool = False) -> str:
    """What every dossier depends on besides its own input: templates, catalogues, version, PDF or not."""
    from pipeline.criteria import CATALOGUE_DIR
    from pipeline.documents import DOCUMENTS, TEMPLATES_DIR

    h = hashlib.sha256(f"{__version__}|pdf={pdf}|strict={strict}".encode())
    for path in [TEMPLATES_DIR / d.template for d in DOCUMENTS] + sorted(CATALOGUE_DIR.glob("*.yaml")):
        h.update(path.name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
    return h.hexdigest()


# ---------------------------------------------------------------- one dossier (runs in a worker)

def stage_one(job: Job, staging: Path, strict: bool = False) -> Outcome:
    """Assess and render one input into `staging/<unit>__<year>/`; never touches the real output."""
    from pipeline.assess import assess_file
    from pipeline.criteria import load_catalogue
    from pipeline.documents import DOCUMENTS
    from pipeline.render import render_all
    from pipeline.summary import verdict_table

    try:
        loaded, assessment = assess_file(job.path, strict=strict)
        catalogue = load_catalogue(loaded.model.regulation)
        documents, skipped = render_all(loaded.model, assessment, catalogue)
    except InputError as exc:
        return Outcome(job.key, "failed", [f"{p.symbol} {p}" for p in exc.problems])
    folder = staging / f"{job.unit}__{job.year}"
    folder.mkdir(parents=True)
    made = [d for d in DOCUMENTS if d.key in documents]
    for spec in made:
        (folder / spec.template).write_bytes(documents[spec.key])
    (folder / SUMMARY).write_text(verdict_table(loaded.model, assessment) + "\n", encoding="utf-8")
    return Outcome(job.key, "built", [f"{p.symbol} {p}" for p in loaded.warnings], staged=str(folder),
                   level=assessment.unit_level.label, fingerprint=job.fingerprint, notes=list(skipped.values()),
                   documents=[d.key for d in made], warnings=len(loaded.warnings))


# ---------------------------------------------------------------- output folder safety

class BuildLocked(Exception):
    pass


class Lock:
    """outputs/.lock, created exclusively; a lock left by a dead process is taken over."""

    def __init__(self, outputs: Path):
        self.path = outputs / LOCK

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                pid = self._holder()
                if pid and _alive(pid):
                    raise BuildLocked(f"một lần lập hồ sơ khác đang chạy (tiến trình {pid}); chờ nó xong rồi chạy lại. "
                                      f"Nếu chắc chắn không còn, xóa tệp {self.path}") from None
                self.path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w") as fh:
                fh.write(str(os.getpid()))
            return self
        raise BuildLocked(f"không tạo được khóa {self.path}")

    def _holder(self) -> int | None:
        try:
            return int(self.path.read_text().strip() or 0)
        except (OSError, ValueError):
            return None

    def __exit__(self, *exc):
        self.path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def swap_in(staged: Path, final: Path, trash_root: Path) -> None:
    """Replace `final` by `staged` with two renames; the old folder is removed only afterwards."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        trash_root.mkdir(parents=True, exist_ok=True)
        old = trash_root / f"{final.parent.name}__{final.name}"
        os.replace(final, old)
    try:
        os.replace(staged, final)
    except OSError:
        if old is not None:
            os.replace(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _recover(outputs: Path) -> None:
    """Put back any dossier a killed run had moved aside but not replaced; drop stale staging."""
    for tmp in outputs.glob(".staging-*"):
        trash = tmp / "_old"
        for old in trash.glob("*__*") if trash.exists() else []:
            unit, year = old.name.split("__", 1)
            final = outputs / unit / year
            if not final.exists():
                os.replace(old, final)
        shutil.rmtree(tmp, ignore_errors=True)


def _write_manifest(outputs: Path, manifest: dict) -> None:
    tmp = outputs / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, outputs / MANIFEST)


def _read_manifest(outputs: Path) -> dict:
    try:
        data = json.loads((outputs / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


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
              pdf: bool = True, jobs: int | None = None, progress: bool = True, out=print, strict: bool = False) -> int:
    """Build every dossier; prints a summary line per input; returns the exit code (warnings pass unless strict)."""
    if unit is not None and not SLUG.match(unit):
        out(f"✗ tên đơn vị “{unit}” không hợp lệ (chữ thường không dấu, số, “-”)")
        return 2
    started = time.monotonic()
    found, outcomes = discover(inputs, unit, year)
    if not found and not outcomes:
        out(f"Không có tệp đầu vào nào khớp trong {inputs}/ (cần {inputs}/<đơn-vị>/<năm>.yaml)")
        return 1
    try:
        with Lock(outputs):
            _recover(outputs)
            outcomes += _build_locked(found, outputs, force, pdf, jobs, progress, out, strict)
    except BuildLocked as exc:
        out(f"✗ {exc}")
        return 1
    _report(outcomes, time.monotonic() - started, out, outputs)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def _build_locked(found: list[Job], outputs: Path, force: bool, pdf: bool, jobs: int | None, progress: bool, out,
                  strict: bool = False) -> list[Outcome]:
    from pipeline.convert import HOW_TO_GET_PDF, ConversionError, converter_name

    want_pdf = pdf and converter_name() is not None
    env = environment_fingerprint(want_pdf, strict)
    manifest = _read_manifest(outputs)
    todo, results = [], []
    for job in found:
        job.fingerprint = _sha(job.path.read_bytes() + env.encode())
        entry = manifest.get(job.key) or {}
        if not force and entry.get("fingerprint") == job.fingerprint and (outputs / job.unit / job.year).is_dir():
            warnings = [w for w in entry.get("warnings", []) if isinstance(w, str)]
            results.append(Outcome(job.key, "unchanged", warnings, level=entry.get("level", ""), fingerprint=job.fingerprint,
                                   warnings=len(warnings)))
        else:
            todo.append(job)
    if not todo:
        return results
    from pipeline.render import check_templates

    template_errors, _ = check_templates()
    if template_errors:  # a template broken in Word: say so once per input, render nothing
        return results + [Outcome(j.key, "failed", ["mẫu văn bản hỏng (chạy make check-templates): " + e for e in template_errors])
                          for j in todo]
    if pdf and not want_pdf:
        out("ℹ " + HOW_TO_GET_PDF)

    staging = outputs / f".staging-{os.getpid()}"
    staging.mkdir(parents=True, exist_ok=True)
    bar = Progress(len(todo), progress)
    staged: list[Outcome] = []
    try:
        staged = _stage_all(todo, staging, jobs, bar, strict)
        good = [o for o in staged if o.status == "built"]
        if want_pdf and good:
            _make_pdfs(good, staging)
        for o in good:
            unit, year = o.key.split("/")
            swap_in(Path(o.staged), outputs / unit / year, staging / "_old")
            manifest[o.key] = {"fingerprint": o.fingerprint, "level": o.level, "pdf": want_pdf, "warnings": o.problems,
                               "files": sorted(p.name for p in (outputs / unit / year).iterdir())}
            _write_manifest(outputs, manifest)
        results += staged
    except ConversionError as exc:  # nothing of this batch was swapped in
        results += [o if o.status == "failed" else Outcome(o.key, "failed", [f"chuyển PDF thất bại: {exc}"]) for o in staged]
    finally:
        bar.close()
        shutil.rmtree(staging, ignore_errors=True)
    return results


def _stage_all(todo: list[Job], staging: Path, jobs: int | None, bar: Progress, strict: bool = False) -> list[Outcome]:
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    if workers == 1:
        outcomes = []
        for job in todo:
            outcomes.append(stage_one(job, staging, strict))
            bar.step(job.key)
        return outcomes
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(stage_one, job, staging, strict) for job in todo]
        outcomes = []
        for job, fut in zip(todo, futures):
            outcomes.append(fut.result())
            bar.step(job.key)
        return outcomes


def _make_pdfs(good: list[Outcome], staging: Path) -> None:
    """One converter run for every document of the batch, then a merged PDF per dossier in reading order."""
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
    for o in good:
        folder = Path(o.staged)
        parts = []
        for key in o.documents:
            pdf = pdf_dir / f"{folder.name}__{spec(key).stem}.pdf"
            target = folder / (spec(key).stem + ".pdf")
            os.replace(pdf, target)
            parts.append((spec(key).title, target))
        unit, year = o.key.split("/")
        merge(parts, folder / MERGED, f"Hồ sơ tự đánh giá Đơn vị học tập — {unit} — {year}")


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
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in symbols}
    warned = sum(o.warnings for o in outcomes if o.status != "failed")
    tail = f", {warned} cảnh báo" if warned else ""
    if counts["built"] == 0 and counts["failed"] == 0:
        out(f"Không có gì thay đổi: {counts['unchanged']} hồ sơ đã mới nhất{tail} ({seconds:.2f} giây).")
    else:
        out(f"Tổng: {counts['built']} đã lập, {counts['unchanged']} không đổi, {counts['failed']} lỗi{tail} ({seconds:.1f} giây).")
    if outputs is not None and (counts["built"] or counts["unchanged"]):
        out(f"Hồ sơ ở thư mục: {outputs.resolve()}")
