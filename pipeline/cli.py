"""The command line: a thin shell that calls the stages and prints their problems as messages.

    python -m pipeline validate  inputs/                 # check every input, list every problem
    python -m pipeline evaluate  inputs/quang-phu/2024.yaml   # the verdict table
    python -m pipeline dossier   inputs/ [--unit U] [--year Y] [--force] [--no-pdf] [--strict]
    python -m pipeline schema    [--check]               # write/check schema/input.schema.json
    python -m pipeline check-templates

Exit codes: 0 success (warnings allowed), 1 an input or template has errors (or warnings under
--strict), 2 misuse, 3 an unexpected error.
No traceback reaches the terminal unless `--debug` is given.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from pipeline import __version__
from pipeline.problems import InputError

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schema" / "input.schema.json"


def _out(text: str = "") -> None:
    print(text, flush=True)


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _print_problems(problems) -> None:
    for problem in problems:
        _err(f"  {problem.symbol} {problem}")


def _counts(problems) -> str:
    from pipeline.problems import errors_and_warnings

    errors, warnings = errors_and_warnings(problems)
    return ", ".join(filter(None, [f"{errors} lỗi" if errors else "", f"{warnings} cảnh báo" if warnings else ""]))


def cmd_validate(args) -> int:
    """Every check `dossier` runs short of rendering: the input's rules, the evaluation's cross-checks
    (declared levels, stale figures), file and folder names, and the templates the build would use."""
    from pipeline.assess import assess_file
    from pipeline.render import check_templates
    from pipeline.sources import scan

    target = Path(args.target)
    failed = warned = refused = 0
    if target.is_dir():
        found = scan(target)
        files = [f.path for f in found.jobs]
        for note in found.skipped:
            _out(f"ℹ {note}")
        for _key, message in found.refused:
            _err(f"✗ {message}")
        failed = refused = len(found.refused)
    else:
        files = [target]
    if not files and not failed:
        _err(f"Không tìm thấy tệp .yaml nào trong {args.target}")
        return 1
    for path in files:
        try:
            loaded, _ = assess_file(path, strict=args.strict)
        except InputError as exc:
            failed += 1
            _err(f"✗ {path}: {_counts(exc.problems)}")
            _print_problems(exc.problems)
            continue
        if loaded.warnings:
            warned += 1
            _out(f"⚠ {path}: hợp lệ, {_counts(loaded.warnings)}")
            _print_problems(loaded.warnings)
        else:
            _out(f"✓ {path}: hợp lệ")
    template_errors, _ = check_templates()
    for problem in template_errors:
        _err(f"  ✗ mẫu văn bản: {problem}")
    if failed or template_errors:
        _err(f"{failed}/{len(files) + refused} tệp có lỗi." + (f" {len(template_errors)} lỗi trong mẫu văn bản." if template_errors else ""))
    elif warned:
        _out(f"{warned}/{len(files) + refused} tệp có cảnh báo (hồ sơ vẫn lập được; --strict coi cảnh báo là lỗi).")
    return 1 if failed or template_errors else 0


def cmd_evaluate(args) -> int:
    from pipeline.assess import assess_file
    from pipeline.summary import verdict_table

    try:
        loaded, assessment = assess_file(args.file, strict=args.strict)
    except InputError as exc:
        _err(f"✗ {args.file}: {_counts(exc.problems)}")
        _print_problems(exc.problems)
        return 1
    _out(verdict_table(loaded.model, assessment))
    if loaded.warnings:
        _err(f"⚠ {_counts(loaded.warnings)}:")
        _print_problems(loaded.warnings)
    return 0


def cmd_schema(args) -> int:
    from pipeline.model import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if args.check:
        current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
        if current != text:
            _err(f"{SCHEMA_PATH.relative_to(ROOT)} không khớp với mô hình; chạy: make schema")
            return 1
        _out("schema khớp với mô hình")
        return 0
    SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    _out(f"đã ghi {SCHEMA_PATH.relative_to(ROOT)}")
    return 0


def cmd_dossier(args) -> int:
    from pipeline.build import build_all

    return build_all(
        Path(args.inputs), Path(args.outputs), unit=args.unit, year=args.year,
        force=args.force, pdf=not args.no_pdf, jobs=args.jobs, progress=not args.quiet, strict=args.strict,
    )


def cmd_check_templates(args) -> int:
    from pipeline.render import check_templates

    problems, warnings = check_templates(Path(args.templates) if args.templates else None)
    for w in warnings:
        _err(f"  ⚠ {w}")
    for p in problems:
        _err(f"  ✗ {p}")
    if problems:
        _err(f"{len(problems)} lỗi trong mẫu văn bản; sửa trong Word rồi chạy lại.")
        return 1
    _out("✓ các mẫu văn bản hợp lệ")
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m pipeline", description="Hồ sơ tự đánh giá “Đơn vị học tập” (Thông tư 24/2023/TT-BGDĐT)")
    ap.add_argument("--version", action="version", version=__version__)
    ap.add_argument("--debug", action="store_true", help="hiện traceback khi có lỗi bất ngờ")
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="kiểm tra tệp đầu vào (một tệp hoặc cả thư mục)")
    p.add_argument("target", nargs="?", default="inputs")
    p.add_argument("--strict", action="store_true", help="coi cảnh báo là lỗi")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("evaluate", help="in bảng kết quả đánh giá của một tệp")
    p.add_argument("file")
    p.add_argument("--strict", action="store_true", help="coi cảnh báo là lỗi")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("dossier", help="lập hồ sơ (Mẫu 1, 2, 3; DOCX và PDF) cho mọi tệp đầu vào")
    p.add_argument("inputs", nargs="?", default="inputs")
    p.add_argument("--outputs", default="outputs")
    p.add_argument("--unit", help="chỉ đơn vị này (tên thư mục trong inputs/)")
    p.add_argument("--year", type=int, help="chỉ năm này")
    p.add_argument("--force", action="store_true", help="lập lại tất cả, kể cả khi không có gì thay đổi")
    p.add_argument("--no-pdf", action="store_true", help="chỉ lập tệp Word")
    p.add_argument("--jobs", type=int, default=None, help="số tiến trình song song (mặc định: số lõi CPU)")
    p.add_argument("--quiet", action="store_true", help="không hiện thanh tiến trình")
    p.add_argument("--strict", action="store_true", help="coi cảnh báo là lỗi: không lập hồ sơ có cảnh báo")
    p.set_defaults(func=cmd_dossier)

    p = sub.add_parser("schema", help="ghi JSON Schema của dữ liệu đầu vào")
    p.add_argument("--check", action="store_true", help="chỉ kiểm tra tệp đã commit có khớp không")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("check-templates", help="kiểm tra các mẫu .docx trước khi lập hồ sơ")
    p.add_argument("--templates", default=None)
    p.set_defaults(func=cmd_check_templates)
    return ap


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # Windows consoles default to a legacy code page
        except (AttributeError, ValueError):
            pass
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        _print_problems(exc.problems)
        return 1
    except KeyboardInterrupt:
        _err("Đã dừng (Ctrl-C). Hồ sơ đã lập trước đó không bị thay đổi.")
        return 130
    except Exception as exc:  # the last line of defence: a message, never a traceback
        if args.debug:
            traceback.print_exc()
        _err(f"Lỗi không mong đợi: {type(exc).__name__}: {exc}")
        _err("Chạy lại với --debug để xem chi tiết và báo cho người phát triển.")
        return 3
