"""Templates: the committed ones are sound; one an officer broke in Word is reported before rendering."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from pipeline.documents import DOCUMENTS as FORMS, spec
from pipeline.render.check import check_templates


def rewrite(path, old: str, new: str) -> None:
    """Edit word/document.xml inside a .docx, as Word would have saved it."""
    with zipfile.ZipFile(path) as src:
        items = {i.filename: src.read(i.filename) for i in src.infolist()}
    xml = items["word/document.xml"].decode("utf-8")
    assert old in xml
    items["word/document.xml"] = xml.replace(old, new, 1).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in items.items():
            dst.writestr(name, data)


@pytest.fixture
def templates(tmp_path):
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    return folder


def test_committed_templates_are_sound():
    assert check_templates() == ([], [])
    res = run_cli("check-templates")
    assert res.returncode == 0 and "hợp lệ" in res.stdout


def test_templates_are_reproducible_from_the_script(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_templates", ROOT / "tools" / "make_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUT", tmp_path)
    monkeypatch.setattr(module, "DOCS", tmp_path / "docs")
    module.main()
    for form in FORMS:  # every part, styles included, byte for byte
        built, committed = tmp_path / form.template, ROOT / "templates" / form.template
        assert built.read_bytes() == committed.read_bytes(), f"run `make templates` and commit templates/{form.template}"


def test_autocorrected_quotes_split_tag_and_unknown_variable_are_reported(templates):
    mau1 = templates / spec("mau-1").template
    mau2 = templates / spec("mau-2").template
    mau3 = templates / spec("mau-3").template
    rewrite(mau1, "{{ leader }}", "{{ leadr }}")
    rewrite(mau2, "{%tr if r.applicable %}", "{%tr if r.applicable == “có” %}")
    rewrite(mau3, "{{ year }}", "{{ year }</w:t></w:r><w:r><w:t>} {{ nam_bao_cao </w:t></w:r><w:r><w:t>}}")
    errors, warnings = check_templates(templates)
    text = "\n".join(errors)
    assert f"{mau1}, thân văn bản: biến “leadr” không có trong dữ liệu (có phải “leader”?)" in text
    [warning] = warnings
    assert warning.startswith(f"{mau2}, thân văn bản: thẻ {{%tr if r.applicable == “có” %}}") and "ngoặc kép cong" in warning
    assert f"{mau3}, thân văn bản: biến “nam_bao_cao” không có trong dữ liệu" in text
    res = run_cli("check-templates", "--templates", str(templates))
    assert res.returncode == 1 and "leadr" in res.stderr and "“có”" in res.stderr and "Traceback" not in res.stderr


def test_broken_jinja_syntax_is_reported_with_the_tag(templates):
    rewrite(templates / spec("mau-2").template, "{%tr endif %}", "{%tr endiff %}")
    [problem], _ = check_templates(templates)
    assert problem.startswith(f"{templates / spec('mau-2').template}, thân văn bản: thẻ lạ ‘endiff’") and "— thẻ {% endiff %}" in problem


# ---------------------------------------------------------------- issue 13: untrusted, editable templates

def test_misspelt_nested_field_is_named_with_its_suggestion(templates):
    rewrite(templates / spec("to-trinh").template, "{{ request.receiver }}", "{{ request.reciever }}")
    rewrite(templates / spec("mau-2").template, "{{ unit.short_name }}", "{{ unit.shortname }}")
    errors, _ = check_templates(templates)
    text = "\n".join(errors)
    assert "“request.reciever” không có trong dữ liệu (có phải “request.receiver”?)" in text
    assert "“unit.shortname” không có trong dữ liệu (có phải “unit.short_name”?)" in text
    # inside a loop the loop variable is checked against the list's items
    rewrite(templates / spec("mau-1").template, "{{ s.assessor1 }}", "{{ s.asessor1 }}")
    assert "“s.asessor1” không có trong dữ liệu (có phải “s.assessor1”?)" in "\n".join(check_templates(templates)[0])


def test_a_header_with_a_broken_tag_is_found(templates):
    path = templates / spec("mau-3").template
    with zipfile.ZipFile(path) as src:
        items = {i.filename: src.read(i.filename) for i in src.infolist()}
    header = next(n for n in items if n.startswith("word/header"))
    xml = items[header].decode("utf-8").replace("PAGE", "PAGE</w:instrText></w:r><w:r><w:t>{{ unit.name_upper </w:t></w:r><w:r><w:instrText>", 1)
    items[header] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in items.items():
            dst.writestr(name, data)
    errors, _ = check_templates(templates)
    assert any(e.startswith(f"{path}, đầu trang") and "{{ unit.name_upper" in e for e in errors), errors


def test_sandbox_escape_fails_the_check_and_never_runs(templates, tmp_path):
    marker = tmp_path / "da-chay"
    evil = ("{{ unit.__class__.__mro__[1].__subclasses__() }}"
            f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}")
    rewrite(templates / spec("mau-2").template, "{{ unit.short_name }}", evil)
    errors, _ = check_templates(templates)
    assert any("vi phạm hộp cát" in e for e in errors)
    # and a build that used it anyway (bypassing the check) still cannot run it
    from conftest import EXAMPLE
    from pipeline.criteria import load_catalogue
    from pipeline.render.engine import TemplateError, render_all
    from pipeline.rules.assess import assess_file

    loaded, a = assess_file(EXAMPLE)
    with pytest.raises(TemplateError, match="hộp cát|không có trong dữ liệu"):
        render_all(loaded.model, a, load_catalogue("tt24-2023"), [templates])
    assert not marker.exists()
    inputs = tmp_path / "inputs" / "quang-phu"
    inputs.mkdir(parents=True)
    shutil.copy(EXAMPLE, inputs / "2024.yaml")
    res = run_cli("dossier", str(tmp_path / "inputs"), "--outputs", str(tmp_path / "out"), "--no-pdf", "--templates", str(templates))
    assert res.returncode == 1 and "vi phạm hộp cát" in res.stdout and not marker.exists()


def test_a_build_with_templates_uses_the_edited_one_and_a_unit_folder_wins(templates, tmp_path):
    from docx import Document

    from conftest import EXAMPLE

    rewrite(templates / spec("to-trinh").template, "Hồ sơ kèm theo:", "Tài liệu gửi kèm theo:")
    inputs = tmp_path / "inputs" / "quang-phu"
    inputs.mkdir(parents=True)
    shutil.copy(EXAMPLE, inputs / "2024.yaml")
    out = tmp_path / "out"
    res = run_cli("dossier", str(tmp_path / "inputs"), "--outputs", str(out), "--no-pdf", "--templates", str(templates))
    assert res.returncode == 0, res.stdout + res.stderr
    text = [p.text for p in Document(str(out / "quang-phu" / "2024" / spec("to-trinh").template)).paragraphs]
    assert "Tài liệu gửi kèm theo:" in text and "Hồ sơ kèm theo:" not in text
    manifest = json.loads((out / ".manifest.json").read_text(encoding="utf-8"))
    assert str(templates / spec("to-trinh").template) in manifest["quang-phu/2024"]["templates"]
    own = inputs / "mau"
    own.mkdir()
    shutil.copy(ROOT / "templates" / spec("to-trinh").template, own / spec("to-trinh").template)
    rewrite(own / spec("to-trinh").template, "Hồ sơ kèm theo:", "Văn bản kèm theo của xã:")
    res = run_cli("dossier", str(tmp_path / "inputs"), "--outputs", str(out), "--no-pdf", "--templates", str(templates))
    assert res.returncode == 0 and "✓ đã lập" in res.stdout  # a template changed: rebuilt
    text = [p.text for p in Document(str(out / "quang-phu" / "2024" / spec("to-trinh").template)).paragraphs]
    assert "Văn bản kèm theo của xã:" in text


def test_make_templates_leaves_an_edited_template_alone_and_writes_identical_bytes(tmp_path, monkeypatch):
    import importlib.util

    spec_ = importlib.util.spec_from_file_location("make_templates", ROOT / "tools" / "make_templates.py")
    module = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(module)
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    monkeypatch.setattr(module, "OUT", folder)
    monkeypatch.setattr(module, "ASIDE", tmp_path / "build" / "templates")
    monkeypatch.setattr(module, "DOCS", tmp_path / "docs")
    before = {p.name: p.read_bytes() for p in folder.glob("*.docx")}
    module.main()
    assert {p.name: p.read_bytes() for p in folder.glob("*.docx")} == before  # identical content, identical bytes
    edited = folder / spec("mau-2").template
    rewrite(edited, "Ghi chú:", "Chú thích của tỉnh:")
    kept = edited.read_bytes()
    module.main()
    assert edited.read_bytes() == kept
    assert (tmp_path / "build" / "templates" / spec("mau-2").template).exists()


@pytest.mark.libreoffice
def test_templates_resaved_by_libreoffice_render_open_and_convert(tmp_path):
    """The six templates round-tripped through LibreOffice (as an officer's edit would) still build a
    whole dossier: rendered, opened with python-docx, no zip entry twice, converted to PDF."""
    import subprocess
    import tempfile

    from docx import Document

    from conftest import EXAMPLE, soffice

    resaved = tmp_path / "resaved"
    profile = Path(tempfile.mkdtemp(prefix="dvht-test-lo-"))
    try:
        subprocess.run([soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "docx:MS Word 2007 XML",
                        "--outdir", str(resaved), *[str(ROOT / "templates" / s.template) for s in FORMS]],
                       check=True, capture_output=True, timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert sorted(p.name for p in resaved.glob("*.docx")) == sorted(s.template for s in FORMS)
    assert check_templates(resaved) == ([], [])
    inputs = tmp_path / "inputs" / "quang-phu"
    inputs.mkdir(parents=True)
    shutil.copy(EXAMPLE, inputs / "2024.yaml")
    res = run_cli("dossier", str(tmp_path / "inputs"), "--outputs", str(tmp_path / "out"), "--templates", str(resaved))
    assert res.returncode == 0, res.stdout + res.stderr
    folder = tmp_path / "out" / "quang-phu" / "2024"
    for s in FORMS:
        names = [i.filename for i in zipfile.ZipFile(folder / s.template).infolist()]
        assert len(names) == len(set(names)), s.template
        text = "\n".join(p.text for p in Document(str(folder / s.template)).paragraphs)
        assert "{{" not in text and "{%" not in text, s.template
        assert (folder / f"{s.stem}.pdf").read_bytes()[:5] == b"%PDF-"
    assert "Ủy ban nhân dân xã Quảng Phú kính đề nghị" in "\n".join(
        p.text for p in Document(str(folder / spec("to-trinh").template)).paragraphs)


def test_duplicate_zip_entries_in_a_template_are_cleaned(templates):
    from pipeline.render.templates import clean_package

    path = templates / spec("mau-2").template
    data = path.read_bytes()
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(path, "a") as z:
        # as a LibreOffice re-save followed by python-docx can leave it
        z.writestr("docProps/core.xml", zipfile.ZipFile(__import__("io").BytesIO(data)).read("docProps/core.xml"))
    names = [i.filename for i in zipfile.ZipFile(path).infolist()]
    assert names.count("docProps/core.xml") == 2
    cleaned = zipfile.ZipFile(__import__("io").BytesIO(clean_package(path.read_bytes())))
    assert [i.filename for i in cleaned.infolist()].count("docProps/core.xml") == 1
    assert check_templates(templates)[0] == []


def test_field_reference_matches_the_context():
    from docx import Document

    from pipeline.documents.fields import markdown, reference
    from pipeline.render.check import example_contexts

    contexts = example_contexts()
    committed = (ROOT / "docs" / "truong-du-lieu-mau.md").read_text(encoding="utf-8")
    assert committed == markdown(contexts), "run `make templates` and commit docs/"
    listed = {path for _, rows in reference(contexts) for path, _, _ in rows}
    for key in ("unit.short_name", "request.signature.lines", "sheets[].assessor1", "evidence.rows[].code", "decision.members"):
        assert key in listed
    assert "| `unit.short_name` | tên viết gọn | “UBND xã Quảng Phú” |" in committed
    doc = Document(str(ROOT / "docs" / "truong-du-lieu-mau.docx"))
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert listed <= cells
