"""`make bench`: the pipeline's speed on synthetic unit-years, every ratio from one run on one machine,
like compared with like (one process against one process, one worker each side).

    python tools/bench.py [--n 40] [--pdf 50] [--each 6]

(a) DOCX in one process: the pipeline (templates compiled once) against a naive docxtpl loop that loads
    and renders each template from disk per document — ms per document and per unit-year;
(b) the DOCX batch over every core; (c) a cold `dvht dossier` of one unit-year, as a new process;
(d) PDF: one LibreOffice for the batch, one per core, one per document;
(e) a full dossier with PDFs, per unit-year over a batch; (f) no-op rebuilds of 100 and 1,000;
(g) loading a 3,000-person roster; (h) peak memory.
Figures go into README.md by hand, with the machine they came from.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.cli.dossier import build_all
from pipeline.core.packaged import fixture

EXAMPLE = fixture()  # the example, as the package ships it
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


def naive_docx(paths: list[Path], out: Path) -> int:
    """The baseline: assess, then load and render each docxtpl template from disk per document."""
    from docxtpl import DocxTemplate

    from pipeline.criteria import load_catalogue
    from pipeline.documents import TEMPLATES_DIR, spec
    from pipeline.render.engine import build_contexts
    from pipeline.rules.assess import assess_file

    out.mkdir(parents=True, exist_ok=True)
    docs = 0
    for k, path in enumerate(paths):
        loaded, a = assess_file(path)
        contexts, _ = build_contexts(loaded.model, a, load_catalogue("tt24-2023"))
        for key, ctx in contexts.items():
            doc = DocxTemplate(str(TEMPLATES_DIR / spec(key).template))
            doc.render(ctx, autoescape=True)
            doc.save(str(out / f"{k}-{spec(key).template}"))
            docs += 1
    return docs


def pipeline_docx(paths: list[Path], out: Path | None) -> int:
    """The pipeline's own stages, in this process: assess, contexts, compiled render (written to `out` if given)."""
    from pipeline.criteria import catalogue_for
    from pipeline.documents import spec
    from pipeline.render.engine import render_all
    from pipeline.rules.assess import assess_file

    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    docs = 0
    for k, path in enumerate(paths):
        loaded, a = assess_file(path)
        rendered, _ = render_all(loaded.model, a, catalogue_for(loaded.model))
        for key, data in rendered.items():
            if out is not None:
                (out / f"{k}-{spec(key).template}").write_bytes(data)
            docs += 1
    return docs


def render_only(paths: list[Path]) -> tuple[float, float, int]:
    """Seconds to render every document of `paths` from ready contexts, (compiled, naive docxtpl), and how many:
    the render step alone, compared like with like in this one process."""
    import datetime as dt
    import io

    from docxtpl import DocxTemplate

    from pipeline.criteria import load_catalogue
    from pipeline.documents import TEMPLATES_DIR, spec
    from pipeline.render.engine import build_contexts, render_document
    from pipeline.rules.assess import assess_file

    jobs = []
    for path in paths:
        loaded, a = assess_file(path)
        contexts, _ = build_contexts(loaded.model, a, load_catalogue("tt24-2023"))
        jobs += [(spec(key), ctx) for key, ctx in contexts.items()]
    created = dt.datetime(2025, 1, 8, 8)
    start = time.perf_counter()
    for s, ctx in jobs:
        render_document(s, ctx, created)
    fast = time.perf_counter() - start
    start = time.perf_counter()
    for s, ctx in jobs:
        doc = DocxTemplate(str(TEMPLATES_DIR / s.template))
        doc.render(ctx, autoescape=True)
        doc.save(io.BytesIO())
    return fast, time.perf_counter() - start, len(jobs)


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def big_roster(folder: Path, people: int) -> Path:
    """The example with `people` staff (the first person's facts, numbered names)."""
    base = EXAMPLE.read_text(encoding="utf-8")
    start, end = base.index("staff:\n  - name"), base.index("\n# Danh hiệu thi đua tập thể")
    first = base[start:end].split("\n  - name: ")[1]  # "Hoàng Văn Minh\n    position: …\n    discipline: true…"
    facts = first.split("\n", 1)[1].rstrip("\n")
    block = "staff:\n" + "".join(f"  - name: Người số {i:04d}\n{facts}\n" for i in range(1, people + 1))
    path = folder / "lon" / "2024.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(base[:start] + block + base[end:], encoding="utf-8")
    return path


def imports_only(inputs: Path, outputs: Path, env: dict) -> float:
    """Seconds (best of three) for a new process that only starts Python and imports every module a cold
    `dvht dossier` of `inputs` imports (listed by `python -X importtime` on one such run): the part of (c)
    no stage of the pipeline can shorten by working faster."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipeline", "dossier", str(inputs), "--outputs",
                          str(outputs), "--no-pdf", "--force", "--quiet"], capture_output=True, text=True, env=env)
    names = [line.rsplit("|", 1)[1].strip() for line in run.stderr.splitlines()
             if line.startswith("import time:") and "self [us]" not in line]
    script = ("import importlib\nfor name in %r:\n    try:\n        importlib.import_module(name)\n"
              "    except Exception:\n        pass\n" % list(dict.fromkeys(names)))  # some were only tried (nt, msvcrt)
    only = lambda: subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, env=env)  # noqa: E731
    return min(timed(only)[0] for _ in range(3))


def machine() -> str:
    """The machine's processor, cores, memory, system, Python and LibreOffice, for the README beside the figures."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    memory = ""
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        memory = f", {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2 ** 30:.0f} GiB"
    from pipeline.convert.pdf import soffice_binary

    office = "no LibreOffice"
    binary = soffice_binary()
    if binary:
        try:
            office = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            office = "LibreOffice (version not read)"
    return (f"{platform.machine()} {cpu}, {os.cpu_count() or 1} cores{memory}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}, {office}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="đo tốc độ (benchmark)")
    ap.add_argument("--n", type=int, default=40, help="unit-years for the DOCX comparison")
    ap.add_argument("--pdf", type=int, default=50, help="documents for the PDF batch, and unit-years for the full dossier")
    ap.add_argument("--each", type=int, default=6, help="documents for one soffice process per document")
    args = ap.parse_args(argv)
    quiet = lambda *_: None  # noqa: E731
    cores = os.cpu_count() or 1
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["DVHT_CACHE"] = str(tmp / "cache")
        inputs = tmp / "inputs"
        paths = synthetic_inputs(inputs, 1000)
        sub = tmp / "sub"
        for p in paths[: args.n]:
            shutil.copytree(p.parent, sub / p.parent.name)

        pipeline_docx(paths[:1], tmp / "warm")  # compile the templates once, as a batch's first document does
        fast, naive, docs = render_only(paths[: args.n])
        print(f"\n(a) DOCX in one process, one worker each side, {args.n} unit-years, {docs} documents")
        print(f"    render a document (target ≤ 5 ms, ≥ 10×): compiled {fast / docs * 1000:.1f} ms, "
              f"naive docxtpl {naive / docs * 1000:.1f} ms — {naive / fast:.1f}×")
        t_mem, _ = timed(lambda: pipeline_docx(paths[: args.n], None))
        t_pipe, _ = timed(lambda: pipeline_docx(paths[: args.n], tmp / "out-pipe"))
        t_naive, _ = timed(lambda: naive_docx(paths[: args.n], tmp / "out-naive"))
        print(f"    a unit-year, load + validate + evaluate + render (target ≤ 20 ms): {t_mem / args.n * 1000:.1f} ms; "
              f"with its files written: pipeline {t_pipe / args.n * 1000:.1f} ms, naive {t_naive / args.n * 1000:.1f} ms "
              f"— {t_naive / t_pipe:.1f}×")

        t_batch, _ = timed(lambda: build_all(sub, tmp / "out-batch", pdf=False, progress=False, out=quiet))
        print(f"\n(b) DOCX batch on {cores} cores (build_all, {args.n} unit-years): {t_batch / args.n * 1000:.1f} ms per unit-year")

        one = tmp / "one"
        shutil.copytree(paths[0].parent, one / paths[0].parent.name)
        # as on an officer's machine, Python keeps its bytecode cache (this one may say PYTHONDONTWRITEBYTECODE)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cold = lambda: subprocess.run([sys.executable, "-m", "pipeline", "dossier", str(one), "--outputs",  # noqa: E731
                                       str(tmp / "out-one"), "--no-pdf", "--force", "--quiet"],
                                      capture_output=True, check=True, env=env)
        cold()
        t_cold = min(timed(cold)[0] for _ in range(3))
        t_imports = imports_only(one, tmp / "out-one", env)
        shutil.rmtree(tmp / "cache")
        t_first, _ = timed(cold)
        print(f"\n(c) cold `dvht dossier` of one unit-year, new process (target ≤ 0,5 s): {t_cold:.2f} s "
              f"(the very first run, compiling the templates into the user cache: {t_first:.2f} s)")
        print(f"    of which starting Python and importing the modules that run imports: {t_imports:.2f} s")

        from pipeline.convert import pdf as convert

        if convert.soffice_binary():
            docs_pdf = sorted((tmp / "out-naive").glob("*.docx"))[: args.pdf]
            keep = convert.MAX_PROCESSES
            convert.MAX_PROCESSES = 1
            t_one, _ = timed(lambda: convert.to_pdf(docs_pdf, tmp / "pdf-one"))
            convert.MAX_PROCESSES = keep
            t_cores, _ = timed(lambda: convert.to_pdf(docs_pdf, tmp / "pdf-cores"))
            each = docs_pdf[: args.each]
            t_each = sum(timed(lambda d=d: convert.to_pdf([d], tmp / "pdf-each"))[0] for d in each)
            n = len(docs_pdf)
            print(f"\n(d) PDF, {n} documents (target ≤ 0,1 s/document on {cores} cores)")
            print(f"    one LibreOffice for the batch     : {t_one / n:.3f} s per document")
            print(f"    one LibreOffice per core ({min(cores, convert.MAX_PROCESSES)})      : {t_cores / n:.3f} s per document")
            print(f"    one soffice per document ({len(each)} docs): {t_each / len(each):.3f} s per document")

            full = tmp / "full"
            for p in paths[: args.pdf]:
                shutil.copytree(p.parent, full / p.parent.name)
            t_full, _ = timed(lambda: build_all(full, tmp / "out-full", pdf=True, progress=False, out=quiet))
            print(f"\n(e) full dossier with PDFs, {args.pdf} unit-years (target ≤ 0,35 s/unit-year): {t_full / args.pdf:.2f} s per unit-year")
            officer = lambda: subprocess.run([sys.executable, "-m", "pipeline", "dossier", str(one), "--outputs",  # noqa: E731
                                              str(tmp / "out-officer"), "--force", "--quiet"],
                                             capture_output=True, check=True, env=env)
            t_officer = min(timed(officer)[0] for _ in range(2))
            print(f"    one unit-year with its PDFs, new process (an officer's `make dossier`): {t_officer:.2f} s")
        else:
            print("\n(d, e) PDF: LibreOffice not found, skipped")

        t_first_all, _ = timed(lambda: build_all(inputs, tmp / "out-all", pdf=False, progress=False, out=quiet))
        hundred = tmp / "hundred"
        for p in paths[:100]:
            shutil.copytree(p.parent, hundred / p.parent.name)
        build_all(hundred, tmp / "out-hundred", pdf=False, progress=False, out=quiet)
        t100, _ = timed(lambda: build_all(hundred, tmp / "out-hundred", pdf=False, progress=False, out=quiet))
        t1000, _ = timed(lambda: build_all(inputs, tmp / "out-all", pdf=False, progress=False, out=quiet))
        print(f"\n(f) no-op rebuild: 100 unit-years {t100:.3f} s; 1.000 unit-years {t1000:.3f} s (target ≤ 0,5 s); "
              f"the first build of those 1.000 (DOCX): {t_first_all:.1f} s")

        from pipeline.rules.assess import assess_file

        roster = big_roster(tmp / "roster", 3000)
        t_roster, (loaded, _) = timed(lambda: assess_file(roster))
        print(f"\n(g) 3.000-person roster, load + validate + evaluate (target ≤ 0,4 s): {t_roster:.2f} s "
              f"({len(loaded.model.staff)} people)")

    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\n(h) peak memory: this process {own:.0f} MB, largest child (worker, LibreOffice) {children:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
