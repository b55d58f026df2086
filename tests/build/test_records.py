"""Records and files read besides the input are checked like an input: `ket-qua.json` and `.manifest.json`
as a FIFO, a link to /dev/zero or out of the tree, too big, or of another shape are treated as absent with
a note — never a hang, a crash, or their content shown; a year file linked out of `inputs/` is never read
by `new-year` or `history`; a hostile workbook is refused in words by `staff import`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLE_TEXT, ROOT
from pipeline.cli import app as cli
from pipeline.cli.dossier import build_all

SECRET = "MAT-KHAU-123"


@pytest.fixture
def built_once(tmp_path):
    inputs = tmp_path / "inputs"
    (inputs / "quang-phu").mkdir(parents=True)
    (inputs / "quang-phu" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    outputs = tmp_path / "outputs"
    assert build_all(inputs, outputs, pdf=False, progress=False, out=lambda *_: None) == 0
    return inputs, outputs


def _record_with_secret(path: Path) -> None:
    record = json.loads((path).read_text(encoding="utf-8"))
    record["indicators"]["2.2"]["figures"] = [SECRET]
    record["unit_level"] = SECRET
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def _rebuild(inputs: Path, outputs: Path) -> tuple[int, str]:
    lines: list[str] = []
    code = build_all(inputs, outputs, pdf=False, progress=False, force=True, out=lines.append)
    return code, "\n".join(lines)


@pytest.mark.parametrize("kind", ["outside-link", "dev-zero", "wrong-shape", "secret-in-tree", "too-big", "folder",
                                  "not-json", "deep-json"])
def test_a_bad_result_record_is_absent_with_a_note_and_never_echoed(kind, built_once, tmp_path):
    inputs, outputs = built_once
    record = outputs / "quang-phu" / "2024" / "ket-qua.json"
    if kind == "outside-link":
        outside = tmp_path / "mat-khau.json"
        outside.write_text(record.read_text(encoding="utf-8"), encoding="utf-8")
        _record_with_secret(outside)
        record.unlink()
        record.symlink_to(outside)
    elif kind == "dev-zero":
        record.unlink()
        record.symlink_to("/dev/zero")
    elif kind == "wrong-shape":
        record.write_text('{"indicators": [1, 2], "criteria": "x"}', encoding="utf-8")
    elif kind == "secret-in-tree":
        _record_with_secret(record)
    elif kind == "too-big":
        record.write_text('{"x": "' + "a" * (2 * 1024 * 1024) + '"}', encoding="utf-8")
    elif kind == "folder":
        record.unlink()
        record.mkdir()
    elif kind == "not-json":
        record.write_bytes(b"\xff\xfe" + SECRET.encode())
    else:
        record.write_text("[" * 100000 + "]" * 100000, encoding="utf-8")
    code, text = _rebuild(inputs, outputs)
    assert code == 0, text
    assert SECRET not in text and "↻" not in text
    assert "bỏ qua bản ghi kết quả cũ" in text and "ket-qua.json" in text
    assert _lock_free(outputs)
    fresh = json.loads((outputs / "quang-phu" / "2024" / "ket-qua.json").read_text(encoding="utf-8"))
    assert fresh["indicators"]["2.2"]["figures"]  # the new dossier has its own record again


def test_a_fifo_as_the_result_record_does_not_hang_the_build(built_once):
    inputs, outputs = built_once
    record = outputs / "quang-phu" / "2024" / "ket-qua.json"
    record.unlink()
    os.mkfifo(record)
    env = {**os.environ, "DVHT_NO_PDF": "1"}
    # the timeout only guards the suite against the bug coming back: the run itself takes seconds
    run = subprocess.run([sys.executable, "-m", "pipeline", "dossier", str(inputs), "--outputs", str(outputs), "--force"],
                         cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "bỏ qua bản ghi kết quả cũ" in run.stdout and _lock_free(outputs)


@pytest.mark.parametrize("kind", ["outside-link", "fifo", "wrong-shape", "dev-zero"])
def test_a_bad_manifest_means_rebuild_with_a_note_never_its_content(kind, built_once, tmp_path):
    inputs, outputs = built_once
    manifest = outputs / ".manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["quang-phu/2024"]["warnings"] = [SECRET]
    manifest.unlink()
    if kind == "outside-link":
        outside = tmp_path / "manifest.json"
        outside.write_text(json.dumps(data), encoding="utf-8")
        manifest.symlink_to(outside)
    elif kind == "fifo":
        os.mkfifo(manifest)
    elif kind == "dev-zero":
        manifest.symlink_to("/dev/zero")
    else:
        data["quang-phu/2024"]["fingerprint"] = 42
        manifest.write_text(json.dumps(data), encoding="utf-8")
    lines: list[str] = []
    code = build_all(inputs, outputs, pdf=False, progress=False, out=lines.append)
    text = "\n".join(lines)
    assert code == 0 and SECRET not in text and "✓ đã lập" in text, text
    assert ".manifest.json" in text  # the note names the record
    assert json.loads(manifest.read_text(encoding="utf-8"))["quang-phu/2024"]["warnings"] == []


def test_links_planted_under_outputs_are_never_written_through(built_once, tmp_path):
    inputs, outputs = built_once
    victim = tmp_path / "victim.txt"
    victim.write_text("giữ nguyên", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (outputs / ".manifest.json.tmp").symlink_to(victim)  # the record's old temporary name
    (outputs / ".staging-999999").symlink_to(elsewhere)  # a staging folder as a link
    code, text = _rebuild(inputs, outputs)
    assert code == 0, text
    assert victim.read_text(encoding="utf-8") == "giữ nguyên" and list(elsewhere.iterdir()) == []
    assert not (outputs / ".staging-999999").exists()
    assert json.loads((outputs / ".manifest.json").read_text(encoding="utf-8"))["quang-phu/2024"]["fingerprint"]


def test_pdfs_are_carried_only_as_regular_files(tmp_path):
    from pipeline.build.pdfs import carry_pdfs as _carry_pdfs

    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    (old / "mau-2-bang-tong-hop.pdf").symlink_to(secret)
    (old / "to-trinh-de-nghi-cong-nhan.pdf").write_bytes(b"%PDF-1.4 ok")
    assert _carry_pdfs(old, new)
    assert sorted(p.name for p in new.iterdir()) == ["to-trinh-de-nghi-cong-nhan.pdf"]


# ---------------------------------------------------------------- year files linked out of inputs/

@pytest.fixture
def linked_year(tmp_path):
    inputs = tmp_path / "inputs"
    (inputs / "quang-phu").mkdir(parents=True)
    outside = tmp_path / "ngoai.yaml"
    outside.write_text(EXAMPLE_TEXT.replace("UBND xã Quảng Phú", SECRET) + f"\nthua: {SECRET}\n", encoding="utf-8")
    (inputs / "quang-phu" / "2024.yaml").symlink_to(outside)
    return inputs


def test_new_year_never_reads_a_year_linked_out_of_inputs(linked_year, capsys):
    assert cli.main(["new-year", "quang-phu", "2025", "--inputs", str(linked_year)]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert SECRET not in text and "liên kết trỏ ra ngoài" in text and "2024.yaml" in text
    assert not (linked_year / "quang-phu" / "2025.yaml").exists()


def test_history_never_reads_a_year_linked_out_of_inputs(linked_year, capsys):
    code = cli.main(["history", "quang-phu", "--inputs", str(linked_year)])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 0 and SECRET not in text and "liên kết trỏ ra ngoài" in text


# ---------------------------------------------------------------- the staff workbook's XML

def _workbook(tmp_path: Path, payload) -> Path:
    from pipeline.sources.excel import export_staff

    clean = tmp_path / "sach.xlsx"
    export_staff([{"name": "Nguyễn Văn A", "position": "Chủ tịch"}], clean)
    with zipfile.ZipFile(clean) as z:
        items = {n: z.read(n) for n in z.namelist()}
    name, blob = payload(items)
    items[name] = blob
    bad = tmp_path / "doc.xlsx"
    with zipfile.ZipFile(bad, "w") as z:
        for n, b in items.items():
            z.writestr(n, b)
    return bad


def _sheet(entities: str, use: str):
    def payload(items):
        xml = items["xl/worksheets/sheet1.xml"].split(b"?>", 1)[-1]
        xml = xml.replace(b"<sheetData>", b"<sheetData>" + use.encode(), 1) if use else xml
        return "xl/worksheets/sheet1.xml", b'<?xml version="1.0"?><!DOCTYPE worksheet [' + entities.encode() + b"]>" + xml
    return payload


LAUGHS = ('<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
          '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">')


@pytest.mark.parametrize("payload", [
    _sheet('<!ENTITY x SYSTEM "file:///etc/passwd">', "&x;"),
    _sheet(LAUGHS, "&e;"),
    lambda items: ("xl/workbook.xml", b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
                   + items["xl/workbook.xml"].split(b"?>", 1)[-1]),
    lambda items: ("xl/sharedStrings.xml", b'<!DOCTYPE s [<!ENTITY x SYSTEM "http://127.0.0.1:9/">]><sst/>'),
], ids=["xxe-sheet", "billion-laughs", "xxe-workbook", "xxe-shared-strings"])
def test_staff_import_refuses_hostile_workbook_xml_in_words(payload, tmp_path, capsys):
    bad = _workbook(tmp_path, payload)
    target = tmp_path / "2024.yaml"
    target.write_text(EXAMPLE_TEXT, encoding="utf-8")
    assert cli.main(["staff", "import", str(bad), str(target)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and "DTD" in err and "ParseError" not in err and "root:" not in err
    assert target.read_text(encoding="utf-8") == EXAMPLE_TEXT


def _lock_free(outputs) -> bool:
    """The run left no lock held (the lock file itself stays: what counts is the OS lock on it)."""
    from filelock import FileLock, Timeout

    try:
        FileLock(str(outputs / ".lock")).acquire(timeout=0).lock.release()
    except Timeout:
        return False
    return True


def test_a_dossier_with_more_warnings_than_the_record_keeps_is_unchanged_the_next_time(tmp_path):
    """The record keeps the first 1.000 warnings and the count of all: a dossier with more is not rebuilt each run."""
    import json

    from conftest import EXAMPLE_TEXT, edit
    from pipeline.build.run import build

    dates = " ".join(f"{d:02d}/{m:02d}/2023" for m in range(1, 13) for d in range(1, 29)) * 4  # 1.344 dates of 2023
    text = edit(EXAMPLE_TEXT, "    Xã Quảng Phú nằm ở phía Nam", f"    Các văn bản {dates}. Xã Quảng Phú nằm ở phía Nam")
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    (inputs / "xa-a").mkdir(parents=True)
    (inputs / "xa-a" / "2024.yaml").write_text(text, encoding="utf-8")
    first = build(inputs, outputs, pdf=False)
    [o] = first.outcomes
    assert o.status == "built" and o.warnings > 1000, (o.status, o.warnings, [str(p) for p in o.problems[:3]])
    entry = json.loads((outputs / ".manifest.json").read_text(encoding="utf-8"))["xa-a/2024"]
    assert len(entry["warnings"]) == 1000 and entry["warning_count"] == o.warnings
    again = build(inputs, outputs, pdf=False)
    [u] = again.outcomes
    assert u.status == "unchanged" and u.warnings == o.warnings and not again.notes
    assert u.notes == [f"và {o.warnings - 1000} cảnh báo khác (chạy validate để xem hết)"]
