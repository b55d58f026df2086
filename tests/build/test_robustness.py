"""Nothing a file system, a crashed run or a second run can do stops the batch, crashes, or loses a
PDF: odd files among the inputs, damaged lock and manifest, no permission, disk full, a .docx held
open by Word, LibreOffice shared between runs, converters that hang or write garbage."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfWriter

from conftest import EXAMPLE_TEXT, ROOT, edit, run_cli
from pipeline.build import pdfs as build_pdfs, run as build_mod
from pipeline.build.pdfs import MERGED
from pipeline.cli.dossier import build_all
from pipeline.documents import DOCUMENTS


@pytest.fixture
def project(tmp_path):
    inputs = tmp_path / "inputs"
    (inputs / "quang-phu").mkdir(parents=True)
    (inputs / "quang-phu" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    return tmp_path


def dossier(project, *extra, timeout=120):
    return run_cli("dossier", str(project / "inputs"), "--outputs", str(project / "outputs"), "--quiet", *extra)


def lines_for(output: str, key: str) -> str:
    return "\n".join(line for line in output.splitlines() if key in line)


# ---------------------------------------------------------------- one input never stops the batch

def test_odd_files_each_get_their_line_and_the_good_one_is_built(project, tmp_path):
    inputs = project / "inputs"
    secret = tmp_path / "bi-mat.yaml"
    secret.write_text("mat_khau: KHONG-DUOC-IN-RA\n", encoding="utf-8")
    for unit in ("lien-ket-hong", "thu-muc", "ong-dan", "thiet-bi", "ra-ngoai", "qua-lon"):
        (inputs / unit).mkdir()
    (inputs / "lien-ket-hong" / "2024.yaml").symlink_to(tmp_path / "khong-co.yaml")
    (inputs / "thu-muc" / "2024.yaml").mkdir()
    os.mkfifo(inputs / "ong-dan" / "2024.yaml")
    (inputs / "thiet-bi" / "2024.yaml").symlink_to("/dev/zero")
    (inputs / "ra-ngoai" / "2024.yaml").symlink_to(secret)
    with open(inputs / "qua-lon" / "2024.yaml", "wb") as fh:
        fh.truncate(3 * 1024 * 1024)
    for command in (["dossier", str(inputs), "--outputs", str(project / "outputs"), "--no-pdf"], ["validate", str(inputs)]):
        res = subprocess.run([sys.executable, "-m", "pipeline", *command], cwd=ROOT, capture_output=True, text=True,
                             encoding="utf-8", timeout=60)  # a FIFO or /dev/zero must not hang the run
        output = res.stdout + res.stderr
        assert res.returncode == 1 and "Traceback" not in output and "Lỗi không mong đợi" not in output, output
        assert "liên kết hỏng" in lines_for(output, "lien-ket-hong")
        assert "là thư mục" in lines_for(output, "thu-muc")
        assert "không phải tệp thường" in lines_for(output, "ong-dan")
        assert "trỏ ra ngoài" in lines_for(output, "thiet-bi") and "trỏ ra ngoài" in lines_for(output, "ra-ngoai")
        assert "quá lớn" in lines_for(output, "qua-lon")
        assert "KHONG-DUOC-IN-RA" not in output
    assert "✓ đã lập     quang-phu/2024" in res.stdout or (project / "outputs" / "quang-phu" / "2024").is_dir()


def test_ambiguous_and_skipped_file_names(project):
    folder = project / "inputs" / "quang-phu"
    (folder / "2024.yml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    (folder / "2025.YAML").write_text(EXAMPLE_TEXT, encoding="utf-8")
    (folder / "2023.yaml.txt").write_text(EXAMPLE_TEXT, encoding="utf-8")
    for extra in ((), ("--force",)):
        res = dossier(project, "--no-pdf", *extra)
        assert res.returncode == 1 and "Traceback" not in res.stdout + res.stderr
        assert "có cả 2024.yaml và 2024.yml cho cùng một năm" in res.stdout
        assert "2025.YAML: đuôi tệp phải viết thường (đổi tên thành 2025.yaml)" in res.stdout
        assert "2023.yaml.txt: tên tệp có đuôi thừa" in res.stdout and "đổi tên thành 2023.yaml" in res.stdout
        assert not (project / "outputs" / "quang-phu" / "2024").exists()  # never one, then the other


# ---------------------------------------------------------------- damaged lock and manifest recover by themselves

@pytest.mark.parametrize("damage", ["folder", "link", "", "-1", "99999999999999999999", "abc", "0", "1"])
def test_damaged_lock_is_taken_over(project, damage, tmp_path):
    """Whatever a lock file holds (an older version's pid, nothing, bytes), no live process has it locked: taken."""
    outputs = project / "outputs"
    outputs.mkdir()
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("không được đụng tới")
    if damage == "folder":
        (outputs / ".lock").mkdir()
    elif damage == "link":
        (outputs / ".lock").symlink_to(elsewhere)
    else:
        (outputs / ".lock").write_text(damage)
    res = dossier(project, "--no-pdf")
    assert res.returncode == 0 and "✓ đã lập" in res.stdout, res.stdout + res.stderr
    assert elsewhere.read_text() == "không được đụng tới"  # a link's target is never opened
    assert not (outputs / ".lock").is_symlink() and not (outputs / ".lock").is_dir()
    assert dossier(project, "--no-pdf").returncode == 0  # and the lock was given back


@pytest.mark.parametrize("damage", ["folder", "-1", "[1, 2]", '{"quang-phu/2024": 5}', '{"quang-phu/2024": {"fingerprint": 7}}', "\x00\xff"])
def test_damaged_manifest_means_rebuild(project, damage):
    outputs = project / "outputs"
    assert dossier(project, "--no-pdf").returncode == 0
    manifest = outputs / ".manifest.json"
    manifest.unlink()
    if damage == "folder":
        manifest.mkdir()
        (manifest / "x").write_text("y")
    else:
        manifest.write_bytes(damage.encode("utf-8", "surrogateescape") if damage != "\x00\xff" else b"\x00\xff")
    res = dossier(project, "--no-pdf")
    assert res.returncode == 0 and "✓ đã lập" in res.stdout, res.stdout + res.stderr
    res = dossier(project, "--no-pdf")
    assert res.returncode == 0 and "= không đổi" in res.stdout  # recovered: the next run is a no-op


# ---------------------------------------------------------------- operating-system failures

def _python_for_nobody(home: Path) -> tuple[str, dict]:
    """A Python of this version that the unprivileged user may execute, with this checkout's packages
    (the venv's interpreter may live under /root, which that user cannot enter)."""
    import site
    import sysconfig

    env = {**os.environ, "HOME": str(home), "PYTHONPATH": os.pathsep.join([str(ROOT), sysconfig.get_paths()["purelib"],
                                                                        *site.getsitepackages()])}
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (sys.executable, shutil.which(version, path="/usr/local/bin:/usr/bin:/bin") or ""):
        if not candidate:
            continue
        try:
            probe = subprocess.run([candidate, "-c", "import pipeline, pydantic, docxtpl"], cwd=ROOT, user=65534,
                                   capture_output=True, env=env)
        except PermissionError:
            continue
        if probe.returncode == 0:
            return candidate, env
    pytest.skip("no Python the unprivileged user may run with this checkout's packages")


def test_read_only_outputs_as_a_normal_user():
    if os.geteuid() != 0:
        pytest.skip("needs root to run the pipeline as another user (CI runs as root)")
    base = Path(tempfile.mkdtemp(prefix="dvht-ro-"))
    try:
        os.chmod(base, 0o755)
        (base / "inputs" / "quang-phu").mkdir(parents=True)
        (base / "inputs" / "quang-phu" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
        for p in (base / "inputs", base / "inputs" / "quang-phu"):
            os.chmod(p, 0o755)
        (base / "outputs").mkdir()
        os.chmod(base / "outputs", 0o555)
        python, env = _python_for_nobody(base)
        res = subprocess.run([python, "-m", "pipeline", "dossier", str(base / "inputs"), "--outputs", str(base / "outputs"),
                              "--no-pdf"], cwd=ROOT, user=65534, capture_output=True, text=True, encoding="utf-8", env=env)
        output = res.stdout + res.stderr
        assert res.returncode == 1 and "Traceback" not in output and "Lỗi không mong đợi" not in output, output
        assert "không có quyền" in output
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_disk_full_is_a_message_and_the_earlier_dossier_stays(project, monkeypatch):
    lines: list[str] = []
    assert build_all(project / "inputs", project / "outputs", pdf=False, progress=False, out=lines.append) == 0
    before = sorted(p.name for p in (project / "outputs" / "quang-phu" / "2024").iterdir())

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(project / "outputs" / ".staging"))

    monkeypatch.setattr(build_mod, "stage_all", full)
    lines.clear()
    assert build_all(project / "inputs", project / "outputs", pdf=False, force=True, progress=False, out=lines.append) == 1
    assert any("ổ đĩa đầy" in line for line in lines)
    assert sorted(p.name for p in (project / "outputs" / "quang-phu" / "2024").iterdir()) == before


def test_a_docx_open_in_word_is_named(project, monkeypatch):
    lines: list[str] = []
    assert build_all(project / "inputs", project / "outputs", pdf=False, progress=False, out=lines.append) == 0
    held = project / "outputs" / "quang-phu" / "2024" / DOCUMENTS[1].template

    def locked(staged, final, trash):
        exc = PermissionError(13, "The process cannot access the file because it is being used by another process", str(held))
        exc.winerror = 32
        raise exc

    monkeypatch.setattr(build_mod, "swap_in", locked)
    lines.clear()
    assert build_all(project / "inputs", project / "outputs", pdf=False, force=True, progress=False, out=lines.append) == 1
    text = "\n".join(lines)
    assert "đang mở trong Word" in text and "đóng tệp đó rồi chạy lại" in text and "hồ sơ cũ giữ nguyên" in text
    assert held.exists()


def _windows_rename_refused(monkeypatch, folder: Path, calls: list | None = None, times: int = 10**6):
    """os.replace as Windows answers it for a folder with an open file inside: PermissionError, WinError 5,
    naming the folder (not the file)."""
    import pipeline.build.outputs as outputs_mod

    real = os.replace
    left = [times]

    def replace(src, dst, *a, **k):
        if Path(src) == folder and left[0] > 0:
            left[0] -= 1
            if calls is not None:
                calls.append(src)
            exc = PermissionError(13, "Access is denied", str(src), None, str(dst))
            exc.winerror = 5
            raise exc
        return real(src, dst, *a, **k)

    monkeypatch.setattr(outputs_mod.os, "replace", replace)


def _built(project) -> Path:
    lines: list[str] = []
    assert build_all(project / "inputs", project / "outputs", pdf=False, progress=False, out=lines.append) == 0
    return project / "outputs" / "quang-phu" / "2024"


def _rebuild(project) -> tuple[int, str]:
    lines: list[str] = []
    code = build_all(project / "inputs", project / "outputs", pdf=False, force=True, progress=False, out=lines.append)
    return code, "\n".join(lines)


@pytest.mark.parametrize("owner, opened", [
    ("~$u-3-bao-cao-tu-danh-gia.docx", "mau-3-bao-cao-tu-danh-gia.docx"),  # Word, a long name: its first two letters replaced
    (".~lock.to-trinh-de-nghi-cong-nhan.docx#", "to-trinh-de-nghi-cong-nhan.docx"),  # LibreOffice
])
def test_a_docx_open_during_a_rebuild_is_named_from_the_folder_rename(project, monkeypatch, owner, opened):
    """The rebuild renames the unit-year folder; Windows refuses it (naming the folder) while Word has a file
    of it open. The message names the open file, not a permission problem, and the old dossier stays whole."""
    folder = _built(project)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    (folder / owner).write_bytes(b"owner")
    _windows_rename_refused(monkeypatch, folder)
    code, text = _rebuild(project)
    assert code == 1
    assert f"tệp {folder / opened} đang mở trong Word" in text and "đóng tệp đó rồi chạy lại" in text, text
    assert "hồ sơ cũ giữ nguyên" in text and "kiểm tra quyền" not in text
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.name != owner} == before
    assert not list((project / "outputs").glob(".staging-*"))
    monkeypatch.undo()
    (folder / owner).unlink()
    assert _rebuild(project)[0] == 0  # closed: the next run goes through


def test_on_windows_the_open_files_are_found_by_trying_them(project, monkeypatch):
    import pipeline.build.outputs as outputs_mod

    folder = _built(project)
    monkeypatch.setattr(outputs_mod, "_windows", lambda: True)
    monkeypatch.setattr(outputs_mod, "time", type("T", (), {"sleep": staticmethod(lambda s: None)}))
    held = {"mau-2-bang-tong-hop.docx", "quyet-dinh-thanh-lap-to.docx"}
    monkeypatch.setattr(outputs_mod, "_in_use", lambda p: p.name in held)
    calls: list = []
    _windows_rename_refused(monkeypatch, folder, calls)
    code, text = _rebuild(project)
    assert code == 1 and len(calls) == outputs_mod.RENAME_TRIES  # tried again: a scanner lets go in a moment
    assert f"các tệp {folder / 'mau-2-bang-tong-hop.docx'}, {folder / 'quyet-dinh-thanh-lap-to.docx'} đang mở trong Word" in text
    assert "đóng các tệp đó rồi chạy lại" in text

    monkeypatch.setattr(outputs_mod, "_in_use", lambda p: False)  # nothing to name: still the likely cause, in words
    code, text = _rebuild(project)
    assert code == 1 and f"một tệp trong thư mục {folder} đang mở" in text and "kiểm tra quyền" not in text


def test_on_windows_a_file_held_for_a_moment_does_not_fail_the_rebuild(project, monkeypatch):
    import pipeline.build.outputs as outputs_mod

    folder = _built(project)
    monkeypatch.setattr(outputs_mod, "_windows", lambda: True)
    monkeypatch.setattr(outputs_mod, "time", type("T", (), {"sleep": staticmethod(lambda s: None)}))
    calls: list = []
    _windows_rename_refused(monkeypatch, folder, calls, times=2)
    code, text = _rebuild(project)
    assert code == 0 and len(calls) == 2, text


def test_a_real_permission_problem_elsewhere_is_still_one(project, monkeypatch):
    folder = _built(project)
    _windows_rename_refused(monkeypatch, folder)  # no owner file, not Windows: permissions, as before
    code, text = _rebuild(project)
    assert code == 1 and "không có quyền ghi hoặc đọc" in text and "đang mở" not in text


@pytest.mark.parametrize("owner, name, owns", [
    ("~$u-3-bao-cao-tu-danh-gia.docx", "mau-3-bao-cao-tu-danh-gia.docx", True),
    ("~$abc.docx", "abc.docx", True),
    ("~$bcdefg.docx", "abcdefg.docx", True),
    ("~$u-3-bao-cao-tu-danh-gia.docx", "mau-2-bang-tong-hop.docx", False),
    ("~$u-3-bao-cao-tu-danh-gia.docx", "u-3-bao-cao-tu-danh-gia.docx.pdf", False),
    (".~lock.mau-2-bang-tong-hop.docx#", "mau-2-bang-tong-hop.docx", True),
    (".~lock.mau-2-bang-tong-hop.docx#", "mau-2-bang-tong-hop.pdf", False),
])
def test_owner_files_name_their_document(owner, name, owns):
    from pipeline.build.outputs import _owns

    assert _owns(owner, name) is owns


# ---------------------------------------------------------------- PDFs are never lost

def _fake_pdfs(sources, outdir):
    outdir.mkdir(parents=True, exist_ok=True)
    for src in sources:
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        with open(outdir / (src.stem + ".pdf"), "wb") as fh:
            writer.write(fh)
    return [outdir / (s.stem + ".pdf") for s in sources]


def test_a_run_without_converter_keeps_good_pdfs_and_drops_stale_ones(project, monkeypatch):
    import pipeline.convert.pdf as convert

    monkeypatch.setattr(convert, "converter_name", lambda: "libreoffice")
    monkeypatch.setattr(convert, "to_pdf", _fake_pdfs)
    folder = project / "outputs" / "quang-phu" / "2024"
    run = lambda **kw: build_all(project / "inputs", project / "outputs", progress=False, out=lines.append, **kw)  # noqa: E731
    lines: list[str] = []
    assert run() == 0 and (folder / MERGED).exists()
    pdfs = sorted(p.name for p in folder.glob("*.pdf"))
    assert len(pdfs) == len(DOCUMENTS) + 1

    monkeypatch.setattr(convert, "converter_name", lambda: None)  # LibreOffice uninstalled, or --no-pdf
    for kw in ({}, {"pdf": False}):
        lines.clear()
        assert run(**kw) == 0 and any("= không đổi" in line for line in lines), lines
        assert sorted(p.name for p in folder.glob("*.pdf")) == pdfs
    lines.clear()
    assert run(force=True) == 0  # rebuilt, same content: its PDFs are still good and kept
    assert sorted(p.name for p in folder.glob("*.pdf")) == pdfs
    (project / "inputs" / "quang-phu" / "2024.yaml").write_text(
        edit(EXAMPLE_TEXT, "Một số máy tính đã cũ", "Nhiều máy tính đã cũ"), encoding="utf-8")
    lines.clear()
    assert run() == 0
    assert not list(folder.glob("*.pdf")) and any("PDF cũ không còn khớp" in line for line in lines)
    monkeypatch.setattr(convert, "converter_name", lambda: "libreoffice")  # a converter again: PDFs are made
    lines.clear()
    assert run() == 0 and any("✓ đã lập" in line for line in lines) and (folder / MERGED).exists()


def test_many_dossiers_merged_over_the_cores_each_from_its_own_parts(project, monkeypatch):
    """Nine unit-years (enough for the merges to spread over worker processes): each merged PDF holds its
    own documents' pages in reading order, one bookmark per document."""
    from pypdf import PdfReader

    import pipeline.convert.pdf as convert

    widths = {}

    def marked(sources, outdir):  # each PDF a page whose width says which file it came from
        outdir.mkdir(parents=True, exist_ok=True)
        for i, src in enumerate(sources):
            writer = PdfWriter()
            widths[src.stem] = 400 + i
            writer.add_blank_page(width=400 + i, height=842)
            with open(outdir / (src.stem + ".pdf"), "wb") as fh:
                writer.write(fh)
        return [outdir / (s.stem + ".pdf") for s in sources]

    monkeypatch.setattr(convert, "converter_name", lambda: "libreoffice")
    monkeypatch.setattr(convert, "to_pdf", marked)
    monkeypatch.setattr(build_pdfs, "MERGES_PER_WORKER", 2)
    for k in range(8):
        (project / "inputs" / f"xa-{k}").mkdir()
        (project / "inputs" / f"xa-{k}" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    lines: list[str] = []
    assert build_all(project / "inputs", project / "outputs", progress=False, out=lines.append, jobs=2) == 0, lines
    merged = sorted((project / "outputs").glob("*/2024/" + MERGED))
    assert len(merged) == 9
    for path in merged:
        reader = PdfReader(str(path))
        unit = path.parent.parent.name
        documents = [spec for spec in DOCUMENTS if (path.parent / (spec.stem + ".pdf")).exists()]
        assert [o.title for o in reader.outline] == [spec.title for spec in documents]
        assert [round(float(page.mediabox.width)) for page in reader.pages] == \
            [widths[f"{unit}__2024__{spec.stem}"] for spec in documents]


def test_a_damaged_pdf_from_the_converter_fails_the_batch_in_words_and_keeps_the_old_dossier(project, monkeypatch):
    import pipeline.convert.pdf as convert

    monkeypatch.setattr(convert, "converter_name", lambda: "libreoffice")
    monkeypatch.setattr(convert, "to_pdf", _fake_pdfs)
    folder = project / "outputs" / "quang-phu" / "2024"
    lines: list[str] = []
    assert build_all(project / "inputs", project / "outputs", progress=False, out=lines.append) == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def truncated(sources, outdir):
        made = _fake_pdfs(sources, outdir)
        made[0].write_bytes(made[0].read_bytes()[:40])  # starts as a PDF, ends nowhere
        return made

    monkeypatch.setattr(convert, "to_pdf", truncated)
    lines.clear()
    assert build_all(project / "inputs", project / "outputs", progress=False, out=lines.append, force=True) == 1
    text = "\n".join(lines)
    assert "chuyển PDF thất bại" in text and "không đọc được" in text and "để ghép hồ sơ" in text, text
    assert "Traceback" not in text
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


# ---------------------------------------------------------------- LibreOffice

def _fake_soffice(tmp_path, body: str) -> Path:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    return script


def test_a_hanging_libreoffice_is_ended_with_its_children(tmp_path, monkeypatch):
    import pipeline.convert.pdf as convert

    pidfile = tmp_path / "child.pid"
    fake = _fake_soffice(tmp_path, f"sleep 300 &\necho $! > {pidfile}\nwait\n")
    monkeypatch.setattr(convert, "soffice_binary", lambda: str(fake))
    monkeypatch.setattr(convert, "converter_name", lambda: "libreoffice")
    monkeypatch.setattr(convert, "TIMEOUT", (1, 0))
    src = tmp_path / "a.docx"
    src.write_bytes((ROOT / "templates" / "mau-2-bang-tong-hop.docx").read_bytes())  # a real package: it is checked first
    with pytest.raises(convert.ConversionError, match="không trả lời"):
        convert.to_pdf([src], tmp_path / "out")
    child = int(pidfile.read_text())
    stat = Path(f"/proc/{child}/stat")
    for _ in range(50):  # no orphan left behind: gone, or a zombie waiting for init to reap it
        if not stat.exists() or stat.read_text().split(")")[-1].split()[0] == "Z":
            break
        __import__("time").sleep(0.1)
    else:
        raise AssertionError(f"process {child} started by the converter is still running")


def test_a_converter_that_writes_no_pdf_is_a_message(project, tmp_path, monkeypatch):
    import pipeline.convert.pdf as convert

    fake = _fake_soffice(tmp_path, 'out=""; prev=""\nfor a in "$@"; do [ "$prev" = "--outdir" ] && out="$a"; prev="$a"; done\n'
                                   'for a in "$@"; do case "$a" in *.docx) n=$(basename "$a" .docx); echo "not a pdf" > "$out/$n.pdf";; esac; done\n')
    monkeypatch.setattr(convert, "soffice_binary", lambda: str(fake))
    monkeypatch.setattr(convert, "converter_name", lambda: "libreoffice")
    lines: list[str] = []
    assert build_all(project / "inputs", project / "outputs", progress=False, out=lines.append) == 1
    assert any("không phải PDF" in line for line in lines)


@pytest.mark.libreoffice
def test_two_runs_at_once_in_two_folders_both_make_every_pdf(tmp_path):
    procs = []
    for name in ("mot", "hai"):
        base = tmp_path / name
        (base / "inputs" / "quang-phu").mkdir(parents=True)
        (base / "inputs" / "quang-phu" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
        procs.append((base, subprocess.Popen([sys.executable, "-m", "pipeline", "dossier", str(base / "inputs"),
                                              "--outputs", str(base / "outputs"), "--quiet"], cwd=ROOT,
                                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")))
    for base, proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, out + err
        folder = base / "outputs" / "quang-phu" / "2024"
        for spec in DOCUMENTS:
            assert (folder / f"{spec.stem}.pdf").read_bytes()[:5] == b"%PDF-", spec.key
        assert (folder / MERGED).exists()
