"""A Word file edited by hand in `outputs/` is never lost by a rebuild (issue 22, item 7), nor is a file
the officer put in a dossier's folder (`pipeline/build/outputs.py: keep_by_hand`, called by the build's swap)."""

from __future__ import annotations

import datetime as dt

from docx import Document

from conftest import EXAMPLE_TEXT, docx_texts, edit
from pipeline.cli.dossier import build_all

TO_TRINH = "to-trinh-de-nghi-cong-nhan.docx"


def _run(inputs, outputs, **kw):
    lines: list[str] = []
    code = build_all(inputs, outputs, pdf=False, progress=False, out=lines.append, **kw)
    return code, "\n".join(lines)


def test_a_hand_edited_document_is_kept_beside_the_new_one_and_the_run_says_so(tmp_path):
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    (inputs / "xa-a").mkdir(parents=True)
    source = inputs / "xa-a" / "2024.yaml"
    source.write_text(EXAMPLE_TEXT, encoding="utf-8")
    assert _run(inputs, outputs)[0] == 0
    folder = outputs / "xa-a" / "2024"
    doc = Document(folder / TO_TRINH)
    doc.add_paragraph("Đoạn cán bộ gõ thêm trong Word")
    doc.save(folder / TO_TRINH)
    (folder / "to-trinh-da-ky.pdf").write_bytes(b"%PDF-1.4 scanned")  # the officer's own file
    untouched = (folder / "mau-2-bang-tong-hop.docx").read_bytes()

    source.write_text(edit(EXAMPLE_TEXT, "number: 10/TTr-UBND", "number: 11/TTr-UBND"), encoding="utf-8")
    code, text = _run(inputs, outputs)
    assert code == 0, text
    kept = folder / f"to-trinh-de-nghi-cong-nhan (sua tay {dt.date.today().isoformat()}).docx"
    assert kept.exists()
    assert "Đoạn cán bộ gõ thêm trong Word" in docx_texts(Document(kept))
    new = docx_texts(Document(folder / TO_TRINH))
    assert "Đoạn cán bộ gõ thêm trong Word" not in new and any("11/TTr-UBND" in t for t in new)
    assert f"{TO_TRINH} đã được sửa tay" in text and kept.name in text
    assert (folder / "to-trinh-da-ky.pdf").read_bytes() == b"%PDF-1.4 scanned" and "to-trinh-da-ky.pdf" in text
    assert not list(folder.glob("mau-2-bang-tong-hop (sua tay*"))  # not edited: replaced without a copy
    assert (folder / "mau-2-bang-tong-hop.docx").read_bytes() == untouched  # same content: same bytes

    source.write_text(edit(EXAMPLE_TEXT, "number: 10/TTr-UBND", "number: 12/TTr-UBND"), encoding="utf-8")
    code, text = _run(inputs, outputs)  # nothing edited since: no new copy, the earlier ones stay
    assert code == 0 and "sửa tay sau lần lập trước" not in text
    assert kept.exists() and (folder / "to-trinh-da-ky.pdf").exists()
    assert len(list(folder.glob("*sua tay*"))) == 1
