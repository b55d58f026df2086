"""The command line: a thin shell that parses the arguments, calls the library and prints what it returns.

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
from pipeline.core.hints import command
from pipeline.core.problems import InputError, PipelineError
from pipeline.sources.files import is_unit_folder  # the one unit-folder rule

SCHEMA_OUT = Path("schema") / "input.schema.json"  # `dvht schema` writes it in the current folder (`make schema`: the checkout)


def _out(text: str = "") -> None:
    print(text, flush=True)


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _print_problems(problems, note: str = "") -> None:
    from pipeline.cli.dossier import symbol
    from pipeline.sources.load import meaning_of

    for problem in problems:
        meaning = meaning_of(problem.field) if problem.field and not problem.message.startswith("cần điền") else ""
        first, sep, rest = str(problem).partition("\n")  # a syntax error's line and caret stay below it
        _err(f"  {symbol(problem)} {first}" + (f" ({meaning})" if meaning else "") + sep + rest)
    if note:
        _err(f"  ℹ {note}")


def _counts(problems) -> str:
    from pipeline.core.problems import errors_and_warnings

    errors, warnings = errors_and_warnings(problems)
    to_fill = sum(1 for p in problems if p.message.startswith("cần điền"))
    errors -= to_fill
    return ", ".join(filter(None, [f"{to_fill} chỗ cần điền" if to_fill else "", f"{errors} lỗi" if errors else "",
                                   f"{warnings} cảnh báo" if warnings else ""]))


def cmd_validate(args) -> int:
    """Every check `dossier` runs short of rendering: the input's rules, the evaluation's cross-checks
    (declared levels, stale figures), file and folder names, and the templates the build would use."""
    from pipeline.render.check import check_cached
    from pipeline.render.templates import search_path
    from pipeline.rules.assess import assess_file
    from pipeline.sources import scan

    target = Path(args.target)
    failed = warned = refused = 0
    if target.is_dir():
        inputs, unit, _ = _target(target)  # the inputs folder, or one unit's folder, as `dossier` reads them
        found = scan(inputs, unit)
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
            _print_problems(exc.problems, exc.note)
            continue
        if loaded.warnings:
            warned += 1
            _out(f"⚠ {path}: hợp lệ, {_counts(loaded.warnings)}")
            _print_problems(loaded.warnings)
        else:
            _out(f"✓ {path}: hợp lệ")
    template_errors: list[str] = []
    sets = {tuple(search_path(Path(f).parent, Path(args.templates) if args.templates else None)) for f in files} or {()}
    for folders in sorted(sets):  # the templates each input's build would use (its unit's mau/, --templates, built-in)
        template_errors += [e for e in check_cached(list(folders)) if e not in template_errors]
    for problem in template_errors:
        _err(f"  ✗ mẫu văn bản: {problem}")
    if failed or template_errors:
        _err(f"{failed}/{len(files) + refused} tệp có lỗi." + (f" {len(template_errors)} lỗi trong mẫu văn bản." if template_errors else ""))
    elif warned:
        _out(f"{warned}/{len(files) + refused} tệp có cảnh báo (hồ sơ vẫn lập được; --strict coi cảnh báo là lỗi).")
    return 1 if failed or template_errors else 0


def cmd_evaluate(args) -> int:
    from pipeline.rules.assess import assess_file
    from pipeline.rules.summary import verdict_table

    try:
        loaded, assessment = assess_file(args.file, strict=args.strict)
    except InputError as exc:
        _err(f"✗ {args.file}: {_counts(exc.problems)}")
        _print_problems(exc.problems, exc.note)
        return 1
    if args.json:
        from pipeline.build.changes import record

        data = record(assessment)
        data["warnings"] = [str(p) for p in loaded.warnings]
        _out(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    _out(verdict_table(loaded.model, assessment))
    if args.detail:
        from pipeline.rules.summary import shortfalls

        _out("")
        _out(shortfalls(loaded.model, assessment))
    if loaded.warnings:
        _err(f"⚠ {_counts(loaded.warnings)}:")
        _print_problems(loaded.warnings)
    return 0


def cmd_schema(args) -> int:
    from pipeline.core.packaged import schema_file
    from pipeline.sources.model import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if args.check:  # the schema this program ships (the checkout's schema/ when run from one)
        shipped = schema_file()
        current = shipped.read_text(encoding="utf-8") if shipped.exists() else ""
        if current != text:
            _err(f"{shipped} không khớp với mô hình; chạy: make schema")
            return 1
        _out("schema khớp với mô hình")
        return 0
    SCHEMA_OUT.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_OUT.write_text(text, encoding="utf-8")
    _out(f"đã ghi {SCHEMA_OUT.as_posix()}")
    return 0


def _target(path: Path) -> tuple[Path, str | None, str | None]:
    """A file, a unit folder or the inputs folder → (inputs folder, unit, year)."""
    from pipeline.sources.files import SUFFIXES, year_files

    if path.is_file() or path.suffix in SUFFIXES:
        return path.parent.parent, path.parent.name, path.stem
    if path.is_dir() and year_files(path):  # a unit's folder
        return path.parent, path.name, None
    return path, None, None


def cmd_dossier(args) -> int:
    from pipeline.cli.dossier import build_all

    if args.unit is not None and not is_unit_folder(args.unit):  # the build's own refusal and words: exit 2
        return build_all(Path(args.inputs), Path(args.outputs), unit=args.unit, progress=False, out=_out)
    from pipeline.sources.files import year_files

    inputs, unit, year = _target(Path(args.inputs))
    unit, year = args.unit or unit, args.year or year
    known = _known_units(inputs)
    if args.unit and known is not None and args.unit not in known:
        _err(f"Không có đơn vị “{args.unit}” trong {inputs}; các đơn vị có: {', '.join(known) or '(chưa có)'}")
        return 1
    if unit and args.year and known is not None:
        years = [str(y) for y in sorted(year_files(inputs / unit))]
        if str(args.year) not in years:
            _err(f"Đơn vị “{unit}” không có năm {args.year}; các năm có: {', '.join(years) or '(chưa có)'}")
            return 1
    return build_all(
        inputs, Path(args.outputs), unit=unit, year=year,
        force=args.force, pdf=not args.no_pdf, jobs=args.jobs, progress=not args.quiet, strict=args.strict,
        out=_out, templates=Path(args.templates) if args.templates else None,
    )


def _known_units(inputs: Path) -> list[str] | None:
    if not inputs.is_dir():
        return None
    return sorted(p.name for p in inputs.iterdir() if p.is_dir() and not p.name.startswith("."))


def _kinds_text() -> str:
    from pipeline.commands.kinds import by_level

    lines = []
    for level, rows in by_level().items():
        lines.append(f"Đơn vị {level}:")
        for row in rows:
            both = " (cả hai cấp: ghi --level)" if row.needs_level else ""
            lines.append(f"  {row.code:<22} {row.label}{both}")
    return "\n".join(lines)


def cmd_kinds(args) -> int:
    _out("Các loại đơn vị theo Điều 2 Thông tư 24 (mã dùng cho --kind và cho “kind:” trong tệp dữ liệu):")
    _out(_kinds_text())
    return 0


def cmd_new_unit(args) -> int:
    from pipeline.commands.new_unit import Exists, Refused, UnknownKind, new_unit, slug_of

    slug = args.slug or slug_of(args.name)
    try:
        path = new_unit(Path(args.inputs), args.name, args.year, slug, kind=args.kind, level=args.level)
    except Exists as exc:
        again = command(f"dvht new-year {slug} {args.year + 1}", f"make new-year UNIT={slug} YEAR={args.year + 1}")
        _err(f"Đã có tệp {exc.path}; không ghi đè. Để lập năm sau: {again}")
        return 1
    except Refused as exc:
        _err(f"✗ {exc}")
        return 2
    except UnknownKind:
        from pipeline.criteria import load_regulation

        known = load_regulation("tt24-2023").kinds
        if args.kind in known:
            levels = " và ".join(LEVEL_WORDS[lv] for lv in known[args.kind].levels)
            _err(f"Loại đơn vị “{args.kind}” ({known[args.kind].label}) chỉ được đánh giá ở {levels}, "
                 f"không ở {LEVEL_WORDS.get(args.level, args.level)}.")
        else:
            _err(f"Không có loại đơn vị “{args.kind}”. Chọn một mã dưới đây:")
            _err(_kinds_text())
        return 2
    _out(f"✓ Đã tạo {path}")
    _out(f"  Mở tệp, thay mọi chỗ “CẦN ĐIỀN”, rồi chạy: {command(f'dvht validate {path}', 'make validate')}")
    dvht = command("dvht", ".venv/bin/dvht")
    _out(f"  Danh sách thành viên từ Excel: {dvht} staff export {path} danh-sach.xlsx → điền → "
         f"{dvht} staff import danh-sach.xlsx {path}")
    return 0


def cmd_new_year(args) -> int:
    from pipeline.commands.new_unit import Exists, Refused
    from pipeline.commands.new_year import NoEarlierYear, left_in_prose, new_year

    try:
        path, source = new_year(Path(args.inputs), args.unit, args.year)
    except Exists as exc:
        _err(f"Đã có tệp {exc.path}; không ghi đè.")
        return 1
    except Refused as exc:
        _err(f"✗ {exc}")
        return 2
    except NoEarlierYear:
        known = _known_units(Path(args.inputs)) or []
        _err(f"Không có năm nào của đơn vị “{args.unit}” trong {args.inputs}; các đơn vị có: {', '.join(known) or '(chưa có)'}. "
             "Đơn vị mới: " + command("dvht", ".venv/bin/dvht") + " new-unit --name \"Ủy ban nhân dân xã …\" --year …")
        return 1
    except InputError as exc:
        _err(f"✗ Tệp năm trước có lỗi, sửa trước khi chép sang năm mới: {_counts(exc.problems)}")
        _print_problems(exc.problems, exc.note)
        return 1
    _out(f"✓ Đã tạo {path} từ {source.name}: giữ nguyên tệp (chú thích, lời văn, đơn vị, Tổ, danh sách họ tên, chức danh);")
    _out("  xóa và đánh dấu “CẦN ĐIỀN” mọi số liệu của năm. Xem các chỗ cần điền: "
         + command(f"dvht validate {path}", "make validate"))
    carried = left_in_prose(path, source)
    if carried:
        _out(f"  ⚠ {len(carried)} chỗ trong lời văn còn ngày tháng hoặc số văn bản của năm trước — xem lại từng chỗ:")
        for problem in carried:
            _out(f"    ⚠ {problem}")
    return 0


def cmd_staff(args) -> int:
    from pipeline.commands.new_unit import Refused
    from pipeline.commands.staff import export, import_
    from pipeline.sources.excel import SheetError

    if args.action == "export":
        target = Path(args.xlsx) if args.xlsx else Path(args.input).with_suffix(".xlsx")
        try:
            done = export(Path(args.input), target)
        except Refused as exc:
            _err(f"✗ {exc}")
            return 2
        _out(f"✓ Đã ghi {target}: {done.people} người. Sửa trong Excel rồi nhập lại: "
             f"{command('dvht', '.venv/bin/dvht')} staff import {target} {args.input}")
        if done.kept:
            _out(f"  ℹ Tệp {target.name} đã có từ trước: giữ lại thành {done.kept.name} (không ghi đè)")
        return 0
    try:
        n = import_(Path(args.xlsx), Path(args.input))
    except SheetError as exc:
        _err(f"✗ {args.xlsx}: {len(exc.problems)} lỗi — chưa nhập, tệp {args.input} giữ nguyên")
        for problem in exc.problems:
            _err(f"  ✗ {problem}")
        return 1
    except InputError as exc:
        _err(f"✗ chưa nhập, tệp {args.input} giữ nguyên:")
        _print_problems(exc.problems, exc.note)
        return 1
    _out(f"✓ Đã nhập {n} người vào {args.input} (thay danh sách “staff”, giữ nguyên phần còn lại)")
    return 0


def cmd_history(args) -> int:
    from pipeline.commands.history import collect, table

    folder = Path(args.inputs) / args.unit
    if not folder.is_dir():
        known = _known_units(Path(args.inputs)) or []
        _err(f"Không có đơn vị “{args.unit}”; các đơn vị có: {', '.join(known) or '(chưa có)'}")
        return 1
    if args.json:
        name, years = collect(folder)
        _out(json.dumps({"unit": name, "years": years}, ensure_ascii=False, indent=1))
    else:
        _out(table(folder))
    return 0


def cmd_web(args) -> int:
    from pipeline.web.server import serve

    if args.port is not None and not 1024 <= args.port <= 65535:
        _err(f"✗ cổng {args.port} không dùng được: chọn một số từ 1024 đến 65535")
        return 2
    return serve(Path(args.inputs), Path(args.outputs), args.port or 0, not args.no_browser, _out, debug=args.debug)


def cmd_check_templates(args) -> int:
    """Every template a build would use: the built-in ones, those of --templates, and each unit's own `mau/`."""
    from pipeline.render.check import check_all_templates

    problems, warnings, sets = check_all_templates(Path(args.templates) if args.templates else None, Path(args.inputs))
    for w in warnings:
        _err(f"  ⚠ {w}")
    for p in problems:
        _err(f"  ✗ {p}")
    if problems:
        _err(f"{len(problems)} lỗi trong mẫu văn bản; sửa trong Word rồi chạy lại.")
        return 1
    own = [s for s in sets if any(Path(f).name == "mau" for f in s)]
    _out("✓ các mẫu văn bản hợp lệ" + (f" (kể cả mẫu riêng của {len(own)} đơn vị)" if own else ""))
    return 0


EXIT_CODES = """mã thoát: 0 thành công (có thể kèm cảnh báo); 1 dữ liệu hoặc mẫu có lỗi (hoặc cảnh báo khi dùng
--strict); 2 dùng lệnh sai; 3 lỗi không mong đợi (chạy lại với --debug); 130 dừng bằng Ctrl-C."""


LEVEL_WORDS = {"cap-huyen": "cấp huyện", "cap-tinh": "cấp tỉnh"}


def parser() -> argparse.ArgumentParser:
    from pipeline.cli.argparse_vi import Formatter, Parser, install

    install()
    common = Parser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="hiện chi tiết kỹ thuật (traceback) khi có lỗi bất ngờ")
    ap = Parser(prog="dvht", formatter_class=Formatter, parents=[common],
                description="Hồ sơ tự đánh giá “Đơn vị học tập” (Thông tư 24/2023/TT-BGDĐT): kiểm tra dữ liệu, "
                            "đánh giá, lập Tờ trình, Mẫu 1, 2, 3, Quyết định, Danh mục minh chứng (Word và PDF).",
                epilog="ví dụ:\n  dvht dossier                       lập hồ sơ cho mọi tệp trong inputs/\n"
                       "  dvht validate                      kiểm tra mọi tệp, liệt kê mọi lỗi\n"
                       "  dvht new-unit --name \"Ủy ban nhân dân xã Tân Mỹ\" --year 2025\n"
                       "  dvht new-year quang-phu 2025\n\n" + EXIT_CODES)
    ap.add_argument("--version", action="version", version=__version__, help="hiện số phiên bản rồi thoát")
    sub = ap.add_subparsers(dest="command", required=True, metavar="LỆNH", title="các lệnh")

    def command(name: str, help: str, examples: str, func):
        p = sub.add_parser(name, help=help, description=help, parents=[common], formatter_class=Formatter,
                           epilog="ví dụ:\n" + examples + "\n\n" + EXIT_CODES)
        p.set_defaults(func=func)
        return p

    p = command("validate", "kiểm tra dữ liệu: mọi lỗi và cảnh báo, kèm tệp, dòng, trường",
                "  dvht validate\n  dvht validate inputs/quang-phu/2024.yaml --strict", cmd_validate)
    p.add_argument("target", nargs="?", default="inputs", metavar="ĐÍCH", help="một tệp .yaml hoặc thư mục (mặc định: inputs)")
    p.add_argument("--strict", action="store_true", help="coi cảnh báo là lỗi")
    p.add_argument("--templates", metavar="THƯ_MỤC", help="kiểm tra cả mẫu trong thư mục này, như dossier --templates")

    p = command("evaluate", "in kết quả đánh giá của một tệp (mức từng chỉ tiêu, tiêu chí, đơn vị)",
                "  dvht evaluate inputs/quang-phu/2024.yaml\n  dvht evaluate inputs/quang-phu/2024.yaml --chi-tiet\n"
                "  dvht evaluate inputs/quang-phu/2024.yaml --json", cmd_evaluate)
    p.add_argument("file", metavar="TỆP", help="tệp dữ liệu .yaml")
    p.add_argument("--strict", action="store_true", help="coi cảnh báo là lỗi")
    p.add_argument("--chi-tiet", dest="detail", action="store_true", help="liệt kê người chưa đạt từng chỉ tiêu tính theo tỷ lệ")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON cho công cụ khác")

    p = command("dossier", "lập hồ sơ (Word và PDF) cho mọi tệp, một đơn vị hoặc một tệp",
                "  dvht dossier\n  dvht dossier inputs/quang-phu/2024.yaml\n  dvht dossier inputs/quang-phu\n"
                "  dvht dossier --unit quang-phu --year 2024 --force", cmd_dossier)
    p.add_argument("inputs", nargs="?", default="inputs", metavar="ĐÍCH",
                   help="thư mục inputs, thư mục một đơn vị, hoặc một tệp .yaml (mặc định: inputs)")
    p.add_argument("--outputs", default="outputs", metavar="THƯ_MỤC", help="nơi ghi hồ sơ (mặc định: outputs)")
    p.add_argument("--unit", metavar="ĐƠN_VỊ", help="chỉ đơn vị này (tên thư mục trong inputs/)")
    p.add_argument("--year", type=int, metavar="NĂM", help="chỉ năm này")
    p.add_argument("--force", action="store_true", help="lập lại tất cả, kể cả khi không có gì thay đổi")
    p.add_argument("--no-pdf", action="store_true", help="chỉ lập tệp Word, không chuyển PDF")
    p.add_argument("--jobs", type=int, default=None, metavar="SỐ", help="số tiến trình song song (mặc định: số lõi CPU)")
    p.add_argument("--quiet", action="store_true", help="không hiện thanh tiến trình")
    p.add_argument("--strict", action="store_true", help="coi cảnh báo là lỗi: không lập hồ sơ có cảnh báo")
    p.add_argument("--templates", metavar="THƯ_MỤC", help="lấy mẫu .docx từ thư mục này trước (mẫu của tỉnh); thiếu mẫu nào "
                                                          "thì dùng mẫu có sẵn. Mẫu riêng của một đơn vị: inputs/<đơn-vị>/mau/")

    p = command("new-unit", "tạo tệp dữ liệu cho một đơn vị mới (mọi chỗ cần điền được đánh dấu)",
                "  dvht new-unit --name \"Ủy ban nhân dân xã Tân Mỹ\" --year 2025\n"
                "  dvht new-unit tan-my --name \"Ủy ban nhân dân xã Tân Mỹ\" --year 2025\n"
                "  dvht new-unit --name \"Trường Trung học cơ sở Quảng Phú\" --kind thcs --year 2026\n"
                "  dvht new-unit --name \"Công ty Cổ phần May Huế\" --kind doanh-nghiep --level cap-tinh --year 2026",
                cmd_new_unit)
    p.add_argument("slug", nargs="?", metavar="TÊN_THƯ_MỤC", help="tên thư mục (mặc định: lấy từ tên đơn vị, ví dụ tan-my)")
    p.add_argument("--name", required=True, metavar="TÊN", help="tên đầy đủ, ví dụ “Ủy ban nhân dân xã Tân Mỹ”")
    p.add_argument("--year", type=int, required=True, metavar="NĂM", help="năm đánh giá")
    p.add_argument("--inputs", default="inputs", metavar="THƯ_MỤC", help="thư mục dữ liệu (mặc định: inputs)")

    p.add_argument("--kind", default="ubnd-xa", metavar="LOẠI",
                   help="loại đơn vị (mặc định: ubnd-xa); “dvht kinds” liệt kê các loại, ví dụ thcs, thpt, doanh-nghiep")
    p.add_argument("--level", choices=["cap-huyen", "cap-tinh"], default=None, metavar="CẤP",
                   help="cấp đánh giá, công nhận: cap-huyen hoặc cap-tinh (chỉ cần với loại đơn vị có ở cả hai cấp)")

    command("kinds", "liệt kê các loại đơn vị (Điều 2 Thông tư 24) và cấp đánh giá của từng loại",
            "  dvht kinds\n  dvht new-unit --name \"Trường Trung học cơ sở Quảng Phú\" --kind thcs --year 2026", cmd_kinds)

    p = command("new-year", "tạo tệp năm mới từ năm gần nhất: giữ đơn vị, Tổ, danh sách, lời văn; đánh dấu số liệu cần điền",
                "  dvht new-year quang-phu 2025", cmd_new_year)
    p.add_argument("unit", metavar="ĐƠN_VỊ", help="tên thư mục của đơn vị trong inputs/")
    p.add_argument("year", type=int, metavar="NĂM", help="năm mới")
    p.add_argument("--inputs", default="inputs", metavar="THƯ_MỤC", help="thư mục dữ liệu (mặc định: inputs)")

    p = command("staff", "danh sách thành viên với Excel: xuất ra (export) hoặc nhập vào (import)",
                "  dvht staff export inputs/quang-phu/2024.yaml danh-sach.xlsx\n"
                "  dvht staff import danh-sach.xlsx inputs/quang-phu/2024.yaml", cmd_staff)
    staff = p.add_subparsers(dest="action", required=True, metavar="VIỆC", title="việc")
    e = staff.add_parser("export", help="ghi danh sách ra tệp Excel", description="ghi danh sách ra tệp Excel", parents=[common])
    e.add_argument("input", metavar="TỆP_YAML", help="tệp dữ liệu .yaml")
    e.add_argument("xlsx", nargs="?", metavar="TỆP_EXCEL", help="tệp .xlsx (mặc định: cạnh tệp .yaml)")
    i = staff.add_parser("import", help="thay danh sách trong tệp .yaml bằng danh sách trong Excel",
                         description="thay danh sách trong tệp .yaml bằng danh sách trong Excel", parents=[common])
    i.add_argument("xlsx", metavar="TỆP_EXCEL", help="tệp .xlsx")
    i.add_argument("input", metavar="TỆP_YAML", help="tệp dữ liệu .yaml")

    p = command("history", "số liệu và mức đạt của một đơn vị qua các năm, cạnh nhau, kèm xu hướng",
                "  dvht history quang-phu\n  dvht history quang-phu --json", cmd_history)
    p.add_argument("unit", metavar="ĐƠN_VỊ", help="tên thư mục của đơn vị trong inputs/")
    p.add_argument("--inputs", default="inputs", metavar="THƯ_MỤC", help="thư mục dữ liệu (mặc định: inputs)")
    p.add_argument("--json", action="store_true", help="in dạng JSON")

    p = command("web", "mở trang soạn hồ sơ trong trình duyệt (chạy trên máy này, không cần Internet)",
                "  dvht web\n  dvht web --no-browser --port 8765", cmd_web)
    p.add_argument("--port", type=int, default=None, metavar="CỔNG", help="cổng (mặc định: máy tự chọn một cổng trống)")
    p.add_argument("--no-browser", action="store_true", help="không tự mở trình duyệt, chỉ in địa chỉ")
    p.add_argument("--inputs", default="inputs", metavar="THƯ_MỤC", help="thư mục dữ liệu (mặc định: inputs)")
    p.add_argument("--outputs", default="outputs", metavar="THƯ_MỤC", help="nơi ghi hồ sơ (mặc định: outputs)")

    p = command("schema", "ghi (hoặc kiểm tra) JSON Schema của dữ liệu đầu vào", "  dvht schema --check", cmd_schema)
    p.add_argument("--check", action="store_true", help="chỉ kiểm tra tệp đã lưu có khớp không")

    p = command("check-templates", "kiểm tra các mẫu .docx trước khi lập hồ sơ",
                "  dvht check-templates\n  dvht check-templates --templates mau-cua-tinh/", cmd_check_templates)
    p.add_argument("--templates", default=None, metavar="THƯ_MỤC", help="thư mục mẫu cần kiểm tra (mặc định: templates/)")
    p.add_argument("--inputs", default="inputs", metavar="THƯ_MỤC",
                   help="thư mục dữ liệu: kiểm tra cả mẫu riêng inputs/<đơn-vị>/mau/ của từng đơn vị (mặc định: inputs)")
    return ap


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # Windows consoles default to a legacy code page
        except (AttributeError, ValueError):
            pass
    args = parser().parse_args(argv)
    args.debug = getattr(args, "debug", False)
    try:
        return args.func(args)
    except InputError as exc:
        _print_problems(exc.problems, exc.note)
        return 1
    except PipelineError as exc:  # refused on purpose, in words, by a stage no command caught it from
        _err(f"✗ {exc}")
        return 1
    except KeyboardInterrupt:
        _err("Đã dừng (Ctrl-C). Hồ sơ đã lập trước đó không bị thay đổi.")
        return 130
    except BrokenPipeError:  # `dvht kinds | head`: the reader has gone, nothing is wrong; say nothing more
        import os

        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 1
    except OSError as exc:  # the file system said no: in Vietnamese, with what to do
        from pipeline.core.oserrors import explain

        if args.debug:
            traceback.print_exc()
        _err(f"✗ {explain(exc)}")
        return 1
    except Exception as exc:  # the last line of defence: a message, never a traceback
        if args.debug:
            traceback.print_exc()
        _err(f"Lỗi không mong đợi: {type(exc).__name__}: {exc}")
        _err("Chạy lại với --debug để xem chi tiết và báo cho người phát triển.")
        return 3
    finally:
        from pipeline.core import usercache

        for note in usercache.notes():  # said once per run, whatever the command
            _err(f"ℹ {note}")
        usercache.reset()
