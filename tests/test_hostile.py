"""Hostile and careless input, end to end: `python -m pipeline dossier` on each case of the corpus.

Unusable input: non-zero exit, a Vietnamese message naming file, line and field, no traceback,
and the earlier dossier byte-identical. Usable input: built, and the documents show the text.
"""

from __future__ import annotations

import shutil
import unicodedata

import pytest
from docx import Document

from conftest import EXAMPLE_TEXT, run_cli
from hostile_cases import CASES, expected_line
from pipeline.cli.dossier import build_all
from pipeline.documents import DOCUMENTS as FORMS


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """A project folder with the example's dossier built (Word only)."""
    base = tmp_path_factory.mktemp("good")
    (base / "inputs" / "quang-phu").mkdir(parents=True)
    (base / "inputs" / "quang-phu" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    assert build_all(base / "inputs", base / "outputs", pdf=False, progress=False, out=lambda s: None) == 0
    return base


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def all_text(path):
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [p.text for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    return "\n".join(parts)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case, good, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(good, project)
    target = project / "inputs" / "quang-phu" / "2024.yaml"
    target.write_bytes(case.bytes())
    before = snapshot(project / "outputs" / "quang-phu")

    res = run_cli("dossier", str(project / "inputs"), "--outputs", str(project / "outputs"), "--no-pdf", "--quiet")
    output = res.stdout + res.stderr
    assert "Traceback" not in output
    assert res.returncode == case.exit, output
    for needle in case.needles:
        assert needle in output, (needle, output)

    if case.exit:
        assert snapshot(project / "outputs" / "quang-phu") == before
        line = expected_line(case)
        if line is not None:
            assert f"2024.yaml:{line}:" in output, (line, output)
        if case.path:
            assert f": {case.path}: " in output, output
        return

    folder = project / "outputs" / "quang-phu" / "2024"
    texts = {f.key: all_text(folder / f.template) for f in FORMS}
    for text in texts.values():
        assert unicodedata.is_normalized("NFC", text)
        assert not any(ch in text for ch in "\x00\x0b\x0c")
    for shown in case.shown:
        assert any(shown in t for t in texts.values()), shown
    assert sorted(p.name for p in (project / "outputs").iterdir() if not p.name.startswith(".")) == ["quang-phu"]


def test_unit_option_cannot_leave_outputs(good, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(good, project)
    res = run_cli("dossier", str(project / "inputs"), "--outputs", str(project / "outputs"), "--unit", "../../etc", "--no-pdf")
    assert res.returncode == 2 and "không hợp lệ" in res.stdout and "Traceback" not in res.stderr


def test_folder_names_windows_forbids_are_refused(good, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(good, project)
    bad = project / "inputs" / "xa:a*b?"
    bad.mkdir()
    (bad / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    res = run_cli("dossier", str(project / "inputs"), "--outputs", str(project / "outputs"), "--no-pdf")
    assert res.returncode == 1 and "tên không hợp lệ" in res.stdout and "= không đổi  quang-phu/2024" in res.stdout
    assert sorted(p.name for p in (project / "outputs").iterdir() if not p.name.startswith(".")) == ["quang-phu"]


def test_outputs_path_through_a_file_is_a_message(good, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the outputs folder should be")
    for outputs in (blocker, blocker / "out"):
        res = run_cli("dossier", str(good / "inputs"), "--outputs", str(outputs), "--no-pdf")
        assert res.returncode == 1 and "Traceback" not in res.stdout + res.stderr
        assert "là một tệp, không phải thư mục" in res.stdout or "là tệp, không phải thư mục" in res.stdout


def test_unexpected_errors_are_messages_and_debug_shows_the_traceback(good, tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    script = ("import sys, pipeline.render.engine as r\n"
              "def boom(*a, **k): raise RuntimeError('hỏng giả lập')\n"
              "r.render_all = boom\n"
              "from pipeline.cli import main\n"
              "sys.exit(main(sys.argv[1:]))\n")
    args = ["dossier", str(good / "inputs"), "--outputs", str(tmp_path / "out"), "--no-pdf", "--jobs", "1"]
    res = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert res.returncode == 3 and "Lỗi không mong đợi" in res.stderr and "--debug" in res.stderr, res.stdout + res.stderr
    assert "Traceback" not in res.stdout + res.stderr
    res = subprocess.run([sys.executable, "-c", script, "--debug", *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert res.returncode == 3 and "Traceback" in res.stderr
