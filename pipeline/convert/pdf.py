"""DOCX → PDF/A: every document of a batch in one converter run.

LibreOffice (`soffice --headless --convert-to pdf`), one process per core for a whole batch, each
with a private profile (so it runs beside a user's open LibreOffice and beside another run), or
Microsoft Word through docx2pdf on Windows/macOS. No converter → no PDFs, said once.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from pipeline.core.problems import PipelineError


def how_to_get_pdf() -> str:
    from pipeline.core.hints import command

    again = command("lệnh vừa chạy (dvht dossier)", "make dossier")
    return (
        "Không tìm thấy công cụ chuyển PDF: đã lập các tệp Word (.docx). Để có PDF: trên Windows/macOS cài Microsoft Word "
        "hoặc LibreOffice (libreoffice.org); trên Linux: sudo apt-get install libreoffice-writer-nogui fonts-liberation2. "
        f"LibreOffice cài ở thư mục khác: đặt biến môi trường {SOFFICE_ENV} là đường dẫn tới soffice. "
        f"Sau đó chạy lại {again}: các hồ sơ chưa có PDF sẽ được bổ sung PDF."
    )




class ConversionError(PipelineError):
    pass


SOFFICE_ENV = "DVHT_SOFFICE"  # the path of a soffice installed elsewhere


def soffice_candidates(env=None, platform: str | None = None, home: Path | None = None) -> list[Path]:
    """Where LibreOffice's soffice lives on this kind of machine, besides PATH: the standard install
    folders of Windows (Program Files, Program Files (x86), per-user) and macOS (/Applications, ~/Applications)."""
    env = os.environ if env is None else env
    platform = platform or sys.platform
    home = home or Path.home()
    if platform == "win32":
        roots = [env.get(v) for v in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA")]
        out = []
        for root in filter(None, roots):
            out += [Path(root) / "LibreOffice" / "program" / "soffice.exe",
                    *sorted(Path(root).glob("LibreOffice*/program/soffice.exe"), reverse=True)]
            if root == env.get("LOCALAPPDATA"):
                out.append(Path(root) / "Programs" / "LibreOffice" / "program" / "soffice.exe")
        return out
    if platform == "darwin":
        return [Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
                home / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice"]
    return [Path("/usr/bin/soffice"), Path("/usr/local/bin/soffice"), Path("/opt/libreoffice/program/soffice"),
            *sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True)]


def soffice_binary(env=None, platform: str | None = None, home: Path | None = None) -> str | None:
    """The setting (DVHT_SOFFICE) if given, else soffice on PATH, else the platform's standard folders."""
    env = os.environ if env is None else env
    configured = env.get(SOFFICE_ENV)
    if configured:
        path = Path(configured)
        if path.is_dir():
            path = next((p for p in (path / "soffice.exe", path / "soffice", path / "program" / "soffice.exe",
                                     path / "program" / "soffice") if p.is_file()), path)
        return str(path) if path.is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name, path=env.get("PATH"))
        if found:
            return found
    return next((str(p) for p in soffice_candidates(env, platform, home) if p.is_file()), None)


def _word_available() -> bool:
    if sys.platform not in ("win32", "darwin"):
        return False
    try:
        import docx2pdf  # noqa: F401
    except ImportError:
        return False
    if sys.platform == "darwin":
        return Path("/Applications/Microsoft Word.app").exists()
    return shutil.which("winword") is not None or any(
        Path(os.environ.get(v, ""), "Microsoft Office").exists() for v in ("ProgramFiles", "ProgramFiles(x86)"))


def converter_name() -> str | None:
    if os.environ.get("DVHT_NO_PDF"):
        return None
    if _word_available():
        return "word"
    return "libreoffice" if soffice_binary() else None


# PDF/A-2b (ISO 19005-2, level B): what a digital-signature tool and an archive accept — every font embedded,
# XMP identification, no encryption. LibreOffice 7.4 takes the filter's options as JSON. Measured (2026-12-01):
# LibreOffice tags every PDF/A it writes (Mẫu 1: 1.065 objects, 498 of them structure elements, against 64 for a
# plain PDF; 2,3× the bytes), which costs about a tenth of the conversion; "UseTaggedPDF": false is ignored with
# PDF/A selected (the same file), so nothing there can be had without giving up PDF/A.
PDF_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
MAX_PROCESSES = 4
TIMEOUT = (60, 20)  # seconds: per LibreOffice process, plus per document it converts


def _chunks(files: list[Path], n: int) -> list[list[Path]]:
    return [files[i::n] for i in range(n) if files[i::n]]


def _kill(proc: subprocess.Popen) -> None:
    """End LibreOffice and every process it started (soffice.bin is a child of the soffice script)."""
    try:
        if os.name == "nt":
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True)
        else:
            os.killpg(proc.pid, signal.SIGKILL)
    except (OSError, ProcessLookupError):
        pass
    proc.wait()


# The private profile's settings: links are never updated, linked pictures from documents outside trusted
# locations are not loaded, macros never run, no update check; whatever a document points at stays unfetched.
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse">\
<value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>0</value>\
</prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseLocking" oor:op="fuse"><value>false</value>\
</prop></item>
<item oor:path="/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments">\
<prop oor:name="AutoCheckEnabled" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def _profile() -> Path:
    """A private LibreOffice profile (owner-only) with the settings above."""
    profile = Path(tempfile.mkdtemp(prefix="dvht-libreoffice-"))
    user = profile / "user"
    user.mkdir(mode=0o700)
    (user / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
    return profile


def _libreoffice(docx_files: list[Path], outdir: Path) -> None:
    """One LibreOffice per core (at most MAX_PROCESSES), each with a private profile made for this run
    (owner-only, removed afterwards): two runs at once, or another user's profile, can never collide.
    A fresh profile costs about 0,25 s of start-up, paid once per process per batch."""
    binary = soffice_binary()
    n = max(1, min(os.cpu_count() or 1, MAX_PROCESSES, len(docx_files)))
    profiles = [_profile() for _ in range(n)]
    procs = []
    try:
        for chunk, profile in zip(_chunks(docx_files, n), profiles):
            cmd = [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo",
                   "--convert-to", PDF_FILTER, "--outdir", str(outdir), *map(str, chunk)]
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    start_new_session=os.name != "nt")
            procs.append((proc, TIMEOUT[0] + TIMEOUT[1] * len(chunk)))
        failures = []
        for proc, timeout in procs:
            try:
                _, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill(proc)
                failures.append("LibreOffice không trả lời (quá thời gian chuyển PDF); đã dừng LibreOffice")
                continue
            if proc.returncode != 0:
                failures.append(f"LibreOffice báo lỗi (mã {proc.returncode}): {(err or '').strip()[-300:]}")
        if failures:
            raise ConversionError("; ".join(failures))
    finally:
        for proc, _ in procs:
            if proc.poll() is None:
                _kill(proc)
        for profile in profiles:
            shutil.rmtree(profile, ignore_errors=True)


def to_pdf(docx_files: list[Path], outdir: Path) -> list[Path]:
    """Convert every file (LibreOffice: one process per core; Word: one at a time); returns the PDFs
    (same stem, in `outdir`), each checked to be a PDF."""
    if not docx_files:
        return []
    from pipeline.sources import docxsafety

    for f in docx_files:  # belt and braces: the templates were checked; nothing external reaches a converter
        unsafe = docxsafety.light(f.read_bytes())
        if unsafe:
            raise ConversionError(f"{f.name}: không chuyển PDF: " + "; ".join(unsafe))
    outdir.mkdir(parents=True, exist_ok=True)
    which = converter_name()
    if which == "word":
        from docx2pdf import convert

        for f in docx_files:
            convert(str(f), str(outdir / (f.stem + ".pdf")))
    elif which == "libreoffice":
        _libreoffice(docx_files, outdir)
    else:
        raise ConversionError(how_to_get_pdf())
    pdfs = [outdir / (f.stem + ".pdf") for f in docx_files]
    missing = [p.name for p in pdfs if not p.exists()]
    if missing:
        raise ConversionError(f"không tạo được PDF: {', '.join(missing)}")
    broken = [p.name for p in pdfs if not _is_pdf(p)]
    if broken:
        raise ConversionError(f"công cụ chuyển đổi tạo ra tệp không phải PDF: {', '.join(broken)}")
    return pdfs


def _is_pdf(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(5) == b"%PDF-"
