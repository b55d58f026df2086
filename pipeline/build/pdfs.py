"""The PDFs of a batch: one converter run for every document of every staged dossier, then a merged,
bookmarked PDF per dossier in reading order; and, when no converter can run, the old dossier's PDFs carried
over to an identical new one.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from pipeline.build.plan import Outcome

MERGED = "ho-so-tu-danh-gia.pdf"
MERGES_PER_WORKER = 4  # merges per worker below which a process pool costs more than it saves


def make_pdfs(good: list[Outcome], staging: Path, jobs: int | None = None) -> None:
    """One converter run for every document of the batch, then a merged PDF per dossier in reading order
    (the merges spread over the cores when there are several: pypdf reads every page of every part)."""
    from pipeline.convert.merge import merge
    from pipeline.convert.pdf import to_pdf
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
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = max(1, min(jobs or os.cpu_count() or 1, len(merges) // MERGES_PER_WORKER))
    if workers == 1 or multiprocessing.get_start_method() != "fork":  # a spawned worker costs more than it saves
        for args in merges:
            merge(*args)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for done in [pool.submit(merge, *args) for args in merges]:
            done.result()


def carry_pdfs(old: Path, new: Path) -> bool:
    """Copy the old dossier's PDFs into the new one: regular files only, never through a link."""
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
