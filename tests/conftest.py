"""Shared fixtures: the example input, and variants of it made by editing its text.

A variant keeps the example's layout, so a test can say where a problem must be reported by
pointing at the text it changed (`line_of(text, needle)`), not by a hard-coded number.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# compiled templates and passed checks are cached per user; tests start from an empty cache of their own
os.environ["DVHT_CACHE"] = tempfile.mkdtemp(prefix="dvht-test-cache-")
EXAMPLE = ROOT / "inputs" / "quang-phu" / "2024.yaml"
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")

# ---------------------------------------------------------------- LibreOffice: skipped without it, required under CI

NO_LIBREOFFICE = ("LibreOffice not found: install it (Debian/Ubuntu: sudo apt-get install libreoffice-writer-nogui "
                  "fonts-liberation2; elsewhere https://www.libreoffice.org) or set DVHT_SOFFICE to soffice's path")


def soffice() -> str | None:
    """The LibreOffice a build would use (DVHT_SOFFICE, PATH, the standard folders), or None."""
    from pipeline.convert.pdf import soffice_binary

    return None if os.environ.get("DVHT_NO_PDF") else soffice_binary()


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def pytest_report_header(config):
    found = soffice()
    return f"LibreOffice: {found}" if found else f"LibreOffice: none. {NO_LIBREOFFICE}"


def pytest_runtest_setup(item):
    if item.get_closest_marker("libreoffice") and soffice() is None:
        if under_ci():
            pytest.fail(f"{NO_LIBREOFFICE}. CI=true: the tests that convert real PDFs must run here.", pytrace=False)
        pytest.skip(f"{NO_LIBREOFFICE}. Skipped: the tests that convert real PDFs (under CI=true they fail).")


def pdf_pages(path: Path) -> list[str]:
    """Each page's text, laid out as on the page (pypdf: no poppler tools needed)."""
    from pypdf import PdfReader

    return [page.extract_text(extraction_mode="layout") for page in PdfReader(str(path)).pages]


def pdf_text(path: Path) -> str:
    return "\n".join(pdf_pages(path))


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th occurrence of `needle` in `text`."""
    pos = -1
    for _ in range(occurrence):
        pos = text.index(needle, pos + 1)
    return text.count("\n", 0, pos) + 1


def edit(text: str, old: str, new: str, count: int = 1) -> str:
    assert old in text, f"the example no longer contains {old!r}"
    return text.replace(old, new, count)


@pytest.fixture
def write_input(tmp_path):
    """write_input(text, unit='quang-phu', name='2024.yaml') → path of a new input file."""

    def _write(text: str | bytes, unit: str = "quang-phu", name: str = "2024.yaml") -> Path:
        folder = tmp_path / "inputs" / unit
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write


def docx_texts(document) -> list[str]:
    """Every paragraph's text of a python-docx Document: the body, then each table cell's."""
    out = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                out += [p.text for p in cell.paragraphs]
    return out


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`dvht ARGS` run in this process (`pipeline.cli.main`), in `cwd`, its output captured: what the officer
    sees and the exit code, without a new Python per call. `run_cli_process` is the real thing, for smoke tests."""
    import contextlib
    import io

    from pipeline.cli import main

    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: --help, --version, misuse
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(["dvht", *args], code, out.getvalue(), err.getvalue())


def run_cli_process(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8")


HOSTILE = "Công ty A & B <test> {{ 7*7 }} {% if x %}\x0b“trích dẫn” 'nháy'"
HOSTILE_SHOWN = "Công ty A & B <test> {{ 7*7 }} {% if x %}“trích dẫn” 'nháy'"


def hostile_text() -> str:
    """The example with a hostile value in a field each form prints (unit name on all three)."""
    text = EXAMPLE_TEXT.replace("short_name: UBND xã Quảng Phú ", f'short_name: "{HOSTILE.replace(chr(11), chr(92) + "v")}" ', 1)
    text = text.replace("      Cán bộ, công chức gương mẫu trong phong trào học tập suốt đời.",
                        f'      {HOSTILE.replace(chr(11), "")}', 1)
    return text


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """One real build of two dossiers (the example and a hostile copy), PDFs included: the one
    LibreOffice run of the test session. Returns the outputs folder."""
    from pipeline.cli.dossier import build_all

    base = tmp_path_factory.mktemp("built")
    inputs = base / "inputs"
    (inputs / "quang-phu").mkdir(parents=True)
    (inputs / "quang-phu" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    (inputs / "thu-nghiem").mkdir()
    (inputs / "thu-nghiem" / "2024.yaml").write_text(hostile_text(), encoding="utf-8")
    lines: list[str] = []
    code = build_all(inputs, base / "outputs", progress=False, out=lines.append)
    assert code == 0, "\n".join(lines)
    return base / "outputs"
