"""One dossier made in a staging folder (in a worker process when there are several): assess the input,
render its documents, write the verdict table and the record beside them. Never touches the real output;
`run` swaps a staged dossier in whole once the batch has succeeded.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

from pipeline.build.plan import Job, Outcome, failed
from pipeline.core.problems import InputError

SUMMARY = "ket-qua-danh-gia.txt"

Step = Callable[[int, int, str], None]  # told (done, total, key) as each job finishes: a progress bar, a web page


def stage_one(job: Job, staging: Path, strict: bool = False) -> Outcome:
    """Assess and render one input into `staging/<unit>__<year>/`; never touches the real output."""
    from pipeline.build.changes import RECORD, record
    from pipeline.criteria import catalogue_for
    from pipeline.documents import DOCUMENTS
    from pipeline.render.engine import TemplateError, render_all
    from pipeline.render.templates import locate
    from pipeline.rules.assess import assess_file
    from pipeline.rules.summary import verdict_table

    try:
        loaded, assessment = assess_file(job.path, strict=strict)
        catalogue = catalogue_for(loaded.model)
        documents, skipped = render_all(loaded.model, assessment, catalogue, [Path(t) for t in job.templates])
    except InputError as exc:
        return Outcome(job.key, "failed", list(exc.problems), notes=[exc.note] if exc.note else [])
    except TemplateError as exc:
        return failed(job.key, str(exc))
    folder = staging / f"{job.unit}__{job.year}"
    folder.mkdir(parents=True)
    made = [d for d in DOCUMENTS if d.key in documents]
    for spec in made:
        (folder / spec.template).write_bytes(documents[spec.key])
    (folder / SUMMARY).write_text(verdict_table(loaded.model, assessment) + "\n", encoding="utf-8")
    (folder / RECORD).write_text(json.dumps(record(assessment), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    used = [str(locate(spec, [Path(t) for t in job.templates])) for spec in made]
    return Outcome(job.key, "built", list(loaded.warnings), staged=str(folder), templates=used,
                   level=assessment.unit_level.label, fingerprint=job.fingerprint, notes=list(skipped.values()),
                   documents=[d.key for d in made], warnings=len(loaded.warnings), unit_name=loaded.model.unit.name)


def stage_all(todo: list[Job], staging: Path, jobs: int | None, step: Step, strict: bool = False) -> list[Outcome]:
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    if workers == 1:
        outcomes = []
        for job in todo:
            outcomes.append(stage_one(job, staging, strict))
            step(len(outcomes), len(todo), job.key)
        return outcomes
    from concurrent.futures import ProcessPoolExecutor  # here: a run with one dossier never pays for its import

    warm(todo)  # compile each template once here: forked workers inherit it (spawned ones read the disk cache)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(stage_one, job, staging, strict) for job in todo]
        outcomes = []
        for job, fut in zip(todo, futures):
            outcomes.append(fut.result())
            step(len(outcomes), len(todo), job.key)
        return outcomes


def warm(todo: list[Job]) -> None:
    from pipeline.documents import DOCUMENTS
    from pipeline.render.engine import warm as compile_now

    for folders in {tuple(job.templates) for job in todo}:
        compile_now([spec for spec in DOCUMENTS], [Path(t) for t in folders])
