"""Stage 5 — convert: DOCX → PDF, and the merged, bookmarked PDF of a whole dossier.

One converter process for a whole batch: LibreOffice (`soffice --headless --convert-to pdf`
with many files and a private profile, so it runs beside a user's open LibreOffice), or
Microsoft Word through docx2pdf on Windows/macOS. No converter → no PDFs, said once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


HOW_TO_GET_PDF = (
    "Không tìm thấy công cụ chuyển PDF: đã lập các tệp Word (.docx). Để có PDF: trên Linux cài LibreOffice "
    "(sudo apt-get install libreoffice-writer-nogui fonts-liberation2); trên Windows/macOS cài Microsoft Word "
    "(dùng qua docx2pdf) hoặc LibreOffice, rồi chạy lại với FORCE=1."
)


class ConversionError(RuntimeError):
    pass


def soffice_binary() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    if sys.platform == "darwin" and Path("/Applications/LibreOffice.app/Contents/MacOS/soffice").exists():
        return "/Applications/LibreOffice.app/Contents/MacOS/soffice"
    return None


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


def _profile_dir() -> Path:
    # a private, reusable LibreOffice profile: does not clash with the user's running instance
    return Path(tempfile.gettempdir()) / f"dvht-libreoffice-profile-{os.getuid() if hasattr(os, 'getuid') else 'user'}"


def to_pdf(docx_files: list[Path], outdir: Path) -> list[Path]:
    """Convert every file in one converter run; returns the PDFs (same stem, in `outdir`)."""
    if not docx_files:
        return []
    outdir.mkdir(parents=True, exist_ok=True)
    which = converter_name()
    if which == "word":
        from docx2pdf import convert

        for f in docx_files:
            convert(str(f), str(outdir / (f.stem + ".pdf")))
    elif which == "libreoffice":
        cmd = [soffice_binary(), f"-env:UserInstallation={_profile_dir().as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir), *map(str, docx_files)]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=60 + 20 * len(docx_files))
        except subprocess.TimeoutExpired:
            raise ConversionError("LibreOffice không trả lời (quá thời gian chuyển PDF)") from None
        if run.returncode != 0:
            raise ConversionError(f"LibreOffice báo lỗi (mã {run.returncode}): {run.stderr.strip()[-300:]}")
    else:
        raise ConversionError(HOW_TO_GET_PDF)
    pdfs = [outdir / (f.stem + ".pdf") for f in docx_files]
    missing = [p.name for p in pdfs if not p.exists()]
    if missing:
        raise ConversionError(f"không tạo được PDF: {', '.join(missing)}")
    return pdfs


def merge(parts: list[tuple[str, Path]], dest: Path, title: str) -> None:
    """Concatenate PDFs in order, one bookmark per part at its first page."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for name, path in parts:
        start = len(writer.pages)
        writer.append(PdfReader(str(path)))
        writer.add_outline_item(title=name, page_number=start)
    writer.add_metadata({"/Title": title, "/Producer": "dvht-dossier"})
    with open(dest, "wb") as fh:
        writer.write(fh)
