"""A template from outside may not reach the network or smuggle content into the dossier: every external
relationship, macro, content-loading field, VML link and DTD is refused — by the package check, by
`check-templates` and by every build, naming the template and the part — and nothing reaches LibreOffice
(a real HTTP server on 127.0.0.1 records zero requests)."""

from __future__ import annotations

import http.server
import io
import shutil
import threading
import zipfile
from pathlib import Path

import pytest

import hostile_docx as H
from conftest import EXAMPLE_TEXT
from pipeline.documents import DOCUMENTS, TEMPLATES_DIR
from pipeline.sources import docxsafety

TO_TRINH = "to-trinh-de-nghi-cong-nhan.docx"
BASE = (TEMPLATES_DIR / TO_TRINH).read_bytes()
URL = "http://127.0.0.1:9/x.png"

CASES = {
    "linked picture": (lambda: H.linked_picture(BASE, URL), "word/_rels/document.xml.rels", "hình ảnh liên kết"),
    "VML picture link": (lambda: H.vml_picture(BASE, URL), "word/document.xml", "liên kết ra ngoài"),
    "VML o:href only": (lambda: H.vml_href_only(BASE, URL), "word/document.xml", "liên kết ra ngoài"),
    "external hyperlink": (lambda: H.hyperlink(BASE, "https://example.org/"), "word/_rels/document.xml.rels", "hyperlink"),
    "attachedTemplate": (lambda: H.attached_template(BASE, "http://127.0.0.1:9/evil.dotm"), "word/_rels/settings.xml.rels",
                         "attachedTemplate"),
    "VBA project": (lambda: H.macros(BASE), "word/vbaProject.bin", "macro"),
    ".docm content type": (lambda: H.docm_content_type(BASE), "[Content_Types].xml", "macro"),
    "INCLUDEPICTURE fldSimple": (lambda: H.simple_field(BASE, f"INCLUDEPICTURE &quot;{URL}&quot; \\d"), "word/document.xml",
                                 "INCLUDEPICTURE"),
    "INCLUDETEXT complex split": (lambda: H.complex_field(BASE, [" INCLUDE", "TEXT \"C:\\\\x.docx\" "]), "word/document.xml",
                                  "INCLUDETEXT"),
    "lowercase link field": (lambda: H.complex_field(BASE, [" link Excel.Sheet.12 \"\\\\\\\\srv\\\\a.xlsx\" "]),
                             "word/document.xml", "LINK"),
    "DDEAUTO": (lambda: H.simple_field(BASE, "DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe &quot;/k calc&quot;"),
                "word/document.xml", "DDEAUTO"),
    "FILLIN in a header": (lambda: H.add_field_to_header(BASE, " FILLIN \"Nhập số\" "), "word/header1.xml", "FILLIN"),
    "XXE in document.xml": (lambda: H.with_doctype(BASE), "word/document.xml", "DTD"),
    "billion laughs in styles": (lambda: H.with_doctype(BASE, "word/styles.xml", '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">',
                                                        ""), "word/styles.xml", "DTD"),
    "DTD in a header": (lambda: H.with_doctype(BASE, "word/header1.xml", '<!ELEMENT x ANY>', ""), "word/header1.xml", "DTD"),
    "DTD in a .rels": (lambda: H.with_doctype(BASE, "word/_rels/document.xml.rels", '<!ENTITY x "y">', ""),
                       "word/_rels/document.xml.rels", "DTD"),
}


def test_the_built_in_templates_and_their_outputs_carry_nothing_refused(built):
    for spec in DOCUMENTS:
        assert docxsafety.problems((TEMPLATES_DIR / spec.template).read_bytes()) == [], spec.template
    outputs = list(built.glob("*/2024/*.docx"))
    assert len(outputs) >= 10
    for path in outputs:
        data = path.read_bytes()
        assert docxsafety.problems(data) == [] and docxsafety.light(data) == [], path
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                blob = z.read(name)
                assert b'TargetMode="External"' not in blob and b"<!DOCTYPE" not in blob, (path.name, name)
                assert b"vbaProject" not in blob and b"INCLUDEPICTURE" not in blob, (path.name, name)


@pytest.mark.parametrize("case", list(CASES))
def test_each_hostile_package_is_refused_naming_the_part(case):
    make, part, word = CASES[case]
    found = docxsafety.problems(make())
    assert found, case
    joined = "\n".join(found)
    assert f"“{part}”" in joined and word.lower() in joined.lower(), joined
    assert "127.0.0.1" not in joined and "example.org" not in joined  # the target is never echoed


def test_light_check_finds_what_reaches_a_converter():
    for make in (lambda: H.linked_picture(BASE, URL), lambda: H.macros(BASE), lambda: H.attached_template(BASE, URL)):
        assert docxsafety.light(make())
    assert docxsafety.light(b"not a zip") and docxsafety.problems(b"not a zip")


def test_zip_bombs_and_huge_packages_are_refused_before_inflating():
    items = H.parts(BASE)
    items["word/media/bomb.bin"] = b"\0" * (docxsafety.MAX_PART + 1)
    found = docxsafety.problems(H.pack(items))
    assert any("quá lớn" in p and "word/media/bomb.bin" in p for p in found)
    many = H.parts(BASE)
    for i in range(docxsafety.MAX_ENTRIES):
        many[f"word/media/{i}.png"] = b""
    assert any("phần" in p for p in docxsafety.problems(H.pack(many)))


def _unit(tmp_path: Path) -> Path:
    inputs = tmp_path / "inputs"
    (inputs / "quang-phu").mkdir(parents=True)
    (inputs / "quang-phu" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    return inputs


@pytest.mark.parametrize("case", ["linked picture", "attachedTemplate", "VBA project", "INCLUDETEXT complex split",
                                  "XXE in document.xml", "VML o:href only"])
def test_check_templates_and_the_build_refuse_the_same_template(case, tmp_path, capsys):
    from pipeline.cli import app as cli
    from pipeline.cli.dossier import build_all

    make, part, _ = CASES[case]
    province = tmp_path / "tinh"
    province.mkdir()
    (province / TO_TRINH).write_bytes(make())
    assert cli.main(["check-templates", "--templates", str(province), "--inputs", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    assert str(province / TO_TRINH) in err and f"“{part}”" in err and "Traceback" not in err

    inputs = _unit(tmp_path)
    lines: list[str] = []
    code = build_all(inputs, tmp_path / "outputs", pdf=False, progress=False, out=lines.append, templates=province)
    text = "\n".join(lines)
    assert code == 1 and "✗ lỗi" in text and f"“{part}”" in text and str(province / TO_TRINH) in text
    assert not (tmp_path / "outputs" / "quang-phu" / "2024").exists()

    # the unit's own mau/ folder is checked the same way, by check-templates too
    shutil.copytree(province, inputs / "quang-phu" / "mau")
    assert cli.main(["check-templates", "--inputs", str(inputs)]) == 1
    err = capsys.readouterr().err
    assert str(inputs / "quang-phu" / "mau" / TO_TRINH) in err and f"“{part}”" in err


def test_a_render_refuses_a_hostile_template_whatever_a_cache_says(tmp_path, monkeypatch):
    """Belt and braces: even with the check's cache claiming the set passed, the render path refuses."""
    import datetime as dt

    from pipeline.render import check as template_check
    from pipeline.render.engine import TemplateError, _template_bytes, render_document

    monkeypatch.setattr(template_check, "check_cached", lambda folders: [])
    province = tmp_path / "tinh"
    province.mkdir()
    (province / TO_TRINH).write_bytes(H.linked_picture(BASE, URL))
    path = province / TO_TRINH
    with pytest.raises(TemplateError) as exc:
        _template_bytes(path, path.stat().st_mtime_ns, path.stat().st_size)
    assert "hình ảnh liên kết" in str(exc.value)
    with pytest.raises(TemplateError):
        render_document(DOCUMENTS[0], {"unit": {"short_name": "x"}, "year": 2024}, dt.datetime(2024, 1, 1), [province])


# ---------------------------------------------------------------- the network, for real

class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list = []

    def _any(self):
        self.hits.append((self.command, self.path))
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    do_GET = do_HEAD = do_OPTIONS = do_POST = do_PROPFIND = _any

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Recorder.hits = []
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}", _Recorder.hits
    srv.shutdown()
    srv.server_close()


@pytest.mark.libreoffice
def test_a_build_and_conversion_with_hostile_templates_make_no_request(server, tmp_path):
    from pipeline.cli.dossier import build_all

    base, hits = server
    inputs = _unit(tmp_path)
    own = inputs / "quang-phu" / "mau"
    own.mkdir()
    (own / TO_TRINH).write_bytes(H.linked_picture(BASE, f"{base}/linked.png"))
    (own / "mau-2-bang-tong-hop.docx").write_bytes(
        H.vml_picture((TEMPLATES_DIR / "mau-2-bang-tong-hop.docx").read_bytes(), f"{base}/vml.png"))
    (own / "danh-muc-minh-chung.docx").write_bytes(
        H.simple_field((TEMPLATES_DIR / "danh-muc-minh-chung.docx").read_bytes(), f"INCLUDEPICTURE &quot;{base}/f.png&quot;"))
    # a second unit with clean templates: its PDFs are made in the same run
    (inputs / "tan-my").mkdir()
    (inputs / "tan-my" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    lines: list[str] = []
    code = build_all(inputs, tmp_path / "outputs", progress=False, out=lines.append)
    assert code == 1, "\n".join(lines)
    assert hits == []
    assert (tmp_path / "outputs" / "tan-my" / "2024" / "ho-so-tu-danh-gia.pdf").exists()
    assert not (tmp_path / "outputs" / "quang-phu" / "2024").exists()


@pytest.mark.libreoffice
def test_libreoffice_itself_fetches_nothing_a_document_points_at(server, tmp_path):
    """The converter's private profile blocks linked pictures and link updates: tested on a document the
    pipeline would never hand it, straight to the LibreOffice runner."""
    from pipeline.convert.pdf import ConversionError, _libreoffice, to_pdf

    base, hits = server
    docs = []
    for name, data in {"linked": H.linked_picture(BASE, f"{base}/a.png"), "vml": H.vml_picture(BASE, f"{base}/b.png")}.items():
        path = tmp_path / f"{name}.docx"
        path.write_bytes(data)
        docs.append(path)
    _libreoffice(docs, tmp_path / "pdf")
    assert hits == []
    assert all((tmp_path / "pdf" / f"{d.stem}.pdf").exists() for d in docs)
    with pytest.raises(ConversionError) as exc:  # and the pipeline's own entry point refuses it outright
        to_pdf(docs[:1], tmp_path / "pdf2")
    assert "linked.docx" in str(exc.value)
