"""Stage 6 — build: batches, incremental rebuilds, byte-identical output, atomic swaps, PDFs."""

from __future__ import annotations

import os
import shutil

import pytest
from pypdf import PdfReader

from conftest import EXAMPLE_TEXT, ROOT, edit, pdf_text, run_cli
from pipeline.build import run as build_mod
from pipeline.build.pdfs import MERGED
from pipeline.cli.dossier import build_all
from pipeline.documents import DOCUMENTS as FORMS, spec

EVEN_TEAM = edit(EXAMPLE_TEXT, """    - id: anh
      name: Lê Thị Ngọc Ánh
      position: Công chức Tư pháp – hộ tịch
      role: member
""", "")


@pytest.fixture
def tree(tmp_path):
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"

    def add(unit: str, text: str = EXAMPLE_TEXT, year: str = "2024"):
        (inputs / unit).mkdir(parents=True, exist_ok=True)
        (inputs / unit / f"{year}.yaml").write_text(text, encoding="utf-8")

    def run(**kw):
        lines = []
        code = build_all(inputs, outputs, pdf=kw.pop("pdf", False), progress=False, out=lines.append, **kw)
        return code, "\n".join(lines)

    return inputs, outputs, add, run


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_only_the_changed_unit_year_is_rebuilt(tree):
    inputs, outputs, add, run = tree
    add("xa-a")
    add("xa-b")
    assert run()[0] == 0
    before_a = {p: p.stat().st_mtime_ns for p in (outputs / "xa-a" / "2024").iterdir()}
    before_b = snapshot(outputs / "xa-b")
    add("xa-b", edit(EXAMPLE_TEXT, "Một số máy tính đã cũ", "Nhiều máy tính đã cũ"))
    code, text = run()
    assert code == 0
    assert "= không đổi  xa-a/2024" in text and "✓ đã lập     xa-b/2024" in text
    assert {p: p.stat().st_mtime_ns for p in (outputs / "xa-a" / "2024").iterdir()} == before_a
    assert snapshot(outputs / "xa-b") != before_b
    code, text = run()
    assert "Không có gì thay đổi: 2 hồ sơ" in text


def test_force_rebuild_is_byte_identical(tree):
    inputs, outputs, add, run = tree
    add("xa-a")
    run()
    first = snapshot(outputs / "xa-a")
    code, text = run(force=True)
    assert code == 0 and "✓ đã lập" in text
    assert snapshot(outputs / "xa-a") == first


def test_template_change_rebuilds(tree, monkeypatch, tmp_path):
    inputs, outputs, add, run = tree
    add("xa-a")
    run()
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    with open(templates / spec("mau-2").template, "ab") as fh:
        fh.write(b"\0")  # any change of content counts
    import pipeline.documents

    monkeypatch.setattr(pipeline.documents, "TEMPLATES_DIR", templates)
    code, text = run()
    assert "✓ đã lập     xa-a/2024" in text


def test_failure_mid_render_leaves_previous_dossier_whole(tree, monkeypatch):
    inputs, outputs, add, run = tree
    add("xa-a")
    run()
    before = snapshot(outputs)
    add("xa-a", edit(EXAMPLE_TEXT, "Một số máy tính đã cũ", "Nhiều máy tính đã cũ"))
    import pipeline.render.engine as render

    calls = {"n": 0}
    real = render.render_document

    def crash(*args, **kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the second form
        return real(*args, **kw)

    monkeypatch.setattr(render, "render_document", crash)
    with pytest.raises(KeyboardInterrupt):
        run(jobs=1)
    after = snapshot(outputs)
    assert {k: v for k, v in after.items() if not k.startswith(".manifest")} == \
           {k: v for k, v in before.items() if not k.startswith(".manifest")}
    assert not list(outputs.glob(".staging-*"))
    monkeypatch.setattr(render, "render_document", real)
    code, text = run()
    assert code == 0 and "✓ đã lập     xa-a/2024" in text  # the interrupted edit is picked up next time


def test_interrupted_swap_is_recovered(tree):
    inputs, outputs, add, run = tree
    add("xa-a")
    run()
    before = snapshot(outputs / "xa-a")
    # a run killed between its two renames: the old dossier sits in a staging folder's _old
    moved = outputs / ".staging-99999" / "_old" / "xa-a__2024"
    moved.parent.mkdir(parents=True)
    os.replace(outputs / "xa-a" / "2024", moved)
    code, text = run()
    assert code == 0 and snapshot(outputs / "xa-a") == before
    assert not (outputs / ".staging-99999").exists()


def test_a_run_killed_right_after_a_swap_never_leaves_a_record_vouching_for_other_content(tree, monkeypatch):
    """Killed between replacing a dossier and writing the record: going back to the earlier input must
    rebuild, not find the old fingerprint and keep the newer dossier."""
    inputs, outputs, add, run = tree
    add("xa-a")
    run()
    add("xa-a", edit(EXAMPLE_TEXT, "Một số máy tính đã cũ", "Nhiều máy tính đã cũ"))
    real = build_mod.swap_in

    def killed_after(*args):
        real(*args)
        raise KeyboardInterrupt

    monkeypatch.setattr(build_mod, "swap_in", killed_after)
    with pytest.raises(KeyboardInterrupt):
        run(jobs=1)
    monkeypatch.setattr(build_mod, "swap_in", real)
    add("xa-a")  # the officer takes the correction back
    code, text = run()
    assert code == 0 and "✓ đã lập     xa-a/2024" in text, text
    assert "Một số máy tính đã cũ" in _body_texts(outputs / "xa-a" / "2024")


def _body_texts(folder) -> str:
    import zipfile

    return "".join(zipfile.ZipFile(f).read("word/document.xml").decode("utf-8") for f in sorted(folder.glob("*.docx")))


def test_a_batch_writes_its_record_a_fixed_number_of_times(tree, monkeypatch):
    inputs, outputs, add, run = tree
    for k in range(6):
        add(f"xa-{k}")
    run()
    writes = []
    real = build_mod.write_manifest
    monkeypatch.setattr(build_mod, "write_manifest", lambda *a: (writes.append(1), real(*a)))
    for k in range(6):
        add(f"xa-{k}", edit(EXAMPLE_TEXT, "Một số máy tính đã cũ", f"Máy tính số {k} đã cũ"))
    code, text = run()
    assert code == 0 and text.count("✓ đã lập") == 6
    assert len(writes) <= 2  # once per dossier grew as n²: 6 s of a 1.000 unit-year batch


def test_one_failing_input_does_not_stop_the_others(tree):
    inputs, outputs, add, run = tree
    add("xa-a")
    add("xa-b", EVEN_TEAM)
    add("xa-c")
    code, text = run(jobs=2)
    assert code == 1
    assert "✓ đã lập     xa-a/2024" in text and "✓ đã lập     xa-c/2024" in text
    assert "✗ lỗi        xa-b/2024" in text and "số lẻ" in text
    assert (outputs / "xa-a" / "2024" / FORMS[0].template).exists()
    assert not (outputs / "xa-b").exists()
    assert "Tổng: 2 đã lập, 0 không đổi, 1 lỗi" in text


def test_a_broken_correction_keeps_the_good_dossier(tree):
    inputs, outputs, add, run = tree
    add("xa-a")
    run()
    before = snapshot(outputs / "xa-a")
    add("xa-a", EVEN_TEAM)
    assert run()[0] == 1
    assert snapshot(outputs / "xa-a") == before


def test_narrowing_and_bad_folder_names(tree):
    inputs, outputs, add, run = tree
    add("xa-a")
    add("xa-a", edit(EXAMPLE_TEXT, "year: 2024", "year: 2025").replace("date: ", "date: ").replace("/2024", "/2025").replace("2024-", "2025-"), year="2025")
    add("Xã Sai Tên")
    code, text = run(unit="xa-a", year=2024)
    assert code == 0 and "xa-a/2024" in text and "2025" not in text and "Sai" not in text
    code, text = run()
    assert "tên không hợp lệ" in text and code == 1
    assert build_all(inputs, outputs, unit="../../etc", out=lambda s: None, progress=False) == 2


def test_no_converter_still_builds_word_files(tree, monkeypatch):
    inputs, outputs, add, run = tree
    add("xa-a")
    monkeypatch.setenv("DVHT_NO_PDF", "1")
    code, text = run(pdf=True)
    assert code == 0 and text.count("Không tìm thấy công cụ chuyển PDF") == 1
    assert not list((outputs / "xa-a" / "2024").glob("*.pdf"))


def test_cli_dossier_exit_code_and_no_traceback(tmp_path):
    (tmp_path / "inputs" / "xa-b").mkdir(parents=True)
    (tmp_path / "inputs" / "xa-b" / "2024.yaml").write_text(EVEN_TEAM, encoding="utf-8")
    res = run_cli("dossier", str(tmp_path / "inputs"), "--outputs", str(tmp_path / "out"), "--no-pdf")
    assert res.returncode == 1 and "số lẻ" in res.stdout and "Traceback" not in res.stdout + res.stderr


# ---------------------------------------------------------------- PDFs (the session's one LibreOffice run)

@pytest.mark.libreoffice
def test_pdfs_exist_with_expected_pages_and_bookmarks(built):
    folder = built / "quang-phu" / "2024"
    pages = {f.key: len(PdfReader(str(folder / f"{f.stem}.pdf")).pages) for f in FORMS}
    assert pages["mau-1"] >= 13 and pages["mau-2"] == 1 and pages["mau-3"] >= 5 and pages["to-trinh"] >= 1
    merged = PdfReader(str(folder / MERGED))
    assert len(merged.pages) == sum(pages.values())
    # the order the receiving office reads: Tờ trình, Mẫu 3, Mẫu 2, then the working papers
    order = ["to-trinh", "mau-3", "mau-2", "quyet-dinh", "mau-1", "minh-chung"]
    assert [f.key for f in FORMS] == order
    assert [o.title for o in merged.outline] == [spec(k).title for k in order]
    starts = [sum(pages[k] for k in order[:i]) for i in range(len(order))]
    assert [merged.get_destination_page_number(o) for o in merged.outline] == starts


@pytest.mark.libreoffice
def test_pdf_text_keeps_vietnamese_diacritics(built):
    folder = built / "quang-phu" / "2024"
    text = pdf_text(folder / MERGED)
    for needle in ("PHIẾU ĐÁNH GIÁ CHỈ TIÊU", "BẢNG TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ", "BÁO CÁO TỰ ĐÁNH GIÁ",
                   "Quảng Phú, ngày 08 tháng 01 năm 2025", "Nguyễn Quốc Việt", "Đạt Mức độ 2", "Không áp dụng",
                   "TỜ TRÌNH", "QUYẾT ĐỊNH", "DANH MỤC MINH CHỨNG"):
        assert needle in text, needle
    mau1 = pdf_text(folder / "mau-1-phieu-danh-gia-chi-tieu.pdf")
    assert mau1.count("PHIẾU ĐÁNH GIÁ CHỈ TIÊU") == 13


# ---------------------------------------------------------------- the library returns data; only the CLI prints

SIGNER_WARNED = edit(EXAMPLE_TEXT, "  recipients:                               # Nơi nhận báo cáo",
                     "  signer: {name: Hoàng Văn Minh, title: Chủ tịch}\n  recipients:                               # Nơi nhận báo cáo")


def test_build_returns_structured_outcomes_and_prints_nothing(tree, capsys):
    from pipeline.build.run import build
    from pipeline.core.problems import Problem

    inputs, outputs, add, _ = tree
    add("xa-a", SIGNER_WARNED)
    result = build(inputs, outputs, pdf=False)
    assert capsys.readouterr() == ("", "")
    [o] = result.outcomes
    assert result.ok and result.stop is None and o.status == "built" and o.level == "Đạt Mức độ 1"
    [warned] = [p for p in o.problems if p.field == "report.signer.name"]
    assert isinstance(warned, Problem) and warned.warning and warned.file.endswith("xa-a/2024.yaml")
    assert warned.line == SIGNER_WARNED.splitlines().index("  signer: {name: Hoàng Văn Minh, title: Chủ tịch}") + 1


def test_the_record_keeps_warnings_as_data_and_an_unchanged_run_reports_them_again(tree):
    import json

    from pipeline.build.run import build

    inputs, outputs, add, run = tree
    add("xa-a", SIGNER_WARNED)
    first = build(inputs, outputs, pdf=False).outcomes[0]
    entry = json.loads((outputs / ".manifest.json").read_text(encoding="utf-8"))["xa-a/2024"]
    [kept] = [w for w in entry["warnings"] if w["field"] == "report.signer.name"]
    assert set(kept) == {"file", "line", "field", "message", "warning"} and kept["warning"] is True
    assert not any(str(v).startswith(("⚠", "✗")) for w in entry["warnings"] for v in w.values())
    again = build(inputs, outputs, pdf=False).outcomes[0]
    assert again.status == "unchanged" and again.problems == first.problems
    code, text = run()
    line = next(x for x in text.splitlines() if "report.signer.name" in x)
    assert code == 0 and line.startswith("    ⚠ ") and "⚠ ⚠" not in line


def test_a_record_an_older_version_wrote_as_text_is_still_reported(tree):
    import json

    inputs, outputs, add, run = tree
    add("xa-a", SIGNER_WARNED)
    run()
    path = outputs / ".manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["xa-a/2024"]["warnings"] = ["⚠ inputs/xa-a/2024.yaml:9: report.signer.name: người ký khác Tổ trưởng"]
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    code, text = run()
    assert code == 0 and "= không đổi" in text
    assert "    ⚠ inputs/xa-a/2024.yaml:9: report.signer.name: người ký khác Tổ trưởng" in text.splitlines()


def test_a_build_that_cannot_start_says_why_as_data(tree, tmp_path):
    from pipeline.build.run import build
    from pipeline.cli.dossier import exit_code, lines

    inputs, outputs, add, _ = tree
    bad = build(inputs, outputs, unit="../../etc")
    assert bad.stop.kind == "usage" and exit_code(bad) == 2 and lines(bad)[0].startswith("✗ tên đơn vị")
    inputs.mkdir()
    none = build(inputs, outputs)
    assert none.stop.kind == "nothing" and exit_code(none) == 1 and lines(none)[0].startswith("Không có tệp đầu vào")
    add("xa-a")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    blocked = build(inputs, tmp_path / "file", pdf=False)
    assert blocked.stop.kind == "outputs" and exit_code(blocked) == 1 and not blocked.outcomes


def test_every_exception_the_library_raises_on_purpose_shares_one_base():
    from pipeline.build.outputs import BuildLocked
    from pipeline.build.records import RecordError
    from pipeline.commands.new_unit import Refused, UnknownKind
    from pipeline.commands.new_year import NoEarlierYear
    from pipeline.convert.pdf import ConversionError
    from pipeline.core.problems import InputError, PipelineError
    from pipeline.render.engine import TemplateError
    from pipeline.render.templates import TemplateFileError
    from pipeline.sources.excel import SheetError
    from pipeline.sources.files import DecodeError, SourceError

    for cls in (BuildLocked, RecordError, Refused, UnknownKind, NoEarlierYear, ConversionError, InputError, TemplateError,
                TemplateFileError, SheetError, DecodeError, SourceError):
        assert issubclass(cls, PipelineError), cls


def test_the_cli_answers_a_refusal_no_command_caught_in_words(monkeypatch, capsys):
    from pipeline.cli import app
    from pipeline.core.problems import PipelineError

    def refuse(args):
        raise PipelineError("không làm được việc này")

    monkeypatch.setattr(app, "cmd_kinds", refuse)
    assert app.main(["kinds"]) == 1
    assert "✗ không làm được việc này" in capsys.readouterr().err


def test_one_naming_rule_for_years_whatever_the_digits(tree):
    """“２０２４.yaml” (full-width digits) and “2024.yaml\\n” are not year files for any command: the build makes one
    dossier, history and validate name the same years (ASCII digits, a whole-name match)."""
    from pipeline.sources.files import YEAR, year_files, year_of

    inputs, outputs, add, run = tree
    add("xa-a")
    (inputs / "xa-a" / "２０２４.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    (inputs / "xa-a" / "2023.yaml\n").write_text(EXAMPLE_TEXT, encoding="utf-8")
    assert year_of("２０２４.yaml") is None and year_of("2023.yaml\n") is None and not YEAR.match("2024\n")
    assert sorted(year_files(inputs / "xa-a")) == [2024]
    code, text = run()
    assert sorted(p.name for p in (outputs / "xa-a").iterdir()) == ["2024"]
    assert "２０２４" in text and "tên không hợp lệ" in text and code == 1
    res = run_cli("history", "xa-a", "--inputs", str(inputs))
    assert "có cả" not in res.stdout + res.stderr
    res = run_cli("validate", str(inputs / "xa-a"))
    assert "phải nằm trong thư mục của đơn vị" not in res.stdout + res.stderr
    assert "xa-a/2024.yaml: hợp lệ" in res.stdout + res.stderr
