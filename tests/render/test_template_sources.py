"""Where templates come from and what their code may do: a choice that cannot be honoured (a `--templates`
folder missing, a file, a folder of “… (1).docx”; a `mau/` entry that is a dangling link, a folder, a FIFO,
/dev/zero, a .docm) is an error naming what was expected, never a silent fall back to the built-in
template; template code that would exhaust the machine or fail late is refused by `check-templates` and by
the build alike, in words, never exit 3."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import hostile_docx as H
from conftest import EXAMPLE_TEXT
from pipeline.cli import app as cli
from pipeline.cli.dossier import build_all
from pipeline.documents import TEMPLATES_DIR

TO_TRINH = "to-trinh-de-nghi-cong-nhan.docx"
BASE = (TEMPLATES_DIR / TO_TRINH).read_bytes()


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "inputs"
    (folder / "quang-phu").mkdir(parents=True)
    (folder / "quang-phu" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    return folder


def _build(inputs: Path, templates: Path | None = None) -> tuple[int, str]:
    lines: list[str] = []
    code = build_all(inputs, inputs.parent / "outputs", pdf=False, progress=False, out=lines.append, templates=templates)
    return code, "\n".join(lines)


def _check(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(["check-templates", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


# ---------------------------------------------------------------- explicit choices

@pytest.mark.parametrize("kind", ["missing", "file", "copies"])
def test_a_templates_folder_that_cannot_be_honoured_is_an_error(kind, inputs, tmp_path, capsys):
    target = tmp_path / "tinh"
    if kind == "file":
        target.write_text("không phải thư mục", encoding="utf-8")
    elif kind == "copies":
        target.mkdir()
        for name in (TO_TRINH, "mau-2-bang-tong-hop.docx"):
            shutil.copy(TEMPLATES_DIR / name, target / name.replace(".docx", " (1).docx"))
    code, text = _check(capsys, "--templates", str(target), "--inputs", str(inputs))
    assert code == 1 and str(target) in text and TO_TRINH in text and "✓" not in text
    if kind == "copies":
        assert "có phải to-trinh-de-nghi-cong-nhan.docx?" in text
    code, text = _build(inputs, target)
    assert code == 1 and "✗ lỗi" in text and str(target) in text and TO_TRINH in text
    assert not (tmp_path / "outputs" / "quang-phu" / "2024").exists()


def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


@pytest.mark.parametrize("kind", ["dangling", "folder", "fifo", "dev-zero", "docm", "outside-link"])
def test_a_bad_entry_in_a_units_mau_folder_is_an_error_not_a_fallback(kind, inputs, tmp_path, capsys):
    own = inputs / "quang-phu" / "mau"
    own.mkdir()
    entry = own / TO_TRINH
    if kind == "dangling":
        entry.symlink_to(own / "khong-con.docx")
    elif kind == "folder":
        entry.mkdir()
    elif kind == "fifo":
        os.mkfifo(entry)
    elif kind == "dev-zero":
        _dev_zero(entry)
    elif kind == "docm":
        entry = own / "to-trinh-de-nghi-cong-nhan.docm"
        entry.write_bytes(H.macros(BASE))
    else:
        outside = tmp_path / "ngoai.docx"
        outside.write_bytes(BASE)
        entry.symlink_to(outside)
    code, text = _check(capsys, "--inputs", str(inputs))
    assert code == 1 and str(entry) in text, text
    code, text = _build(inputs)
    assert code == 1 and str(entry) in text and "✗ lỗi" in text, text
    assert not (tmp_path / "outputs" / "quang-phu" / "2024").exists()


def test_check_templates_checks_each_units_own_templates(inputs, capsys):
    from docx import Document

    own = inputs / "quang-phu" / "mau"
    own.mkdir()
    doc = Document(str(TEMPLATES_DIR / TO_TRINH))
    doc.add_paragraph("{{ unit.shortname }}")
    doc.save(str(own / TO_TRINH))
    code, text = _check(capsys, "--inputs", str(inputs))
    assert code == 1 and str(own / TO_TRINH) in text and "unit.shortname" in text and "unit.short_name" in text
    code, text = _build(inputs)
    assert code == 1 and "unit.shortname" in text
    # without the unit's folder the same command passes: it is that unit's template that failed
    shutil.rmtree(own)
    assert _check(capsys, "--inputs", str(inputs))[0] == 0


def test_a_good_mau_template_is_used_and_extra_files_are_named(inputs, tmp_path, capsys):
    from docx import Document

    own = inputs / "quang-phu" / "mau"
    own.mkdir()
    doc = Document(str(TEMPLATES_DIR / TO_TRINH))
    doc.add_paragraph("Dòng riêng của xã {{ unit.short_name }}")
    doc.save(str(own / TO_TRINH))
    shutil.copy(TEMPLATES_DIR / TO_TRINH, own / "to-trinh-cu (1).docx")
    code, text = _check(capsys, "--inputs", str(inputs))
    assert code == 0 and "to-trinh-cu (1).docx" in text and "không dùng" in text
    code, text = _build(inputs)
    assert code == 0, text
    made = Document(str(tmp_path / "outputs" / "quang-phu" / "2024" / TO_TRINH))
    assert any(p.text.startswith("Dòng riêng của xã UBND xã Quảng Phú") for p in made.paragraphs)


# ---------------------------------------------------------------- template code

HOSTILE_CODE = {
    "huge repeat": ('{{ "x" * 2000000000 }}', "quá lớn"),
    "huge repeat at run time": ('{% set n = 9999 %}{{ "x" * n * n * n }}', "quá dài"),
    "power": ("{{ 10 ** 100000 }}", "quá lớn"),
    "padding": ('{{ unit.short_name|center(2000000000) }}', "quá lớn"),
    "format width": ('{{ "%2000000000s" % unit.short_name }}', "độ rộng"),
    "method width": ('{{ "{:2000000000}".format(year) }}', "độ rộng"),
    "nested ranges": ("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}", "range"),
    "include": ('{% include "/etc/passwd" %}', "include"),
    "import": ('{% import "/etc/passwd" as p %}', "import"),
    "extends": ('{% extends "/etc/passwd" %}', "extends"),
    "macro recursion": ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "macro"),
    "deep nesting": ("{% if 1 %}" * 3000 + "x" + "{% endif %}" * 3000, "lồng nhau quá sâu"),
    "deep expression": ("{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", "lồng nhau quá sâu"),
    "expression deep enough to pass the parser": ("{{ " + "(" * 400 + "1" + ")" * 400 + " }}", "lồng nhau quá sâu"),
    "recursive loop": ("{% for x in [1] recursive %}{{ loop([x]) }}{% endfor %}", "recursive"),
}


@pytest.mark.parametrize("case", list(HOSTILE_CODE))
def test_template_code_that_would_exhaust_the_machine_is_refused_by_check_and_build(case, inputs, tmp_path, capsys):
    source, word = HOSTILE_CODE[case]
    province = tmp_path / "tinh"
    province.mkdir()
    (province / TO_TRINH).write_bytes(H.body_text(BASE, source))
    code, text = _check(capsys, "--templates", str(province), "--inputs", str(inputs))
    assert code == 1 and str(province / TO_TRINH) in text and word in text, text
    assert "Traceback" not in text and "Error" not in text.replace("SecurityError", "")
    code, text = _build(inputs, province)
    assert code == 1 and "✗ lỗi" in text and word in text, text
    assert "MemoryError" not in text and "RecursionError" not in text


def test_the_render_itself_refuses_what_slips_past_every_static_check(inputs, tmp_path):
    """Bounds enforced while filling: a build whose template check is skipped still ends in words."""
    import datetime as dt

    from pipeline.documents import DOCUMENTS
    from pipeline.render.check import example_contexts
    from pipeline.render.engine import TemplateError, render_bytes

    spec = DOCUMENTS[0]
    context = example_contexts()[spec.key]
    for source in ('{% set n = 9999 %}{{ "x" * n * n * n }}', "{{ (unit.short_name * 9999) * 9999 }}",
                   '{% set s = "x" * 9999 %}{% for i in range(9999) %}{{ s }}{% endfor %}',
                   "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"):
        with pytest.raises(TemplateError) as exc:
            render_bytes(spec, H.body_text(BASE, source), context, dt.datetime(2024, 1, 1, 8), "tinh/" + TO_TRINH)
        assert "tinh/" + TO_TRINH in str(exc.value)


def test_ordinary_template_code_still_works(inputs, tmp_path):
    from docx import Document

    province = tmp_path / "tinh"
    province.mkdir()
    source = ('{% for i in range(3) %}{{ loop.index }}{% endfor %}|{{ "ab" * 3 }}|{{ 2 ** 10 }}|{{ "%05d" % 42 }}|'
              '{{ "{:>6}".format(year) }}|{{ unit.short_name|center(30)|trim }}|{{ 7 // 2 }}')
    (province / TO_TRINH).write_bytes(H.body_text(BASE, source))
    code, text = _build(inputs, province)
    assert code == 0, text
    made = Document(str(tmp_path / "outputs" / "quang-phu" / "2024" / TO_TRINH))
    assert "123|ababab|1024|00042|  2024|UBND xã Quảng Phú|3" in [p.text for p in made.paragraphs]
