"""`make bench`: throughput of the pipeline against naive baselines, on synthetic unit-years.

    python -m pipeline.bench [--n 40] [--pdf-docs 6] [--noop 100]

(a) DOCX: the pipeline (cached templates, parallel workers) vs a naive loop that loads and renders
    each docxtpl template from disk per document in one process;
(b) PDF: one LibreOffice run for a batch vs one `soffice --convert-to` process per document;
(c) a no-op rebuild of `--noop` unit-years.
Figures go into README.md by hand, with the machine they came from.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from pipeline.build import build_all

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "quang-phu" / "2024.yaml"
FACTS = ("discipline", "training_completed", "digital_training", "language_certificate", "language_meets_job", "learning_citizen")


def synthetic_inputs(folder: Path, n: int, seed: int = 24) -> list[Path]:
    """n realistic unit-years: the example with another commune's name and a shuffled roster."""
    rng = random.Random(seed)
    base = EXAMPLE.read_text(encoding="utf-8")
    paths = []
    for i in range(1, n + 1):
        text = base.replace("xã Quảng Phú", f"xã Thử Nghiệm {i:03d}").replace("place: Quảng Phú", f"place: Thử Nghiệm {i:03d}")
        lines = [ln for ln in text.split("\n") if "declared_level:" not in ln]  # levels follow the shuffled data
        for j, line in enumerate(lines):
            stripped = line.strip()
            if any(stripped.startswith(f + ":") for f in FACTS) and j > 80 and rng.random() < 0.05:
                lines[j] = line.replace("true", "false") if "true" in line else line.replace("false", "true")
        path = folder / f"xa-{i:03d}" / "2024.yaml"
        path.parent.mkdir(parents=True)
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
    return paths


def naive_docx(paths: list[Path], out: Path) -> None:
    """The baseline: load each template from disk and render it, one document at a time."""
    from docxtpl import DocxTemplate

    from pipeline.assess import assess_file
    from pipeline.criteria import load_catalogue
    from pipeline.documents import TEMPLATES_DIR, spec
    from pipeline.render import build_contexts

    out.mkdir(parents=True, exist_ok=True)
    for k, path in enumerate(paths):
        loaded, a = assess_file(path)
        contexts, _ = build_contexts(loaded.model, a, load_catalogue("tt24-2023"))
        for key, ctx in contexts.items():
            doc = DocxTemplate(str(TEMPLATES_DIR / spec(key).template))
            doc.render(ctx, autoescape=True)
            doc.save(str(out / f"{k}-{spec(key).template}"))


def timed(fn) -> float:
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    if isinstance(result, int) and result != 0:
        raise SystemExit(f"benchmark step failed (exit {result})")
    return elapsed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40, help="unit-years for the DOCX comparison")
    ap.add_argument("--pdf-docs", type=int, default=15, help="documents for the PDF comparison")
    ap.add_argument("--noop", type=int, default=100, help="unit-years for the no-op rebuild")
    args = ap.parse_args(argv)
    quiet = lambda *_: None  # noqa: E731
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        inputs = tmp / "inputs"
        paths = synthetic_inputs(inputs, max(args.n, args.noop))
        sub = tmp / "sub"
        for p in paths[: args.n]:
            shutil.copytree(p.parent, sub / p.parent.name)

        one = tmp / "one"
        shutil.copytree(paths[0].parent, one / paths[0].parent.name)
        t_one = timed(lambda: build_all(one, tmp / "out-one", pdf=False, progress=False, out=quiet))
        t_pipe = timed(lambda: build_all(sub, tmp / "out-pipe", pdf=False, progress=False, out=quiet))
        t_naive = timed(lambda: naive_docx(paths[: args.n], tmp / "out-naive"))
        print(f"\n(a) DOCX, {args.n} unit-years × 6 documents")
        print(f"    one unit-year, cold run (incl. start-up) : {t_one:.2f} s")
        print(f"    pipeline                                  : {t_pipe:.2f} s  ({t_pipe / args.n * 1000:.0f} ms per unit-year)")
        print(f"    naive loop                                : {t_naive:.2f} s  ({t_naive / args.n * 1000:.0f} ms per unit-year)")
        print(f"    ratio naive / pipeline                    : {t_naive / t_pipe:.1f}×")

        from pipeline.convert import soffice_binary, to_pdf

        soffice = soffice_binary()
        if soffice:
            docs = sorted((tmp / "out-naive").glob("*.docx"))[: args.pdf_docs]
            to_pdf(docs[:1], tmp / "warm")  # create the private profile once, as a real run would have
            t_batch = timed(lambda: to_pdf(docs, tmp / "pdf-batch"))

            def per_process():
                for d in docs:
                    subprocess.run([soffice, f"-env:UserInstallation={(tmp / 'lo-prof').as_uri()}", "--headless",
                                    "--convert-to", "pdf", "--outdir", str(tmp / "pdf-each"), str(d)],
                                   capture_output=True, check=True)

            per_process_profile = tmp / "lo-prof"
            subprocess.run([soffice, f"-env:UserInstallation={per_process_profile.as_uri()}", "--headless", "--terminate_after_init"], capture_output=True)
            t_each = timed(per_process)
            print(f"\n(b) PDF, {len(docs)} documents")
            print(f"    one LibreOffice run for the batch         : {t_batch:.2f} s  ({t_batch / len(docs):.2f} s per document)")
            print(f"    one soffice process per document          : {t_each:.2f} s  ({t_each / len(docs):.2f} s per document)")
            print(f"    ratio                                     : {t_each / t_batch:.1f}×")
        else:
            print("\n(b) PDF: LibreOffice not found, skipped")

        build_all(inputs, tmp / "out-all", pdf=False, progress=False, out=quiet)
        t_noop = timed(lambda: build_all(inputs, tmp / "out-all", pdf=False, progress=False, out=quiet))
        print(f"\n(c) no-op rebuild of {len(paths)} unit-years      : {t_noop:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
