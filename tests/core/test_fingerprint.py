"""One fingerprint of the code behind a dossier: a sentence changed in `pipeline/documents/to_trinh.py`
rebuilds the dossier on the next `dossier` run (it was “= không đổi”), and the compiled-template and
template-check caches key on the same fingerprint."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from docx import Document

from conftest import EXAMPLE_TEXT, ROOT
from pipeline.core import fingerprint
from pipeline.render import compiled

OLD = "kính đề nghị"
NEW = "trân trọng đề nghị"


def _dossier(tree) -> subprocess.CompletedProcess:
    env = {**os.environ, "DVHT_NO_PDF": "1", "PYTHONPATH": str(tree)}
    return subprocess.run([sys.executable, "-m", "pipeline", "dossier", "inputs", "--quiet"], cwd=tree, env=env,
                          capture_output=True, text=True, encoding="utf-8")


def _ask(tree) -> str:
    doc = Document(str(tree / "outputs" / "quang-phu" / "2024" / "to-trinh-de-nghi-cong-nhan.docx"))
    return next(p.text for p in doc.paragraphs if "đề nghị" in p.text and "xem xét" in p.text)


def test_a_sentence_changed_in_a_document_module_rebuilds_the_dossier(tmp_path):
    tree = tmp_path / "checkout"
    shutil.copytree(ROOT / "pipeline", tree / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", tree / "templates")
    (tree / "inputs" / "quang-phu").mkdir(parents=True)
    (tree / "inputs" / "quang-phu" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")

    first = _dossier(tree)
    assert first.returncode == 0 and "✓ đã lập" in first.stdout, first.stdout + first.stderr
    assert OLD in _ask(tree)
    again = _dossier(tree)
    assert "= không đổi" in again.stdout and "✓ đã lập" not in again.stdout  # nothing changed: nothing rebuilt

    module = tree / "pipeline" / "documents" / "to_trinh.py"
    source = module.read_text(encoding="utf-8")
    assert OLD in source
    module.write_text(source.replace(OLD, NEW), encoding="utf-8")
    changed = _dossier(tree)
    assert changed.returncode == 0 and "✓ đã lập" in changed.stdout and "= không đổi" not in changed.stdout, changed.stdout
    assert NEW in _ask(tree) and OLD not in _ask(tree)


def test_the_fingerprint_covers_the_source_and_the_critical_libraries(monkeypatch):
    fingerprint.code.cache_clear()
    base = fingerprint.code()
    assert compiled._stamp() == base.encode()  # the compiled-template cache keys on it
    fingerprint.code.cache_clear()
    monkeypatch.setattr(fingerprint, "_version", lambda name: "9.9" if name == "docxtpl" else "1.0")
    changed = fingerprint.code()
    fingerprint.code.cache_clear()
    monkeypatch.undo()
    assert changed != base and fingerprint.code() == base
    assert set(fingerprint.CRITICAL) == {"docxtpl", "python-docx", "lxml", "Jinja2", "pypdf"}


def test_the_template_check_cache_keys_on_the_code(monkeypatch, tmp_path):
    from pipeline.core import usercache
    from pipeline.render import check as template_check

    monkeypatch.setenv("DVHT_CACHE", str(tmp_path / "cache"))
    usercache.reset()
    calls = []
    monkeypatch.setattr(template_check, "check", lambda folders: calls.append(1) or ([], []))
    assert template_check.check_cached([]) == [] and template_check.check_cached([]) == []
    assert len(calls) == 1  # remembered
    fingerprint.code.cache_clear()
    monkeypatch.setattr(fingerprint, "code", lambda: "0" * 64)
    template_check.check_cached([])
    assert len(calls) == 2  # other code: checked again
    usercache.reset()
