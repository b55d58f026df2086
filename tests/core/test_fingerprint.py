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


def _reference_code() -> str:
    """The fingerprint as first written: pathlib's rglob over the package, importlib.metadata's versions."""
    import hashlib
    from importlib import metadata

    def version(name):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "-"

    h = hashlib.sha256(f"python={sys.version}".encode())
    for name in fingerprint.CRITICAL:
        h.update(f"|{name}={version(name)}".encode())
    for path in sorted(fingerprint.PACKAGE.rglob("*")):
        if path.suffix not in (".py", ".yaml", ".yml", ".json") or "__pycache__" in path.parts or not path.is_file():
            continue
        h.update(b"\0" + path.relative_to(fingerprint.PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def test_the_fingerprint_reads_what_rglob_and_importlib_metadata_give():
    from importlib import metadata

    fingerprint.code.cache_clear()
    assert fingerprint.code() == _reference_code()
    for name in (*fingerprint.CRITICAL, "pydantic", "PyYAML", "filelock", "dvht-dossier"):
        assert fingerprint._version(name) == metadata.version(name), name
    assert fingerprint._version("no-such-distribution-dvht") == "-"


def test_every_source_file_is_listed_and_no_cache_or_link_is_followed(tmp_path):
    root = tmp_path / "pkg"
    (root / "a" / "__pycache__").mkdir(parents=True)
    (root / "a" / "__pycache__" / "m.py").write_text("cached")
    (root / "a" / "m.py").write_text("x = 1")
    (root / "a-b.yaml").write_text("k: v")
    (root / "a" / "notes.txt").write_text("not a source")
    (root / "data.json").write_text("{}")
    (root / "z.yml").write_text("k: v")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.py").write_text("y = 2")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "one.py").symlink_to(root / "a" / "m.py")  # a link to a file is read, as pathlib's is_file says
    listed = [parts for parts, _ in fingerprint.sources(root)]
    assert listed == [("a", "m.py"), ("a-b.yaml",), ("data.json",), ("one.py",), ("z.yml",)]
    assert listed == [p.relative_to(root).parts for p in sorted(root.rglob("*"))
                      if p.suffix in (".py", ".yaml", ".yml", ".json") and "__pycache__" not in p.parts and p.is_file()]


def test_a_file_changed_with_its_size_and_time_kept_changes_the_fingerprint(tmp_path, monkeypatch):
    """Every byte is read: an edit that keeps the file's size and modification time still counts."""
    root = tmp_path / "pkg"
    root.mkdir()
    module = root / "m.py"
    module.write_text("TEXT = 'kính đề nghị'\n", encoding="utf-8")
    before = os.stat(module)
    monkeypatch.setattr(fingerprint, "PACKAGE", root)
    fingerprint.code.cache_clear()
    first = fingerprint.code()
    module.write_text("TEXT = 'kình đề nghị'\n", encoding="utf-8")  # ì for í: as many bytes in UTF-8
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(module).st_size == before.st_size and os.stat(module).st_mtime_ns == before.st_mtime_ns
    fingerprint.code.cache_clear()
    assert fingerprint.code() != first
    fingerprint.code.cache_clear()
