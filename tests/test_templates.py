"""Templates: the committed ones are sound; one an officer broke in Word is reported before rendering."""

from __future__ import annotations

import shutil
import zipfile

import pytest

from conftest import ROOT, run_cli
from pipeline.documents import DOCUMENTS as FORMS, spec
from pipeline.render import check_templates


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
    module.main()
    for form in FORMS:
        built = zipfile.ZipFile(tmp_path / form.template).read("word/document.xml")
        committed = zipfile.ZipFile(ROOT / "templates" / form.template).read("word/document.xml")
        assert built == committed, f"run `make templates` and commit templates/{form.template}"


def test_autocorrected_quotes_split_tag_and_unknown_variable_are_reported(templates):
    mau1 = templates / spec("mau-1").template
    mau2 = templates / spec("mau-2").template
    mau3 = templates / spec("mau-3").template
    rewrite(mau1, "{{ leader }}", "{{ leadr }}")
    rewrite(mau2, "{%tr if r.applicable %}", "{%tr if r.applicable == “có” %}")
    rewrite(mau3, "{{ year }}", "{{ year }</w:t></w:r><w:r><w:t>} {{ nam_bao_cao </w:t></w:r><w:r><w:t>}}")
    errors, warnings = check_templates(templates)
    text = "\n".join(errors)
    assert "mau-1-phieu-danh-gia-chi-tieu.docx: biến không có trong dữ liệu: leadr" in text
    [warning] = warnings
    assert warning.startswith("mau-2-bang-tong-hop.docx: thẻ {%tr if r.applicable == “có” %}") and "ngoặc kép cong" in warning
    assert "mau-3-bao-cao-tu-danh-gia.docx: biến không có trong dữ liệu: nam_bao_cao" in text
    res = run_cli("check-templates", "--templates", str(templates))
    assert res.returncode == 1 and "leadr" in res.stderr and "“có”" in res.stderr and "Traceback" not in res.stderr


def test_broken_jinja_syntax_is_reported_with_the_tag(templates):
    rewrite(templates / spec("mau-2").template, "{%tr endif %}", "{%tr endiff %}")
    [problem], _ = check_templates(templates)
    assert problem.startswith("mau-2-bang-tong-hop.docx: lỗi cú pháp thẻ") and "endiff" in problem
