"""What a build has to do: every `inputs/<unit>/<year>.yaml` as a `Job`, each fingerprinted with everything
its dossier depends on (the input, the templates it uses, the catalogues, the code, strictness), and compared
with the record of earlier builds: what is unchanged is a no-op, what changed is built. Also the outcome of
each job (`Outcome`), the data every later step and the CLI's report read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__
from pipeline.core.problems import Problem


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
    problems: list[Problem] = field(default_factory=list)  # errors, or warnings of a built dossier
    staged: str | None = None
    level: str = ""
    fingerprint: str = ""
    notes: list[str] = field(default_factory=list)  # documents not made, and why
    changes: list[str] = field(default_factory=list)  # verdicts that moved since the previous build
    templates: list[str] = field(default_factory=list)  # the template files used
    documents: list[str] = field(default_factory=list)  # keys of the documents made, in dossier order
    warnings: int = 0
    unit_name: str = ""  # the unit's full name, for the merged PDF's title


def failed(key: str, *messages: str) -> Outcome:
    """A job that cannot be built, for reasons that are not about a line of its input."""
    return Outcome(key, "failed", [Problem("", None, "", m) for m in messages])


def discover(inputs: Path, unit: str | None = None, year: int | None = None) -> tuple[list[Job], list[Outcome], list[str]]:
    """Every inputs/<unit>/<year>.yaml (narrowed by unit/year): jobs, refused files as failed outcomes, skip notes."""
    from pipeline.sources import scan

    if not inputs.is_dir():
        return [], [failed(str(inputs), f"{inputs}: không có thư mục dữ liệu đầu vào")], []
    found = scan(inputs, unit, year)
    return ([Job(f.unit, f.year, f.path) for f in found.jobs],
            [failed(key, message) for key, message in found.refused], found.skipped)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def environment_fingerprint(strict: bool = False) -> str:
    """What every dossier depends on besides its own input and templates: catalogues, version, strictness."""
    from pipeline.core.fingerprint import code
    from pipeline.criteria import CATALOGUE_DIR

    # PDFs are not part of it: a run that cannot or need not make PDFs keeps the good ones (see plan)
    h = hashlib.sha256(f"{__version__}|{code()}|strict={strict}".encode())
    for path in sorted(CATALOGUE_DIR.glob("*.yaml")):  # templates: per job, those it uses (see plan)
        h.update(path.name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
    return h.hexdigest()


def plan(found: list[Job], inputs: Path, outputs: Path, manifest: dict, force: bool, want_pdf: bool,
         strict: bool) -> tuple[list[Job], list[Outcome]]:
    """Which inputs need building. Unchanged content is a no-op when its PDFs are there or cannot or need
    not be made; it is rebuilt only to add PDFs a converter can now make."""
    from pipeline.build.records import stored_problems
    from pipeline.documents import DOCUMENTS
    from pipeline.render.templates import fingerprint as templates_fingerprint, folder_problems, locate
    from pipeline.sources import SourceError, read_bytes

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
            results.append(failed(job.key, *[f"mẫu văn bản: {e}" for e in refused[key]]))
            continue
        used = by_folders[key]
        try:
            job.fingerprint = _sha(read_bytes(job.path, inputs) + env.encode() + used.encode())
        except SourceError as exc:
            results.append(failed(job.key, str(exc)))
            continue
        entry = manifest.get(job.key) or {}
        same = entry.get("fingerprint") == job.fingerprint and (outputs / job.unit / job.year).is_dir()
        if same and not force and (entry.get("pdf") or not want_pdf):
            warnings = stored_problems(entry)
            count = max(int(entry.get("warning_count") or 0), len(warnings))
            more = [f"và {count - len(warnings)} cảnh báo khác (chạy validate để xem hết)"] if count > len(warnings) else []
            results.append(Outcome(job.key, "unchanged", warnings, level=str(entry.get("level", "")),
                                   fingerprint=job.fingerprint, warnings=count, notes=more))
        else:
            todo.append(job)
    return todo, results


def template_check(todo: list[Job]) -> tuple[list[Job], list[Outcome]]:
    """The jobs whose templates pass `check-templates` (remembered per set of folders), and a failed outcome
    for each of the others: a template broken in Word, or one that would run code, renders nothing."""
    from pipeline.core.hints import command
    from pipeline.render.check import check_cached

    checked: dict[tuple, list[str]] = {}
    ready, results = [], []
    for job in todo:
        key = tuple(job.templates)
        if key not in checked:
            checked[key] = check_cached([Path(t) for t in key])
        if checked[key]:
            run = command("dvht check-templates", "make check-templates")
            results.append(failed(job.key, *[f"mẫu văn bản hỏng (chạy {run}): " + e for e in checked[key]]))
        else:
            ready.append(job)
    return ready, results
